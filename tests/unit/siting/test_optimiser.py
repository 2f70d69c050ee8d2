"""The site optimiser equals brute-force enumeration on small instances; a shortfall of places is
reported with its numbers instead of stopping the planner."""
from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pytest
from scipy.optimize import linprog

from planner.errors import InfeasibleError, InputError
from planner.siting.optimiser import SiteModel


def penalty_per_seat(cost):
    """The documented price of one unplaced seat: (all sites + 1) × (longest finite trip + 1 s)."""
    return (cost.shape[1] + 1) * (cost[np.isfinite(cost)].max() + 1.0)


def brute_force_assignment(cost, demand, capacity, objective, max_s, penalty=0.0):
    """Optimal value of the assignment LP for a fixed set of open sites (dense, independent of the model).

    p-median: travel seat-seconds + ``penalty`` per unplaced seat (one slack per demand point)."""
    n, m = cost.shape
    finite = np.isfinite(cost) if objective == "p-median" else cost <= max_s
    pairs = [(i, j) for i in range(n) for j in range(m) if finite[i, j]]
    slack = n if objective == "p-median" else 0
    if not pairs and not slack:
        return 0.0
    c = np.array([cost[i, j] if objective == "p-median" else -1.0 for i, j in pairs] + [penalty] * slack)
    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    for i in range(n):
        row = [1.0 if p[0] == i else 0.0 for p in pairs] + [1.0 if s == i else 0.0 for s in range(slack)]
        (a_eq if objective == "p-median" else a_ub).append(row)
        (b_eq if objective == "p-median" else b_ub).append(demand[i])
    for j in range(m):
        if np.isfinite(capacity[j]):
            a_ub.append([1.0 if p[1] == j else 0.0 for p in pairs] + [0.0] * slack)
            b_ub.append(capacity[j])
    res = linprog(c, A_ub=a_ub or None, b_ub=b_ub or None, A_eq=a_eq or None, b_eq=b_eq or None,
                  bounds=(0, None), method="highs")
    assert res.status == 0
    return res.fun if objective == "p-median" else -res.fun


def brute_force(cost, demand, existing, candidate, k, objective, max_s=None):
    m_e = existing.size
    best = math.inf if objective == "p-median" else -math.inf
    best_set = None
    penalty = penalty_per_seat(cost) if objective == "p-median" else 0.0
    for subset in combinations(range(candidate.size), k):
        columns = list(range(m_e)) + [m_e + j for j in subset]
        capacity = np.concatenate([existing, candidate[list(subset)]])
        value = brute_force_assignment(cost[:, columns], demand, capacity, objective, max_s, penalty)
        better = value < best - 1e-9 if objective == "p-median" else value > best + 1e-9
        if better:
            best, best_set = value, subset
    return best, best_set


def random_instance(rng, n=12, m_e=2, m_c=6, unreachable=0.1):
    points = rng.uniform(0, 3000, size=(n, 2))
    sites = rng.uniform(0, 3000, size=(m_e + m_c, 2))
    cost = np.linalg.norm(points[:, None, :] - sites[None, :, :], axis=2) / 1.2  # 1.2 m/s walking
    cost[rng.random(cost.shape) < unreachable] = np.inf
    demand = rng.integers(1, 20, size=n).astype(float) * 1.75
    existing = rng.integers(10, 40, size=m_e).astype(float)
    candidate = rng.integers(20, 80, size=m_c).astype(float)
    return cost, demand, existing, candidate


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("k", [1, 2, 3])
def test_p_median_equals_brute_force(seed, k):
    rng = np.random.default_rng(seed)
    cost, demand, existing, candidate = random_instance(rng)
    expected, _ = brute_force(cost, demand, existing, candidate, k, "p-median")
    model = SiteModel.from_cost_matrix(cost, demand, existing, candidate, k, "p-median", max_s=600,
                                       neighbours=2)  # small neighbourhood: exercises the widening
    result = model.solve()
    assert len(result.chosen) == k
    reachable = np.isfinite(cost).any(axis=1)   # demand no site reaches is left out of both sides
    unplaced = result.unmet_seats + demand[~reachable].sum()
    penalised = result.objective_value + penalty_per_seat(cost) * unplaced
    assert penalised == pytest.approx(expected, rel=1e-6, abs=1e-6)
    # the assignment places every seat it says it places, and respects capacities
    seats = result.assignment.toarray()
    assert seats.sum() + result.unmet_seats == pytest.approx(demand[reachable].sum(), abs=1e-6)
    assert np.all(seats.sum(axis=1) <= demand + 1e-6)
    capacity = np.concatenate([existing, candidate])
    open_columns = list(range(existing.size)) + [existing.size + j for j in result.chosen]
    assert np.all(seats.sum(axis=0)[open_columns] <= capacity[open_columns] + 1e-6)
    closed = [j for j in range(capacity.size) if j not in open_columns]
    assert np.allclose(seats[:, closed], 0)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("k", [1, 2])
