"""The offers command's helpers: rules from the flags, travel inputs from a dataset, quiet solver output."""
from __future__ import annotations

import ctypes
import sys
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from placement_helpers import child  # noqa: E402

from planner.errors import InputError  # noqa: E402
from planner.placement.commands import (next_school_morning, plan_offers, quiet_native_output,  # noqa: E402
                                        rules_for, travel_inputs)
from planner.placement.rules import PlacementUnit  # noqa: E402


def test_rules_for_sets_the_trip_limit_in_seconds_and_the_seed():
    rules = rules_for(45, 7)
    assert rules.max_travel_time_s == 2700.0 and rules.seed == 7
    assert rules_for(None, None).max_travel_time_s == 3600.0


@pytest.mark.parametrize("bad", [0, -5, float("nan"), float("inf"), "soon"])
def test_rules_for_names_the_flag_of_a_bad_trip_limit(bad):
    with pytest.raises(InputError) as error:
        rules_for(bad, 0)
    assert error.value.problems[0].field == "--max-minutes"


def test_trip_limit_changes_the_offer_by_hand():
    units = [PlacementUnit("near", available_seats=1.0), PlacementUnit("far", available_seats=1.0)]
    kids = [child("a"), child("b")]
    times = [[300.0, 1500.0], [300.0, 1500.0]]  # one seat at 5 min, one at 25 min
    assert len(plan_offers(kids, units, times, rules=rules_for(60, 0), method="optimal")["offers"]) == 2
    report = plan_offers(kids, units, times, rules=rules_for(20, 0), method="optimal")
    assert len(report["offers"]) == 1 and report["unplaced"][0]["rule"] == "capacity"
    assert report["unplaced"][0]["reason"] == "No Finnish-language unit with free seats within 20 min"


def test_seed_only_breaks_ties_and_is_repeatable():
    units = [PlacementUnit("u", available_seats=1.0)]
    kids = [child(f"c{i}") for i in range(6)]  # equal priority: the lottery decides who gets the seat
    times = [[300.0]] * 6
    winners = {s: plan_offers(kids, units, times, rules=rules_for(60, s), method="deferred-acceptance")
               ["offers"][0]["child_id"] for s in range(8)}
    assert len(set(winners.values())) > 1
    again = plan_offers(kids, units, times, rules=rules_for(60, 3), method="deferred-acceptance")
    assert again["offers"][0]["child_id"] == winners[3]


class _Engine:
    def matrix(self, origins, destinations, **kwargs):
        assert kwargs["on_outside"] == "none"
        return [[100.0 * (i + 1) + j for j in range(len(destinations))] for i in range(len(origins))]


class _Catchments:
    def unit_for(self, lat, lon, language=None):
        return "u1" if lat > 60.17 else None


class _Router:
    def one_to_many(self, origin, destinations, depart, on_outside="raise"):
        assert depart.hour == 7 and depart.minute == 30 and depart.weekday() in (1, 2, 3)
        return [500.0] * len(destinations)


class _Dataset:
    def __init__(self, transit=None):
        self.catchments = _Catchments()
        self._transit = transit

    def engine(self, mode):
        return _Engine()

    def transit(self):
        return self._transit


def test_travel_inputs_from_a_dataset():
    kids = [child("a"), replace(child("b"), lat=60.18)]  # only b lives in u1's catchment
    units = [PlacementUnit("u1", lat=60.17, lon=24.94), PlacementUnit("u2", lat=60.16, lon=24.95)]
    travel, catchment = travel_inputs(_Dataset(), kids, units, "walk")
    np.testing.assert_array_equal(travel, [[100.0, 101.0], [200.0, 201.0]])
    assert catchment == [None, "u1"]
    travel, _ = travel_inputs(_Dataset(_Router()), kids, units, "transit")
    np.testing.assert_array_equal(travel, [[500.0, 500.0], [500.0, 500.0]])


def test_transit_without_timetable_is_an_input_error():
    with pytest.raises(InputError) as error:
        travel_inputs(_Dataset(None), [child("a")], [PlacementUnit("u1", lat=60.17, lon=24.94)], "transit")
    assert error.value.problems[0].field == "mode"


def test_next_school_morning_is_tuesday_to_thursday_at_half_past_seven():
    assert next_school_morning(date(2026, 11, 27)) == datetime(2026, 12, 1, 7, 30)  # Friday → Tuesday
    assert next_school_morning(date(2026, 12, 2)) == datetime(2026, 12, 2, 7, 30)   # Wednesday stays


def test_quiet_native_output_silences_native_printf_only_inside(capfd):
    libc = ctypes.CDLL(None)
    print("before", flush=True)
    with quiet_native_output():
        libc.printf(b"HighsMipSolverData::transformNewIntegerFeasibleSolution tmpSolver.run();\n")
    print("after", flush=True)
    sys.stderr.write("ours\n")
    sys.stderr.flush()
    out, err = capfd.readouterr()
    assert "transformNewIntegerFeasibleSolution" not in out + err
    assert out.splitlines() == ["before", "after"] and err == "ours\n"
