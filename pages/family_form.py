"""The Family form ↔ family dict (family-file format), without Streamlit.

Widget keys are ``f.<field path>`` (``f.children.0.birth_date``); :func:`widget_values` gives the
value of every widget for a family dict and :func:`family_from_values` builds the family dict back
from the widget values. The pair is a round trip, so the form keeps whatever the user entered —
also invalid values, which the planner then reports field by field.
"""
from __future__ import annotations

from datetime import date, time
from typing import Any, Mapping

from planner.errors import InputError, Problem
from planner.numbers import format_number
from planner.parse import (format_date, format_money_input, parse_date, parse_money_eur, parse_number,
                            question_income)

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CARE_OPTIONS: tuple[str, ...] = ("municipal", "voucher", "private", "home", "preschool", "none")
MODES: tuple[str, ...] = ("walk", "bike", "car", "transit")
CHILD_LANGUAGES: tuple[str, ...] = ("fi", "sv", "en")
LOCATION_MODES: tuple[str, ...] = ("address", "coordinates")
SITUATIONS: tuple[str, ...] = ("work", "home", "parental_leave")   # an adult's day: at work or at home
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


def _date_text(value: Any, lang: str) -> str:
    """An ISO date from the family dict as the user types it (``1.8.2026``); other text as it is."""
    try:
        return format_date(date.fromisoformat(str(value)), lang)
    except ValueError:
        return "" if value is None else str(value)


def _date_from_text(text: Any) -> str:
    """A typed date as ISO text for the family dict; text that is no date stays as typed (the page
    then shows why, next to the field)."""
    try:
        parsed = parse_date(str(text or ""))
    except InputError:
        return str(text)
    return parsed.isoformat() if parsed else ""


def _time(text: Any, fallback: time) -> time:
    try:
        return time.fromisoformat(str(text))
    except ValueError:
        return fallback


def _money_text(value: Any, lang: str) -> str:
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, (int, float)):
        return format_money_input(value, lang)
    return str(value)


def _money_from_text(text: Any) -> Any:
    """Typed euros as a JSON number (int when whole); text that is no amount stays as typed."""
    try:
        amount = parse_money_eur(str(text or ""))
    except InputError:
        return str(text)
    if amount is None:
        return None
    return int(amount) if amount == amount.to_integral_value() else float(amount)


# hours typed as text (never the browser's number field): field -> highest accepted value
HOURS_HIGH = {"weekly_work_hours": 60.0, "weekly_hours": 80.0}


def _number_text(value: Any, lang: str) -> str:
    """Hours from the family dict as the user types them (``37,5`` in fi/sv); other text as it is."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, (int, float)):
        return format_number(value, lang)
    return str(value)


def _number_from_text(text: Any) -> Any:
    """Typed hours as a JSON number (int when whole), ``None`` when empty; other text stays as typed."""
    try:
        number = parse_number(str(text or ""))
    except InputError:
        return str(text)
    if number is None:
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def _location_values(prefix: str, location: Mapping[str, Any] | None, lang: str = "fi") -> dict[str, Any]:
    location = location or {}
    has_point = location.get("lat") is not None or location.get("lon") is not None
    return {
        f"{prefix}.mode": "coordinates" if has_point or not location else "address",
        f"{prefix}.address": str(location.get("address") or ""),
        f"{prefix}.lat": _coordinate_text(location.get("lat"), 60.17, lang),
        f"{prefix}.lon": _coordinate_text(location.get("lon"), 24.945, lang),
    }


def _coordinate_text(value: Any, fallback: float, lang: str) -> str:
    """A coordinate as the user types it (``60,1745`` in fi/sv, at most 6 decimals); text as it is."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        value = fallback
    return format_number(round(float(value), 6), lang)


