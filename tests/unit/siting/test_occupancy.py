"""Occupancy coefficients and seats: hand-worked examples (eVaka model, see finnish-rules.md §3)."""
from __future__ import annotations

from datetime import date

import pytest

from planner.errors import InputError
from planner.siting.occupancy import (capacity_seats, child_coefficient, demand_seats, occupancy_percent,
                                      unit_occupancy)


@pytest.mark.parametrize("age, hours, support, expected", [
    (2, 40, 1.0, 1.75),          # under 3, full-time
    (3, 40, 1.0, 1.0),           # 3 and over
    (5, 25, 1.0, 0.54),          # part-time is at most 25 h/week
    (5, 25.5, 1.0, 1.0),         # just above: full-time
    (1, 20, 1.0, 0.945),         # 1.75 × 0.54
    (4, 40, 1.5, 1.5),           # support coefficient multiplies
    (2.99, 40, 2.0, 3.5),        # 1.75 × 2
])
def test_child_coefficient(age, hours, support, expected):
    assert child_coefficient(age, hours, support) == pytest.approx(expected)


def test_child_coefficient_from_birth_date_turns_three_on_the_birthday():
    born = date(2022, 3, 15)
    assert child_coefficient(born, 40, on=date(2025, 3, 14)) == 1.75
    assert child_coefficient(born, 40, on=date(2025, 3, 15)) == 1.0


def test_bad_child_values_name_every_field():
    with pytest.raises(InputError) as info:
        child_coefficient(-1, 0, support=0)
    assert info.value.fields() == {"age_years", "weekly_hours", "support"}
    with pytest.raises(InputError) as info:
        child_coefficient(date(2030, 1, 1), 40, on=date(2025, 1, 1))
    assert info.value.fields() == {"birth_date"}


def test_capacity_is_caretakers_times_seven_when_known():
    assert capacity_seats(caretakers=6, stated_seats=50) == 42
    assert capacity_seats(stated_seats=50) == 50
    assert capacity_seats() is None


def test_unit_occupancy_hand_worked():
    # 6 caretakers → 42 seats. Children: 8 under-3 full-time (8 × 1.75 = 14), 2 under-3 part-time
    # (2 × 0.945 = 1.89), 20 aged 3+ full-time (20), 4 aged 3+ part-time (4 × 0.54 = 2.16),
    # one aged 4 with support 2.0 (2.0). Used = 14 + 1.89 + 20 + 2.16 + 2 = 40.05 seats.
    children = [(2, 40, 1.0)] * 8 + [(1, 20, 1.0)] * 2 + [(4, 40, 1.0)] * 20 + [(5, 20, 1.0)] * 4 + [(4, 45, 2.0)]
    result = unit_occupancy([child_coefficient(a, h, s) for a, h, s in children], caretakers=6)
    assert result.used_seats == pytest.approx(40.05)
    assert result.capacity_seats == 42
    assert result.percent == 95.4   # 40.05 / 42 = 95.357… % → 95.4 (half-up, one decimal)


def test_occupancy_percent_rounds_half_up_and_handles_unknown_capacity():
    assert occupancy_percent(1, 8) == 12.5
    assert occupancy_percent(0.125, 1) == 12.5
    assert occupancy_percent(1.0005, 1) == 100.1   # 100.05 → 100.1
    assert occupancy_percent(5, None) is None
    assert occupancy_percent(5, 0) is None


def test_demand_seats_from_age_groups():
    assert demand_seats(10, 10, 4, participation=(1.0, 1.0, 1.0)) == pytest.approx(17.5 + 10 + 4)
    assert demand_seats(10, 10, 4, participation=(0.5, 0.9, 1.0)) == pytest.approx(8.75 + 9 + 4)


def test_demand_seats_default_is_the_assumed_participation():
    # 1.75 × 0.39 × 10 = 6.825; 0.90 × 10 = 9; 0.98 × 4 = 3.92 → 19.745 seats
    assert demand_seats(10, 10, 4) == pytest.approx(19.745)
    assert demand_seats(10, 10, 4, participation=None) == pytest.approx(19.745)
