"""Exact uncapacitated p-median (no seat limits anywhere): bound-and-enumerate, radius MILP as fallback.

Without seat limits every demand point goes to its quickest open site: the cost of a set S of K
candidates is Σᵢ wᵢ min(baseᵢ, min_{j∈S} dᵢⱼ), ``baseᵢ`` being the point's quickest always-open
site (an existing unit; none: inf, and a point with no open reachable site costs ``penalty`` per
seat, i.e. it is unmet).

1. A good set: greedy opening, then best-improvement swaps (Teitz & Bart 1968).
2. A lower bound: the Lagrangian relaxation of "each point is served once" (Beasley 1993). For
   multipliers λ, any set S costs at least  C(λ) + Σ_{j∈S} Vⱼ(λ)  with
   Vⱼ = Σᵢ min(0, wᵢdᵢⱼ − λᵢ) and C = Σᵢ (λᵢ + min(0, wᵢbaseᵢ − λᵢ)); subgradient steps raise it.
3. Every K-subset whose bound is below the best cost found is evaluated, depth-first over the
   candidates in ascending Vⱼ (then the K − |S| next ones give the smallest completion, and a
   branch whose bound reaches the incumbent ends its whole level). A set that could beat the
   incumbent has a bound below it, so the result is the exact optimum; the compiled loops
   (numba) evaluate a set in one pass over the points.

On the SYNTHETIC 2,000 points × 200 candidates, K = 5 this visits about 7,500 sets of the 2.5
billion. When a problem needs more than ``max_nodes`` sets, :func:`solve_radius` solves it as a
MILP instead (also exact, slower): the radius formulation below.

Radius formulation (Cornuéjols, Nemhauser & Wolsey 1980; Elloumi 2010; García, Labbé & Marín 2011):
candidates quicker than ``baseᵢ`` sorted into distinct levels D¹ < D² < … (the sites at exactly Dᵏ
form level k), zᵢᵏ = "no site of levels 1..k is open"::

    min  Σᵢ wᵢ (D¹ + Σₖ (Dᵏ⁺¹ − Dᵏ) zᵢᵏ)
    s.t. zᵢ¹ + Σ_{j∈level 1} yⱼ ≥ 1,   zᵢᵏ − zᵢᵏ⁻¹ + Σ_{j∈level k} yⱼ ≥ 0,   Σ yⱼ = K,  y binary, z ≥ 0

written telescoped; each point keeps its first Lᵢ levels with the next level (or ``baseᵢ``, or the
penalty) as the cost beyond them, a relaxation; points whose optimum lies beyond get more levels
and the MILP is solved again, until none does (then the bound is reached: optimal).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint

from planner.network.kernels import njit

MARGIN_LEVELS = 4      # levels kept beyond the heuristic solution's level of each point
MIN_LEVELS = 3


@dataclass
class RadiusSolution:
    chosen: tuple[int, ...]      # candidate indices
    value: float                 # Σ wᵢ × time to the quickest open site (penalty for points without one)
    status: str
    mip_gap: float
    rounds: int
    levels_kept: int
    heuristic_value: float


def assignment_cost(cand_cost: np.ndarray, base: np.ndarray, w: np.ndarray, chosen, penalty: float) -> float:
    """Σ wᵢ min(baseᵢ, quickest chosen candidate), with ``penalty`` per seat where both are inf."""
    best = base.copy()
    if len(chosen):
        best = np.minimum(best, cand_cost[:, list(chosen)].min(axis=1))
    return float(np.dot(w, np.where(np.isfinite(best), best, penalty)))


def greedy_interchange(cand_cost: np.ndarray, base: np.ndarray, w: np.ndarray, k: int, penalty: float,
                       max_passes: int = 50) -> tuple[list[int], float]:
    """Greedy opening then best-improvement swaps until none improves (a good, not proven, solution)."""
    c = np.where(np.isfinite(cand_cost), cand_cost, penalty)
    cur = np.where(np.isfinite(base), base, penalty)
    chosen: list[int] = []
    for _ in range(k):
        gain = (w[:, None] * np.minimum(c, cur[:, None])).sum(axis=0)
        gain[chosen] = np.inf
        j = int(np.argmin(gain))
        chosen.append(j)
        cur = np.minimum(cur, c[:, j])
    value = float(np.dot(w, cur))
    base_c = np.where(np.isfinite(base), base, penalty)
    for _ in range(max_passes):
        best_move, best_value = None, value - 1e-9 * max(1.0, abs(value))
        for pos, j_out in enumerate(chosen):
            rest = [j for j in chosen if j != j_out]
            without = base_c.copy()
            if rest:
                without = np.minimum(without, c[:, rest].min(axis=1))
            values = (w[:, None] * np.minimum(c, without[:, None])).sum(axis=0)
            values[chosen] = np.inf
            j_in = int(np.argmin(values))
            if values[j_in] < best_value:
                best_move, best_value = (pos, j_in), float(values[j_in])
        if best_move is None:
            break
        chosen[best_move[0]] = best_move[1]
        value = best_value
    return sorted(chosen), assignment_cost(cand_cost, base, w, chosen, penalty)


def solve_radius(cand_cost: np.ndarray, base: np.ndarray, w: np.ndarray, k: int, penalty: float, *,
                 time_limit_s: float | None = None, mip_rel_gap: float = 1e-7, max_rounds: int = 30,
                 progress: Any = None) -> RadiusSolution:
    """Optimal K candidates (see the module docstring). ``cand_cost``: points × candidates seconds
    (inf unreachable); ``base``: per point the quickest always-open site (inf none); ``penalty``: cost
    per seat of a point with no open reachable site (large: such a point is unmet). ``progress``
    (:class:`planner.progress.Progress`, optional): checked before each MILP, which it time-limits."""
    n, m = cand_cost.shape
    heuristic, h_value = greedy_interchange(cand_cost, base, w, k, penalty) if k else ([], 0.0)
    if k == 0 or m == 0:
        return RadiusSolution(tuple(heuristic), h_value, "optimal", 0.0, 0, 0, h_value)
    # per point: the candidates quicker than its base, as distinct levels
    order = np.argsort(np.where(np.isfinite(cand_cost), cand_cost, np.inf), axis=1, kind="stable")
    sorted_cost = np.take_along_axis(cand_cost, order, axis=1)
    useful = sorted_cost < base[:, None]                       # inf never < anything
    n_useful = useful.sum(axis=1)
    # level index of each useful candidate (equal times share a level)
    new_level = np.ones_like(useful)
    new_level[:, 1:] = sorted_cost[:, 1:] != sorted_cost[:, :-1]
    level_of = np.cumsum(new_level & useful, axis=1) - 1
    n_levels = np.where(n_useful > 0, level_of[np.arange(n), np.maximum(n_useful - 1, 0)] + 1, 0)
    # the heuristic solution's level per point (its quickest chosen candidate, if quicker than base)
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(m)[None, :].repeat(n, axis=0), axis=1)
    h_pos = rank[:, heuristic].min(axis=1)
    h_level = np.where(h_pos < n_useful, level_of[np.arange(n), np.minimum(h_pos, m - 1)], n_levels)
    keep = np.minimum(n_levels, np.maximum(h_level + 1 + MARGIN_LEVELS, MIN_LEVELS))
    status, gap, chosen, value = "optimal", 0.0, tuple(heuristic), h_value
    for round_no in range(1, max_rounds + 1):
        limit_s = time_limit_s if progress is None else progress.time_limit_s(time_limit_s)
        chosen, status, gap = _solve_truncated(order, sorted_cost, useful, level_of, keep, n_levels, base, w, k,
                                               penalty, limit_s, mip_rel_gap, progress)
        # points whose quickest open site lies beyond their kept levels: the bound was not reached there
        pos = rank[:, list(chosen)].min(axis=1)
        lvl = np.where(pos < n_useful, level_of[np.arange(n), np.minimum(pos, m - 1)], n_levels)
        tail = (lvl >= keep) & (keep < n_levels)
        value = assignment_cost(cand_cost, base, w, chosen, penalty)
        if not tail.any():
            break
        keep = np.where(tail, np.minimum(n_levels, np.maximum(2 * keep, lvl + 1 + MARGIN_LEVELS)), keep)
    else:
        status = "stopped: the level widening did not settle"
    if h_value < value:  # cannot happen for an optimal MILP; keep the better answer if the solver stopped early
        chosen, value = tuple(heuristic), h_value
    return RadiusSolution(tuple(sorted(int(j) for j in chosen)), value, status, gap, round_no,
                          int(keep.sum()), h_value)


def _solve_truncated(order, sorted_cost, useful, level_of, keep, n_levels, base, w, k, penalty,
                     time_limit_s, mip_rel_gap, progress=None) -> tuple[tuple[int, ...], str, float]:
    n, m = sorted_cost.shape
    n_z = int(keep.sum())
    z0 = np.zeros(n + 1, dtype=np.int64)
    z0[1:] = np.cumsum(keep)                       # z of point i: m + z0[i] .. m + z0[i+1]-1
    n_vars = m + n_z
    c = np.zeros(n_vars)
    # y entries: candidate (point i, sorted position p) belongs to level level_of[i, p] if kept
    in_kept = useful & (level_of < keep[:, None])
    pi, pp = np.nonzero(in_kept)
    lvl = level_of[pi, pp]
    a_rows = [z0[pi] + lvl]
    a_cols = [order[pi, pp]]
    a_vals = [np.ones(pi.size)]
    # z entries: +1 on its own row, -1 on the next row (telescoped chain)
    zi = np.repeat(np.arange(n), keep)
    zk = np.arange(n_z) - z0[zi]
    a_rows += [z0[zi] + zk, (z0[zi] + zk + 1)[zk + 1 < keep[zi]]]
    a_cols += [m + np.arange(n_z), (m + np.arange(n_z))[zk + 1 < keep[zi]]]
    a_vals += [np.ones(n_z), -np.ones(int((zk + 1 < keep[zi]).sum()))]
    # level times: first kept position of each level
    first_pos = np.full((n, int(max(keep.max(initial=0), 1)) + 1), np.inf)
    # D^k for k < keep: the time of the first candidate of that level
    first_pos_mask = in_kept & np.concatenate([np.ones((n, 1), bool), level_of[:, 1:] != level_of[:, :-1]], axis=1)
    fi, fp = np.nonzero(first_pos_mask)
    first_pos[fi, level_of[fi, fp]] = sorted_cost[fi, fp]
    # the cost beyond the kept levels: next level's time, else base, else penalty
    beyond = np.where(np.isfinite(base), base, penalty)
    truncated = keep < n_levels
    if truncated.any():
        ti = np.flatnonzero(truncated)
        # position of the first candidate of level keep[i]
        hit = useful[ti] & (level_of[ti] == keep[ti][:, None])
        beyond[ti] = sorted_cost[ti, np.argmax(hit, axis=1)]
    first_pos[np.arange(n), keep] = beyond
    has = keep > 0      # (the constant Σ wᵢ D¹ + points without levels does not change the argmin)
    step = first_pos[zi, zk + 1] - first_pos[zi, zk]
    c[m:] = w[zi] * step
    a_ub = sp.csr_array((np.concatenate(a_vals), (np.concatenate(a_rows), np.concatenate(a_cols))),
                        shape=(n_z, n_vars))
    lower = np.zeros(n_z)
    lower[z0[:-1][has]] = 1.0                      # first level's row: z¹ + Σ y ≥ 1
    k_row = sp.csr_array((np.ones(m), (np.zeros(m, dtype=np.int64), np.arange(m))), shape=(1, n_vars))
    constraints = [LinearConstraint(a_ub, lower, np.inf), LinearConstraint(k_row, float(k), float(k))]
    integrality = np.zeros(n_vars)
    integrality[:m] = 1
    ub = np.full(n_vars, np.inf)
    ub[:m] = 1.0
    options: dict = {"mip_rel_gap": mip_rel_gap, "presolve": True}
    if time_limit_s is not None:
        options["time_limit"] = float(time_limit_s)
    from planner.solver import milp as solve_milp   # a child process a Stop can kill (pages' runs)

    result = solve_milp(c, progress=progress, constraints=constraints, integrality=integrality,
                        bounds=Bounds(np.zeros(n_vars), ub), options=options)
    if result.x is None:
        raise RuntimeError(f"the solver found no solution: {result.message}")
    chosen = tuple(int(j) for j in np.flatnonzero(result.x[:m] > 0.5))
    status = "optimal" if result.status == 0 else f"stopped: {result.message}"
    return chosen, status, float(getattr(result, "mip_gap", 0.0) or 0.0)


# -- Lagrangian bound + exhaustive enumeration under it ---------------------------------------------
@njit(cache=True)
def subgradient(d, base_w, lam, k, ub, iterations):
    """Subgradient ascent on the Lagrangian of the assignment rows (Beasley 1993); returns the
    best multipliers found. ``d``: weighted costs (points x candidates), ``base_w``: weighted cost
    of each point's always-open site."""
    n, m = d.shape
    best_lb = -1e300
    best = lam.copy()
    step = 2.0
    stall = 0
    v = np.empty(m)
    g = np.empty(n)
    for _it in range(iterations):
        const = 0.0
        for i in range(n):
            const += lam[i] + min(0.0, base_w[i] - lam[i])
        for j in range(m):
            v[j] = 0.0
        for i in range(n):
            li = lam[i]
            for j in range(m):
                x = d[i, j] - li
                if x < 0.0:
                    v[j] += x
        order = np.argsort(v)[:k]
        lb = const
        for t in range(k):
            lb += v[order[t]]
        if lb > best_lb + 1e-12 * abs(lb):
            best_lb = lb
            best[:] = lam
            stall = 0
        else:
            stall += 1
            if stall >= 30:
                step /= 2.0
                stall = 0
        if step < 1e-5 or ub - best_lb <= 1e-9 * abs(ub):
            break
        norm = 0.0
        for i in range(n):
            gi = 1.0
            if base_w[i] < lam[i]:
                gi -= 1.0
            for t in range(k):
                if d[i, order[t]] < lam[i]:
                    gi -= 1.0
            g[i] = gi
            norm += gi * gi
        if norm == 0.0:
            break
        scale = step * (ub - lb) / norm
        for i in range(n):
            lam[i] += scale * g[i]
    return best, best_lb

