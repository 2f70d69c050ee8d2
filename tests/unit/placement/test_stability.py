"""Stability with siblings, checked by an independent brute force on small rounds.

The brute force below is written from the definitions in ``planner/placement/stability.py``'s docstring
using only the round's plain data (hard-rule matrix, travel times, seat weights, places, priorities); it
enumerates every assignment that keeps the hard rules and capacities and counts blocking pairs and
coalitions itself."""
from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from placement_helpers import child, random_instance  # noqa: E402

from planner.placement.rules import PlacementProblem, PlacementRules, PlacementUnit  # noqa: E402
from planner.placement.stability import blocking, solve_stable  # noqa: E402


def brute_lists(p):
    lists = []
    for i, c in enumerate(p.children):
        ok = [j for j in range(len(p.units)) if p.feasible[i, j]]
        if p.fixed_index[i] >= 0:
            ok = [int(p.fixed_index[i])]
        listed = [p.unit_index[u] for u in c.preferences if u in p.unit_index and p.unit_index[u] in ok]
        rest = sorted((j for j in ok if j not in listed), key=lambda j: (p.travel_time_s[i, j], j))
        lists.append(listed + rest)
    return lists


def brute_fits(p, j, kids):
    kids = list(kids)
    young = sum(1 for k in kids if p.under3[k])
    return (sum(p.weights[k] for k in kids) <= p.seats[j] + 1e-9 and young <= p.places_u3[j] + 1e-9
            and len(kids) - young <= p.places_3p[j] + 1e-9)


def brute_count(p, assign, lists):
    n = len(p.children)
    lottery = np.random.default_rng(p.rules.seed).permutation(n)

    def prio(i, j):
        return p.priority_key(i, j) + (int(lottery[i]),)

    fixed = {i for i in range(n) if p.fixed_index[i] >= 0}
    hard = p.rules.sibling_rule == "hard"
    agents = [tuple(i for i in g if i not in fixed) for g in p.groups] if hard else []
    agents = [a for a in agents if a]
    grouped = {i for a in agents for i in a}
    agents += [(i,) for i in range(n) if i not in fixed and i not in grouped]
    agent_of = {i: a for a in agents for i in a}

    def alist(a):
        if len(a) == 1:
            return lists[a[0]]
        common = set.intersection(*(set(lists[i]) for i in a))
        return sorted(common, key=lambda j: (sum(lists[i].index(j) for i in a), j))

    def aprio(a, j):
        return min(prio(i, j) for i in a)

    def unit(a):
        s = {assign[i] for i in a}
        return s.pop() if len(s) == 1 else -1

    def fits_against(members, j, pr):
        stay = [k for k in range(n) if assign[k] == j and k not in members
                and (k in fixed or aprio(agent_of[k], j) < pr)]
        return brute_fits(p, j, stay + list(members))

    count = 0
    for a in agents:
        lst = alist(a)
        own = unit(a)
        for j in lst:
            better = own == -1 or (own in lst and lst.index(j) < lst.index(own)) or own not in lst
            if j != own and better and fits_against(a, j, aprio(a, j)):
                count += 1
    if p.rules.sibling_rule == "soft":
        for g in p.groups:
            free = tuple(i for i in g if i not in fixed)
            units = {assign[i] for i in g}
            if not free or (len(units) == 1 and -1 not in units):
                continue
            fixed_units = {int(p.fixed_index[i]) for i in g if i in fixed}
            for j in set.intersection(*(set(lists[i]) for i in free)):
                if fixed_units and fixed_units != {j}:
                    continue
                if any(p.catchment_index[i] == assign[i] and assign[i] != j for i in free):
                    continue
                if fits_against(free, j, min(prio(i, j) for i in free)):
                    count += 1
    return count


