"""What-if scenarios: applying changes, evaluation, comparison, file round trip and validation errors."""
from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from planner.errors import InputError
from planner.siting.scenario import (Change, Scenario, SitingInputs, TravelTimes, compare, evaluate,
                                     load_scenario, run_what_if, save_scenario)
from planner.units import Unit

# A straight street: demand points and units on one line of longitude steps; travel time is the
# difference in "metres" / 1 m/s where 1e-5 degrees of longitude = 1 m (a toy metric for hand working).


def toy_seconds(points: np.ndarray, locations: np.ndarray) -> np.ndarray:
    return np.round(np.abs(points[:, None, 1] - locations[None, :, 1]) * 1e5, 6)


def make_inputs(catchment_unit=None):
    demand = pd.DataFrame({
        "lat": [60.0] * 4, "lon": [24.0, 24.003, 24.006, 24.012],
        "age_0_2": [4.0, 0.0, 2.0, 1.0], "age_3_5": [0.0, 3.0, 1.0, 0.0], "age_6": [0.0, 1.0, 0.0, 0.0],
        "estimated": [False] * 4,
    })
    units = [Unit("a", "A", 60.0, 24.0, capacity_seats=10), Unit("b", "B", 60.0, 24.006, caretakers=1)]
    calls = []

    def compute(points, locations):
        calls.append(len(locations))
        return toy_seconds(points, locations)

    cost = toy_seconds(demand[["lat", "lon"]].to_numpy(), np.array([[u.lat, u.lon] for u in units]))
    # every child counted (participation 1.0) so that the seats below can be worked by hand
    inputs = SitingInputs.from_cost_matrix(demand, units, cost, catchment_unit=catchment_unit, compute=compute,
                                           participation=(1.0, 1.0, 1.0))
    return inputs, units, calls


def test_evaluate_by_nearest_hand_worked():
    inputs, units, _ = make_inputs()
    result = evaluate(inputs, units, "walk", max_minutes=5, assignment="nearest")
    # times: p0 0 s (a), p1 300 s (a or b tie -> a, first), p2 0 s (b), p3 600 s (b)
    assert result.nearest_unit.tolist() == ["a", "a", "b", "b"]
    table = result.units.set_index("unit_id")
    # seats: a = 4 × 1.75 + (3 + 1) = 11; b = 2 × 1.75 + 1 + 1 × 1.75 = 6.25
    assert table.loc["a", "demand_seats"] == pytest.approx(11)
    assert table.loc["b", "demand_seats"] == pytest.approx(6.25)
    assert table.loc["a", "occupancy_percent"] == 110.0
    assert table.loc["b", "capacity_seats"] == 7          # 1 caretaker × 7
    assert table.loc["b", "occupancy_percent"] == 89.3     # 6.25 / 7 = 89.29 %
    # children 4, 4, 3, 1 at 0, 300, 0, 600 s: within 5 min = 11 of 12
    assert result.overall["coverage_share"] == pytest.approx(11 / 12)
    assert result.overall["mean_travel_s"] == pytest.approx((4 * 300 + 600) / 12)


def test_catchment_assignment_uses_imported_areas_and_falls_back_to_nearest():
    inputs, units, _ = make_inputs(catchment_unit=["b", "b", None, "gone"])
    result = evaluate(inputs, units, "walk", 10, assignment="catchment")
    assert result.assigned_unit.tolist() == ["b", "b", "b", "b"]
    assert result.assigned_time_s.tolist() == [600, 300, 0, 600]


def test_what_if_routes_only_new_locations():
    inputs, units, calls = make_inputs()
    scenario = Scenario("more", (Change("add", "c", name="C", lat=60.0, lon=24.012, capacity_seats=14),
                                 Change("resize", "a", capacity_seats=20)))
    baseline, after, comparison = run_what_if(inputs, units, scenario, max_minutes=5, assignment="nearest")
    assert calls == [1]                         # one new column for unit c, nothing else routed
    changed = comparison.changed_points
    assert changed["point"].tolist() == [3]
    assert changed["nearest_before"].tolist() == ["b"] and changed["nearest_after"].tolist() == ["c"]
    assert "nearest unit changes from b to c" in changed["reason"].iloc[0]
    status = comparison.units.set_index("unit_id")["status"]
    assert status.to_dict() == {"a": "resized", "b": "changed", "c": "added"}
    overall = comparison.overall.set_index("metric")
    assert overall.loc["coverage_share", "after"] == 1.0
    # a second evaluation of the same scenario routes nothing
    evaluate(inputs, scenario.apply(units), "walk", 5, "nearest")
    assert calls == [1]


