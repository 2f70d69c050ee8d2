"""Deferred acceptance: stable (no justified envy) on random instances, priorities as documented."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from placement_helpers import child, random_instance  # noqa: E402

from planner.placement.deferred import justified_envy, preference_lists, solve_deferred  # noqa: E402
from planner.placement.rules import PlacementProblem, PlacementRules, PlacementUnit  # noqa: E402


def check_valid(problem, unit_of):
    unit_of = np.asarray(unit_of)
    for j in range(len(problem.units)):
        assert problem.weights[unit_of == j].sum() <= problem.seats[j] + 1e-9
    for i, j in enumerate(unit_of):
        if j >= 0:
            assert problem.feasible[i, j]


@pytest.mark.parametrize("seed", range(15))
@pytest.mark.parametrize("equal_weights", [True, False])
def test_deferred_acceptance_is_stable_on_random_instances(seed, equal_weights):
    problem = PlacementProblem.from_cost_matrix(
        *random_instance(seed, 40, 8, equal_weights=equal_weights, prefs=True), PlacementRules(seed=seed))
    result = solve_deferred(problem)
    check_valid(problem, result.unit_of)
    assert justified_envy(problem, result.unit_of) == []
    assert result.status == "stable"


def test_children_get_their_first_choice_when_seats_allow():
    units = [PlacementUnit("u0", available_seats=5), PlacementUnit("u1", available_seats=5)]
    kids = [child("a", prefs=("u1",)), child("b", prefs=("u0", "u1"))]
    problem = PlacementProblem.from_cost_matrix(kids, units, [[60.0, 900.0], [60.0, 60.0]])
    assert solve_deferred(problem).unit_of == (1, 0)


def test_catchment_priority_wins_the_last_seat():
    units = [PlacementUnit("u0", available_seats=1), PlacementUnit("u1", available_seats=1)]
    kids = [child("near"), child("own", prefs=("u0",))]
    times = [[60.0, 300.0], [600.0, 300.0]]
    problem = PlacementProblem.from_cost_matrix(kids, units, times, [None, "u0"])
    assert solve_deferred(problem).unit_of == (1, 0)        # "own" has catchment priority at u0
    problem = PlacementProblem.from_cost_matrix(kids, units, times, [None, None])
    assert solve_deferred(problem).unit_of == (0, 1)        # else the shorter trip wins


def test_sibling_already_in_the_unit_beats_travel_time():
    units = [PlacementUnit("u0", available_seats=1), PlacementUnit("u1", available_seats=1)]
    big = child("big", group="s", current="u0")   # already in u0, not competing for a new seat
    kids = [child("near", prefs=("u0",)), child("sib", group="s", prefs=("u0",))]
    # the round places only the two newcomers; "big" stays where it is (u0's seat count excludes it)
    problem = PlacementProblem.from_cost_matrix(kids + [big], units + [PlacementUnit("x", available_seats=0)],
                                                [[60, 600, 9e9], [600, 60, 9e9], [9e9, 9e9, 60]])
    assert problem.sibling_units[1] == frozenset({0})
    assert solve_deferred(problem).unit_of[:2] == (1, 0)


def test_heavier_child_is_skipped_for_a_lighter_one_that_fits():
    # u0 has 1.6 seats: the higher-priority 1.0 child fits, the 1.75 child does not, the 0.54 child does
    units = [PlacementUnit("u0", available_seats=1.6)]
    kids = [child("a"), child("baby", age_years=1), child("part", hours=20)]
    problem = PlacementProblem.from_cost_matrix(kids, units, [[60.0], [120.0], [180.0]])
    assert solve_deferred(problem).unit_of == (0, -1, 0)


def test_preference_lists_put_listed_units_first_then_nearest():
    units = [PlacementUnit(f"u{j}", available_seats=2) for j in range(3)]
    kids = [child("a", prefs=("u2",)), child("b")]
    problem = PlacementProblem.from_cost_matrix(kids, units, [[300.0, 60.0, 900.0], [300.0, 60.0, 900.0]])
    assert preference_lists(problem) == [[2, 1, 0], [1, 0, 2]]
    strict = PlacementProblem.from_cost_matrix(kids, units, [[300.0, 60.0, 900.0]] * 2,
                                               rules=PlacementRules(fallback_after_preferences=False))
    assert preference_lists(strict)[0] == [2]