@njit(cache=True)
def enumerate_sets(d, base_w, v_sorted, order, const, k, ub, max_nodes):
    """Depth-first over K-subsets of the candidates (in ``order``, V ascending); a branch is cut
    when const + its V + the next smallest V >= the best value found. Returns (best value,
    best subset as positions in ``order``, nodes visited, finished)."""
    n, m = d.shape
    prefix = np.zeros(m + 1)
    for j in range(m):
        prefix[j + 1] = prefix[j] + v_sorted[j]
    stack = np.zeros(k, dtype=np.int64)
    best_set = np.full(k, -1, dtype=np.int64)
    best = ub
    cur = np.empty((k + 1, n))
    for i in range(n):
        cur[0, i] = base_w[i]
    depth = 0
    stack[0] = -1
    nodes = 0
    vsum = np.zeros(k + 1)
    while depth >= 0:
        stack[depth] += 1
        pos = stack[depth]
        r = k - depth - 1
        if pos + r >= m:          # not enough candidates left at this depth
            depth -= 1
            continue
        nodes += 1
        if nodes > max_nodes:
            return best, best_set, nodes, False
        bound = const + vsum[depth] + v_sorted[pos] + (prefix[pos + 1 + r] - prefix[pos + 1])
        if bound >= best - 1e-12 * abs(best):
            # candidates are in ascending V: every later pos at this depth has a bound at least as high
            depth -= 1
            continue
        j = order[pos]
        total = 0.0
        for i in range(n):
            x = d[i, j]
            c = cur[depth, i]
            cur[depth + 1, i] = x if x < c else c
            total += cur[depth + 1, i]
        vsum[depth + 1] = vsum[depth] + v_sorted[pos]
        if r == 0:
            if total < best:
                best = total
                for t in range(depth):
                    best_set[t] = stack[t]
                best_set[depth] = pos
        else:
            depth += 1
            stack[depth] = pos
    return best, best_set, nodes, True