def test_coverage_equals_brute_force(seed, k):
    rng = np.random.default_rng(100 + seed)
    cost, demand, existing, candidate = random_instance(rng)
    expected, _ = brute_force(cost, demand, existing, candidate, k, "coverage", max_s=900)
    result = SiteModel.from_cost_matrix(cost, demand, existing, candidate, k, "coverage", max_s=900).solve()
    assert result.objective_value == pytest.approx(expected, rel=1e-6, abs=1e-6)


def test_hand_worked_p_median_picks_the_site_next_to_the_big_demand():
    # two demand points: 100 seats at A, 10 at B; one existing unit far from both with room for all;
    # candidate 0 next to A (60 s), candidate 1 next to B (60 s); each candidate 200 seats.
    cost = np.array([[1200.0, 60.0, 900.0],
                     [1200.0, 900.0, 60.0]])
    result = SiteModel.from_cost_matrix(cost, [100, 10], [500], [200, 200], 1, max_s=600).solve()
    assert result.chosen == (0,)
    assert result.objective_value == pytest.approx(100 * 60 + 10 * 900)
    assert result.before["mean_travel_s"] == pytest.approx(1200)
    assert result.after["mean_travel_s"] == pytest.approx((100 * 60 + 10 * 900) / 110)
    assert result.before["coverage_share"] == 0
    assert result.after["coverage_share"] == pytest.approx(100 / 110)


def test_capacity_shortfall_is_reported_with_numbers_not_refused():
    # 515 seats of demand, existing 220 + the larger candidate 200 = 420: hand-worked, 95 seats stay unplaced,
    # and the larger candidate is the one that places the most
    cost = np.full((2, 3), 100.0)
    result = SiteModel.from_cost_matrix(cost, [300, 215], [220], [100, 200], 1).solve()
    assert result.chosen == (1,)
    assert result.unmet_seats == pytest.approx(95)
    assert result.objective_value == pytest.approx(420 * 100)
    assert "95 of 515 seats" in result.explanation


def test_a_shortfall_puts_placing_children_before_short_trips():
    # 50 seats at one point; the existing unit takes 20 (60 s). Candidate A next door (60 s) has 10 seats,
    # candidate B far away (1,200 s) has 100: A leaves 20 seats without a place, B places all 50.
    cost = np.array([[60.0, 60.0, 1200.0]])
    result = SiteModel.from_cost_matrix(cost, [50], [20], [10, 100], 1).solve()
    assert result.chosen == (1,)
    assert result.unmet_seats == 0
    assert result.objective_value == pytest.approx(20 * 60 + 30 * 1200)


def test_k_larger_than_candidates_is_explained():
    cost = np.full((2, 3), 100.0)
    with pytest.raises(InfeasibleError, match=r"3 new sites asked for but only 2 candidates"):
        SiteModel.from_cost_matrix(cost, [1, 1], [220], [100, 200], 3).solve()