def _coordinate_from_text(text: Any) -> Any:
    """A typed coordinate as a JSON number (6 decimals); text that is no number stays as typed."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return round(float(text), 6)
    try:
        number = parse_number(str(text or ""))
    except InputError:
        return str(text)
    return None if number is None else round(float(number), 6)


def widget_values(family: Mapping[str, Any], today: date | None = None, lang: str = "fi") -> dict[str, Any]:
    """Value of every Family-page widget for ``family`` (keys ``f.<path>``), texts as ``lang`` writes them."""
    today = today or date.today()
    adults = [a for a in list(family.get("adults") or [])[:MAX_ADULTS] if isinstance(a, Mapping)] \
        or [default_adult(0)]
    children = [c for c in list(family.get("children") or [])[:MAX_CHILDREN] if isinstance(c, Mapping)] \
        or [default_child(0, today)]
    values: dict[str, Any] = {
        "f.municipality": str(family.get("municipality") or "Helsinki"),
        "f.date": _date_text(family.get("date") or today.isoformat(), lang),
        "f.holiday_pay": bool(family.get("holiday_pay", False)),
        "f.no_income": all(a.get("gross_monthly_income_eur", 0) is None for a in adults),
        "f.n_adults": len(adults),
        "f.n_children": len(children),
    }
    values.update(_location_values("f.home", family.get("home"), lang))
    for i, adult in enumerate(adults):
        values.update(adult_values(i, adult, lang))
    for i, child in enumerate(children):
        values.update(child_values(i, child, today, lang))
    return values


def adult_values(i: int, adult: Mapping[str, Any], lang: str = "fi") -> dict[str, Any]:
    """Widget values of adult ``i``."""
    schedule = adult.get("schedule") if isinstance(adult.get("schedule"), Mapping) else {}
    p = f"f.adults.{i}"
    situation = adult.get("situation") if adult.get("situation") in SITUATIONS else "work"
    days = schedule.get("days", DAYS[:5]) if isinstance(schedule.get("days", []), list) else []
    values = {
        f"{p}.id": str(adult.get("id") or f"parent{i + 1}"),
        f"{p}.situation": situation,
        f"{p}.income": _money_text(adult.get("gross_monthly_income_eur"), lang),
        f"{p}.days": [d for d in DAYS if d in days],
        f"{p}.start": _time(schedule.get("start"), time(8, 0)),
        f"{p}.end": _time(schedule.get("end"), time(16, 0)),
        f"{p}.commute_mode": adult.get("commute_mode") if adult.get("commute_mode") in MODES else "walk",
        f"{p}.drops_off": bool(adult.get("drops_off", False)),
        f"{p}.picks_up": bool(adult.get("picks_up", False)),
        f"{p}.weekly_work_hours": _number_text(adult.get("weekly_work_hours"), lang),
    }
    values.update(_location_values(f"{p}.work", adult.get("work"), lang))
    return values


def child_values(i: int, child: Mapping[str, Any], today: date, lang: str = "fi") -> dict[str, Any]:
    """Widget values of child ``i``."""
    p = f"f.children.{i}"
    hours = child.get("weekly_hours")
    return {
        f"{p}.id": str(child.get("id") or f"child{i + 1}"),
        f"{p}.birth_date": _date_text(child.get("birth_date") or today.isoformat(), lang),
        f"{p}.care": child.get("care") if child.get("care") in CARE_OPTIONS else "municipal",
        f"{p}.start_date": _date_text(child.get("start_date") or today.isoformat(), lang),
        f"{p}.weekly_hours": _number_text(hours if hours is not None else 40, lang),
        f"{p}.language": child.get("language") if child.get("language") in CHILD_LANGUAGES else "fi",
        f"{p}.shift_care": bool(child.get("shift_care", False)),
        f"{p}.expected": bool(child.get("expected", False)),
    }


def _location_from(values: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    if values.get(f"{prefix}.mode") == "address":
        return {"address": str(values.get(f"{prefix}.address") or "").strip()}
    return {"lat": _coordinate_from_text(values[f"{prefix}.lat"]), "lon": _coordinate_from_text(values[f"{prefix}.lon"])}


def _hhmm(value: Any) -> str:
    return value.strftime("%H:%M") if isinstance(value, time) else str(value)


KEPT_KEYS: tuple[str, ...] = ("private_fee_eur", "part_time_hours", "carer")
# per-person keys set on the Costs page (money inputs), kept by id when the form rebuilds a person
ADULT_MONEY_KEYS: tuple[str, ...] = ("church_tax_percent",)
CHILD_MONEY_KEYS: tuple[str, ...] = ("daily_hours", "private_fee_eur", "own_income_eur")


def _keep_money_keys(people: list[dict[str, Any]], previous: Any, keys: tuple[str, ...]) -> None:
    """Copy ``keys`` from the previous person with the same id (the form has no widgets for them)."""
    if not isinstance(previous, list):
        return
    by_id = {p.get("id"): p for p in previous if isinstance(p, dict) and p.get("id")}
    for person in people:
        old = by_id.get(person.get("id"))
        for key in keys:
            if old is not None and old.get(key) is not None and key not in person:
                person[key] = old[key]


def family_from_values(values: Mapping[str, Any], previous: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The family dict (family-file format) from the widget values; keeps invalid values as given.

    Typed euros and dates are read the Finnish way (:mod:`planner.parse`); text that cannot be read
    stays in the dict as typed, so :func:`input_problems` and the planner can name it. Keys the form
    does not edit (``private_fee_eur``, ``part_time_hours``, ``carer``: set on the Costs page, and any
    unknown key) are kept from ``previous``.
    """
    no_income = bool(values.get("f.no_income"))
    adults = []
    for i in range(int(values["f.n_adults"])):
        p = f"f.adults.{i}"
        situation = values.get(f"{p}.situation", "work")
        income = None if no_income else _money_from_text(values[f"{p}.income"])
        adult: dict[str, Any] = {"id": values[f"{p}.id"], "gross_monthly_income_eur": "" if income is None
                                 and not no_income else income}
        if situation != "work":
            adult["situation"] = situation
        else:
            adult.update({
                "work": _location_from(values, f"{p}.work"),
                "schedule": {"days": [d for d in DAYS if d in values[f"{p}.days"]],
                             "start": _hhmm(values[f"{p}.start"]), "end": _hhmm(values[f"{p}.end"])},
                "commute_mode": values[f"{p}.commute_mode"],
            })
        adult["drops_off"] = bool(values[f"{p}.drops_off"])
        adult["picks_up"] = bool(values[f"{p}.picks_up"])
        work_hours = _number_from_text(values.get(f"{p}.weekly_work_hours"))
        if work_hours and situation == "work":  # empty or 0: not given
            adult["weekly_work_hours"] = work_hours
        adults.append(adult)
    children = []
    for i in range(int(values["f.n_children"])):
        p = f"f.children.{i}"
        child: dict[str, Any] = {
            "id": values[f"{p}.id"],
            "birth_date": _date_from_text(values[f"{p}.birth_date"]),
            "care": values[f"{p}.care"],
            "language": values[f"{p}.language"],
            "shift_care": bool(values[f"{p}.shift_care"]),
        }
        if values.get(f"{p}.expected"):
            child["expected"] = True
        if child["care"] in ("municipal", "voucher", "private", "preschool"):
            hours = _number_from_text(values[f"{p}.weekly_hours"])
            if hours is not None:
                child["weekly_hours"] = hours
            child["start_date"] = _date_from_text(values[f"{p}.start_date"])
        children.append(child)
    _keep_money_keys(adults, (previous or {}).get("adults"), ADULT_MONEY_KEYS)
    _keep_money_keys(children, (previous or {}).get("children"), CHILD_MONEY_KEYS)
    kept = {k: v for k, v in (previous or {}).items()
            if k not in ("municipality", "date", "holiday_pay", "home", "adults", "children") and v is not None}
    return {
        **kept,
        "municipality": str(values["f.municipality"]),
        "date": _date_from_text(values["f.date"]),
        "holiday_pay": bool(values["f.holiday_pay"]),
        "home": _location_from(values, "f.home"),
        "adults": adults,
        "children": children,
    }