def solve_enumeration(cand_cost: np.ndarray, base: np.ndarray, w: np.ndarray, k: int, penalty: float, *,
                      max_nodes: int = 200_000_000, iterations: int = 3000) -> RadiusSolution | None:
    """Exact optimum by enumerating every K-subset whose Lagrangian lower bound is below the best
    value found (None when ``max_nodes`` is exceeded). A subset that could beat the incumbent has a
    bound below it, so nothing better is skipped."""
    if k == 0:
        return RadiusSolution((), assignment_cost(cand_cost, base, w, (), penalty), "optimal", 0.0, 0, 0, 0.0)
    c = np.where(np.isfinite(cand_cost), cand_cost, penalty)
    b = np.where(np.isfinite(base), base, penalty)
    d = np.ascontiguousarray(w[:, None] * np.minimum(c, b[:, None]), dtype=np.float64)
    base_w = np.ascontiguousarray(w * b, dtype=np.float64)
    heuristic, h_value = greedy_interchange(cand_cost, base, w, k, penalty)
    lam0 = d.min(axis=1).astype(np.float64)
    lam, _lb = subgradient(d, base_w, lam0, k, h_value, iterations)
    v = np.minimum(0.0, d - lam[:, None]).sum(axis=0)
    const = float(np.sum(lam + np.minimum(0.0, base_w - lam)))
    order = np.argsort(v, kind="stable").astype(np.int64)
    best, best_set, nodes, finished = enumerate_sets(d, base_w, v[order], order, const, k,
                                                     h_value * (1 + 1e-12) + 1e-9, max_nodes)
    if not finished:
        return None
    if best_set[0] < 0 or best >= h_value:
        chosen, value = tuple(heuristic), h_value
    else:
        chosen = tuple(sorted(int(order[p]) for p in best_set))
        value = assignment_cost(cand_cost, base, w, chosen, penalty)
    return RadiusSolution(chosen, value, "optimal", 0.0, int(nodes), 0, h_value)
