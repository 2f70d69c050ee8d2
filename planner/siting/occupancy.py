"""Coefficient-weighted occupancy of daycare units (the eVaka model).

A child takes ``age factor × service-need factor × support factor`` seats:

* age factor: under 3 years 1.75, 3 years and over 1.0;
* service-need factor: part-time care (at most 25 h/week, i.e. at most 5 h/day) 0.54, otherwise 1.0;
* support factor: the child's support (assistance) coefficient, default 1.0.

A unit's capacity in seats is ``caretakers × 7`` when the number of caretakers is known, otherwise its
stated ``capacity_seats``. Occupancy % = used seats / capacity seats × 100.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable

from planner.errors import InputError, ProblemCollector

UNDER_3_FACTOR = 1.75
THREE_AND_OVER_FACTOR = 1.0
PART_TIME_FACTOR = 0.54
PART_TIME_MAX_WEEKLY_HOURS = 25.0
SEATS_PER_CARETAKER = 7.0


@dataclass(frozen=True)
class Occupancy:
    """Used and available seats of one unit; ``percent`` is None when the capacity is unknown or 0."""

    used_seats: float
    capacity_seats: float | None
    percent: float | None

    def to_dict(self) -> dict[str, float | None]:
        return {"used_seats": self.used_seats, "capacity_seats": self.capacity_seats, "percent": self.percent}


def age_in_years(birth_date: date, on: date) -> int:
    """Completed years of age on the day ``on``."""
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def child_coefficient(
    age_years_or_birth_date: float | date,
    weekly_hours: float,
    support: float = 1.0,
    *,
    on: date | None = None,
) -> float:
    """Seats one child takes: age factor × part-time factor × support factor.

    ``age_years_or_birth_date`` is the age in completed years or the birth date (age taken on ``on``,
    default today). ``weekly_hours`` are the agreed care hours per week; ≤ 25 h/week is part-time.
    """
    problems = ProblemCollector()
    if isinstance(age_years_or_birth_date, date):
        age = age_in_years(age_years_or_birth_date, on or date.today())
        if age < 0:
            problems.add("birth_date", age_years_or_birth_date.isoformat(), "a date on or before the day of the calculation")
    else:
        age = age_years_or_birth_date
        if not _is_finite_number(age) or age < 0:
            problems.add("age_years", age, "a number of years, 0 or more")
    if not _is_finite_number(weekly_hours) or weekly_hours <= 0 or weekly_hours > 168:
        problems.add("weekly_hours", weekly_hours, "hours of care per week, more than 0 and at most 168")
    if not _is_finite_number(support) or support <= 0:
        problems.add("support", support, "a support coefficient above 0 (1.0 when no extra support)")
    problems.raise_if_any()
    age_factor = UNDER_3_FACTOR if age < 3 else THREE_AND_OVER_FACTOR
    need_factor = PART_TIME_FACTOR if weekly_hours <= PART_TIME_MAX_WEEKLY_HOURS else 1.0
    return age_factor * need_factor * float(support)


def capacity_seats(caretakers: float | None = None, stated_seats: float | None = None) -> float | None:
    """Capacity in seats: ``caretakers × 7`` when caretakers are known, else the stated seats (or None)."""
    if caretakers is not None and _is_finite_number(caretakers):
        if caretakers < 0:
            raise InputError.single("caretakers", caretakers, "a number of caretakers, 0 or more")
        return float(caretakers) * SEATS_PER_CARETAKER
    if stated_seats is not None and _is_finite_number(stated_seats):
        if stated_seats < 0:
            raise InputError.single("capacity_seats", stated_seats, "a number of seats, 0 or more")
        return float(stated_seats)
    return None


def occupancy_percent(used_seats: float, capacity: float | None) -> float | None:
    """used / capacity × 100, rounded half-up to one decimal; None when the capacity is unknown or 0."""
    if capacity is None or capacity <= 0 or not math.isfinite(capacity):
        return None
    value = Decimal(repr(float(used_seats))) / Decimal(repr(float(capacity))) * 100
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def unit_occupancy(
    coefficients: Iterable[float],
    *,
    caretakers: float | None = None,
    stated_seats: float | None = None,
) -> Occupancy:
    """Occupancy of one unit from its children's coefficients (see :func:`child_coefficient`)."""
    used = round(math.fsum(float(c) for c in coefficients), 6)
    capacity = capacity_seats(caretakers, stated_seats)
    return Occupancy(used_seats=used, capacity_seats=capacity, percent=occupancy_percent(used, capacity))


def demand_seats(age_0_2, age_3_5, age_6, *, participation: tuple[float, float, float] = (1.0, 1.0, 1.0)):
    """Expected seats from child counts by age group (works on numbers and numpy/pandas arrays).

    ``1.75 × p₀ × age_0_2 + 1.0 × p₁ × age_3_5 + 1.0 × p₂ × age_6``, where ``participation`` gives the
    share of each age group expected in ECEC (default 1.0: every child; set local rates to refine).
    All children are counted full-time (the part-time share of a future area is unknown).
    """
    p0, p1, p2 = participation
    return UNDER_3_FACTOR * p0 * age_0_2 + THREE_AND_OVER_FACTOR * p1 * age_3_5 + THREE_AND_OVER_FACTOR * p2 * age_6


def _is_finite_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