def _typed_problems(field: str, text: Any, kind: str) -> list[Problem]:
    try:
        if kind == "hours":
            parse_number(str(text or ""), field=field, low=0, high=HOURS_HIGH[field.rsplit(".", 1)[-1]])
            return []
        if kind == "money":
            amount = parse_money_eur(str(text or ""), field=field)
            if amount is None:
                return [Problem.keyed(field, "", "app.family.income_missing")]
            return []
        if parse_date(str(text or ""), field=field) is None:
            return [Problem.keyed(field, "", "parse.date.format")]
    except InputError as error:
        return list(error.problems)
    return []


def _coordinate_problems(prefix: str, field: str, values: Mapping[str, Any]) -> list[Problem]:
    if values.get(f"{prefix}.mode") == "address":
        return []
    problems: list[Problem] = []
    for name, high in (("lat", 90), ("lon", 180)):
        text = values.get(f"{prefix}.{name}")
        try:
            if parse_number(str(text if text is not None else ""), field=f"{field}.{name}", low=0, high=high) is None:
                problems.append(Problem.keyed(f"{field}.{name}", "", "parse.number.invalid"))
        except InputError as error:
            problems.extend(error.problems)
    return problems


def input_problems(values: Mapping[str, Any]) -> list[Problem]:
    """Problems with what was typed (euros, dates, hours, coordinates) that the family dict cannot carry
    as numbers or ISO dates; field paths as in the family file, texts keyed for every language."""
    problems = _typed_problems("date", values.get("f.date"), "date")
    problems += _coordinate_problems("f.home", "home", values)
    for i in range(int(values["f.n_adults"])):
        if not values.get("f.no_income"):
            problems += _typed_problems(f"adults[{i}].gross_monthly_income_eur",
                                        values.get(f"f.adults.{i}.income"), "money")
        if values.get(f"f.adults.{i}.situation", "work") == "work":
            problems += _coordinate_problems(f"f.adults.{i}.work", f"adults[{i}].work", values)
            problems += _typed_problems(f"adults[{i}].weekly_work_hours",
                                        values.get(f"f.adults.{i}.weekly_work_hours"), "hours")
    for i in range(int(values["f.n_children"])):
        p = f"f.children.{i}"
        problems += _typed_problems(f"children[{i}].birth_date", values.get(f"{p}.birth_date"), "date")
        if values.get(f"{p}.care") in ("municipal", "voucher", "private", "preschool"):
            problems += _typed_problems(f"children[{i}].start_date", values.get(f"{p}.start_date"), "date")
            problems += _typed_problems(f"children[{i}].weekly_hours", values.get(f"{p}.weekly_hours"), "hours")
    return problems


