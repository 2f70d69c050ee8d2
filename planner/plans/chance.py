"""Chance of a place: for each unit a family prefers and the child's start date, an honest band —
likely, uncertain or unlikely — with the reasons, never a precise-looking probability.

The band starts from the unit's occupancy forecast on the start date (planner/siting/forecast.py:
the units in force that day under the plans, the cohort demand, today's real occupancy where free seats
are known):

* forecast occupancy below :data:`ROOM_BELOW_PERCENT` → likely; up to :data:`FULL_FROM_PERCENT` →
  uncertain; at or above it → unlikely; capacity unknown → uncertain;
* a unit opening after today and at most a year before the start date starts likely: every place is free
  at first;
* priority rules used by Finnish municipalities in placement (e.g. Helsinki's, eVaka's placement
  priorities): a child's need for support, a sibling in the unit, the home in the unit's catchment area —
  any of them raises the band one step (they do not add up: a full unit has no room for everyone with
  priority); they do not apply to private units, which choose their children themselves;
* applying less than 4 months before the start lowers the band one step (law 540/2018 § 17: apply four
  months ahead; two weeks when the need comes from work or studies);
* a unit not open on the start date, or not fitting the child (language, age), is unlikely.

Every answer also says that the municipality must offer a place, though not necessarily in this unit.
"""
from __future__ import annotations

import argparse
import csv
import math
from datetime import date
from pathlib import Path
from typing import Any, Sequence

from planner.errors import InputError, MissingRuleError, RuleTableError
from planner.i18n import translate

BANDS: tuple[str, ...] = ("unlikely", "uncertain", "likely")
ROOM_BELOW_PERCENT = 90.0      # forecast occupancy below this: room for a new child
FULL_FROM_PERCENT = 100.0      # at or above this: full
APPLY_AHEAD_MONTHS = 4         # law 540/2018 § 17 (the dated row in tables/application_rules.csv rules)
RULES_PATH = Path(__file__).parent / "tables" / "application_rules.csv"
NEW_UNIT_DAYS = 365            # a unit opened at most this long before the start date counts as new


def application_rule(on: date, path: Path = RULES_PATH) -> dict[str, Any]:
    """The application lead-time rule in force on ``on`` (a dated row: valid_from, valid_to, source, status);
    ``MissingRuleError`` naming the date when no row covers it."""
    try:
        with path.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as error:
        raise RuleTableError(f"{path.name}: unreadable ({error})") from error
    for row in rows:
        start = date.fromisoformat(row["valid_from"])
        end = date.fromisoformat(row["valid_to"]) if row.get("valid_to") else None
        if start <= on and (end is None or on <= end):
            return {"apply_ahead_months": int(row["apply_ahead_months"]),
                    "urgent_apply_ahead_days": int(row["urgent_apply_ahead_days"]), "valid_from": row["valid_from"],
                    "valid_to": row.get("valid_to") or None, "source": row["source"], "status": row["status"]}
    raise MissingRuleError(f"no application rule covers {on.isoformat()} in {path.name} "
                           f"(rows from {', '.join(r['valid_from'] for r in rows)}); add a dated row")


def _step(band: str, steps: int) -> str:
    return BANDS[max(0, min(len(BANDS) - 1, BANDS.index(band) + steps))]


def _months_between(a: date, b: date) -> float:
    return (b - a).days / 30.44


def band_for(*, occupancy_percent: float | None, opens_after_today: bool = False, open_on_start: bool = True,
             fits: bool = True, support: bool = False, sibling: bool = False, catchment: bool = False,
             private: bool = False, months_ahead: float = 12.0, lang: str = "en",
             mismatches: Sequence[str] = (), opens: date | None = None,
             apply_ahead_months: float = APPLY_AHEAD_MONTHS) -> tuple[str, list[str]]:
    """The band and its reasons (texts in ``lang``) from the facts about one unit (module docstring)."""
    reasons: list[str] = []
    if not open_on_start:
        return "unlikely", [translate("plans.chance.reason.not_open", lang)]
    if not fits:
        return "unlikely", [translate("plans.chance.reason.mismatch", lang, what=", ".join(mismatches))]
    if opens_after_today:
        band = "likely"
        reasons.append(translate("plans.chance.reason.opens", lang, day=opens.isoformat() if opens else "?"))
    elif occupancy_percent is None or not math.isfinite(occupancy_percent):
        band = "uncertain"
        reasons.append(translate("plans.chance.reason.capacity_unknown", lang))
    else:
        percent = f"{occupancy_percent:.0f}"
        if occupancy_percent < ROOM_BELOW_PERCENT:
            band = "likely"
            reasons.append(translate("plans.chance.reason.room", lang, percent=percent))
        elif occupancy_percent < FULL_FROM_PERCENT:
            band = "uncertain"
            reasons.append(translate("plans.chance.reason.tight", lang, percent=percent))
        else:
            band = "unlikely"
            reasons.append(translate("plans.chance.reason.full", lang, percent=percent))
    if private:
        reasons.append(translate("plans.chance.reason.private", lang))
    else:
        priorities = [key for key, on in (("support", support), ("sibling", sibling), ("catchment", catchment)) if on]
        reasons += [translate(f"plans.chance.reason.{key}", lang) for key in priorities]
        if priorities:
            band = _step(band, 1)
    if months_ahead < apply_ahead_months:
        reasons.append(translate("plans.chance.reason.late", lang))
        band = _step(band, -1)
    return band, reasons


