"""Seat weights and hard rules on hand-worked examples."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from placement_helpers import START, child  # noqa: E402

from planner.placement.rules import (HARD_RULES, PlacementProblem, PlacementRules, PlacementUnit,  # noqa: E402
                                     age_months_on, seat_weight)
from planner.siting.occupancy import child_coefficient  # noqa: E402


@pytest.mark.parametrize("age, hours, support, expected", [
    (2, 40, 1.0, 1.75), (2, 25, 1.0, 0.945), (4, 25, 1.0, 0.54), (4, 26, 1.0, 1.0), (4, 40, 2.0, 2.0)])
def test_seat_weight_matches_occupancy_rule(age, hours, support, expected):
    c = child("a", age_years=age, hours=hours, support=support)
    assert seat_weight(c) == pytest.approx(expected)
    assert seat_weight(c) == pytest.approx(child_coefficient(c.birth_date, hours, support, on=START))


def test_age_is_taken_on_the_start_date():
    assert age_months_on(date(2023, 8, 2), date(2026, 8, 1)) == 35   # one day short of 3 years
    c = child("a")
    c2 = type(c)(**{**c.__dict__, "birth_date": date(2023, 8, 2)})
    assert seat_weight(c2) == 1.75


def test_first_failed_hard_rule_per_pair():
    units = [PlacementUnit("sv", languages=("sv",), available_seats=5),
             PlacementUnit("day", languages=("fi",), available_seats=5),
             PlacementUnit("old", languages=("fi",), shift_care=True, min_age_months=60, available_seats=5),
             PlacementUnit("far", languages=("fi",), shift_care=True, available_seats=5),
             PlacementUnit("full", languages=("fi",), shift_care=True, available_seats=1.0),
             PlacementUnit("ok", languages=("fi", "sv"), shift_care=True, available_seats=5)]
    kid = child("a", age_years=2, shift=True)  # weight 1.75
    times = np.array([[100, 100, 100, 4000, 100, 100]], dtype=float)
    p = PlacementProblem.from_cost_matrix([kid], units, times)
    names = [HARD_RULES[k] if k >= 0 else "ok" for k in p.first_failed[0]]
    assert names == ["language", "shift_care", "age", "distance", "capacity", "ok"]


def test_other_languages_fall_back_to_finnish_units_unless_configured():
    units = [PlacementUnit("fi", languages=("fi",), available_seats=5)]
    kid = child("a", language="ar")
    assert PlacementProblem.from_cost_matrix([kid], units, [[60.0]]).feasible[0, 0]
    strict = PlacementRules(fallback_language=None)
    assert not PlacementProblem.from_cost_matrix([kid], units, [[60.0]], rules=strict).feasible[0, 0]