def test_shortfall_explanation_in_finnish():
    cost = np.full((2, 3), 100.0)
    result = SiteModel.from_cost_matrix(cost, [300, 215], [220], [100, 200], 1).solve(lang="fi")
    assert "Paikkoja puuttuu edelleen: 95 / 515 paikan kysynnästä" in result.explanation


def test_demand_that_can_reach_only_full_units_is_left_unplaced_and_counted():
    inf = np.inf
    # point 0 reaches only the existing unit (10 seats) but needs 30; point 1 (5 seats) goes to the candidate
    cost = np.array([[100.0, inf], [100.0, 100.0]])
    result = SiteModel.from_cost_matrix(cost, [30, 5], [10], [100], 1).solve()
    assert result.unmet_seats == pytest.approx(20)
    assert result.objective_value == pytest.approx(10 * 100 + 5 * 100)
    assert "20 of 35 seats" in result.explanation


def test_bad_inputs_name_every_field():
    with pytest.raises(InputError) as info:
        SiteModel.from_cost_matrix(np.ones((2, 2)), [1, -1], [5], [5, 5], -1, "median")
    assert {"cost_s", "demand", "objective", "k"} <= info.value.fields()
    with pytest.raises(InputError) as info:
        SiteModel.from_cost_matrix(np.ones((2, 2)), [1, 1], [5], [5], 1, "coverage")
    assert info.value.fields() == {"max_s"}


def test_unreachable_demand_is_left_out_and_reported():
    cost = np.array([[60.0, 60.0], [np.inf, np.inf]])
    result = SiteModel.from_cost_matrix(cost, [5, 7], [10], [10], 1, max_s=600).solve()
    assert result.unreachable_seats == 7
    assert "7 seats" in result.explanation


def test_uncapacitated_candidates_are_allowed():
    cost = np.array([[60.0, 600.0, 30.0], [600.0, 60.0, 30.0]])
    result = SiteModel.from_cost_matrix(cost, [50, 50], [np.inf, np.inf], [np.inf], 1).solve()
    assert result.chosen == (0,)
    assert result.objective_value == pytest.approx(3000)


@pytest.mark.parametrize("seed", range(3))
def test_reduced_model_equals_complete_model_when_capacity_has_room(seed):
    rng = np.random.default_rng(500 + seed)
    cost, demand, existing, candidate = random_instance(rng, n=150, m_e=5, m_c=25, unreachable=0.0)
    demand, existing = demand / 2, np.full(5, 400.0)
    complete = SiteModel.from_cost_matrix(cost, demand, existing, candidate, 3, max_s=900).solve()
    reduced = SiteModel.from_cost_matrix(cost, demand, existing, candidate, 3, max_s=900,
                                         neighbours=2, exact_pairs=0).solve()
    assert complete.details["model"] == "complete"
    assert reduced.details["model"].startswith("reduced")
    assert reduced.objective_value == pytest.approx(complete.objective_value, rel=1e-6)
    assert reduced.chosen == complete.chosen


def test_reduced_model_is_close_to_complete_model_when_capacity_is_tight():
    # known limitation (docs/siting.md): with nearly full capacities the best assignment may use sites
    # beyond a point's 10 quickest; the reduced model is then feasible but slightly worse.
    rng = np.random.default_rng(500)
    cost, demand, existing, candidate = random_instance(rng, n=150, m_e=5, m_c=25, unreachable=0.0)
    demand, existing = demand / 2, np.full(5, 250.0)
    complete = SiteModel.from_cost_matrix(cost, demand, existing, candidate, 3, max_s=900).solve()
    reduced = SiteModel.from_cost_matrix(cost, demand, existing, candidate, 3, max_s=900,
                                         neighbours=2, exact_pairs=0).solve()
    assert complete.objective_value <= reduced.objective_value <= complete.objective_value * 1.01


