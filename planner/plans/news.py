"""What the municipality's plans mean for one family, in plain sentences (fi/sv/en).

For the family's home and the child's start date (or ``since``), from the dataset's plan layers:

* units opening, moving or closing within :data:`NEAR_M` metres' walk of home: "From 2027-08 a new unit
  … 600 m from home" (walking distance on the street network, rounded to 50 m);
* each planned line (or line change): the drop-off trip home → unit → work of the adult who drops off,
  on the line's first working day and on the same weekday one week earlier, for the unit ranked first on
  the start day: "From 2028-03 the new tram line 15X shortens your drop-off trip by 9 min". Only adults
  commuting by public transport are affected; the trip is the ranking's own (planner/ranking.py).

Every item carries its date, kind, the layer and whether the plan is an EXAMPLE.
"""
from __future__ import annotations

import argparse
import math
from datetime import date, timedelta
from typing import Any

from planner.i18n import translate

NEAR_M = 1000.0
MIN_CHANGE_S = 60.0


def _month(day: str) -> str:
    return day[:7]


def _round50(metres: float) -> int:
    return int(round(metres / 50.0) * 50)


def family_news(family: Any, dataset: Any, *, lang: str = "en", since: date | None = None,
                child_id: str | None = None) -> dict[str, Any]:
    """The plan events that concern ``family`` as sentences; see the module docstring."""
    from planner.plans.commands import working_day
    from planner.plans.store import dataset_on, load_plans
    from planner.ranking import _location, choose_child, rank_units

    plans = load_plans(dataset)
    child = choose_child(family, child_id)
    start = child.start_date or family.date
    since = since or family.date
    items: list[dict[str, Any]] = []
    result = {"dataset": dataset.name, "child_id": child.id, "since": since.isoformat(), "example": plans.example,
              "items": items}
    if not plans or family.home is None:
        result["text"] = [translate("plans.news.none", lang)]
        return result
    home = _location(family.home, "home", dataset)
    example = " (" + translate("plans.example", lang) + ")"
    unit_events = [e for e in plans.events(since=since) if e["kind"] in ("unit_opens", "unit_moves", "unit_closes")]
    if unit_events:
        engine = dataset.engine("walk")
        names = {u.unit_id: u.name for u in dataset.units}
        names.update({p.unit.unit_id: p.unit.name for layer in plans.layers for p in layer.units})
        places = {u.unit_id: (u.lat, u.lon) for u in dataset.units}
        for event in unit_events:
            point = (event["lat"], event["lon"]) if event.get("lat") is not None else places.get(event["unit_id"])
            if point is None:
                continue
            route = engine.route(home, point, origin_field="home", destination_field="unit")
            metres = float(route.distance_m) if route.reachable else math.inf
            if metres > NEAR_M:
                continue
            text = translate(f"plans.news.{event['kind']}", lang, month=_month(event["date"]),
                             name=names.get(event["unit_id"], event["unit_id"]), distance=_round50(metres))
            items.append({**event, "distance_m": _round50(metres),
                          "text": text + (example if event["example"] else "")})
    line_events = [e for e in plans.events(since=since) if e["kind"] == "line_starts"]
    if line_events:
        for event in line_events:
            first_day = working_day(date.fromisoformat(event["date"]))
            after = rank_units(family, dataset, child_id=child.id, lang=lang, on_date=first_day)
            drop_adult = after["drop_off_adult"]
            if after["modes"].get(drop_adult) != "transit" or not after["units"]:
                continue
            top = after["units"][0]
            before = rank_units(family, dataset, child_id=child.id, lang=lang,
                                on_date=first_day - timedelta(days=7))
            old = next((u for u in before["units"] if u["unit_id"] == top["unit_id"]), None)
            if old is None or old["drop_off_s"] is None or top["drop_off_s"] is None:
                continue
            change_s = old["drop_off_s"] - top["drop_off_s"]
            minutes = int(round(abs(change_s) / 60.0))
            key = "line_faster" if change_s >= MIN_CHANGE_S else ("line_slower" if change_s <= -MIN_CHANGE_S
                                                                 else "line_same")
            text = translate(f"plans.news.{key}", lang, month=_month(event["date"]), line=event["name"],
                             mode=translate(f"plans.mode.{event['mode']}", lang), minutes=minutes, unit=top["name"])
            items.append({**event, "unit_id": top["unit_id"], "drop_off_before_s": old["drop_off_s"],
                          "drop_off_after_s": top["drop_off_s"], "change_s": -change_s,
                          "text": text + (example if event["example"] else "")})
    items.sort(key=lambda item: item["date"])
    result["start_date"] = start.isoformat() if start else None
    result["text"] = [item["text"] for item in items] or [translate("plans.news.none", lang)]
    return result


def news_command(args: argparse.Namespace) -> dict[str, Any]:
    """Handler of ``python -m planner plan news FAMILY.json [--since D]``."""
    from planner.datasets import load_dataset
    from planner.family import load_family
    from planner.plans.commands import parse_day

    family = load_family(args.family)
    dataset = load_dataset(getattr(args, "dataset", None))
    return family_news(family, dataset, lang=getattr(args, "lang", "en") or "en",
                       since=parse_day(getattr(args, "since", None), "--since"), child_id=getattr(args, "child", None))
