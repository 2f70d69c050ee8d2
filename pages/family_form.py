"""The Family form ↔ family dict (family-file format), without Streamlit.

Widget keys are ``f.<field path>`` (``f.children.0.birth_date``); :func:`widget_values` gives the
value of every widget for a family dict and :func:`family_from_values` builds the family dict back
from the widget values. The pair is a round trip, so the form keeps whatever the user entered —
also invalid values, which the planner then reports field by field.
"""
from __future__ import annotations

from datetime import date, time
from typing import Any, Mapping

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CARE_OPTIONS: tuple[str, ...] = ("municipal", "voucher", "private", "home", "preschool", "none")
MODES: tuple[str, ...] = ("walk", "bike", "car", "transit")
CHILD_LANGUAGES: tuple[str, ...] = ("fi", "sv", "en")
LOCATION_MODES: tuple[str, ...] = ("coordinates", "address")
MAX_ADULTS = 2
MAX_CHILDREN = 6


def default_adult(index: int) -> dict[str, Any]:
    """A new adult row (used when the user adds an adult)."""
    return {"id": f"parent{index + 1}", "gross_monthly_income_eur": 3000,
            "work": {"lat": 60.1705, "lon": 24.9410},
            "schedule": {"days": list(DAYS[:5]), "start": "08:00", "end": "16:00"},
            "commute_mode": "walk", "drops_off": index == 0, "picks_up": index == 0}


def default_child(index: int, today: date) -> dict[str, Any]:
    """A new child row (used when the user adds a child): two years old, full-time municipal ECEC."""
    return {"id": f"child{index + 1}", "birth_date": date(today.year - 2, today.month, 1).isoformat(),
            "care": "municipal", "weekly_hours": 40, "language": "fi", "shift_care": False,
            "start_date": today.isoformat()}


def _date(text: Any, fallback: date) -> date:
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        return fallback


def _time(text: Any, fallback: time) -> time:
    try:
        return time.fromisoformat(str(text))
    except ValueError:
        return fallback


def _location_values(prefix: str, location: Mapping[str, Any] | None) -> dict[str, Any]:
    location = location or {}
    has_address = bool(location.get("address")) and location.get("lat") is None
    return {
        f"{prefix}.mode": "address" if has_address else "coordinates",
        f"{prefix}.address": str(location.get("address") or ""),
        f"{prefix}.lat": float(location.get("lat") if location.get("lat") is not None else 60.17),
        f"{prefix}.lon": float(location.get("lon") if location.get("lon") is not None else 24.945),
    }


def widget_values(family: Mapping[str, Any], today: date | None = None) -> dict[str, Any]:
    """Value of every Family-page widget for ``family`` (keys ``f.<path>``)."""
    today = today or date.today()
    adults = list(family.get("adults") or [])[:MAX_ADULTS] or [default_adult(0)]
    children = list(family.get("children") or [])[:MAX_CHILDREN] or [default_child(0, today)]
    values: dict[str, Any] = {
        "f.municipality": str(family.get("municipality") or "Helsinki"),
        "f.date": _date(family.get("date"), today),
        "f.holiday_pay": bool(family.get("holiday_pay", False)),
        "f.no_income": all(a.get("gross_monthly_income_eur") is None for a in adults),
        "f.n_adults": len(adults),
        "f.n_children": len(children),
    }
    values.update(_location_values("f.home", family.get("home")))
    for i, adult in enumerate(adults):
        values.update(adult_values(i, adult))
    for i, child in enumerate(children):
        values.update(child_values(i, child, today))
    return values


def adult_values(i: int, adult: Mapping[str, Any]) -> dict[str, Any]:
    """Widget values of adult ``i``."""
    schedule = adult.get("schedule") or {}
    p = f"f.adults.{i}"
    income = adult.get("gross_monthly_income_eur")
    values = {
        f"{p}.id": str(adult.get("id") or f"parent{i + 1}"),
        f"{p}.income": float(income) if income is not None else 0.0,
        f"{p}.days": [d for d in schedule.get("days", DAYS[:5]) if d in DAYS],
        f"{p}.start": _time(schedule.get("start"), time(8, 0)),
        f"{p}.end": _time(schedule.get("end"), time(16, 0)),
        f"{p}.commute_mode": adult.get("commute_mode") if adult.get("commute_mode") in MODES else "walk",
        f"{p}.drops_off": bool(adult.get("drops_off", False)),
        f"{p}.picks_up": bool(adult.get("picks_up", False)),
        f"{p}.weekly_work_hours": float(adult.get("weekly_work_hours") or 0.0),
    }
    values.update(_location_values(f"{p}.work", adult.get("work")))
    return values


