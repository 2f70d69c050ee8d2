"""Coefficient-weighted occupancy of daycare units (the eVaka model).

A child takes ``age factor × service-need factor × support factor`` seats:

* age factor: under 3 years 1.75, 3 years and over 1.0;
* service-need factor: part-time care (at most 25 h/week, i.e. at most 5 h/day) 0.54, otherwise 1.0;
* support factor: the child's support (assistance) coefficient, default 1.0.

A unit's capacity in seats is ``caretakers × 7`` when the number of caretakers is known, otherwise its
stated ``capacity_seats``. Occupancy % = used seats / capacity seats × 100.

Expected demand of an area (:func:`demand_seats`) counts only the share of each age group that takes
up ECEC (participation); by default :data:`ASSUMED_PARTICIPATION`, an assumption (see there).
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Iterable, Sequence

from planner.errors import InputError, ProblemCollector

UNDER_3_FACTOR = 1.75
THREE_AND_OVER_FACTOR = 1.0
PART_TIME_FACTOR = 0.54
PART_TIME_MAX_WEEKLY_HOURS = 25.0
SEATS_PER_CARETAKER = 7.0

# ASSUMPTION (not verified against the source tables): share of children of each age group
# (0–2, 3–5, 6 years) that takes up ECEC, approximating Finnish national participation rates from the
# ECEC statistics (THL/Sotkanet, since 2021 Statistics Finland "Varhaiskasvatus" from Varda):
# under-1s almost none, 1-year-olds ≈ 40 %, 2-year-olds ≈ 75 % → ≈ 39 % for 0–2; 3–5 ≈ 90 %;
# 6-year-olds in preschool (+ supplementary ECEC) ≈ 98 %. Rates vary by municipality and year: replace
# them with local figures when known (``participation=...``, ``site --participation P0,P1,P2``).
ASSUMED_PARTICIPATION: tuple[float, float, float] = (0.39, 0.90, 0.98)
FULL_PARTICIPATION: tuple[float, float, float] = (1.0, 1.0, 1.0)   # every child, an upper bound
PARTICIPATION_GROUPS: tuple[str, str, str] = ("0–2", "3–5", "6")


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


def demand_seats(age_0_2, age_3_5, age_6, *, participation: Sequence[float] | None = None):
    """Expected seats from child counts by age group (works on numbers and numpy/pandas arrays).

    ``1.75 × p₀ × age_0_2 + 1.0 × p₁ × age_3_5 + 1.0 × p₂ × age_6``, where ``participation`` = (p₀, p₁, p₂)
    gives the share of each age group expected in ECEC (None: :data:`ASSUMED_PARTICIPATION`;
    :data:`FULL_PARTICIPATION` counts every child). All participants count full-time (the part-time
    share of a future area is unknown).
    """
    p0, p1, p2 = ASSUMED_PARTICIPATION if participation is None else validate_participation(participation)
    return UNDER_3_FACTOR * p0 * age_0_2 + THREE_AND_OVER_FACTOR * p1 * age_3_5 + THREE_AND_OVER_FACTOR * p2 * age_6


def validate_participation(value: Sequence[float] | None, field: str = "participation") -> tuple[float, float, float]:
    """Participation shares (0–2, 3–5, 6) as a tuple of floats, each 0..1; None → the assumed default.

    ``InputError`` naming ``field``: one problem for a wrong count, else one per bad share.
    """
    if value is None:
        return ASSUMED_PARTICIPATION
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != 3:
        raise InputError.single(field, value, "three shares 0..1 for ages 0–2, 3–5 and 6, e.g. 0.39,0.90,0.98")
    problems = ProblemCollector()
    for share, group in zip(value, PARTICIPATION_GROUPS):
        if not _is_finite_number(share) or not 0 <= share <= 1:
            problems.add(field, share, f"a share between 0 and 1 for ages {group} (e.g. 0.9 for 90 %)")
    problems.raise_if_any()
    return tuple(float(share) for share in value)  # type: ignore[return-value]


def parse_participation(text: Any, field: str = "--participation") -> tuple[float, float, float]:
    """``"P0,P1,P2"`` (shares 0..1 for ages 0–2, 3–5, 6) → tuple; None or empty → the assumed default.

    A sequence of numbers is accepted as well. Bad text → ``InputError`` naming ``field``, the value and
    the fix (one problem per bad share).
    """
    if text is None or (isinstance(text, str) and not text.strip()):
        return ASSUMED_PARTICIPATION
    if not isinstance(text, str):
        return validate_participation(text, field)
    parts = [part.strip() for part in text.split(",")]
    if len(parts) != 3:
        raise InputError.single(field, text, "three shares 0..1 separated by commas for ages 0–2, 3–5 and 6, "
                                             "e.g. 0.39,0.90,0.98")
    problems = ProblemCollector()
    shares: list[float] = []
    for part, group in zip(parts, PARTICIPATION_GROUPS):
        try:
            share = float(part)
        except ValueError:
            share = math.nan
        if not math.isfinite(share) or not 0 <= share <= 1:
            problems.add(field, part, f"a share between 0 and 1 for ages {group} "
                                      f"(a decimal point, e.g. 0.9 for 90 %) in {text!r}")
        shares.append(share)
    problems.raise_if_any()
    return (shares[0], shares[1], shares[2])


def is_assumed_participation(participation: Sequence[float] | None) -> bool:
    """True when ``participation`` is None or equals :data:`ASSUMED_PARTICIPATION` (an estimate)."""
    if participation is None:
        return True
    return len(participation) == 3 and all(math.isclose(float(a), b, abs_tol=1e-12)
                                           for a, b in zip(participation, ASSUMED_PARTICIPATION))


def _is_finite_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
