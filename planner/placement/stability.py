"""Stability with siblings: blocking pairs and coalitions measured, and a method that minimises them.

Definitions (the tests check them with an independent brute force on small rounds):

* **Preferences.** Child i ranks its acceptable units ``L_i`` (``deferred.preference_lists``: listed
  preferences that pass the hard rules, then the other candidates nearest first); no offer is worst.
  Unit j ranks children by ``PlacementProblem.priority_key`` (accepted offer, own area, sibling in the
  unit, current unit, travel time) and then one seeded lottery number per child.
* **Agents.** Children with an accepted offer are never agents (their offer is final: they neither block
  nor can be displaced). With ``sibling_rule == "hard"`` the other children of a sibling group form one
  agent; every other child is an agent alone. An agent's priority at j is its best member's.
  A group agent ranks the units acceptable to all its members by the sum of the members' ranks (then by
  unit index); it prefers j when it is not together in one unit now, or j ranks before its unit.
* **Blocking pair / coalition (A, j).** Agent A prefers j to what it has, and A's members fit in j
  (seat weights and age-group places, ``PlacementProblem.fits``) together with every child in j that A
  could not displace: accepted children and children of agents with a better priority at j.
* **Sibling coalition (soft rule).** With ``sibling_rule == "soft"``, a group G not together in one unit
  (some member elsewhere or without an offer) blocks with unit j when j is acceptable to every member,
  no member would leave its own-area unit for j (unless j is that unit), and G's members fit in j with
  the children there that G could not displace (G's priority = its best member's).

``blocking(problem, unit_of)`` lists them; ``solve_stable`` runs deferred acceptance over agents (group
agents propose as one) and then a local search that satisfies one blocking pair or coalition at a time,
keeping a move only when the number of blocking pairs and coalitions falls and no child loses its offer.
With unequal seat weights or sibling groups a stable assignment need not exist; what remains is reported.
"""
from __future__ import annotations

import time
from collections import deque
from typing import Any
from dataclasses import dataclass

import numpy as np

from planner.placement.assign import Assignment, objective_levels
from planner.placement.deferred import _lottery, _priority, preference_lists
from planner.placement.rules import PlacementProblem


@dataclass(frozen=True)
class Block:
    """One blocking pair (a single child) or coalition (several children) with unit j."""

    members: tuple[int, ...]
    unit: int
    kind: str          # "pair" | "group" (hard-rule sibling agent) | "siblings" (soft-rule coalition)


class _Model:
    """Agents, their lists and priorities for one problem (shared by the measure and the solver)."""

    def __init__(self, problem: PlacementProblem):
        self.problem = problem
        self.lists = preference_lists(problem)
        self.pos = [{j: p for p, j in enumerate(lst)} for lst in self.lists]
        self.key = _priority(problem, _lottery(problem))
        fixed = problem.fixed_index
        self.fixed = {i for i in range(len(problem.children)) if fixed.size and fixed[i] >= 0}
        hard = problem.rules.sibling_rule == "hard"
        self.agents: list[tuple[int, ...]] = []
        in_group: set[int] = set()
        if hard:
            for group in problem.groups:
                free = tuple(i for i in group if i not in self.fixed)
                if free:
                    self.agents.append(free)
                    in_group |= set(free)
        for i in range(len(problem.children)):
            if i not in self.fixed and i not in in_group:
                self.agents.append((i,))
        self.agent_of = {i: a for a, members in enumerate(self.agents) for i in members}
        self.agent_lists: list[list[int]] = []
        for members in self.agents:
            if len(members) == 1:
                self.agent_lists.append(self.lists[members[0]])
            else:
                common = set.intersection(*(set(self.lists[i]) for i in members))
                self.agent_lists.append(sorted(common, key=lambda j: (sum(self.pos[i][j] for i in members), j)))
        self.agent_pos = [{j: p for p, j in enumerate(lst)} for lst in self.agent_lists]

    def agent_key(self, a: int, j: int) -> tuple:
        return min(self.key(i, j) for i in self.agents[a])

    def agent_unit(self, a: int, unit_of: np.ndarray) -> int:
        """The agent's unit, or -1 when it has none or its members are apart."""
        units = {int(unit_of[i]) for i in self.agents[a]}
        return units.pop() if len(units) == 1 else -1

    def prefers(self, a: int, j: int, unit_of: np.ndarray) -> bool:
        own = self.agent_unit(a, unit_of)
        if j == own or j not in self.agent_pos[a]:
            return False
        return own < 0 or self.agent_pos[a][j] < self.agent_pos[a].get(own, len(self.agent_lists[a]))

    def fits_against(self, members: tuple[int, ...], j: int, priority: tuple, unit_of: np.ndarray,
                     at: dict[int, list[int]] | None = None) -> bool:
        """``members`` fit in j with the children there they could not displace (``at``: children per unit)."""
        here = at.get(j, []) if at is not None else np.flatnonzero(unit_of == j).tolist()
        stay = [k for k in here if k not in members and (
            k in self.fixed or self.agent_key(self.agent_of[k], j) < priority)]
        return self.problem.fits(j, stay + list(members))


