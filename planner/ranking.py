"""Rank every daycare unit of a dataset for one family: commute detours, the child's day, fit.

For the child (default: the youngest child needing care) and the family's adults:

- **drop-off trip** = home -> unit -> work of the adult who drops off (``drops_off``), in that adult's
  ``commute_mode``; **pick-up trip** = work -> unit -> home of the adult who picks up.
- **extra commute** = (drop-off trip - direct home -> work) + (pick-up trip - direct work -> home).
- **drop-off time** = the dropping adult's schedule start minus the unit -> work leg; **pick-up
  time** = the picking adult's schedule end plus the work -> unit leg; **child's day** = pick-up
  minus drop-off, checked against the unit's opening hours on each working day.
- Hard fit (flagged, ranked after every fitting unit): language, age range, shift care, opening
  hours covering the child's day, reachable at all.
- **Score** (0..1, higher is better) = weighted mean of parts, each 0..1 (``DEFAULT_WEIGHTS``):
  extra commute ``1 - extra/60 min``; child's day ``(11 h - day)/3 h`` clipped; catchment 1/0;
  free places 1 (some) / 0.5 (unknown) / 0 (none); provider matching the child's care 1/0. Every
  unit carries its ``score_parts`` and a ``why`` sentence in the family's language.

Queries: per adult one one-to-many from home / work and one many-to-one to work / home over all
units (the engine's reverse graph), never one query per unit pair.
"""
from __future__ import annotations

import argparse
import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Mapping

import numpy as np

from planner.errors import DataError, InputError, Problem
from planner.i18n import translate

DEFAULT_WEIGHTS: dict[str, float] = {
    "extra_commute": 0.45, "child_day": 0.20, "catchment": 0.20, "free_places": 0.10, "provider": 0.05,
}
EXTRA_COMMUTE_ZERO_S = 3600.0    # this much extra travel per day scores 0
CHILD_DAY_FULL_S = 8 * 3600.0    # a day this short or shorter scores 1
CHILD_DAY_ZERO_S = 11 * 3600.0   # a day this long or longer scores 0
DEFAULT_START = time(8, 0)
DEFAULT_END = time(16, 0)
DEFAULT_DAYS = ("mon", "tue", "wed", "thu", "fri")
WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
CARE_NEEDING = ("municipal", "voucher", "private", "preschool")
PROVIDERS_FOR_CARE = {
    "municipal": {"municipal", "family"}, "preschool": {"municipal", "voucher"},
    "voucher": {"voucher"}, "private": {"private", "voucher"},
}
STREET_MODES = ("walk", "bike", "car")


_problem = Problem.keyed  # a Problem whose fix text is an i18n key (planner/locales)


@dataclass(frozen=True)
class Trip:
    """One adult's role: where they start and end and how they travel."""

    adult_id: str
    mode: str
    work: tuple[float, float]
    start_s: float
    end_s: float
    days: tuple[str, ...]


def _clock_s(value: time) -> float:
    return value.hour * 3600.0 + value.minute * 60.0 + value.second


def _hhmm(seconds: float | None) -> str | None:
    if seconds is None or not math.isfinite(seconds):
        return None
    total = int(round(seconds / 60.0))
    return f"{(total // 60) % 24:02d}:{total % 60:02d}"


def _finite(value: float) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def _months_between(birth: date, on: date) -> int:
    months = (on.year - birth.year) * 12 + (on.month - birth.month)
    return months - 1 if on.day < birth.day else months


def _location(location: Any, field: str, dataset: Any) -> tuple[float, float] | None:
    """``(lat, lon)`` of a family Location; addresses are resolved in the dataset (InputError naming field)."""
    if location is None:
        return None
    if getattr(location, "address", None):
        return dataset.addresses.resolve(location.address, field=field)
    return float(location.lat), float(location.lon)


def choose_child(family: Any, child_id: str | None) -> Any:
    """The child to rank for: ``child_id``, else the youngest child whose care needs a unit."""
    if child_id is not None:
        for child in family.children:
            if child.id == child_id:
                return child
        if not family.children:
            raise InputError(_problem("--child", child_id, "problems.ranking.no_children"))
        raise InputError(_problem("--child", child_id, "problems.ranking.child_unknown",
                                  ids=", ".join(c.id for c in family.children)))
    needing = [c for c in family.children if c.care in CARE_NEEDING]
    if not needing:
        raise InputError(_problem("children", [c.id for c in family.children],
                                  "problems.ranking.no_child_needing_care", care_types=", ".join(CARE_NEEDING)))
    return max(needing, key=lambda c: c.birth_date)