def test_reduced_model_widens_until_all_demand_is_served():
    # point 0's only reachable site with room is the third-quickest one
    cost = np.array([[10.0, 20.0, 30.0], [10.0, 20.0, 30.0]])
    result = SiteModel.from_cost_matrix(cost, [10, 10], [10], [10, 10], 2, neighbours=0, exact_pairs=0).solve()
    assert result.objective_value == pytest.approx(10 * 10 + 10 * 20 + 0)
    assert result.assignment.sum() == pytest.approx(20)


@pytest.mark.parametrize("seed", range(3))
def test_reduced_model_is_exact_without_capacity_limits(seed):
    # a point never uses a candidate slower than its nearest (always open, unlimited) existing unit
    rng = np.random.default_rng(900 + seed)
    cost, demand, _, _ = random_instance(rng, n=120, m_e=4, m_c=20, unreachable=0.0)
    unlimited_e, unlimited_c = np.full(4, np.inf), np.full(20, np.inf)
    complete = SiteModel.from_cost_matrix(cost, demand, unlimited_e, unlimited_c, 3).solve()
    reduced = SiteModel.from_cost_matrix(cost, demand, unlimited_e, unlimited_c, 3, neighbours=0,
                                         exact_pairs=0).solve()
    assert reduced.objective_value == pytest.approx(complete.objective_value, rel=1e-9)
    expected, _ = brute_force_uncapacitated(cost, demand, 4, 3)
    assert complete.objective_value == pytest.approx(expected, rel=1e-9)


def brute_force_uncapacitated(cost, demand, m_e, k):
    """Without capacities every point goes to its nearest open site: enumerate all K-subsets."""
    best, best_set = math.inf, None
    for subset in combinations(range(cost.shape[1] - m_e), k):
        columns = list(range(m_e)) + [m_e + j for j in subset]
        value = float(np.dot(cost[:, columns].min(axis=1), demand))
        if value < best:
            best, best_set = value, subset
    return best, best_set


def test_p_median_without_existing_units_equals_brute_force_and_spopt():
    # issue 16: no existing units, no seat limits; the objective is independent of the model used
    rng = np.random.default_rng(16)
    cost, demand, _, _ = random_instance(rng, n=40, m_e=0, m_c=9, unreachable=0.0)
    result = SiteModel.from_cost_matrix(cost, demand, np.zeros(0), np.full(9, np.inf), 3).solve()
    expected, best_set = brute_force_uncapacitated(cost, demand, 0, 3)
    assert result.objective_value == pytest.approx(expected, rel=1e-9)
    assert result.chosen == best_set
    pulp = pytest.importorskip("pulp")
    locate = pytest.importorskip("spopt.locate")
    model = locate.PMedian.from_cost_matrix(cost, demand, p_facilities=3, name="t").solve(
        pulp.PULP_CBC_CMD(msg=False))
    assert float(pulp.value(model.problem.objective)) == pytest.approx(expected, rel=1e-7)


@pytest.mark.parametrize("seed", range(3))
def test_uncapacitated_enumeration_and_radius_milp_equal_brute_force(seed):
    from planner.siting.uncapacitated import solve_enumeration, solve_radius

    rng = np.random.default_rng(1600 + seed)
    cost, demand, _, _ = random_instance(rng, n=30, m_e=2, m_c=8, unreachable=0.15)
    expected, best_set = brute_force_uncapacitated(cost, demand, 2, 3)
    base, cand = cost[:, :2].min(axis=1), cost[:, 2:]
    reachable = np.isfinite(cost).any(axis=1)
    base, cand, w = base[reachable], cand[reachable], demand[reachable]
    want = float(np.dot(np.minimum(base, cand[:, list(best_set)].min(axis=1)), w))
    for found in (solve_enumeration(cand, base, w, 3, 1e9), solve_radius(cand, base, w, 3, 1e9)):
        assert found.value == pytest.approx(want, rel=1e-9)
    assert expected == pytest.approx(want, rel=1e-9) or not np.isfinite(expected)