def blocking(problem: PlacementProblem, unit_of, model: _Model | None = None) -> list[Block]:
    """Every blocking pair and coalition of an assignment (see the module docstring)."""
    model = model or _Model(problem)
    unit_of = np.asarray(unit_of, dtype=int)
    at: dict[int, list[int]] = {}
    for i, j in enumerate(unit_of.tolist()):
        if j >= 0:
            at.setdefault(j, []).append(i)
    found: list[Block] = []
    for a, members in enumerate(model.agents):
        own = model.agent_unit(a, unit_of)
        for j in model.agent_lists[a]:
            if own == j:
                break
            if model.prefers(a, j, unit_of) and model.fits_against(members, j, model.agent_key(a, j), unit_of, at):
                found.append(Block(members, j, "pair" if len(members) == 1 else "group"))
    if problem.rules.sibling_rule == "soft":
        for group in problem.groups:
            free = tuple(i for i in group if i not in model.fixed)
            units_now = {int(unit_of[i]) for i in group}
            if not free or (len(units_now) == 1 and -1 not in units_now):
                continue  # together already (or nothing left to move)
            common = set.intersection(*(set(model.lists[i]) for i in free))
            fixed_units = {int(problem.fixed_index[i]) for i in group if i in model.fixed}
            for j in sorted(common):
                if fixed_units and fixed_units != {j}:
                    continue  # an accepted sibling stays where it is: together only in its unit
                if any(problem.catchment_index[i] == unit_of[i] != j for i in free):
                    continue
                priority = min(model.key(i, j) for i in free)
                if model.fits_against(free, j, priority, unit_of, at):
                    found.append(Block(free, j, "siblings"))
    return found


def stability_figures(problem: PlacementProblem, unit_of) -> dict:
    """Counts for the round report: blocking pairs, group coalitions (hard rule), sibling coalitions
    (soft rule) and the children in them."""
    blocks = blocking(problem, unit_of)
    return {"blocking_pairs": sum(b.kind == "pair" for b in blocks),
            "blocking_group_coalitions": sum(b.kind == "group" for b in blocks),
            "blocking_sibling_coalitions": sum(b.kind == "siblings" for b in blocks),
            "children_in_blocks": len({i for b in blocks for i in b.members}),
            "stable": not blocks}


def _deferred_agents(model: _Model) -> np.ndarray:
    """Agent-proposing deferred acceptance: a unit keeps the best-priority agents that fit whole."""
    problem = model.problem
    n = len(problem.children)
    unit_of = np.full(n, -1, dtype=int)
    for i in model.fixed:
        unit_of[i] = int(problem.fixed_index[i])
    held: dict[int, list[int]] = {}
    nxt = [0] * len(model.agents)
    queue = deque(range(len(model.agents)))
    while queue:
        a = queue.popleft()
        if nxt[a] >= len(model.agent_lists[a]):
            continue
        j = model.agent_lists[a][nxt[a]]
        nxt[a] += 1
        pool = sorted(held.get(j, []) + [a], key=lambda b: model.agent_key(b, j))
        kept: list[int] = []
        seated = [i for i in model.fixed if problem.fixed_index[i] == j]
        for b in pool:
            if problem.fits(j, seated + list(model.agents[b])):
                kept.append(b)
                seated += list(model.agents[b])
            else:
                for i in model.agents[b]:
                    unit_of[i] = -1
                queue.append(b)
        held[j] = kept
        for b in kept:
            for i in model.agents[b]:
                unit_of[i] = j
    return unit_of


