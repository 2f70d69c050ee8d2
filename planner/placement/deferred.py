"""Child-proposing deferred acceptance (Gale–Shapley) with coefficient-weighted seats.

Each child proposes down its list: the units it listed in ``preferences`` that pass the hard rules,
then (``rules.fallback_after_preferences``) its other candidate units nearest first; a child without
preferences ranks its candidate units by travel time. A unit holds the proposals it has and, when a new
one arrives, keeps **the highest-priority children that fit**: it goes through all of them in priority
order and keeps each child whose seat weight still fits in the remaining seats (a heavier child that does
not fit is skipped, a lighter lower-priority child may still fit); the others are rejected and propose to
their next unit. Unit priority: own catchment, a sibling currently in the unit, the child's current unit,
shorter travel time, then one seeded lottery number per child.

With equal seat weights this is the classical algorithm and its result is stable. With unequal weights
(1.75, 1.0, 0.54, support coefficients) a stable assignment need not exist and one rejection can later
free more seats than it took; so after the proposals end, every child with **justified envy** (see
:func:`justified_envy`) proposes again to the best unit it envies, and the proposals continue; this
repeats up to ``max_rounds`` times. Any envy that remains is reported, never hidden.
"""
from __future__ import annotations

from collections import deque
from typing import Any

import numpy as np

from planner.placement.assign import Assignment, objective_levels
from planner.placement.rules import PlacementProblem


def preference_lists(problem: PlacementProblem) -> list[list[int]]:
    """Each child's acceptable units, best first (listed preferences, then nearest candidates)."""
    lists: list[list[int]] = []
    for i, child in enumerate(problem.children):
        cand = problem.candidates(i)
        by_time = cand[np.argsort(problem.travel_time_s[i, cand], kind="stable")].tolist()
        listed = [problem.unit_index[u] for u in child.preferences
                  if u in problem.unit_index and problem.feasible[i, problem.unit_index[u]]]
        if listed:
            rest = [j for j in by_time if j not in listed] if problem.rules.fallback_after_preferences else []
            lists.append(listed + rest)
        else:
            lists.append(by_time)
    return lists


def _priority(problem: PlacementProblem, lottery: np.ndarray):
    cache: dict[tuple[int, int], tuple] = {}

    def key(i: int, j: int) -> tuple:
        k = (i, j)
        if k not in cache:
            cache[k] = problem.priority_key(i, j) + (int(lottery[i]),)
        return cache[k]
    return key


def _choose(pool: list[int], j: int, problem: PlacementProblem, key) -> tuple[list[int], list[int]]:
    """Unit j keeps the highest-priority children that fit; returns (kept, rejected)."""
    kept: list[int] = []
    rejected: list[int] = []
    used = 0.0
    young = old = 0
    cap = problem.seats[j] + 1e-9
    for i in sorted(pool, key=lambda c: key(c, j)):
        w = problem.weights[i]
        is_young = bool(problem.under3[i])
        if used + w <= cap and (young + 1 <= problem.places_u3[j] + 1e-9 if is_young
                                else old + 1 <= problem.places_3p[j] + 1e-9):
            kept.append(i)
            used += w
            young, old = young + is_young, old + (not is_young)
        else:
            rejected.append(i)
    return kept, rejected


def justified_envy(problem: PlacementProblem, unit_of, lists: list[list[int]] | None = None,
                   *, key=None) -> list[tuple[int, int, tuple[int, ...]]]:
    """Pairs (child i, unit j, displaced children): i prefers j to its own result, may go to j, and would
    fit in j if the children there with lower priority than i gave way (``displaced``, empty when j has
    enough free seats). Used for the reports of both algorithms."""
    lists = lists if lists is not None else preference_lists(problem)
    key = key or _priority(problem, _lottery(problem))
    unit_of = np.asarray(unit_of, dtype=int)
    members: dict[int, list[int]] = {}
    for i, j in enumerate(unit_of):
        if j >= 0:
            members.setdefault(int(j), []).append(i)
    pairs: list[tuple[int, int, tuple[int, ...]]] = []
    for i, prefs in enumerate(lists):
        own = int(unit_of[i])
        for j in prefs:
            if j == own:
                break
            mine = key(i, j)
            higher = [k for k in members.get(j, []) if key(k, j) < mine]
            if problem.fits(j, higher + [i]):
                displaced = () if problem.fits(j, members.get(j, []) + [i]) else tuple(
                    sorted((k for k in members.get(j, []) if key(k, j) > mine), key=lambda k: key(k, j)))
                pairs.append((i, j, displaced))
    return pairs


def _lottery(problem: PlacementProblem) -> np.ndarray:
    return np.random.default_rng(problem.rules.seed).permutation(len(problem.children))


def solve_deferred(problem: PlacementProblem, *, max_rounds: int = 50, progress: Any = None) -> Assignment:
    """Child-proposing deferred acceptance with weighted seats (see the module docstring). ``progress``
    (:class:`planner.progress.Progress`, optional) is checked every round and every 1,000 proposals."""
    n = len(problem.children)
    lists = preference_lists(problem)
    position = [{j: p for p, j in enumerate(lst)} for lst in lists]
    key = _priority(problem, _lottery(problem))
    next_ptr = [0] * n
    unit_of = np.full(n, -1, dtype=int)
    held: dict[int, list[int]] = {}
    queue: deque[int] = deque(range(n))

    def propose(i: int, j: int) -> None:
        kept, rejected = _choose(held.get(j, []) + [i], j, problem, key)
        held[j] = kept
        for k in kept:
            unit_of[k] = j
        for k in rejected:
            unit_of[k] = -1
            queue.append(k)

    def run() -> None:
        proposals = 0
        while queue:
            proposals += 1
            if progress is not None and proposals % 1000 == 0:
                progress.check()
            i = queue.popleft()
            if unit_of[i] >= 0:
                continue
            if next_ptr[i] >= len(lists[i]):
                continue
            j = lists[i][next_ptr[i]]
            next_ptr[i] += 1
            propose(i, j)

    run()
    rounds = 0
    while rounds < max_rounds:
        if progress is not None:
            progress.update(rounds, max_rounds)
        envy = justified_envy(problem, unit_of, lists, key=key)
        if not envy:
            break
        rounds += 1
        best: dict[int, int] = {}
        for i, j, _ in envy:  # the best envied unit of each child
            if i not in best or position[i][j] < position[i][best[i]]:
                best[i] = j
        for i, j in best.items():
            mine = key(i, j)
            higher = [k for k in held.get(j, []) if key(k, j) < mine]
            if not problem.fits(j, higher + [i]):
                continue  # no longer envies j after earlier moves of this round
            if unit_of[i] >= 0 and position[i][j] < position[i].get(int(unit_of[i]), len(lists[i])):
                old = int(unit_of[i])
                held[old] = [k for k in held[old] if k != i]
                unit_of[i] = -1
            if unit_of[i] < 0:
                next_ptr[i] = position[i][j] + 1
                propose(i, j)
        run()
    status = "stable" if not justified_envy(problem, unit_of, lists, key=key) else "envy_remains"
    return Assignment("deferred-acceptance", tuple(int(u) for u in unit_of), objective_levels(problem, unit_of),
                      status)
