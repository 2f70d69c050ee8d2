"""One optimiser entry point (``optimise_sites``) for the page and the ``site`` command; transit inputs.

Toy street: 1e-5 degrees of longitude = 1 s of travel (hand-worked); every child counted
(participation 1, 1, 1) and only 3–5-year-olds, so a point's seats = its children.
"""
from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from planner.errors import InputError
from planner.siting.candidates import Candidate
from planner.siting.optimiser import SiteModel
from planner.siting.scenario import SitingInputs, TravelTimes, default_arrival, evaluate
from planner.siting.sites import optimise_sites
from planner.units import Unit

FULL = (1.0, 1.0, 1.0)


def toy_seconds(points: np.ndarray, locations: np.ndarray) -> np.ndarray:
    return np.round(np.abs(points[:, None, 1] - locations[None, :, 1]) * 1e5, 6)


def toy_demand() -> pd.DataFrame:
    # points at 0, 300, 600, 1200 s along the street; seats 1, 1, 1, 2
    return pd.DataFrame({"lat": [60.0] * 4, "lon": [24.0, 24.003, 24.006, 24.012], "age_0_2": [0.0] * 4,
                         "age_3_5": [1.0, 1.0, 1.0, 2.0], "age_6": [0.0] * 4, "estimated": [False] * 4})


UNIT = Unit("a", "A", 60.0, 24.0)                    # at 0 s, capacity unknown = no limit
C1, C2 = Candidate("c1", 60.0, 24.006), Candidate("c2", 60.0, 24.012)


def toy_inputs(outside=()):
    demand = toy_demand()
    cost = toy_seconds(demand[["lat", "lon"]].to_numpy(), np.array([[UNIT.lat, UNIT.lon]]))
    inputs = SitingInputs.from_cost_matrix(demand, [UNIT], cost, compute=toy_seconds, participation=FULL)
    times = inputs.times["walk"]
    inputs.times["walk"] = TravelTimes(times.points, toy_seconds,
                                       locate=lambda loc: [tuple(p) in outside for p in loc.tolist()])
    return inputs


def test_p_median_hand_worked():
    # c1: 0 + 300 + 0 + 2 × 600 = 1500 seat-s; c2: 0 + 300 + 600 + 0 = 900 → c2
    outcome = optimise_sites(toy_inputs(), [UNIT], [C1, C2], k=1, objective="p-median", max_minutes=10)
    assert outcome.chosen == ({"rank": 1, "id": "c2", "lat": 60.0, "lon": 24.012, "capacity_seats": None,
                               "assigned_seats": 2.0},)
    assert outcome.result.objective_value == pytest.approx(900)
    assert outcome.before["mean_travel_s"] == pytest.approx((300 + 600 + 2 * 1200) / 5)
    assert outcome.after["mean_travel_s"] == pytest.approx((300 + 600) / 5)
    assert outcome.before["coverage_share"] == pytest.approx(3 / 5) and outcome.after["coverage_share"] == 1.0
    assert outcome.participation == FULL and outcome.participation_assumed is False
    assert outcome.explanation == (
        "Opening 1 of 2 candidates changes the mean trip to the nearest unit from 11 to 3 min; within 10 min: "
        "60 % before, 100 % after. Expected demand uses the given ECEC participation: 100 % of children aged "
        "0–2, 100 % aged 3–5 and 100 % aged 6.")
    assert outcome.status == "optimal" and outcome.existing_units == 1


def test_default_capacity_applies_to_candidates_without_their_own():
    # 1 seat each: c1 saves 600 seat-s (one seat of p2 or p3), c2 saves 1200 (one seat of p3) → c2, 1 seat
    outcome = optimise_sites(toy_inputs(), [UNIT], [C1, C2], k=1, candidate_capacity=1)
    assert [(r["id"], r["capacity_seats"], round(r["assigned_seats"], 6)) for r in outcome.chosen] == \
        [("c2", 1.0, 1.0)]
    assert outcome.result.objective_value == pytest.approx(3300 - 1200)
    # a candidate's own capacity wins over the default; 0 / None = no limit
    own = optimise_sites(toy_inputs(), [UNIT], [C1, Candidate("c2", 60.0, 24.012, 5.0)], k=1, candidate_capacity=1)
    assert own.chosen[0]["capacity_seats"] == 5.0 and own.chosen[0]["assigned_seats"] == pytest.approx(2.0)
    assert optimise_sites(toy_inputs(), [UNIT], [C1, C2], k=1, candidate_capacity=0).chosen[0]["capacity_seats"] \
        is None


def test_same_numbers_as_the_model_on_the_same_matrix():
    inputs = toy_inputs()
    outcome = optimise_sites(inputs, [UNIT], [C1, C2], k=1, objective="coverage", max_minutes=5)
    cost = toy_seconds(inputs.points, np.array([[UNIT.lat, UNIT.lon], [C1.lat, C1.lon], [C2.lat, C2.lon]]))
    direct = SiteModel.from_cost_matrix(cost, inputs.seats, np.array([np.inf]), np.array([np.inf, np.inf]), 1,
                                        "coverage", max_s=300.0).solve()
    assert [c.candidate_id for c in outcome.candidates][direct.chosen[0]] == outcome.chosen[0]["id"]
    assert outcome.result.objective_value == pytest.approx(direct.objective_value)
    assert outcome.after == pytest.approx(direct.after)