def child_values(i: int, child: Mapping[str, Any], today: date) -> dict[str, Any]:
    """Widget values of child ``i``."""
    p = f"f.children.{i}"
    hours = child.get("weekly_hours")
    return {
        f"{p}.id": str(child.get("id") or f"child{i + 1}"),
        f"{p}.birth_date": _date(child.get("birth_date"), today),
        f"{p}.care": child.get("care") if child.get("care") in CARE_OPTIONS else "municipal",
        f"{p}.start_date": _date(child.get("start_date"), today),
        f"{p}.weekly_hours": float(hours) if hours is not None else 40.0,
        f"{p}.language": child.get("language") if child.get("language") in CHILD_LANGUAGES else "fi",
        f"{p}.shift_care": bool(child.get("shift_care", False)),
    }


def _location_from(values: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    if values.get(f"{prefix}.mode") == "address":
        return {"address": str(values.get(f"{prefix}.address") or "").strip()}
    return {"lat": round(float(values[f"{prefix}.lat"]), 6), "lon": round(float(values[f"{prefix}.lon"]), 6)}


def _hhmm(value: Any) -> str:
    return value.strftime("%H:%M") if isinstance(value, time) else str(value)


KEPT_KEYS: tuple[str, ...] = ("private_fee_eur", "part_time_hours", "carer")


def family_from_values(values: Mapping[str, Any], previous: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The family dict (family-file format) from the widget values; keeps invalid values as given.

    Keys the form does not edit (``private_fee_eur``, ``part_time_hours``, ``carer``: set on the Costs
    page) are kept from ``previous``.
    """
    no_income = bool(values.get("f.no_income"))
    adults = []
    for i in range(int(values["f.n_adults"])):
        p = f"f.adults.{i}"
        adults.append({
            "id": values[f"{p}.id"],
            "gross_monthly_income_eur": None if no_income else values[f"{p}.income"],
            "work": _location_from(values, f"{p}.work"),
            "schedule": {"days": [d for d in DAYS if d in values[f"{p}.days"]],
                         "start": _hhmm(values[f"{p}.start"]), "end": _hhmm(values[f"{p}.end"])},
            "commute_mode": values[f"{p}.commute_mode"],
            "drops_off": bool(values[f"{p}.drops_off"]),
            "picks_up": bool(values[f"{p}.picks_up"]),
        })
        work_hours = float(values.get(f"{p}.weekly_work_hours") or 0.0)
        if work_hours > 0:
            adults[-1]["weekly_work_hours"] = work_hours
    children = []
    for i in range(int(values["f.n_children"])):
        p = f"f.children.{i}"
        child: dict[str, Any] = {
            "id": values[f"{p}.id"],
            "birth_date": values[f"{p}.birth_date"].isoformat(),
            "care": values[f"{p}.care"],
            "language": values[f"{p}.language"],
            "shift_care": bool(values[f"{p}.shift_care"]),
        }
        if child["care"] in ("municipal", "voucher", "private", "preschool"):
            hours = float(values[f"{p}.weekly_hours"])
            child["weekly_hours"] = int(hours) if hours == int(hours) else hours
            child["start_date"] = values[f"{p}.start_date"].isoformat()
        children.append(child)
    kept = {k: previous[k] for k in KEPT_KEYS if previous and previous.get(k) is not None}
    return {
        **kept,
        "municipality": str(values["f.municipality"]),
        "date": values["f.date"].isoformat(),
        "holiday_pay": bool(values["f.holiday_pay"]),
        "home": _location_from(values, "f.home"),
        "adults": adults,
        "children": children,
    }


def missing_values(values: Mapping[str, Any], family: Mapping[str, Any],
                   today: date | None = None) -> dict[str, Any]:
    """Values for widgets that have no value yet: from ``family`` where it has the row, else from
    the new-row defaults (when the user raised the number of adults or children)."""
    today = today or date.today()
    wanted = dict(widget_values(family, today))
    n_adults = int(values.get("f.n_adults", wanted["f.n_adults"]))
    n_children = int(values.get("f.n_children", wanted["f.n_children"]))
    adults = list(family.get("adults") or [])
    children = list(family.get("children") or [])
    for i in range(n_adults):
        if i >= len(adults):
            wanted.update(adult_values(i, default_adult(i)))
    for i in range(n_children):
        if i >= len(children):
            wanted.update(child_values(i, default_child(i, today), today))
    return {key: value for key, value in wanted.items() if key not in values}
