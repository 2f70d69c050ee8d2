"""Exact weighted-seat assignment (MILP, HiGHS through ``scipy.optimize.milp``).

Formulation, for the candidate pairs P (hard rules hold; the ``k_nearest`` nearest feasible units per
child plus its catchment, current, sibling and preferred units), binary ``x_ij`` (child i offered unit j)
and, per sibling group g and unit j that all members may get, ``0 ≤ z_gj ≤ 1`` (the whole group in j)::

    Σ_j x_ij ≤ 1                      every child at most one offer
    Σ_i w_i x_ij ≤ s_j                seat weights within the unit's available seats
    z_gj ≤ x_ij  for i in g           a group counts as together only when all members are in j

Priorities are lexicographic, in this order (each a linear function of x, z; smaller is better)::

    L1 = −Σ x               (place as many children as possible)
    L2 = −Σ x_ij [j = catchment(i)]
    L3 = −Σ z               (sibling groups together)
    L4 = −Σ x_ij [j = current(i)]
    L5 =  Σ t_ij x_ij       (total travel time, seconds)

and solved as **one** MILP minimising ``Σ_k W_k L_k``. :func:`objective_weights` chooses the weights
(proofs in docs/placement.md):

* ``"exact"`` regime – ``W_5 = 1`` and ``W_k = 1 + Σ_{l>k} W_l · R_l`` with ``R_l`` the largest possible
  change of level l. Then no change of the lower levels can outweigh one step of a higher level, so the
  weighted optimum is the lexicographic optimum. These weights grow like (n+1)^4 · 3600 and are used while
  ``W_1 ≤ 1e9`` (about 20 children), beyond which floating point and solver tolerances would blur them.
* ``"per-child"`` regime (larger rounds) – ``W_4 = T + 1``, ``W_3 = g (W_4 + T) + 1``,
  ``W_2 = W_3 + W_4 + T + 1``, ``W_1 = W_2 + W_3 + W_4 + T + 1`` with T the largest candidate travel time
  and g the largest sibling group: for any one child (and any one sibling group) a higher priority always
  outweighs all its lower ones together, and within a level every child counts the same.

Large rounds (per-child regime) first solve the LP relaxation, keep the children it places whole, and
let the MILP place the others (``full_milp=True`` skips this); the LP value is reported as
``lower_bound`` so the distance to the true optimum is always known (``status`` "near-optimal").
Solving sequentially level by level (fixing each optimum as a constraint) is exact too, but the dense
fixing rows made HiGHS far slower than the 30 s target at 5,000 children.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.sparse import coo_array, csr_array

from planner.errors import InfeasibleError
from planner.placement.rules import PlacementProblem

EXACT_WEIGHT_LIMIT = 1e9
LEVELS: tuple[str, ...] = ("placed", "in_catchment", "siblings_together", "current_unit_kept",
                           "total_travel_time_s")


@dataclass(frozen=True)
class Assignment:
    """Result of one placement algorithm: ``unit_of[i]`` is the unit index of child i, −1 unplaced."""

    method: str
    unit_of: tuple[int, ...]
    objective: dict = field(default_factory=dict)
    status: str = "optimal"
    weights: tuple[float, ...] = ()
    regime: str = ""


def objective_levels(problem: PlacementProblem, unit_of) -> dict:
    """The lexicographic levels of any assignment (counts, and the total travel time in seconds)."""
    unit_of = np.asarray(unit_of, dtype=int)
    placed = unit_of >= 0
    idx = np.flatnonzero(placed)
    together = 0
    for group in problem.groups:
        units = {int(unit_of[i]) for i in group}
        if len(units) == 1 and -1 not in units:
            together += 1
    return {
        "placed": int(placed.sum()),
        "in_catchment": int(((unit_of == problem.catchment_index) & placed).sum()),
        "siblings_together": together,
        "current_unit_kept": int(((unit_of == problem.current_index) & placed).sum()),
        "total_travel_time_s": float(problem.travel_time_s[idx, unit_of[idx]].sum()) if idx.size else 0.0,
    }


def lexicographic_key(levels: dict) -> tuple:
    """Sort key: smaller is better (more placed, … , less travel)."""
    return (-levels["placed"], -levels["in_catchment"], -levels["siblings_together"],
            -levels["current_unit_kept"], round(levels["total_travel_time_s"], 6))


def objective_weights(problem: PlacementProblem, levels: np.ndarray, pair_child: np.ndarray, *,
                      regime: str | None = None) -> tuple[np.ndarray, str]:
    """Weights ``W_1..W_5`` of the levels and the regime used ("exact" or "per-child"), see module doc."""
    n = len(problem.children)
    travel = levels[4, : pair_child.size]
    t_max = float(np.ceil(travel.max())) if travel.size else 0.0
    # largest change of each level: counts of children / groups that can score, summed worst travel
    worst = np.zeros(n)
    np.maximum.at(worst, pair_child, travel)
    ranges = [float(n), float(np.unique(pair_child[levels[1, : pair_child.size] != 0]).size),
              float(len(problem.groups)), float(np.unique(pair_child[levels[3, : pair_child.size] != 0]).size),
              float(np.ceil(worst.sum()))]
    exact = [0.0] * 5
    exact[4] = 1.0
    for k in (3, 2, 1, 0):
        exact[k] = 1.0 + sum(exact[l] * ranges[l] for l in range(k + 1, 5))
    if regime is None:
        regime = "exact" if exact[0] <= EXACT_WEIGHT_LIMIT else "per-child"
    if regime == "exact":
        return np.array(exact), regime
    g = max((len(group) for group in problem.groups), default=1)
    w4 = t_max + 1.0
    w3 = g * (w4 + t_max) + 1.0
    w2 = w3 + w4 + t_max + 1.0
    w1 = w2 + w3 + w4 + t_max + 1.0
    return np.array([w1, w2, w3, w4, 1.0]), regime


def solve_optimal(problem: PlacementProblem, *, time_limit_s: float | None = None,
                  regime: str | None = None, mip_rel_gap: float = 1e-6,
                  full_milp: bool = False, progress: Any = None) -> Assignment:
    """The lexicographically optimal assignment (see the module docstring for the formulation).
    ``progress`` (:class:`planner.progress.Progress`, optional) is checked before each solver call and
    caps its time limit at the time left."""
    from scipy.optimize import Bounds, LinearConstraint  # here: scipy.optimize is slow to import (cold CLI)

    from planner.solver import milp  # a child process a Stop can kill (pages' runs), else scipy's milp

    n, m = len(problem.children), len(problem.units)
    rows: list[int] = []
    cols: list[int] = []
    cand_of: list[set[int]] = []
    all_cand = [set(problem.candidates(i).tolist()) for i in range(n)]
    if problem.rules.sibling_rule == "hard":  # a group's children may only get units open to all of them
        for group in problem.groups:
            free = [i for i in group if problem.fixed_index[i] < 0]
            fixed_units = {int(problem.fixed_index[i]) for i in group if problem.fixed_index[i] >= 0}
            ok = np.logical_and.reduce([problem.feasible[i] for i in free]) if free else np.zeros(m, bool)
            common_arr = np.flatnonzero(ok)
            if common_arr.size > problem.rules.k_nearest:  # the k units nearest for the group as a whole
                total = problem.travel_time_s[np.ix_(free, common_arr)].sum(axis=0)
                common_arr = common_arr[np.argsort(total, kind="stable")[: problem.rules.k_nearest]]
            common = set(common_arr.tolist())
            if fixed_units:
                common = {j for j in fixed_units if ok[j]}
            for i in free:
                all_cand[i] = common
    for i in range(n):
        cand = sorted(all_cand[i])
        cand_of.append(set(cand))
        rows.extend([i] * len(cand))
        cols.extend(cand)
    pair_child = np.array(rows, dtype=int)
    pair_unit = np.array(cols, dtype=int)
    n_x = pair_child.size
    if n_x == 0:
        return Assignment("optimal", tuple([-1] * n), objective_levels(problem, [-1] * n))
    pair_of = {(int(a), int(b)): k for k, (a, b) in enumerate(zip(pair_child, pair_unit))}

    # sibling linking variables z_gj for units every member of the group may get
    z_links: list[tuple[int, list[int]]] = []
    for group in problem.groups:
        common = set.intersection(*(cand_of[i] for i in group))
        for j in sorted(common):
            z_links.append((j, [pair_of[(i, j)] for i in group]))
    n_z = len(z_links)
    n_var = n_x + n_z

    constraints = []
    # one offer per child
    a_child = csr_array((np.ones(n_x), (pair_child, np.arange(n_x))), shape=(n, n_var))
    constraints.append(LinearConstraint(a_child, -np.inf, 1.0))
    # seats per unit
    a_unit = csr_array((problem.weights[pair_child], (pair_unit, np.arange(n_x))), shape=(m, n_var))
    constraints.append(LinearConstraint(a_unit, -np.inf, problem.seats + 1e-9))
    for places, members in ((problem.places_u3, problem.under3), (problem.places_3p, ~problem.under3)):
        limited = np.isfinite(places)
        if limited.any():  # children per age group within the unit's places for that group
            take = members[pair_child] & limited[pair_unit]
            a_age = csr_array((np.ones(int(take.sum())), (pair_unit[take], np.flatnonzero(take))), shape=(m, n_var))
            constraints.append(LinearConstraint(a_age, -np.inf, np.where(limited, places, n) + 1e-9))
    if problem.rules.sibling_rule == "hard":  # x_aj = x_bj for the free children a, b of a group
        r, c, v = [], [], []
        row = 0
        for group in problem.groups:
            free = [i for i in group if problem.fixed_index[i] < 0]
            for a, b in zip(free, free[1:]):
                for j in sorted(cand_of[a]):
                    r += [row, row]
                    c += [pair_of[(a, j)], pair_of[(b, j)]]
                    v += [1.0, -1.0]
                    row += 1
        if row:
            constraints.append(LinearConstraint(coo_array((v, (r, c)), shape=(row, n_var)).tocsr(), 0.0, 0.0))
    if n_z:
        r, c, v = [], [], []
        row = 0
        for zk, (_, xs) in enumerate(z_links):
            for xk in xs:
                r += [row, row]
                c += [n_x + zk, xk]
                v += [1.0, -1.0]
                row += 1
        constraints.append(LinearConstraint(coo_array((v, (r, c)), shape=(row, n_var)).tocsr(), -np.inf, 0.0))

    levels = np.vstack([
        np.concatenate([-np.ones(n_x), np.zeros(n_z)]),
        np.concatenate([-(problem.catchment_index[pair_child] == pair_unit).astype(float), np.zeros(n_z)]),
        np.concatenate([np.zeros(n_x), -np.ones(n_z)]),
        np.concatenate([-(problem.current_index[pair_child] == pair_unit).astype(float), np.zeros(n_z)]),
        np.concatenate([problem.travel_time_s[pair_child, pair_unit], np.zeros(n_z)]),
    ])
    weights, regime = objective_weights(problem, levels, pair_child, regime=regime)
    cost = weights @ levels
    integrality = np.concatenate([np.ones(n_x), np.zeros(n_z)])
    lower, upper = np.zeros(n_var), np.ones(n_var)
    lower[:n_x][problem.fixed_index[pair_child] == pair_unit] = 1.0  # accepted offers are kept
    options: dict = {"presolve": True}
    if progress is not None:
        time_limit_s = progress.time_limit_s(time_limit_s)
    if time_limit_s is not None:
        options["time_limit"] = time_limit_s
    bound = None
    if regime != "exact" and not full_milp:
        # LP relaxation first: almost every child gets an integral unit there; fix those, and let the
        # MILP decide only the children the LP split between units (few: at most about one per full unit).
        lp = milp(cost, integrality=np.zeros(n_var), bounds=Bounds(lower, upper), constraints=constraints,
                  options=options, progress=progress)
        if lp.x is not None and lp.status == 0:
            bound = float(lp.fun)
            whole = lp.x[:n_x] > 1 - 1e-7
            settled = np.zeros(n, dtype=bool)
            settled[pair_child[whole]] = True
            upper[:n_x][settled[pair_child]] = 0.0
            lower[:n_x][whole] = upper[:n_x][whole] = 1.0
    if progress is not None and "time_limit" in options:
        options["time_limit"] = progress.time_limit_s(options["time_limit"])
    result = milp(cost, integrality=integrality, bounds=Bounds(lower, upper), constraints=constraints,
                  options=dict(options, mip_rel_gap=0.0 if regime == "exact" else mip_rel_gap), progress=progress)
    if result.x is None:
        raise InfeasibleError(f"the placement model could not be solved: {result.message}")
    status = "optimal" if result.status == 0 and bound is None else (
        "near-optimal" if result.status == 0 else "time_limit")
    solution = result.x
    unit_of = np.full(n, -1, dtype=int)
    if solution is not None:
        chosen = solution[:n_x] > 0.5
        unit_of[pair_child[chosen]] = pair_unit[chosen]
    levels_out = objective_levels(problem, unit_of)
    levels_out["weighted"] = float(cost @ solution)
    levels_out["lower_bound"] = bound if bound is not None else float(result.fun)
    return Assignment("optimal", tuple(int(u) for u in unit_of), levels_out, status,
                      tuple(float(w) for w in weights), regime)