def _trips(family: Any, dataset: Any, home: tuple[float, float], lang: str,
           notes: list[str]) -> tuple[Trip, Trip]:
    """The drop-off and pick-up adults' trips (first adult flagged for each, else the first adult)."""
    if not family.adults:
        raise InputError(_problem("adults", [], "problems.ranking.no_adults"))
    problems: list[Problem] = []
    trips: dict[str, Trip] = {}
    for i, adult in enumerate(family.adults):
        try:
            work = _location(adult.work, f"adults[{i}].work", dataset)
        except InputError as error:
            problems.extend(error.problems)
            continue
        if work is None:
            work = home
            notes.append(translate("ranking.assume.no_work", lang, adult=adult.id))
        mode = adult.commute_mode or "walk"
        if adult.commute_mode is None:
            notes.append(translate("ranking.assume.mode", lang, adult=adult.id, mode=mode))
        if mode == "transit" and dataset.transit() is None:
            notes.append(translate("ranking.assume.no_transit", lang, adult=adult.id))
            mode = "walk"
        schedule = adult.schedule
        if schedule is None:
            notes.append(translate("ranking.assume.schedule", lang, adult=adult.id,
                                   start=DEFAULT_START.strftime("%H:%M"), end=DEFAULT_END.strftime("%H:%M")))
            start, end, days = DEFAULT_START, DEFAULT_END, DEFAULT_DAYS
        else:
            start, end, days = schedule.start, schedule.end, tuple(schedule.days) or DEFAULT_DAYS
        end_s = _clock_s(end)
        if end_s <= _clock_s(start):
            end_s += 86400.0  # a shift over midnight
        trips[adult.id] = Trip(adult.id, mode, work, _clock_s(start), end_s, days)
    if problems:
        raise InputError(problems)
    dropper = next((a for a in family.adults if a.drops_off), family.adults[0])
    picker = next((a for a in family.adults if a.picks_up), family.adults[0])
    return trips[dropper.id], trips[picker.id]


