"""The dates a family has to act on: applications, decisions, preschool and school.

Every date comes from a dated rule (:mod:`planner.life.rules`) with its source and status, so the
answer says where it comes from and whether it is the law or common practice.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from planner.family import Child, Family
from planner.i18n import translate
from planner.life.rules import LifeRule, life_rule
from planner.money.common import add_months

ECEC_CARE_NEEDING_APPLICATION = ("municipal", "voucher")


def _item(child: Child, what: str, on: date, rule: LifeRule, today: date, lang: str, name: str,
          **params: Any) -> dict[str, Any]:
    return {"child_id": child.id, "what": what, "date": on, "past": on < today,
            "text": translate(f"life.timing.{what}", lang, child=name, date=_day(on, lang), **params),
            "rule": {"source": rule.source, "status": rule.status, "valid_from": rule.valid_from}}


def _day(on: date, lang: str) -> str:
    """A date as people write it: 1.8.2026 in Finnish and Swedish, 2026-08-01 in English."""
    return f"{on.day}.{on.month}.{on.year}" if lang in ("fi", "sv") else on.isoformat()


def preschool_start(child: Child) -> date:
    """1 August of the year the child turns six (the preschool year starts in August)."""
    return date(child.birth_date.year + 6, 8, 1)


def dates_to_act(family: Family, *, today: date | None = None, lang: str = "en",
                 names: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Every date to act on for every child, sorted by date.

    For a child starting municipal or voucher ECEC: apply by the start date − 4 months (two weeks when
    the need comes suddenly from work or study), and when the decision usually arrives. For every child
    not yet at school: the preschool application (usually January of the year the child turns six),
    preschool start and school start. ``past`` marks dates already gone on ``today``. ``names`` maps
    child ids to the names the family uses in the texts (default: the ids).
    """
    today = today or family.date
    items: list[dict[str, Any]] = []
    names = names or {}
    for child in family.children:
        name = names.get(child.id, child.id)
        if child.birth_date > today + timedelta(days=366 * 2):
            continue
        start = child.start_date
        if child.care in ECEC_CARE_NEEDING_APPLICATION and start is not None and start >= today:
            rule = life_rule("apply_before_start", start, family.municipality)
            apply_by = add_months(start, -rule.int_value)
            items.append(_item(child, "apply", apply_by, rule, today, lang, name, start=_day(start, lang),
                               months=rule.int_value))
            urgent = life_rule("apply_before_start_urgent", start, family.municipality)
            items.append(_item(child, "apply_urgent", start - timedelta(days=urgent.int_value), urgent, today, lang, name,
                               days=urgent.int_value))
            if apply_by < today:
                items[-2]["late"] = True
                items[-2]["text"] = translate("life.timing.apply_late", lang, child=name,
                                              date=_day(apply_by, lang), months=rule.int_value,
                                              earliest=_day(add_months(today, rule.int_value), lang))
            decision = life_rule("decision_before_start", start, family.municipality)
            items.append(_item(child, "decision", start - timedelta(days=decision.int_value), decision, today, lang, name))
        school = child.school_start()
        if school <= today:
            continue
        pre_start = preschool_start(child)
        month_rule = life_rule("preschool_application_month", pre_start, family.municipality)
        application = date(pre_start.year, month_rule.int_value, 1)
        if pre_start > today:
            items.append(_item(child, "preschool_application", application, month_rule, today, lang, name))
            start_rule = life_rule("preschool_start_month", pre_start, family.municipality)
            items.append(_item(child, "preschool_start", pre_start, start_rule, today, lang, name))
        school_rule = life_rule("school_start_month", school, family.municipality)
        items.append(_item(child, "school_start", school, school_rule, today, lang, name))
    items.sort(key=lambda item: (item["date"], item["child_id"]))
    return items