def questions(family: Mapping[str, Any]) -> list[Problem]:
    """Values that are valid but look implausible (asked next to the field, not refused)."""
    found = []
    for i, adult in enumerate(family.get("adults") or []):
        income = adult.get("gross_monthly_income_eur") if isinstance(adult, Mapping) else None
        if isinstance(income, (int, float)) and not isinstance(income, bool):
            from decimal import Decimal

            question = question_income(Decimal(str(income)), field=f"adults[{i}].gross_monthly_income_eur")
            if question:
                found.append(question)
    return found


def missing_values(values: Mapping[str, Any], family: Mapping[str, Any],
                   today: date | None = None, lang: str = "fi") -> dict[str, Any]:
    """Values for widgets that have no value yet: from ``family`` where it has the row, else from
    the new-row defaults (when the user raised the number of adults or children)."""
    today = today or date.today()
    wanted = dict(widget_values(family, today, lang))
    n_adults = int(values.get("f.n_adults", wanted["f.n_adults"]))
    n_children = int(values.get("f.n_children", wanted["f.n_children"]))
    adults = list(family.get("adults") or [])
    children = list(family.get("children") or [])
    for i in range(n_adults):
        if i >= len(adults):
            wanted.update(adult_values(i, default_adult(i), lang))
    for i in range(n_children):
        if i >= len(children):
            wanted.update(child_values(i, default_child(i, today), today, lang))
    return {key: value for key, value in wanted.items() if key not in values}
