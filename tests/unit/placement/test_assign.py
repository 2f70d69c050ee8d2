"""Exact assignment: capacity and hard rules always hold; the MILP equals brute force; priorities act."""
from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from placement_helpers import child, random_instance  # noqa: E402

from planner.placement.assign import lexicographic_key, objective_levels, solve_optimal  # noqa: E402
from planner.placement.rules import PlacementProblem, PlacementUnit  # noqa: E402


def check_valid(problem, unit_of):
    unit_of = np.asarray(unit_of)
    for j in range(len(problem.units)):
        assert problem.weights[unit_of == j].sum() <= problem.seats[j] + 1e-9, "capacity exceeded"
    for i, j in enumerate(unit_of):
        if j >= 0:
            assert problem.feasible[i, j], f"hard rule broken for child {i} in unit {j}"


def brute_force(problem):
    n, m = len(problem.children), len(problem.units)
    best = None
    for combo in itertools.product(range(-1, m), repeat=n):
        unit_of = np.array(combo)
        if any(j >= 0 and not problem.feasible[i, j] for i, j in enumerate(combo)):
            continue
        if any(problem.weights[unit_of == j].sum() > problem.seats[j] + 1e-9 for j in range(m)):
            continue
        levels = objective_levels(problem, unit_of)
        if best is None or lexicographic_key(levels) < lexicographic_key(best):
            best = levels
    return best


def weighted(levels, weights):
    values = [-levels["placed"], -levels["in_catchment"], -levels["siblings_together"],
              -levels["current_unit_kept"], levels["total_travel_time_s"]]
    return float(np.dot(weights, values))


@pytest.mark.parametrize("seed", range(12))
def test_milp_equals_brute_force_on_small_instances(seed):
    problem = PlacementProblem.from_cost_matrix(*random_instance(seed, 6, 3))
    result = solve_optimal(problem)
    assert result.regime == "exact"
    check_valid(problem, result.unit_of)
    best = brute_force(problem)
    assert lexicographic_key(result.objective) == lexicographic_key(best)
    assert result.objective["weighted"] == pytest.approx(weighted(best, result.weights))


@pytest.mark.parametrize("seed", range(6))
def test_per_child_weights_objective_equals_brute_force(seed):
    problem = PlacementProblem.from_cost_matrix(*random_instance(100 + seed, 5, 3))
    result = solve_optimal(problem, regime="per-child", full_milp=True, mip_rel_gap=0.0)
    n, m = len(problem.children), len(problem.units)
    best = min(weighted(objective_levels(problem, np.array(c)), result.weights)
               for c in itertools.product(range(-1, m), repeat=n)
               if all(j < 0 or problem.feasible[i, j] for i, j in enumerate(c))
               and all(problem.weights[np.array(c) == j].sum() <= problem.seats[j] + 1e-9 for j in range(m)))
    assert result.objective["weighted"] == pytest.approx(best)


@pytest.mark.parametrize("seed", range(4))
def test_capacity_and_hard_rules_hold_on_larger_instances(seed):
    problem = PlacementProblem.from_cost_matrix(*random_instance(200 + seed, 300, 25))
    result = solve_optimal(problem)
    assert result.regime == "per-child"
    check_valid(problem, result.unit_of)
    assert result.objective["weighted"] >= result.objective["lower_bound"] - 1e-6


def test_catchment_beats_travel_time():
    # one seat near the child's home (not its catchment), one in its catchment farther away
    units = [PlacementUnit("near", available_seats=1), PlacementUnit("own", available_seats=1)]
    problem = PlacementProblem.from_cost_matrix([child("a")], units, [[60.0, 900.0]], ["own"])
    assert solve_optimal(problem).unit_of == (1,)
    no_catchment = PlacementProblem.from_cost_matrix([child("a")], units, [[60.0, 900.0]], [None])
    assert solve_optimal(no_catchment).unit_of == (0,)


def test_siblings_together_beat_current_unit_and_travel():
    # a keeps its current unit "cur" only if b goes elsewhere; together in "both" they lose travel time
    units = [PlacementUnit("cur", available_seats=1), PlacementUnit("both", available_seats=2)]
    a = child("a", group="s", current="cur")
    b = child("b", group="s")
    times = [[60.0, 600.0], [60.0, 600.0]]
    problem = PlacementProblem.from_cost_matrix([a, b], units, times)
    assert solve_optimal(problem).unit_of == (1, 1)
    apart = PlacementProblem.from_cost_matrix([a, child("b")], units, times)
    assert solve_optimal(apart).unit_of == (0, 1)


def test_placing_more_children_beats_catchment():
    # a's catchment unit is the only one b can use (b needs Swedish): a moves so both get a place
    units = [PlacementUnit("both", languages=("fi", "sv"), available_seats=1),
             PlacementUnit("fi", languages=("fi",), available_seats=1)]
    problem = PlacementProblem.from_cost_matrix([child("a"), child("b", language="sv")], units,
                                                [[60.0, 1200.0], [60.0, 60.0]], ["both", None])
    result = solve_optimal(problem)
    assert result.unit_of == (1, 0) and result.objective["placed"] == 2