def _as_time(seconds: float) -> time:
    seconds = int(seconds) % 86400
    return time(seconds // 3600, seconds % 3600 // 60)


def _departure(day: date, seconds: float) -> datetime:
    return datetime.combine(day, time(0, 0)) + timedelta(seconds=seconds)


def _leg_times(dataset: Any, mode: str, origin: tuple[float, float], points: np.ndarray, *,
               to_points: bool, clock: datetime) -> np.ndarray:
    """Seconds origin -> each point (``to_points``) or each point -> origin; inf unreachable/outside."""
    if mode == "transit":
        router = dataset.transit()
        if to_points:
            return np.asarray(router.one_to_many(origin, points, clock, on_outside="none"), dtype=float)
        if hasattr(router, "many_to_one"):
            return np.asarray(router.many_to_one(points, origin, clock, on_outside="none"), dtype=float)
        # no reverse transit search: each unit -> origin departing an hour before ``clock``
        depart = clock - timedelta(hours=1)
        return np.array([float(router.one_to_many(tuple(p), [origin], depart)[0]) for p in points])
    engine = dataset.engine(mode)
    if to_points:
        return np.asarray(engine.one_to_many(origin, points, on_outside="none"), dtype=float)
    return np.asarray(engine.many_to_one(points, origin, on_outside="none"), dtype=float)


def _check_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    merged = dict(DEFAULT_WEIGHTS)
    problems = []
    for key, value in (weights or {}).items():
        if key not in DEFAULT_WEIGHTS:
            problems.append(_problem(f"weights.{key}", value, "problems.one_of", options=", ".join(DEFAULT_WEIGHTS)))
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
            problems.append(_problem(f"weights.{key}", value, "problems.ranking.weight_number"))
        else:
            merged[key] = float(value)
    if problems:
        raise InputError(problems)
    if sum(merged.values()) <= 0:
        raise InputError(_problem("weights", weights, "problems.ranking.weights_all_zero"))
    return merged


def transit_settings(family: Any) -> tuple[date | None, time | None]:
    """The family file's optional ``transit`` object: ``{"date": "YYYY-MM-DD", "depart": "HH:MM"}`` (the
    timetable day and when the drop-off trip leaves home); InputError naming ``transit.date``/``transit.depart``."""
    from planner.network.timemodel import parse_clock, parse_date

    raw = (getattr(family, "extra", None) or {}).get("transit")
    if raw is None:
        return None, None
    if not isinstance(raw, Mapping):
        raise InputError.single("transit", raw, 'an object {"date": "YYYY-MM-DD", "depart": "HH:MM"}')
    problems: list[Problem] = []
    found: list[Any] = []
    for key, parse in (("date", parse_date), ("depart", parse_clock)):
        try:
            found.append(parse(raw.get(key), f"transit.{key}"))
        except InputError as error:
            problems.extend(error.problems)
            found.append(None)
    if problems:
        raise InputError(problems)
    return found[0], found[1]


def rank_units(family: Any, dataset: Any, *, child_id: str | None = None, lang: str = "en",
               weights: Mapping[str, float] | None = None, on_date: date | None = None,
               plans: bool = True, depart: time | None = None, transit_day: date | None = None) -> dict[str, Any]:
    """Every unit of ``dataset`` ranked for ``family`` (best first), each with its score explained.

    The day is ``on_date``, else the child's start date, else the family's date; with ``plans`` the
    units and the transit network are those in force that day under the dataset's plan layers
    (planner/plans). Transit uses ``transit_day`` (else the family file's ``transit.date``, else that
    day) through the one time model; ``depart`` (else ``transit.depart``) is when the drop-off trip
    leaves home (default: an hour before the drop-off adult's work starts).
    Times in seconds; ``None`` (JSON null) where a unit cannot be reached.
    """
    from planner.units import is_open_between

    weights = _check_weights(weights)
    child = choose_child(family, child_id)
    if plans:
        from planner.plans.store import dataset_on

        dataset = dataset_on(dataset, on_date or child.start_date or family.date)
    if family.home is None:
        raise InputError(_problem("home", None, "problems.ranking.home_missing", point='{"lat", "lon"}',
                                  address='{"address"}'))
    home = _location(family.home, "home", dataset)
    notes: list[str] = []
    drop, pick = _trips(family, dataset, home, lang, notes)
    units = list(dataset.units)
    on = on_date or child.start_date or family.date
    age_months = _months_between(child.birth_date, on)
    try:
        catchment_unit = dataset.catchments.unit_for(*home, language=child.language)
    except DataError:  # a dataset without catchments: say so instead of calling every unit "outside"
        catchment_unit = None
        notes.append(translate("ranking.assume.no_catchments", lang))
    if not units:
        return {"dataset": dataset.name, "child_id": child.id, "units": [], "notes": notes}

    points = np.array([(u.lat, u.lon) for u in units], dtype=float)
    family_day, family_depart = transit_settings(family)
    depart = depart or family_depart
    day = transit_day or family_day or on
    timing = None
    if "transit" in (drop.mode, pick.mode) and dataset.transit() is not None:
        # the one time model (planner.network.timemodel): that day's timetable, else the feed's
        # representative weekday; drop-off or pick-up outside the service hours is a warning, not a walk
        from planner.network.timemodel import transit_time

        timing = transit_time(dataset.transit(), day, depart or _as_time(drop.start_s), lang=lang,
                              clocks=(_as_time(pick.end_s),) + ((_as_time(drop.start_s),) if depart else ()))
        day = timing.moment.date()
        notes.extend(timing.notes)
    car_extra = None
    if "car" in (drop.mode, pick.mode):  # every car time includes the door-to-door estimate: say so
        car_extra = getattr(dataset.engine("car"), "trip_end", None)
        if car_extra:
            minutes = car_extra["door_to_door_s"] / 60.0
            shown = f"{minutes:.1f}" if lang == "en" else f"{minutes:.1f}".replace(".", ",")
            notes.append(translate("ranking.assume.car_door_to_door", lang, minutes=shown))
    drop_clock = _departure(day, drop.start_s)
    pick_clock = _departure(day, pick.end_s)
    leave_home = datetime.combine(day, depart) if depart else drop_clock - timedelta(hours=1)
    home_to_unit = _leg_times(dataset, drop.mode, home, points, to_points=True, clock=leave_home)
    unit_to_work = _leg_times(dataset, drop.mode, drop.work, points, to_points=False, clock=drop_clock)
    work_to_unit = _leg_times(dataset, pick.mode, pick.work, points, to_points=True, clock=pick_clock)
    unit_to_home = _leg_times(dataset, pick.mode, home, points, to_points=False,
                              clock=pick_clock + timedelta(hours=1))
    direct_drop = float(_leg_times(dataset, drop.mode, home, np.array([drop.work]), to_points=True,
                                   clock=leave_home)[0])
    direct_pick = float(_leg_times(dataset, pick.mode, pick.work, np.array([home]), to_points=True,
                                   clock=pick_clock)[0])
    if drop.work == home:
        direct_drop = 0.0
    if pick.work == home:
        direct_pick = 0.0

    rows = []
    for k, unit in enumerate(units):
        drop_off_s = home_to_unit[k] + unit_to_work[k]
        pick_up_s = work_to_unit[k] + unit_to_home[k]
        reachable = bool(math.isfinite(drop_off_s) and math.isfinite(pick_up_s))
        extra_drop = drop_off_s - direct_drop
        extra_pick = pick_up_s - direct_pick
        drop_at = drop.start_s - unit_to_work[k]
        pick_at = pick.end_s + work_to_unit[k]
        child_day = pick_at - drop_at
        opens = [is_open_between(unit, WEEKDAYS[d], drop_at, pick_at) for d in drop.days if d in WEEKDAYS] \
            if reachable and 0 <= drop_at <= pick_at else []
        open_ok = None if (not opens or all(o is None for o in opens)) else all(o is not False for o in opens)
        language_ok = child.language is None or child.language in unit.languages
        age_ok = (unit.min_age_months is None or age_months >= unit.min_age_months) and \
                 (unit.max_age_months is None or age_months <= unit.max_age_months)
        shift_ok = unit.shift_care or not child.shift_care
        provider_ok = unit.provider in PROVIDERS_FOR_CARE.get(child.care, {unit.provider})
        in_catchment = catchment_unit is not None and unit.unit_id == catchment_unit
        mismatches = []
        if not reachable:
            mismatches.append("unreachable")
        if not language_ok:
            mismatches.append("language")
        if not age_ok:
            mismatches.append("age")
        if not shift_ok:
            mismatches.append("shift_care")
        if open_ok is False:
            mismatches.append("opening_hours")
        parts = {
            "extra_commute": max(0.0, 1.0 - (extra_drop + extra_pick) / EXTRA_COMMUTE_ZERO_S) if reachable else 0.0,
            "child_day": float(np.clip((CHILD_DAY_ZERO_S - child_day) / (CHILD_DAY_ZERO_S - CHILD_DAY_FULL_S), 0, 1))
            if reachable else 0.0,
            "catchment": 1.0 if in_catchment else 0.0,
            "free_places": 0.5 if unit.free_seats is None else (1.0 if unit.free_seats > 0 else 0.0),
            "provider": 1.0 if provider_ok else 0.0,
        }
        total_weight = sum(weights.values())
        score = sum(weights[name] * parts[name] for name in parts) / total_weight
        row = {
            "unit_id": unit.unit_id, "name": unit.name, "demo": unit.demo, "provider": unit.provider,
            "assumptions": list(getattr(unit, "assumptions", ()) or ()),
            "capacity_assumed": bool(getattr(unit, "capacity_assumed", False)),
            "lat": unit.lat, "lon": unit.lon,
            "in_catchment": in_catchment,
            "drop_off_s": _finite(drop_off_s), "pick_up_s": _finite(pick_up_s),
            "extra_commute_s": _finite(extra_drop + extra_pick),
            "extra_drop_off_s": _finite(extra_drop), "extra_pick_up_s": _finite(extra_pick),
            "child_day_s": _finite(child_day) if reachable else None,
            "drop_off_at": _hhmm(drop_at) if reachable else None,
            "pick_up_at": _hhmm(pick_at) if reachable else None,
            "open_during_child_day": open_ok, "opening_hours": unit.opening_hours,
            "languages": list(unit.languages), "min_age_months": unit.min_age_months,
            "max_age_months": unit.max_age_months, "shift_care": unit.shift_care,
            "free_seats": unit.free_seats, "fits": not mismatches, "mismatches": mismatches,
            "score": round(score, 4),
            "score_parts": {name: {"points": round(parts[name], 4), "weight": weights[name],
                                   "contribution": round(weights[name] * parts[name] / total_weight, 4)}
                            for name in parts},
            "legs": {
                "drop_off": {"adult_id": drop.adult_id, "mode": drop.mode,
                             "home_to_unit_s": _finite(home_to_unit[k]), "unit_to_work_s": _finite(unit_to_work[k])},
                "pick_up": {"adult_id": pick.adult_id, "mode": pick.mode,
                            "work_to_unit_s": _finite(work_to_unit[k]), "unit_to_home_s": _finite(unit_to_home[k])},
            },
        }
        row["why"] = explain(row, drop.mode if not reachable else None, lang, child_language=child.language,
                             age_months=age_months)
        rows.append(row)
    rows.sort(key=lambda r: (bool(r["mismatches"]), -r["score"], r["unit_id"]))
    return {
        "dataset": dataset.name, "child_id": child.id, "child_age_months": age_months, "date": on.isoformat(),
        "plans": _plans_note(dataset),
        "home": list(home), "catchment_unit_id": catchment_unit,
        "drop_off_adult": drop.adult_id, "pick_up_adult": pick.adult_id,
        "modes": {drop.adult_id: drop.mode, pick.adult_id: pick.mode},
        "direct_commute_s": {"drop_off": _finite(direct_drop), "pick_up": _finite(direct_pick)},
        "weights": weights, "notes": notes, "units": rows,
        "car_door_to_door": car_extra,
        "work": {"drop_off": list(drop.work), "pick_up": list(pick.work)},
        "transit": None if timing is None else {**timing.to_dict(), "leave_home": leave_home.strftime("%H:%M"),
                                                "work_start": _hhmm(drop.start_s), "work_end": _hhmm(pick.end_s)},
    }


def _plans_note(dataset: Any) -> dict[str, Any] | None:
    """Which plan layers shaped this ranking (None without plans); ``example`` marks an EXAMPLE plan."""
    plans = getattr(dataset, "plans", None)
    if not plans:
        return None
    return {"layers": [layer.name for layer in plans.layers], "example": plans.example,
            "day": dataset.day.isoformat()}


def explain(row: Mapping[str, Any], unreachable_mode: str | None, lang: str, *,
            child_language: str | None = None, age_months: int | None = None) -> str:
    """One sentence: catchment, detour, opening hours, then every mismatch (in ``lang``)."""
    parts = [translate("ranking.why.in_catchment" if row["in_catchment"] else "ranking.why.outside_catchment", lang)]
    if unreachable_mode is not None:
        parts.append(translate("ranking.why.unreachable", lang, mode=unreachable_mode))
    else:
        minutes = int(round(max(row["extra_commute_s"], 0.0) / 60.0))
        parts.append(translate("ranking.why.extra_minutes", lang, minutes=minutes) if minutes > 0
                     else translate("ranking.why.no_extra", lang))
        day_min = int(round(row["child_day_s"] / 60.0))
        parts.append(translate("ranking.why.child_day", lang, hours=day_min // 60, minutes=day_min % 60,
                               start=row["drop_off_at"], end=row["pick_up_at"]))
    if row["open_during_child_day"] is None:
        parts.append(translate("ranking.why.hours_unknown", lang))
    elif row["open_during_child_day"]:
        parts.append(translate("ranking.why.open", lang, hours=row["opening_hours"]))
    else:
        parts.append(translate("ranking.why.closed", lang, hours=row["opening_hours"]))
    if "language" in row["mismatches"]:
        parts.append(translate("ranking.why.language", lang, language=child_language,
                               languages=", ".join(row["languages"])))
    if "age" in row["mismatches"]:
        parts.append(translate("ranking.why.age", lang, months=age_months,
                               min=row["min_age_months"] if row["min_age_months"] is not None else 0,
                               max=row["max_age_months"] if row["max_age_months"] is not None else "–"))
    if "shift_care" in row["mismatches"]:
        parts.append(translate("ranking.why.shift_care", lang))
    if row["free_seats"] is not None:
        count = int(row["free_seats"])
        parts.append(translate("ranking.why.free_one" if count == 1 else "ranking.why.free", lang, count=count)
                     if row["free_seats"] > 0
                     else translate("ranking.why.full", lang))
    return "; ".join(parts)


def rank_command(args: argparse.Namespace) -> dict[str, Any]:
    """Handler of ``rank``: args.family (path), args.dataset, args.child, args.lang."""
    from planner.datasets import load_dataset
    from planner.family import load_family

    family = load_family(args.family)
    dataset = load_dataset(getattr(args, "dataset", None))
    on_date = None
    if getattr(args, "date", None):
        try:
            on_date = date.fromisoformat(str(args.date).strip())
        except ValueError:
            raise InputError.single("--date", args.date, "a date YYYY-MM-DD, e.g. 2028-08-01") from None
    lang = getattr(args, "lang", "en")
    from planner.network.timemodel import parse_clock

    depart = parse_clock(getattr(args, "depart", None), "--depart")
    result = rank_units(family, dataset, child_id=getattr(args, "child", None), lang=lang, on_date=on_date,
                        depart=depart)
    if hasattr(dataset, "left_out_units"):  # units no street reaches (an island), named instead of ranked
        result["left_out"] = dataset.left_out_units(lang)
    if family.extra.get("changes"):  # life changes side by side (planner/life, docs/life.md)
        from planner.life.commands import changes_section

        result["changes"] = changes_section(family, dataset=dataset, lang=lang)
    return result