def all_assignments(p):
    n, m = len(p.children), len(p.units)
    options = []
    for i in range(n):
        if p.fixed_index[i] >= 0:
            options.append([int(p.fixed_index[i])])
        else:
            options.append([-1] + [j for j in range(m) if p.feasible[i, j]])
    for combo in itertools.product(*options):
        if not all(brute_fits(p, j, [i for i in range(n) if combo[i] == j]) for j in range(m)):
            continue
        if p.rules.sibling_rule == "hard" and any(
                len({combo[i] for i in g if p.fixed_index[i] < 0}) > 1 for g in p.groups):
            continue
        yield list(combo)


def small_problem(seed, rule, n=6, m=3):
    children, units, travel, catchment = random_instance(seed, n, m)
    return PlacementProblem.from_cost_matrix(children, units, travel, catchment,
                                             PlacementRules(sibling_rule=rule, seed=seed))


CASES = [(seed, rule, 6, 3) for seed in range(4) for rule in ("soft", "hard", "off")] + [
    (17, "soft", 7, 2), (20, "soft", 7, 2), (22, "soft", 7, 2)]  # no stable assignment exists in these


@pytest.mark.parametrize("seed, rule, n, m", CASES)
def test_blocking_measure_and_minimum_match_brute_force(seed, rule, n, m):
    p = small_problem(seed, rule, n, m)
    lists = brute_lists(p)
    counts = []
    rng = np.random.default_rng(seed)
    for assign in all_assignments(p):
        counts.append(brute_count(p, assign, lists))
        if rng.random() < 0.15:  # the measure agrees with the brute force on arbitrary assignments
            assert len(blocking(p, assign)) == counts[-1], assign
    result = solve_stable(p)
    assert all_assignments_ok(p, result.unit_of)
    found = brute_count(p, list(result.unit_of), lists)
    assert found == len(blocking(p, result.unit_of))
    assert found == min(counts), (found, min(counts))
    assert (result.status == "stable") == (found == 0)
    if seed in (17, 20, 22):
        assert min(counts) == 1  # the hard cases really are hard


def test_accepted_offers_and_age_places_in_the_brute_force():
    children, units, travel, catchment = random_instance(3, 6, 3)
    units = [PlacementUnit(u.unit_id, languages=u.languages, shift_care=u.shift_care,
                           min_age_months=u.min_age_months, available_seats=u.available_seats + 1,
                           places_under_3=1, places_3_plus=2) for u in units]
    free = PlacementProblem.from_cost_matrix(children, units, travel, catchment, PlacementRules(seed=3))
    first = solve_stable(free)
    keep = next(i for i, j in enumerate(first.unit_of) if j >= 0)
    fixed = [units[first.unit_of[keep]].unit_id if i == keep else None for i in range(len(children))]
    p = PlacementProblem.from_cost_matrix(children, units, travel, catchment, PlacementRules(seed=3), fixed=fixed)
    lists = brute_lists(p)
    counts = [brute_count(p, a, lists) for a in all_assignments(p)]
    result = solve_stable(p)
    assert result.unit_of[keep] == first.unit_of[keep]
    assert brute_count(p, list(result.unit_of), lists) == len(blocking(p, result.unit_of)) == min(counts)
    for j in range(len(units)):
        here = [i for i, u in enumerate(result.unit_of) if u == j]
        assert sum(p.under3[i] for i in here) <= 1 and sum(not p.under3[i] for i in here) <= 2


def all_assignments_ok(p, unit_of):
    return any(list(unit_of) == a for a in all_assignments(p))


def test_hard_siblings_get_one_unit_or_none():
    units = [PlacementUnit("a", available_seats=1.0), PlacementUnit("b", available_seats=2.0)]
    kids = [child("x", group="g"), child("y", group="g"), child("z")]
    travel = [[60.0, 600.0], [60.0, 600.0], [60.0, 600.0]]
    p = PlacementProblem.from_cost_matrix(kids, units, travel, None, PlacementRules(sibling_rule="hard"))
    result = solve_stable(p)
    assert result.unit_of[0] == result.unit_of[1] == 1 and result.unit_of[2] == 0
