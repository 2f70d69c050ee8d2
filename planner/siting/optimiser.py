"""Choose K new daycare sites among candidates, keeping the existing units, solved exactly as a MILP.

Notation: demand points i (weight wᵢ in coefficient-weighted seats), sites j = existing units followed
by candidates, travel time dᵢⱼ (seconds, inf = unreachable), capacity Cⱼ (seats, inf = uncapacitated),
yⱼ ∈ {0, 1} opens candidate j (existing units are always open), xᵢⱼ ≥ 0 seats of i served at j.

**Capacitated p-median** (Hakimi 1964; ReVelle & Swain 1970) — minimise total seat-weighted travel time::

    min  Σᵢⱼ dᵢⱼ xᵢⱼ + M Σᵢ uᵢ
    s.t. Σⱼ xᵢⱼ + uᵢ = wᵢ            every demand point is served (uᵢ: unmet, penalised by M)
         Σᵢ xᵢⱼ ≤ Cⱼ                  existing unit j
         Σᵢ xᵢⱼ ≤ Cⱼ yⱼ               candidate j
         xᵢⱼ ≤ wᵢ yⱼ                  candidate j (tightens the relaxation)
         Σ_candidates yⱼ = K

M = (sites + 1) × (longest finite trip + 1 s) per seat (:meth:`SiteModel.unmet_penalty_s`), so the
optimum places as many seats as the capacities allow before it shortens trips. Demand left unmet (the
capacities fall short, or a point reaches only full units) is not an error: a planner asking where to
add sites in an area short of places needs the answer most of all. It is reported as
``SiteResult.unmet_seats`` with a sentence saying how many seats are still missing. Models with at most ``exact_pairs`` reachable (point, site) pairs are solved complete.
Larger ones are reduced: every existing unit (always open, so no linking rows), and per point the
candidates quicker than its quickest existing unit (which is all an uncapacitated point could ever use)
plus at least its ``neighbours`` quickest candidates. Then two checks add pairs and solve again: points
left unserved get every reachable site, and the assignment LP over *all* pairs with the chosen sites
open must not beat the MILP (else the pairs it uses are added). The result is optimal on the kept
pairs; without capacity limits on candidates that equals the complete optimum. The tests check the
complete model against brute-force enumeration of all K-subsets and the reduced one against the
complete one.

**Maximal covering with capacities** (Church & ReVelle 1974) — maximise demand served within max_s::

    max  Σ_{dᵢⱼ ≤ max_s} xᵢⱼ
    s.t. Σⱼ xᵢⱼ ≤ wᵢ;  capacity and linking rows as above;  Σ yⱼ = K

(only pairs within max_s exist, so this model is exact without pruning).

Both are solved by HiGHS through :func:`scipy.optimize.milp` with sparse constraint matrices, except
the p-median without any seat limit (existing units and candidates all unlimited): every point then
simply uses its quickest open site and :mod:`planner.siting.uncapacitated` finds the exact optimum by
a Lagrangian bound and enumeration of the K-subsets under it (2,000 × 200, K = 5, no existing units:
seconds instead of minutes).
``before`` / ``after`` metrics use each demand point's quickest open site (existing units, then existing
plus chosen), weighted by demand seats.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, Sequence

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, linprog

from planner.errors import InfeasibleError, InputError, ProblemCollector
from planner.i18n import translate
from planner.progress import Progress
from planner.siting.accessibility import nearest, travel_metrics

OBJECTIVES = ("p-median", "coverage")
DEFAULT_NEIGHBOURS = 5
MAX_CLOSER = 60
DEFAULT_EXACT_PAIRS = 40_000


@dataclass(frozen=True)
class SiteResult:
    """The chosen candidates (indices into the candidate list) and how demand is served.

    ``assignment`` is a sparse (demand points × sites) array of seats, sites = existing then candidates.
    ``objective_value``: seat-seconds (p-median) or seats covered (coverage). ``before`` / ``after``:
    ``coverage_share``, ``mean_travel_s``, ``p90_travel_s`` (+ ``children`` = demand seats,
    ``unreachable_share``). ``unmet_seats``: seats of reachable demand the open sites cannot take
    (capacity short, or only full units within reach); 0 when every seat is placed.
    """

    chosen: tuple[int, ...]
    assignment: sp.csr_array
    objective_value: float
    before: dict[str, float]
    after: dict[str, float]
    status: str
    explanation: str
    objective: str
    assigned_mean_travel_s: float
    unreachable_seats: float
    pairs_kept: int
    details: dict[str, Any] = field(default_factory=dict)
    unmet_seats: float = 0.0


class SiteModel:
    """One siting problem on a cost matrix; build with :meth:`from_cost_matrix`, then :meth:`solve`."""

    def __init__(self, cost_s: np.ndarray, demand: np.ndarray, existing_capacity: np.ndarray,
                 candidate_capacity: np.ndarray, k: int, objective: str, max_s: float | None,
                 neighbours: int, exact_pairs: int = DEFAULT_EXACT_PAIRS) -> None:
        self.cost_s = cost_s
        self.demand = demand
        self.existing_capacity = existing_capacity
        self.candidate_capacity = candidate_capacity
        self.k = k
        self.objective = objective
        self.max_s = max_s
        self.neighbours = neighbours
        self.exact_pairs = exact_pairs

    @property
    def n_existing(self) -> int:
        return int(self.existing_capacity.size)

    @property
    def n_candidates(self) -> int:
        return int(self.candidate_capacity.size)

    @classmethod
    def from_cost_matrix(cls, cost_s, demand, existing_capacity, candidate_capacity, k: int,
                         objective: str = "p-median", max_s: float | None = None, *,
                         neighbours: int = DEFAULT_NEIGHBOURS,
                         exact_pairs: int = DEFAULT_EXACT_PAIRS) -> "SiteModel":
        """Validate and build.

        ``cost_s``: (demand points × (existing + candidates)) seconds, inf unreachable, existing columns
        first. ``demand``: seats per point. Capacities in seats (inf = no limit); ``candidate_capacity``
        may be one number for all. ``k``: new sites to open. ``max_s``: coverage threshold (seconds;
        required for ``coverage``, used for the coverage share in the metrics otherwise).
        ``neighbours`` / ``exact_pairs``: p-median models with more than ``exact_pairs`` reachable
        (point, site) pairs keep only each point's ``neighbours`` quickest sites (see :meth:`solve`).
        """
        problems = ProblemCollector()
        cost = np.asarray(cost_s, dtype=float)
        demand = np.asarray(demand, dtype=float).ravel()
        existing = np.asarray(existing_capacity, dtype=float).ravel()
        candidate = np.asarray(candidate_capacity, dtype=float)
        if cost.ndim != 2:
            raise InputError.single("cost_s", f"shape {cost.shape}", "a 2-D matrix demand points × sites")
        n_cand_cols = cost.shape[1] - existing.size
        if candidate.ndim == 0:
            candidate = np.full(max(n_cand_cols, 0), float(candidate))
        candidate = candidate.ravel()
        if cost.shape != (demand.size, existing.size + candidate.size):
            problems.add("cost_s", f"shape {cost.shape}",
                         f"shape ({demand.size}, {existing.size + candidate.size}) = demand points × "
                         f"({existing.size} existing + {candidate.size} candidates)")
        if np.any(np.isnan(cost)) or np.any(cost < 0):
            problems.add("cost_s", "nan or negative times", "travel times in seconds ≥ 0 (inf for unreachable)")
        if not np.all(np.isfinite(demand)) or np.any(demand < 0):
            problems.add("demand", "nan, inf or negative", "seats of demand per point, 0 or more")
        for name, values in (("existing_capacity", existing), ("candidate_capacity", candidate)):
            if np.any(np.isnan(values)) or np.any(values < 0):
                problems.add(name, "nan or negative", "capacity in seats ≥ 0 (inf for no limit)")
        if objective not in OBJECTIVES:
            problems.add("objective", objective, f"one of {', '.join(OBJECTIVES)}")
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 0:
            problems.add("k", k, "a whole number of new sites, 0 or more")
        if objective == "coverage" and (max_s is None or not math.isfinite(max_s) or max_s <= 0):
            problems.add("max_s", max_s, "a coverage threshold in seconds above 0")
        elif max_s is not None and (not math.isfinite(max_s) or max_s <= 0):
            problems.add("max_s", max_s, "a threshold in seconds above 0")
        if neighbours < 0:
            problems.add("neighbours", neighbours, "0 or more")
        problems.raise_if_any()
        return cls(cost, demand, existing, candidate, int(k), objective, max_s, int(neighbours), int(exact_pairs))

    # ------------------------------------------------------------------ feasibility
    def check_feasible(self, lang: str = "en") -> None:
        """Raise ``InfeasibleError`` when no solution can exist (more new sites than candidates).

        Too little capacity is not infeasible: the solution then reports its ``unmet_seats``."""
        if self.k > self.n_candidates:
            raise InfeasibleError(translate("siting.infeasible.k_too_large", lang, k=self.k,
                                            candidates=self.n_candidates))

    def unmet_penalty_s(self) -> float:
        """Cost of one unplaced seat in the p-median objective (seconds): (sites + 1) × (longest finite
        trip + 1 s), more than any chain of reassignments a placed seat can cost."""
        finite = np.isfinite(self.cost_s)
        longest = float(self.cost_s[finite].max()) if finite.any() else 0.0
        return (self.cost_s.shape[1] + 1) * (longest + 1.0)

    def _reachable_mask(self) -> np.ndarray:
        return np.isfinite(self.cost_s).any(axis=1) & (self.demand > 0)

    # ------------------------------------------------------------------ solve
    def solve(self, *, lang: str = "en", time_limit_s: float | None = None,
              mip_rel_gap: float = 1e-7, progress: Progress | None = None) -> SiteResult:
        """Solve to optimality (within ``mip_rel_gap``) and return a frozen :class:`SiteResult`.

        p-median: the complete model when it has at most ``exact_pairs`` reachable pairs, else the model
        on each point's ``neighbours`` quickest sites (widened while demand is left unmet);
        ``details["model"]`` says which. ``progress`` (:class:`planner.progress.Progress`): checked between
        solver calls (``Cancelled`` when it says stop); each MILP's time limit is at most its time left.
        """
        progress = progress or Progress()
        self.check_feasible(lang)
        rows = np.flatnonzero(self._reachable_mask())
        if self.objective == "p-median" and self.uncapacitated:
            return self._solve_uncapacitated(rows, lang, time_limit_s, mip_rel_gap, progress)
        if self.objective == "coverage":
            pairs = self._pairs_within(rows, self.max_s)
            solution = self._solve(rows, pairs, progress.time_limit_s(time_limit_s), mip_rel_gap, progress)
            solution["model"] = "complete"
        else:
            full = int(np.isfinite(self.cost_s[rows]).sum())
            complete = full <= self.exact_pairs
            tolerance = 1e-6 * max(1.0, float(self.demand.sum()))
            pairs = self._pairs_nearest(rows, self.cost_s.shape[1]) if complete else self._pairs_reduced(rows)
            for round_no in range(20):
                progress.update(round_no, 20)
                solution = self._solve(rows, pairs, progress.time_limit_s(time_limit_s), mip_rel_gap, progress)
                if pairs[0].size == full:
                    break
                if solution["unmet"] > tolerance:   # open up every site for the points left unserved
                    short = np.flatnonzero(solution["unmet_by_row"] > 1e-9)
                    i, j = np.nonzero(np.isfinite(self.cost_s[rows[short]]))
                    widened = _union(pairs, (short[i], j))
                    if widened[0].size > pairs[0].size:
                        pairs = widened
                        continue
                better = self._reassign(rows, solution["chosen"], solution["value"])
                if better is None:
                    break
                pairs = _union(pairs, better)
            solution["model"] = "complete" if pairs[0].size == full else \
                (f"reduced: every existing unit, candidates quicker than the nearest existing unit or among "
                 f"the {self.neighbours} quickest, + added pairs ({pairs[0].size} of {full} pairs)")
        return self._result(rows, pairs, solution, lang)

    @property
    def uncapacitated(self) -> bool:
        """No seat limit anywhere: every point simply goes to its quickest open site."""
        return bool(np.all(np.isinf(self.existing_capacity)) and np.all(np.isinf(self.candidate_capacity)))

    def _solve_uncapacitated(self, rows: np.ndarray, lang: str, time_limit_s: float | None,
                             mip_rel_gap: float, progress: Progress) -> SiteResult:
        """p-median without seat limits: the radius formulation (planner/siting/uncapacitated.py)."""
        from planner.siting.uncapacitated import solve_enumeration, solve_radius

        cost = self.cost_s[rows]
        m_e = self.n_existing
        base = cost[:, :m_e].min(axis=1) if m_e else np.full(rows.size, np.inf)
        w = self.demand[rows]
        penalty = self.unmet_penalty_s()
        found = solve_enumeration(cost[:, m_e:], base, w, self.k, penalty)
        method = "Lagrangian bound + enumeration"
        if found is None:   # too many sets under the bound: the MILP (also exact)
            found = solve_radius(cost[:, m_e:], base, w, self.k, penalty, time_limit_s=time_limit_s,
                                 mip_rel_gap=mip_rel_gap, progress=progress)
            method = "radius formulation MILP"
        columns = np.array(list(range(m_e)) + [m_e + j for j in found.chosen], dtype=np.int64)
        open_cost = cost[:, columns]
        best = np.argmin(np.where(np.isfinite(open_cost), open_cost, np.inf), axis=1)
        served = np.isfinite(open_cost[np.arange(rows.size), best])
        unmet = float(w[~served].sum())
        pairs = (np.flatnonzero(served), columns[best[served]])
        solution = {"x": w[served], "unmet": unmet, "chosen": found.chosen, "status": found.status, "mip_gap": found.mip_gap,
                    "model": (f"uncapacitated, exact: {method} ({found.rounds} sets or rounds; "
                              f"greedy + interchange start {found.heuristic_value:.0f})")}
        return self._result(rows, pairs, solution, lang)

    def _pairs_nearest(self, rows: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
        cost = self.cost_s[rows]
        m = cost.shape[1]
        if limit >= m:
            i, j = np.nonzero(np.isfinite(cost))
        else:
            order = np.argpartition(cost, limit - 1, axis=1)[:, :limit]
            i = np.repeat(np.arange(rows.size), limit)
            j = order.ravel()
            keep = np.isfinite(cost[i, j])
            i, j = i[keep], j[keep]
        return i, j

    def _pairs_reduced(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every reachable existing unit (always open; no linking rows) + for each point the candidates
        quicker than its quickest existing unit (at most 60) and at least its ``neighbours`` quickest."""
        cost = self.cost_s[rows]
        m_e = self.n_existing
        i_e, j_e = np.nonzero(np.isfinite(cost[:, :m_e]))
        candidate_cost = cost[:, m_e:]
        if candidate_cost.shape[1] == 0:
            return i_e, j_e
        nearest_existing = cost[:, :m_e].min(axis=1) if m_e else np.full(rows.size, np.inf)
        rank = np.argsort(np.argsort(candidate_cost, axis=1, kind="stable"), axis=1, kind="stable")
        keep = (rank < self.neighbours) | ((candidate_cost < nearest_existing[:, None]) & (rank < MAX_CLOSER))
        i_c, j_c = np.nonzero(keep & np.isfinite(candidate_cost))
        return np.concatenate([i_e, i_c]), np.concatenate([j_e, m_e + j_c])

    def _pairs_within(self, rows: np.ndarray, max_s: float) -> tuple[np.ndarray, np.ndarray]:
        i, j = np.nonzero(self.cost_s[rows] <= max_s)
        return i, j

    def _reassign(self, rows: np.ndarray, chosen: Sequence[int], value: float
                  ) -> tuple[np.ndarray, np.ndarray] | None:
        """With the chosen sites open, solve the assignment (transport) LP on every reachable pair; when
        it beats ``value`` return its pairs (to add to the reduced model), else None."""
        columns = np.array(list(range(self.n_existing)) + [self.n_existing + j for j in chosen], dtype=int)
        cost = self.cost_s[rows][:, columns]
        i, jj = np.nonzero(np.isfinite(cost))
        n = rows.size
        capacity = np.concatenate([self.existing_capacity, self.candidate_capacity])[columns]
        penalty = self.unmet_penalty_s()
        c = np.concatenate([cost[i, jj], np.full(n, penalty)])
        a_eq = sp.hstack([sp.csr_array((np.ones(i.size), (i, np.arange(i.size))), shape=(n, i.size)),
                          sp.identity(n, format="csr")], format="csr")
        finite = np.isfinite(capacity)
        rank = np.cumsum(finite) - 1
        keep = finite[jj]
        a_ub = sp.csr_array((np.ones(int(keep.sum())), (rank[jj[keep]], np.flatnonzero(keep))),
                            shape=(int(finite.sum()), c.size))
        lp = linprog(c, A_ub=a_ub, b_ub=capacity[finite], A_eq=a_eq, b_eq=self.demand[rows],
                     bounds=(0, None), method="highs")
        if lp.status != 0 or lp.fun >= value - 1e-7 * max(1.0, abs(value)):
            return None
        used = lp.x[: i.size] > 1e-9
        return i[used], columns[jj[used]]

    def _build(self, rows: np.ndarray, pairs: tuple[np.ndarray, np.ndarray]) -> dict[str, Any]:
        """Objective, equality rows (demand for p-median, then Σy = K) and ≤ rows (capacity, linking)."""
        pi, pj = pairs
        n, n_pairs, m_e, m_c = rows.size, pi.size, self.n_existing, self.n_candidates
        w = self.demand[rows]
        pmedian = self.objective == "p-median"
        n_unmet = n if pmedian else 0
        n_vars = n_pairs + n_unmet + m_c
        y0 = n_pairs + n_unmet
        d = self.cost_s[rows][pi, pj]
        c = np.zeros(n_vars)
        if pmedian:
            c[:n_pairs] = d
            c[n_pairs:y0] = self.unmet_penalty_s()
        else:
            c[:n_pairs] = -1.0  # maximise covered seats
        demand_rows = sp.coo_array((np.ones(n_pairs), (pi, np.arange(n_pairs))), shape=(n, n_vars))
        if pmedian:
            demand_rows = demand_rows + sp.coo_array((np.ones(n), (np.arange(n), n_pairs + np.arange(n))),
                                                     shape=(n, n_vars))
        k_row = sp.coo_array((np.ones(m_c), (np.zeros(m_c, dtype=int), y0 + np.arange(m_c))), shape=(1, n_vars))
        # capacity rows, one per site with a finite capacity
        capacity = np.concatenate([self.existing_capacity, self.candidate_capacity])
        finite = np.isfinite(capacity)
        cap_sites = np.flatnonzero(finite)
        site_rows = np.cumsum(finite) - 1
        keep = finite[pj]
        cand_finite = np.flatnonzero(finite[m_e:])
        cap_rows = sp.coo_array(
            (np.concatenate([np.ones(int(keep.sum())), -capacity[m_e + cand_finite]]),
             (np.concatenate([site_rows[pj[keep]], site_rows[m_e + cand_finite]]),
              np.concatenate([np.flatnonzero(keep), y0 + cand_finite]))),
            shape=(cap_sites.size, n_vars))
        cap_upper = np.where(cap_sites < m_e, capacity[cap_sites], 0.0)
        # linking rows x_ij - w_i y_j <= 0 for candidate pairs
        cand_pairs = np.flatnonzero(pj >= m_e)
        n_link = cand_pairs.size
        link_rows = sp.coo_array(
            (np.concatenate([np.ones(n_link), -w[pi[cand_pairs]]]),
             (np.concatenate([np.arange(n_link), np.arange(n_link)]),
              np.concatenate([cand_pairs, y0 + pj[cand_pairs] - m_e]))),
            shape=(n_link, n_vars))
        eq_blocks, b_eq = [k_row], [np.array([float(self.k)])]
        ub_blocks, b_ub = [cap_rows, link_rows], [cap_upper, np.zeros(n_link)]
        if pmedian:
            eq_blocks.insert(0, demand_rows); b_eq.insert(0, w)
        else:
            ub_blocks.append(demand_rows); b_ub.append(w)
        ub = np.full(n_vars, np.inf)
        ub[y0:] = 1.0
        return {"c": c, "a_eq": sp.vstack(eq_blocks, format="csr"), "b_eq": np.concatenate(b_eq),
                "a_ub": sp.vstack(ub_blocks, format="csr"), "b_ub": np.concatenate(b_ub),
                "lb": np.zeros(n_vars), "ub": ub, "y0": y0, "n_pairs": n_pairs, "cap_sites": cap_sites}

    def _solve(self, rows: np.ndarray, pairs: tuple[np.ndarray, np.ndarray],
               time_limit_s: float | None, mip_rel_gap: float, progress: Progress | None = None) -> dict[str, Any]:
        from planner.solver import milp as solve_milp   # a child process a Stop can kill (pages' runs)

        problem = self._build(rows, pairs)
        n_vars, y0, n_pairs = problem["c"].size, problem["y0"], problem["n_pairs"]
        integrality = np.zeros(n_vars)
        integrality[y0:] = 1
        options: dict[str, Any] = {"mip_rel_gap": mip_rel_gap, "presolve": True}
        if time_limit_s is not None:
            options["time_limit"] = float(time_limit_s)
        constraints = [LinearConstraint(problem["a_eq"], problem["b_eq"], problem["b_eq"]),
                       LinearConstraint(problem["a_ub"], -np.inf, problem["b_ub"])]
        result = solve_milp(problem["c"], constraints=constraints, integrality=integrality,
                            bounds=Bounds(problem["lb"], problem["ub"]), options=options, progress=progress)
        if result.x is None:
            raise InfeasibleError(f"the solver found no solution: {result.message}")
        x = np.clip(result.x, 0.0, None)
        chosen = tuple(int(j) for j in np.flatnonzero(x[y0:] > 0.5))
        return {"x": x[:n_pairs], "unmet": float(x[n_pairs:y0].sum()), "unmet_by_row": x[n_pairs:y0],
                "chosen": chosen,
                "value": float(result.fun),
                "status": "optimal" if result.status == 0 else f"stopped: {result.message}",
                "mip_gap": float(getattr(result, "mip_gap", 0.0) or 0.0)}

    def _result(self, rows: np.ndarray, pairs: tuple[np.ndarray, np.ndarray], solution: dict[str, Any],
                lang: str) -> SiteResult:
        pi, pj = pairs
        x = solution["x"]
        n_total, m = self.cost_s.shape
        assignment = sp.csr_array((x, (rows[pi], pj)), shape=(n_total, m))
        assignment.eliminate_zeros()
        d = self.cost_s[rows][pi, pj]
        served = float(x.sum())
        if self.objective == "coverage":
            objective_value = served
        else:
            objective_value = float(np.dot(d, x))
        assigned_mean = float(np.dot(d, x) / served) if served > 0 else float("nan")
        max_s = self.max_s if self.max_s is not None else float("inf")
        chosen = solution["chosen"]
        before = self.metrics_for(())
        after = self.metrics_for(chosen)
        unreachable = float(self.demand[~np.isfinite(self.cost_s).any(axis=1)].sum())
        params = {"k": len(chosen), "candidates": self.n_candidates,
                  "before_min": _minutes(before["mean_travel_s"]), "after_min": _minutes(after["mean_travel_s"]),
                  "before_share": _percent(before["coverage_share"]), "after_share": _percent(after["coverage_share"]),
                  "minutes": _fmt(max_s / 60.0) if math.isfinite(max_s) else "-",
                  "covered": _fmt(served), "demand": _fmt(float(self.demand.sum()))}
        if lang != "en":  # Finnish and Swedish write a decimal comma: 3,8 min
            params = {name: value.replace(".", ",") if isinstance(value, str) else value
                      for name, value in params.items()}
        key = "siting.explanation.coverage" if self.objective == "coverage" else "siting.explanation.p_median"
        explanation = translate(key, lang, **params)
        if unreachable > 0:
            explanation += " " + translate("siting.explanation.unreachable", lang, seats=_fmt(unreachable))
        unmet = float(solution.get("unmet", 0.0)) if self.objective == "p-median" else 0.0
        if unmet <= 1e-6 * max(1.0, float(self.demand.sum())):
            unmet = 0.0
        else:
            explanation += " " + translate("siting.explanation.short", lang, unmet=_fmt(unmet),
                                           demand=_fmt(float(self.demand[rows].sum())))
        return SiteResult(chosen=chosen, assignment=assignment, objective_value=objective_value, before=before,
                          after=after, status=solution["status"], explanation=explanation,
                          objective=self.objective, assigned_mean_travel_s=assigned_mean,
                          unreachable_seats=unreachable, pairs_kept=int(pi.size),
                          details={"mip_gap": solution["mip_gap"], "served_seats": served,
                                   "model": solution["model"]}, unmet_seats=unmet)

    def metrics_for(self, chosen: Sequence[int]) -> dict[str, float]:
        """Nearest-open-site metrics with the existing units plus the given candidate indices open."""
        columns = list(range(self.n_existing)) + [self.n_existing + int(j) for j in chosen]
        _, time_s = nearest(self.cost_s[:, columns])
        max_s = self.max_s if self.max_s is not None else float("inf")
        metrics = travel_metrics(time_s, self.demand, max_s)
        if self.max_s is None:
            metrics["coverage_share"] = float("nan")
        return metrics


def enumerate_subsets(n_candidates: int, k: int):
    """All K-subsets of candidate indices (for brute-force checks on small instances)."""
    return combinations(range(n_candidates), k)


def _fmt(value: float) -> str:
    if not math.isfinite(value):
        return "∞"
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"


def _minutes(seconds: float) -> str:
    return _fmt(seconds / 60.0) if math.isfinite(seconds) else "∞"


def _percent(share: float) -> str:
    return f"{share * 100:.0f}" if math.isfinite(share) else "-"


def _union(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Union of two (rows, columns) pair lists, without duplicates."""
    i = np.concatenate([a[0], b[0]]).astype(np.int64)
    j = np.concatenate([a[1], b[1]]).astype(np.int64)
    key = np.unique(i * (int(j.max(initial=0)) + 1) + j)
    width = int(j.max(initial=0)) + 1
    return key // width, key % width