def chance_of_place(family: Any, dataset: Any, unit_ids: Sequence[str], *, child_id: str | None = None,
                    sibling_units: Sequence[str] = (), today: date | None = None, lang: str = "en",
                    mode: str = "walk") -> dict[str, Any]:
    """For each preferred unit: ``band`` (likely / uncertain / unlikely), ``band_text`` and ``reasons``."""
    from planner.plans.store import dataset_on, load_plans
    from planner.ranking import _location, choose_child, rank_units
    from planner.siting.forecast import occupancy_forecast

    today = today or date.today()
    child = choose_child(family, child_id)
    start = child.start_date or today
    if start < today:
        start = today
    plans = load_plans(dataset)
    view = dataset_on(dataset, start, plans)
    all_ids = set(u.unit_id for u in dataset.units) | {p.unit.unit_id for layer in plans.layers for p in layer.units}
    unknown = [u for u in unit_ids if u not in all_ids]
    if not unit_ids or unknown:
        raise InputError.single("--units", ",".join(unknown) or None,
                                "one or more unit ids of the dataset or of its plans, separated by commas")
    if family.home is None:
        raise InputError.single("home", None, "the family's home (lat/lon or address)")
    home = _location(family.home, "home", dataset)
    try:
        catchment_unit = view.catchments.unit_for(*home)
    except Exception:  # a dataset without catchments: nobody is "in catchment"
        catchment_unit = None
    years = max(1, min(20, math.ceil((start - today).days / 365.25) or 1))
    forecast = occupancy_forecast(dataset, base_date=today, years=years, mode=mode, lang=lang,
                                  horizons=[("start", start)])
    occupancy = {row["unit_id"]: row["horizons"][-1] for row in forecast["occupancy"]}
    ranked = {row["unit_id"]: row for row in rank_units(family, dataset, child_id=child.id, lang=lang,
                                                        on_date=start)["units"]}
    opens = {p.unit.unit_id: p.opens for layer in plans.layers for p in layer.units}
    months_ahead = _months_between(today, start)
    rule = application_rule(start)
    out = []
    for unit_id in unit_ids:
        unit = view.units_by_id.get(unit_id)
        row = ranked.get(unit_id)
        facts = occupancy.get(unit_id, {})
        mismatches = [m for m in (row or {}).get("mismatches", []) if m in ("language", "age", "shift_care")]
        band, reasons = band_for(
            occupancy_percent=facts.get("occupancy_percent"),
            opens_after_today=unit_id in opens and today < opens[unit_id] <= start
            and (start - opens[unit_id]).days <= NEW_UNIT_DAYS,
            open_on_start=unit is not None, fits=not mismatches, mismatches=mismatches,
            support=bool(getattr(child, "support", False)), sibling=unit_id in set(sibling_units),
            catchment=catchment_unit == unit_id, private=unit is not None and unit.provider == "private",
            months_ahead=months_ahead, lang=lang, opens=opens.get(unit_id),
            apply_ahead_months=rule["apply_ahead_months"])
        out.append({"unit_id": unit_id, "name": unit.name if unit else unit_id, "band": band,
                    "band_text": translate(f"plans.chance.{band}", lang), "reasons": reasons,
                    "occupancy_percent": facts.get("occupancy_percent"), "occupancy_basis": facts.get("basis"),
                    "estimate": True, "demo": bool(unit.demo) if unit else None})
    return {"dataset": dataset.name, "child_id": child.id, "start_date": start.isoformat(),
            "today": today.isoformat(), "example": plans.example, "units": out,
            "note": translate("plans.chance.note", lang), "assumptions": forecast["assumptions"]["text"],
            "rules": {"room_below_percent": ROOM_BELOW_PERCENT, "full_from_percent": FULL_FROM_PERCENT,
                      "application": rule}}


def chance_command(args: argparse.Namespace) -> dict[str, Any]:
    """Handler of ``python -m planner chance FAMILY.json --units U1,U2 [--sibling-in U] [--today D]``."""
    from planner.datasets import load_dataset
    from planner.family import load_family
    from planner.plans.commands import parse_day

    family = load_family(args.family)
    units = [u.strip() for u in (args.units or "").split(",") if u.strip()]
    siblings = [u.strip() for u in (getattr(args, "sibling_in", None) or "").split(",") if u.strip()]
    today = parse_day(getattr(args, "today", None), "--today", date.today())
    dataset = load_dataset(getattr(args, "dataset", None))
    return chance_of_place(family, dataset, units, child_id=getattr(args, "child", None), sibling_units=siblings,
                           today=today, lang=getattr(args, "lang", "en") or "en")