def test_every_input_problem_at_once_and_candidates_outside_by_id():
    with pytest.raises(InputError) as error:
        optimise_sites(toy_inputs(), [UNIT], [], k=-1, objective="median", mode="car", max_minutes=0,
                       candidate_capacity=-7, k_field="--add")
    assert [p.field for p in error.value.problems] == ["--add", "max_minutes", "objective", "mode",
                                                       "candidate_capacity", "candidates"]
    with pytest.raises(InputError) as error:
        optimise_sites(toy_inputs(outside={(60.0, 24.012)}), [UNIT], [C1, C2], k=1, field="points")
    assert [(p.field, p.expected) for p in error.value.problems] == [
        ("points c2", "a point inside the dataset's area (near a street of the chosen mode)")]


class ToyEngine:
    """Toy street engine: matrix as above; points east of 24.1 are outside the area."""

    def matrix(self, origins, locations, on_outside="raise"):
        return toy_seconds(np.asarray(origins, float), np.asarray(locations, float))

    def snap_many(self, points, field="points", on_outside="raise"):
        return [None if p[1] > 24.1 else object() for p in points]


def toy_dataset(transit=None):
    return SimpleNamespace(name="toy", demand=toy_demand(), units=[UNIT], engine=lambda mode: ToyEngine(),
                           catchments=SimpleNamespace(derived=True), transit=lambda: transit)


def test_site_for_dataset_is_optimise_sites_on_the_dataset_inputs():
    from planner.siting.commands import site_for_dataset

    dataset = toy_dataset()
    out = site_for_dataset(dataset, [C1, C2], k=1, max_minutes=10, participation=FULL)
    outcome = optimise_sites(SitingInputs.from_dataset(dataset, participation=FULL), [UNIT], [C1, C2], k=1)
    assert out["chosen"] == [{"id": "c2", "lat": 60.0, "lon": 24.012, "capacity_seats": None,
                              "assigned_seats": 2.0}]
    assert out["explanation"] == outcome.explanation
    assert out["before"]["mean_travel_s"] == outcome.before["mean_travel_s"]
    assert out["after"]["demand_seats"] == pytest.approx(5.0)
    with pytest.raises(InputError) as error:
        site_for_dataset(dataset, [Candidate("far", 60.0, 24.5)], field="--candidates")
    assert error.value.fields() == {"--candidates far"}


class Router:
    """Door-to-door seconds = 600 × |row index − the destination's lat offset in 0.001°| (hand-made)."""

    def __init__(self, first_day=None):
        self.calls = []
        self.walk = ToyEngine()
        if first_day:
            self.feed = SimpleNamespace(date_range=lambda: (first_day, date(2030, 12, 31)))

    def many_to_one(self, points, destination, arrive_by, *, on_outside="raise"):
        self.calls.append((destination, arrive_by, on_outside))
        return np.array([600.0 * abs(i - round((destination[0] - 60.0) * 1000)) for i in range(len(points))])


def test_transit_inputs_one_reverse_search_per_unit_location_arriving_by_the_default_time():
    demand = pd.DataFrame({"lat": [60.0, 60.001, 60.002], "lon": [24.9] * 3, "age_0_2": [1.0, 0.0, 0.0],
                           "age_3_5": [0.0, 2.0, 0.0], "age_6": [0.0, 0.0, 1.0], "estimated": [True] * 3})
    router = Router(first_day=date(2024, 1, 1))        # a Monday: the first Tuesday is 2 January
    dataset = SimpleNamespace(name="fake", demand=demand, engine=lambda mode: None,
                              catchments=SimpleNamespace(derived=True), transit=lambda: router)
    inputs = SitingInputs.from_dataset(dataset, modes=("transit",))
    units = [Unit("a", "A", 60.0, 24.9, caretakers=1.0), Unit("b", "B", 60.002, 24.9, caretakers=1.0)]
    evaluation = evaluate(inputs, units, "transit", 10.0, "nearest")
    assert list(evaluation.nearest_unit) == ["a", "a", "b"]          # ties go to the first unit
    assert list(evaluation.nearest_time_s) == [0.0, 600.0, 0.0]
    assert [(c[1], c[2]) for c in router.calls] == [(datetime(2024, 1, 2, 8, 0), "none")] * 2
    assert default_arrival(router) == datetime(2024, 1, 2, 8, 0)
    assert default_arrival(Router()).weekday() == 1                  # no feed: the next Tuesday from today
    # the optimiser on transit inputs: a candidate outside the walk network is named
    with pytest.raises(InputError) as error:
        optimise_sites(inputs, units, [Candidate("x", 60.001, 24.5)], k=1, mode="transit")
    assert error.value.fields() == {"candidates x"}
    with pytest.raises(InputError) as error:
        SitingInputs.from_dataset(SimpleNamespace(**{**vars(dataset), "transit": lambda: None}), modes=("transit",))
    assert error.value.fields() == {"mode"}
