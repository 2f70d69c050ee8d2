"""The public transport journeys of a family's day to and from one ranked unit, leg by leg in words
("Walk 4 min to stop Hämeenpuisto", "bus 14 at 07:42 from A to B", "Walk 3 min from stop B").

From a :func:`planner.ranking.rank_units` result (its ``transit`` time, ``home``, ``work`` points and
the unit's row) and the transit search's journey reconstruction (``TransitRouter.route``):

- drop-off: home -> unit leaving at ``transit.leave_home``; unit -> work leaving at the drop-off time
  (work start minus the ranking's ``unit_to_work_s``, to the second: a rounded minute can miss a bus);
- pick-up: work -> unit leaving when work ends (``transit.work_end``); unit -> home leaving at the
  pick-up time (work end plus ``work_to_unit_s``).

Only the parts travelled by public transport are listed; times are the clock of the timetable day
the ranking used (``transit.date``).
"""
from __future__ import annotations

import argparse
import math
from datetime import date, datetime, time
from typing import Any

from planner.errors import InputError
from planner.i18n import translate

PARTS = (("drop_off", "home_to_unit"), ("drop_off", "unit_to_work"), ("pick_up", "work_to_unit"),
         ("pick_up", "unit_to_home"))


def _seconds(text: str | None) -> float | None:
    """Seconds after midnight of ``HH:MM``."""
    if not text:
        return None
    hours, minutes = str(text).split(":")[:2]
    return int(hours) * 3600.0 + int(minutes) * 60.0


def _plus(a: float | None, b: Any) -> float | None:
    return None if a is None or b is None else a + float(b)


def unit_itinerary(dataset: Any, result: dict[str, Any], unit_id: str, *, lang: str = "en") -> list[dict[str, Any]]:
    """Each transit part of the day for ``unit_id``: ``{"trip", "part", "depart", "arrive", "travel_time_s",
    "legs": [{"kind", "mode", "route", "text", "depart", "arrive", ...}], "lines": [str]}`` (empty without transit)."""
    timing = result.get("transit")
    row = next((r for r in result.get("units", []) if r.get("unit_id") == unit_id), None)
    if row is None:
        raise InputError.single("unit", unit_id, "the id of a unit in this ranking")
    router = dataset.transit() if timing else None
    if router is None:
        return []
    day = date.fromisoformat(timing["date"])
    home = tuple(result["home"])
    work = {k: tuple(v) for k, v in (result.get("work") or {}).items()}
    unit = (float(row["lat"]), float(row["lon"]))
    legs_s = row.get("legs") or {}
    start, end = _seconds(timing.get("work_start")), _seconds(timing.get("work_end"))
    ends = {"home_to_unit": (home, unit, _seconds(timing.get("leave_home"))),
            "unit_to_work": (unit, work.get("drop_off"),
                             _plus(start, None if legs_s.get("drop_off", {}).get("unit_to_work_s") is None
                                   else -float(legs_s["drop_off"]["unit_to_work_s"]))),
            "work_to_unit": (work.get("pick_up"), unit, end),
            "unit_to_home": (unit, home, _plus(end, legs_s.get("pick_up", {}).get("work_to_unit_s")))}
    out = []
    for trip, part in PARTS:
        if (row.get("legs") or {}).get(trip, {}).get("mode") != "transit":
            continue
        origin, destination, at_s = ends[part]
        if origin is None or destination is None or at_s is None:
            continue
        at_s = math.floor(at_s) % 86400
        at = time(int(at_s // 3600), int(at_s % 3600 // 60), int(at_s % 60))
        route = router.route(origin, destination, datetime.combine(day, at), lang=lang)
        if not route.reachable:
            continue
        legs = [{k: v for k, v in leg.items() if k != "path"} for leg in route.legs]
        lines = []
        for leg in legs:
            text = str(leg.get("text", ""))
            if leg.get("kind") == "ride":
                text += f" ({translate('transit.leg.arrives', lang, time=str(leg['arrive'])[11:16])})"
            lines.append(text)
        out.append({"trip": trip, "part": part, "depart": route.depart.strftime("%H:%M"),
                    "arrive": route.arrive.strftime("%H:%M") if route.arrive else None,
                    "travel_time_s": route.travel_time_s, "legs": legs, "lines": lines})
    return out


def itinerary_command(args: argparse.Namespace) -> dict[str, Any]:
    """``itinerary FAMILY.json --unit ID [--date D] [--depart HH:MM]``: rank, then the unit's transit journeys."""
    from planner.datasets import load_dataset
    from planner.family import load_family
    from planner.network.timemodel import parse_clock, parse_date
    from planner.ranking import rank_units

    family = load_family(args.family)
    dataset = load_dataset(getattr(args, "dataset", None))
    lang = getattr(args, "lang", "en") or "en"
    result = rank_units(family, dataset, child_id=getattr(args, "child", None), lang=lang,
                        on_date=parse_date(getattr(args, "date", None)),
                        depart=parse_clock(getattr(args, "depart", None), "--depart"))
    if args.unit not in {r["unit_id"] for r in result["units"]}:
        raise InputError.single("--unit", args.unit, "the id of a unit of the dataset (see `rank`)")
    return {"dataset": result["dataset"], "unit_id": args.unit, "transit": result.get("transit"),
            "notes": result.get("notes", []),
            "journeys": unit_itinerary(dataset, result, args.unit, lang=lang)}
