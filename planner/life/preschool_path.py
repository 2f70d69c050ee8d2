"""The path to preschool for each child: when, what is free, what connected ECEC costs, which unit.

For every child not yet at school: the preschool year (from 1 August of the year the child turns six),
preschool itself free about 4 hours a day, the connected ECEC fee in that August from the money engine
(hours above the free ones, by the municipality's bands), and the preschool unit by the municipality's
dated rule (``planner/placement/tables/preschool_rules.csv``: own preschool area, separate language areas,
shortest trips, municipal transport) — with a dataset, the unit that rule points to from the family's
home. Children born in 2016–2017 may have been in the two-year preschool trial (2021–2024): said, not
guessed.
"""
from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np

from planner.errors import MissingRuleError, PlannerError
from planner.family import Child, Family
from planner.i18n import translate
from planner.life.rules import life_rule
from planner.life.timing import _day, preschool_start


def _unit_by_rule(family: Family, child: Child, area_rule: str, dataset: Any, lang: str) -> dict[str, Any] | None:
    """The unit the rule points to from the family's home (None when it cannot be said)."""
    from planner.ranking import _location

    if dataset is None or family.home is None:
        return None
    try:
        home = _location(family.home, "home", dataset)
        area_unit = dataset.catchments.unit_for(*home)
    except PlannerError:
        return None
    units = {u.unit_id: u for u in dataset.units}
    language = child.language or "fi"
    if area_rule == "catchment" and area_unit in units:
        return {"unit_id": area_unit, "name": units[area_unit].name, "why": translate("life.preschool.why.area", lang)}
    if area_rule == "language_areas":
        if area_unit in units and language in units[area_unit].languages:
            return {"unit_id": area_unit, "name": units[area_unit].name,
                    "why": translate("life.preschool.why.area", lang)}
        teaching = [u for u in units.values() if language in u.languages]   # OSM rarely says which units teach preschool
        if not teaching:
            return None
        engine = dataset.engine("walk")
        times = engine.one_to_many(home, np.array([(u.lat, u.lon) for u in teaching], dtype=float))
        best = min(range(len(teaching)), key=lambda k: times[k])
        if times[best] == float("inf"):
            return None
        return {"unit_id": teaching[best].unit_id, "name": teaching[best].name,
                "why": translate("life.preschool.why.language", lang, language=language)}
    return None


def preschool_path(family: Family, *, dataset: Any = None, lang: str = "en", today: date | None = None,
                   names: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """One entry per child not yet at school whose preschool year is still ahead (or under way)."""
    from planner.money.fees import calculate_fees
    from planner.placement.preschool import rule_set_for

    today = today or family.date
    names = names or {}
    out: list[dict[str, Any]] = []
    for child in family.children:
        start = preschool_start(child)
        if child.school_start() <= today or child.birth_date > today:
            continue
        name = names.get(child.id, child.id)
        entry: dict[str, Any] = {"child_id": child.id, "preschool_start": start,
                                 "school_start": child.school_start(), "free_hours_per_day": 4}
        try:
            fees = calculate_fees(family, start, lang)
            fee = next(c for c in fees["children"] if c["id"] == child.id)
            entry["connected_ecec_fee_eur"] = fee["monthly_fee_eur"]
            entry["fee_explanation"] = fee.get("explanation")
            entry["fee_provisional"] = bool(fees.get("provisional"))
        except MissingRuleError as error:
            entry["connected_ecec_fee_eur"] = None
            entry["fee_explanation"] = str(error)
        try:
            rule = rule_set_for(family.municipality, start)
            entry["rule"] = rule.to_dict()
            entry["rule_text"] = translate(f"life.preschool.rule.{rule.area_rule}", lang)
            if rule.transport_rule == "avoid_transport":
                entry["rule_text"] += " " + translate("life.preschool.rule.avoid_transport", lang,
                                                      km=f"{rule.transport_distance_m / 1000:g}")
            entry["unit"] = _unit_by_rule(family, child, rule.area_rule, dataset, lang)
        except MissingRuleError as error:
            entry["rule"], entry["rule_text"], entry["unit"] = None, str(error), None
        trial = life_rule("two_year_preschool_trial_birth_year_first", start, family.municipality)
        last = life_rule("two_year_preschool_trial_birth_year_last", start, family.municipality)
        if trial.int_value <= child.birth_date.year <= last.int_value:
            entry["two_year_trial"] = translate("life.preschool.trial", lang, child=name)
            entry["two_year_trial_source"] = trial.source
        entry["text"] = translate("life.preschool.summary", lang, child=name, start=_day(start, lang),
                                  fee="–" if entry["connected_ecec_fee_eur"] is None
                                  else _eur_text(entry["connected_ecec_fee_eur"], lang))
        out.append(entry)
    return out


def _eur_text(eur: Any, lang: str) -> str:
    from planner.life.evaluate import money_text

    return money_text(eur, lang)
