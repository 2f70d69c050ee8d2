"""Shared money helpers: half-up rounding, cents ↔ euros, ages and the people the rules count."""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from planner.family import Child, Family
from planner.i18n import translate
from planner.rules import RuleRow

ECEC_CARE = ("municipal", "voucher", "preschool")   # take a place in the sibling order
FULL_TIME_WORK_HOURS = 37.5


def round_half_up(value: Decimal, step: str = "1") -> Decimal:
    """Round ``value`` to ``step`` (``"1"`` whole, ``"0.01"`` cents), halves away from zero."""
    return value.quantize(Decimal(step), rounding=ROUND_HALF_UP)


def euros_to_cents(value: Decimal | int) -> int:
    return int(round_half_up(Decimal(value) * 100))


def cents_to_eur(cents: int | None) -> int | float | None:
    """Cents as a JSON-friendly euro number: whole euros as int, else a float with two decimals."""
    if cents is None:
        return None
    if cents % 100 == 0:
        return cents // 100
    return round(cents / 100, 2)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (clamped to the month's last day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def is_born(child: Child, on: date) -> bool:
    return child.birth_date <= on


def in_school(child: Child, on: date) -> bool:
    return on >= child.school_start()


def under_school_age(child: Child, on: date) -> bool:
    return is_born(child, on) and not in_school(child, on)


def under_3(child: Child, on: date) -> bool:
    return is_born(child, on) and on < child.birthday(3)


def effective_care(child: Child, on: date) -> str:
    """The care a child is in on ``on``: school-age children are in none; before start_date, home."""
    if not is_born(child, on) or child.age_on(on) >= 18:
        return "none"
    if in_school(child, on):
        return "none"
    if child.start_date is not None and on < child.start_date and child.care != "none":
        return "home"
    return child.care


def counted_children(family: Family, on: date) -> list[Child]:
    """Children living in the household on ``on``: born and under 18."""
    return [c for c in family.children if is_born(c, on) and c.age_on(on) < 18]


def youngest_first(children: list[Child]) -> list[Child]:
    """Youngest first; twins keep the order of the family file."""
    return sorted(children, key=lambda c: c.birth_date, reverse=True)


def rule_dict(rule: RuleRow) -> dict[str, Any]:
    return rule.to_dict()


def text(key: str, lang: str, **params: Any) -> str:
    return translate(key, lang, **params)