def test_close_and_move():
    inputs, units, _ = make_inputs()
    scenario = Scenario("s", (Change("close", "a"), Change("move", "b", lat=60.0, lon=24.003)))
    new_units = scenario.apply(units)
    assert [(u.unit_id, u.lon) for u in new_units] == [("b", 24.003)]
    _, after, comparison = run_what_if(inputs, units, scenario, max_minutes=5, assignment="nearest")
    assert after.nearest_unit.tolist() == ["b"] * 4
    assert comparison.units.set_index("unit_id")["status"].to_dict() == {"a": "closed", "b": "moved"}


def test_unknown_and_duplicate_ids_name_the_change():
    _, units, _ = make_inputs()
    scenario = Scenario("s", (Change("close", "zz"), Change("add", "a", lat=60, lon=24)))
    with pytest.raises(InputError) as info:
        scenario.apply(units)
    assert info.value.fields() == {"changes[0].unit_id", "changes[1].unit_id"}


def test_scenario_file_round_trips(tmp_path):
    scenario = Scenario("Uusi päiväkoti", (
        Change("add", "new-1", name="Uusi", lat=60.17, lon=24.94, capacity_seats=84),
        Change("move", "u2", address="Mannerheimintie 1"),
        Change("resize", "u3", caretakers=6),
        Change("close", "u4")), description="kokeilu")
    path = save_scenario(scenario, tmp_path / "s.json")
    assert load_scenario(path) == scenario
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == "planner-scenario"


def test_bad_scenario_file_names_index_and_field(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"changes": [
        {"action": "add", "unit_id": "x", "lat": 95, "lon": 24},
        {"action": "demolish", "unit_id": "y"},
        {"action": "resize", "unit_id": "z"},
        {"action": "move", "unit_id": "", "lat": 60, "lon": 24, "colour": "red"},
    ]}), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_scenario(path)
    assert info.value.fields() == {"changes[0].lat", "changes[1].action", "changes[2].capacity_seats",
                                   "changes[3].unit_id", "changes[3].colour"}
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="valid JSON"):
        load_scenario(path)


def test_addresses_are_resolved_with_the_given_resolver():
    _, units, _ = make_inputs()
    scenario = Scenario("s", (Change("add", "c", address="Testikatu 1"),))

    def resolve(text, field):
        if text == "Testikatu 1":
            return 60.0, 24.01
        raise InputError.single(field, text, "a known address")

    assert scenario.apply(units, resolve=resolve)[-1].lon == 24.01
    bad = Scenario("s", (Change("add", "c", address="Nowhere 9"),))
    with pytest.raises(InputError) as info:
        bad.apply(units, resolve=resolve)
    assert info.value.fields() == {"changes[0].address"}


def test_change_descriptions_exist_in_three_languages():
    change = Change("resize", "u1", caretakers=6)
    assert change.describe("en") == "unit u1 resized to 42 seats"
    assert "42" in change.describe("fi") and "42" in change.describe("sv")


def test_travel_times_cache_rejects_wrong_shape():
    with pytest.raises(InputError):
        TravelTimes.from_cost_matrix(np.zeros((2, 2)), [Unit("a", "A", 60, 24)], np.zeros((2, 3)))


def test_compare_needs_same_demand():
    inputs, units, _ = make_inputs()
    a = evaluate(inputs, units, "walk", 5, "nearest")
    other = SitingInputs.from_cost_matrix(inputs.demand.iloc[:2], units, np.zeros((2, 2)))
    b = evaluate(other, units, "walk", 5, "nearest")
    with pytest.raises(InputError):
        compare(a, b)
    assert not math.isnan(a.overall["access_seats_per_child"])


def test_a_change_can_name_its_unit_by_a_label():
    change = Change("resize", "osm-node-10299334679", capacity_seats=84)
    assert change.describe("fi", "Ryhmäperhepäiväkoti Peukaloinen") == \
        "yksikön Ryhmäperhepäiväkoti Peukaloinen koko muutettu: 84 paikkaa"
    assert change.describe("fi") == "yksikön osm-node-10299334679 koko muutettu: 84 paikkaa"