def solve_deferred_agents(problem: PlacementProblem) -> Assignment:
    """Deferred acceptance in which a hard-rule sibling group proposes as one agent (no local search)."""
    model = _Model(problem)
    unit_of = _deferred_agents(model)
    status = "stable" if not blocking(problem, unit_of, model) else "blocking_remains"
    return Assignment("deferred-acceptance", tuple(int(u) for u in unit_of), objective_levels(problem, unit_of),
                      status)


def _apply(model: _Model, block: Block, unit_of: np.ndarray) -> np.ndarray:
    """Satisfy one block: its members move to the unit, displaced agents (worst first) leave and take the
    best unit on their list that still has room for them."""
    problem = model.problem
    out = unit_of.copy()
    j = block.unit
    for i in block.members:
        out[i] = -1
    priority = min(model.key(i, j) for i in block.members)
    here = [k for k in np.flatnonzero(out == j).tolist() if k not in model.fixed]
    movable = sorted({model.agent_of[k] for k in here if model.agent_key(model.agent_of[k], j) > priority},
                     key=lambda b: model.agent_key(b, j), reverse=True)
    evicted: list[int] = []
    for b in movable:
        if problem.fits(j, np.flatnonzero(out == j).tolist() + list(block.members)):
            break
        for i in model.agents[b]:
            out[i] = -1
        evicted.append(b)
    if not problem.fits(j, np.flatnonzero(out == j).tolist() + list(block.members)):
        return unit_of
    for i in block.members:
        out[i] = j
    for b in evicted:
        for k in model.agent_lists[b]:
            if problem.fits(k, np.flatnonzero(out == k).tolist() + list(model.agents[b])):
                for i in model.agents[b]:
                    out[i] = k
                break
    return out


def _local_search(model: _Model, unit_of: np.ndarray, *, max_moves: int, deadline: float,
                  progress: Any = None) -> tuple[np.ndarray, list]:
    """Satisfy one blocking pair or coalition at a time; keep the best move (fewest blocks left, then most
    children placed) while it lowers the count, or keeps it and places more children."""
    problem = model.problem
    blocks = blocking(problem, unit_of, model)
    for _ in range(max_moves):
        if not blocks or time.perf_counter() > deadline:
            break
        placed = int((unit_of >= 0).sum())
        best = None
        for block in blocks:
            if progress is not None:
                progress.check()
            trial = _apply(model, block, unit_of)
            trial_placed = int((trial >= 0).sum())
            if trial is unit_of or trial_placed < placed:
                continue
            trial_blocks = blocking(problem, trial, model)
            score = (len(trial_blocks), -trial_placed)
            if score < (len(blocks), -placed) and (best is None or score < best[0]):
                best = (score, trial, trial_blocks)
            if time.perf_counter() > deadline:
                break
        if best is None:
            break
        _, unit_of, blocks = best
    return unit_of, blocks


def solve_stable(problem: PlacementProblem, *, max_moves: int = 200, time_limit_s: float = 20.0,
                 start: Assignment | None = None, progress: Any = None) -> Assignment:
    """Fewest blocking pairs and coalitions: the local search of the module docstring from two starts,
    deferred acceptance over agents (siblings as one agent under the hard rule) and the exact MILP
    (``start``, solved here when not given), keeping the result with the fewest blocks, then the most
    children placed. ``status`` is ``stable`` or ``blocking_remains``; the search stops at
    ``time_limit_s`` (the count left is reported, never hidden) or earlier when ``progress``
    (:class:`planner.progress.Progress`) says stop (``Cancelled``)."""
    from planner.placement.assign import solve_optimal

    if progress is not None:
        time_limit_s = progress.time_limit_s(time_limit_s)
    deadline = time.perf_counter() + time_limit_s
    model = _Model(problem)
    starts = [_deferred_agents(model)]
    start = start or solve_optimal(problem, progress=progress)
    starts.append(np.asarray(start.unit_of, dtype=int))
    best = None
    for unit_of in starts:
        result, blocks = _local_search(model, unit_of, max_moves=max_moves, deadline=deadline, progress=progress)
        score = (len(blocks), -int((result >= 0).sum()))
        if best is None or score < best[0]:
            best = (score, result, blocks)
    _, unit_of, blocks = best
    status = "stable" if not blocks else "blocking_remains"
    return Assignment("stable", tuple(int(u) for u in unit_of), objective_levels(problem, unit_of), status)
