"""Builders for family dicts used by the money tests."""
from __future__ import annotations

from datetime import date
from typing import Any

from planner.family import Family, parse_family

TODAY = date(2026, 11, 27)


def adult(income: float | None, adult_id: str | None = None, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"gross_monthly_income_eur": income, **extra}
    if adult_id:
        out["id"] = adult_id
    return out


def child(child_id: str, birth: str, care: str = "municipal", **extra: Any) -> dict[str, Any]:
    return {"id": child_id, "birth_date": birth, "care": care, **extra}


def family(on: str, adults: list[dict[str, Any]], children: list[dict[str, Any]], municipality: str = "Kuopio",
           **extra: Any) -> Family:
    """A parsed family. ``parental_leave`` defaults to [] (no parental allowance: the hand-worked cases
    below assume none); pass ``parental_leave=None`` to leave the key out (the engine's default period)."""
    extra.setdefault("parental_leave", [])
    if extra["parental_leave"] is None:
        del extra["parental_leave"]
    data = {"municipality": municipality, "date": on, "adults": adults, "children": children, **extra}
    return parse_family(data, today=TODAY)
