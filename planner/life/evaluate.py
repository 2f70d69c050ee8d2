"""Each life change side by side with today: money, the 24-month timeline, units and the dates to act.

:func:`evaluate_changes` takes a parsed family and its validated ``changes`` and returns, for today
and for every variant, the monthly fee, allowances, the best care scenario's net, the 24-month totals
and (with a dataset) the best-fitting units with the commute and the child's day. Every variant
explains itself in the chosen language and says when a rule is uncertain (a municipality whose own
rules are not in the tables, provisional rows).
"""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from planner.errors import InputError, MissingRuleError, PlannerError
from planner.family import Family
from planner.i18n import translate
from planner.life.changes import Variant, parse_changes, parse_variant, variants_of
from planner.life.rules import life_rule
from planner.life.preschool_path import preschool_path
from planner.life.timing import _day, dates_to_act
from planner.money.allowances import PARENTAL_ALLOWANCE_DAYS, calculate_allowances
from planner.money.common import add_months
from planner.money.compare import compare_scenarios
from planner.money.fees import calculate_fees
from planner.money.timeline import fee_timeline
from planner.numbers import format_eur, format_number

TOP_UNITS = 3
TIMELINE_MONTHS = 24


def municipality_has_own_rules(municipality: str) -> bool:
    """True when any municipal rule table has rows of its own for ``municipality``."""
    from planner.rules import rule_book

    book = rule_book()
    for table in ("settings", "supplements", "part_time"):
        for row in getattr(book, table, ()):
            if getattr(row, "municipality", None) == municipality:
                return True
    return False


def money_summary(family: Family, on: date, lang: str) -> dict[str, Any]:
    """Monthly money on ``on``: fees per child and in total, allowances, every scenario's net."""
    fees = calculate_fees(family, on, lang)
    notes: list[str] = []
    try:
        allowances: dict[str, Any] | None = calculate_allowances(family, on, lang)
    except MissingRuleError:
        allowances = None
        notes.append(translate("life.note.allowances_missing", lang, date=_day(on, lang)))
    comparison = compare_scenarios(family, on, lang)
    scenarios = [{key: s.get(key) for key in ("name", "title", "applicable", "fees_eur", "allowances_eur",
                                              "earnings_eur", "net_eur", "net_after_tax_eur")}
                 for s in comparison["scenarios"]]
    own_rules = municipality_has_own_rules(family.municipality)
    if not own_rules:
        notes.append(translate("life.note.default_rules", lang, municipality=family.municipality))
    provisional = bool(fees["provisional"] or (allowances and allowances["provisional"]) or comparison["provisional"])
    return {
        "date": on, "municipality": family.municipality, "family_size": fees["family_size"],
        "income_eur": fees["income_eur"], "total_monthly_fee_eur": fees["total_monthly_fee_eur"],
        "children": [{"id": c["id"], "care": c["care"], "monthly_fee_eur": c["monthly_fee_eur"]}
                     for c in fees["children"]],
        "allowances_eur": allowances["total_eur"] if allowances else None,
        "home_care_allowance_eur": allowances["home_care_allowance"]["total_eur"] if allowances else None,
        "best_scenario": comparison["best_net"], "scenarios": scenarios,
        "municipal_rules_known": own_rules, "provisional": provisional, "notes": notes,
    }


def timeline_totals(family: Family, start: date, lang: str, *, leave_until: date | None = None) -> dict[str, Any]:
    """Fees and allowances summed over 24 months from ``start`` (euros).

    ``leave_until`` marks the months of a new baby's parental allowance (the money engine pays no home
    care allowance for a child while parental allowance is paid for it).
    """
    timeline = fee_timeline(family, start, TIMELINE_MONTHS, lang)
    rows = timeline["rows"]
    fees = sum(Decimal(str(r["total_monthly_fee_eur"])) for r in rows)
    known = [r["allowances_eur"] for r in rows if r["allowances_eur"] is not None]
    allowances = sum((Decimal(str(a)) for a in known), Decimal(0))
    return {"start": start, "months": TIMELINE_MONTHS, "fees_eur": _eur(fees), "allowances_eur": _eur(allowances),
            "allowance_months_unknown": len(rows) - len(known),
            "provisional": timeline["provisional"],
            "rows": [{"month": r["month"], "total_monthly_fee_eur": r["total_monthly_fee_eur"],
                      "allowances_eur": r["allowances_eur"], "home_care_allowance_eur": r["home_care_allowance_eur"],
                      "parental_leave": leave_until is not None and r["date"] <= leave_until,
                      "provisional": r["provisional"], "changes": r["changes"]} for r in rows]}


def money_text(eur: int | float | None, lang: str) -> str:
    """A euro amount of the output as people read it (``1 234,50 €`` in fi/sv); ``–`` when unknown."""
    if eur is None:
        return "–"
    return format_eur(int((Decimal(str(eur)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)), lang)


def _eur(value: Decimal) -> int | float:
    value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return int(value) if value == value.to_integral_value() else float(value)


def units_summary(family: Family, dataset: Any, lang: str, child_id: str | None = None) -> dict[str, Any]:
    """The best-fitting units for the family (or why there is no ranking, e.g. a home outside the area)."""
    from planner.ranking import rank_units

    try:
        ranking = rank_units(family, dataset, child_id=child_id, lang=lang)
    except InputError as error:
        return {"available": False, "reason": "; ".join(f"{p.field}: {p.expected_in(lang)}" for p in error.problems)}
    except PlannerError as error:
        return {"available": False, "reason": str(error)}
    fitting = [u for u in ranking["units"] if u["fits"]][:TOP_UNITS]
    return {"available": True, "dataset": ranking["dataset"], "child_id": ranking["child_id"],
            "catchment_unit_id": ranking["catchment_unit_id"],
            "units": [{key: u[key] for key in ("unit_id", "name", "in_catchment", "drop_off_s", "pick_up_s",
                                                "extra_commute_s", "child_day_s", "drop_off_at", "pick_up_at",
                                                "score", "why")} for u in fitting],
            "all_units": ranking["units"]}


def _needs_units(family: Family) -> bool:
    return family.home is not None and any(c.care in ("municipal", "voucher", "private") for c in family.children)


def _strip(units: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in units.items() if k != "all_units"}


def _fee_revision(before: dict[str, Any], after: dict[str, Any], on: date, municipality: str,
                  lang: str) -> dict[str, Any]:
    """Whether the fee is revised after a work change (law 1503/2016 11 §) and from which month."""
    threshold = life_rule("fee_revision_income_change", on, municipality)
    month_rule = life_rule("fee_revision_from_next_month", on, municipality)
    old, new = before["income_eur"], after["income_eur"]
    if old is None or new is None:
        change_percent = None
        revised = old != new
    else:
        change_percent = float((Decimal(str(new)) - Decimal(str(old))) / Decimal(str(old)) * 100) if old else None
        revised = change_percent is None or abs(change_percent) >= threshold.int_value
    revised = revised or before["family_size"] != after["family_size"]
    first = add_months(date(on.year, on.month, 1), month_rule.int_value)
    key = "life.work.revised" if revised else "life.work.not_revised"
    return {"revised": revised, "fee_applied_eur": after["total_monthly_fee_eur"] if revised
            else before["total_monthly_fee_eur"], "income_change_percent": None if change_percent is None else round(change_percent, 1),
            "threshold_percent": threshold.int_value, "new_fee_from": first if revised else None,
            "text": translate(key, lang, percent=threshold.int_value, date=_day(first, lang),
                              change="–" if change_percent is None else
                              ("+" if change_percent > 0 else "") + format_number(round(change_percent, 1), lang, 1)),
            "rules": [threshold.to_dict(), month_rule.to_dict()]}


def evaluate_changes(family: Family, raw_changes: Any, *, dataset: Any = None, lang: str = "en",
                     today: date | None = None, names: dict[str, str] | None = None) -> dict[str, Any]:
    """Today and every change side by side (see the module docstring); ``names`` maps ids of adults and
    children to the names the family uses in the texts (default: the ids)."""
    today = today or date.today()
    names = names or {}
    changes = parse_changes(family, raw_changes, today=today)
    result: dict[str, Any] = {
        "today": {"money": money_summary(family, family.date, lang),
                  "timeline": _totals_only(timeline_totals(family, family.date, lang)),
                  "dates_to_act": dates_to_act(family, today=max(today, family.date), lang=lang, names=names),
                  "preschool_path": preschool_path(family, dataset=dataset, lang=lang, today=max(today, family.date),
                                                   names=names)},
        "changes": []}
    # today's ranking only where a change is compared with it (work and unit changes)
    compared = any(c["type"] in ("work_change", "unit_change") for c in changes)
    today_units = units_summary(family, dataset, lang) \
        if compared and dataset is not None and _needs_units(family) else None
    if today_units is not None:
        result["today"]["units"] = _strip(today_units)
    for change in changes:
        for variant in variants_of(family, change, today=today):
            result["changes"].append(_evaluate_variant(family, variant, dataset, lang, today, today_units, names))
    return result


def _totals_only(totals: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in totals.items() if k != "rows"}


def _evaluate_variant(family: Family, variant: Variant, dataset: Any, lang: str, today: date,
                      today_units: dict[str, Any] | None, names: dict[str, str]) -> dict[str, Any]:
    families = parse_variant(variant, today=today)
    on = variant.effective
    out: dict[str, Any] = {"change": variant.change_index, "type": variant.change_type,
                           "label": names.get(variant.label, variant.label),
                           "effective": on, "before": money_summary(family, on, lang), "notes": []}
    kind = variant.change_type
    if kind == "move":
        after = families[0]
        out["after"] = money_summary(after, on, lang)
        out["timeline"] = _totals_only(timeline_totals(after, on, lang))
        if dataset is not None and _needs_units(after):
            out["units"] = _strip(units_summary(after, dataset, lang))
        out["dates_to_act"] = dates_to_act(after, today=max(today, on), lang=lang, names=names)
        same = out["before"]["total_monthly_fee_eur"] == out["after"]["total_monthly_fee_eur"]
        out["explanation"] = translate("life.move.explain_same" if same else "life.move.explain", lang, label=variant.label, municipality=after.municipality,
                                       date=_day(on, lang), before=money_text(out["before"]["total_monthly_fee_eur"], lang),
                                       after=money_text(out["after"]["total_monthly_fee_eur"], lang))
    elif kind == "new_sibling":
        after = families[0]
        details = variant.details
        leave_until = details["parental_leave_until"]
        born = add_months(date(details["due_date"].year, details["due_date"].month, 1), 1)
        out["after"] = money_summary(after, born, lang)                      # the month after the birth
        out["after_leave"] = money_summary(after, add_months(leave_until, 1), lang)   # home care allowance
        out["parental_leave"] = {"due_date": details["due_date"], "until": leave_until,
                                 "default": details["leave_default"],
                                 "text": translate("life.sibling.leave_default" if details["leave_default"]
                                                   else "life.sibling.leave_given", lang,
                                                   until=_day(leave_until, lang),
                                                   days=PARENTAL_ALLOWANCE_DAYS)}
        out["timeline"] = timeline_totals(after, family.date, lang, leave_until=leave_until)
        out["today_timeline"] = _totals_only(timeline_totals(family, family.date, lang))
        out["dates_to_act"] = dates_to_act(after, today=max(today, family.date), lang=lang, names=names)
        out["explanation"] = translate("life.sibling.explain", lang, id=names.get(details["baby_id"], details["baby_id"]),
                                       due=_day(details["due_date"], lang), until=_day(leave_until, lang),
                                       fees=money_text(out["timeline"]["fees_eur"], lang),
                                       allowances=money_text(out["timeline"]["allowances_eur"], lang),
                                       today_fees=money_text(out["today_timeline"]["fees_eur"], lang),
                                       today_allowances=money_text(out["today_timeline"]["allowances_eur"], lang))
        unknown = out["timeline"]["allowance_months_unknown"]
        if unknown:
            out["notes"].append(translate("life.note.allowance_months_unknown", lang, months=unknown))
    elif kind == "separation":
        out["households"] = []
        for label, household, data in zip(variant.household_labels, families, variant.households):
            if household is None:
                out["households"].append({"label": label, "adults": [a["id"] for a in data["adults"]], "children": [],
                                          "money": None,
                                          "explanation": translate("life.separation.no_children", lang, label=label)})
                continue
            entry = {"label": label, "adults": [a.id for a in household.adults],
                     "children": [c.id for c in household.children], "money": money_summary(household, on, lang)}
            if dataset is not None and _needs_units(household):
                entry["units"] = _strip(units_summary(household, dataset, lang))
            entry["explanation"] = translate("life.separation.household", lang, label=label,
                                             size=entry["money"]["family_size"],
                                             fee=money_text(entry["money"]["total_monthly_fee_eur"], lang),
                                             allowances=money_text(entry["money"]["allowances_eur"], lang))
            out["households"].append(entry)
        out["explanation"] = translate("life.separation.explain", lang)
    elif kind == "work_change":
        after = families[0]
        out["after"] = money_summary(after, on, lang)
        out["fee_revision"] = _fee_revision(out["before"], out["after"], on, family.municipality, lang)
        if dataset is not None and _needs_units(after):
            out["units"] = _strip(units_summary(after, dataset, lang))
            if today_units is not None:
                out["units_today"] = _strip(today_units)
        out["explanation"] = out["fee_revision"]["text"]
    elif kind == "unit_change":
        out.update(_unit_change(family, variant, dataset, lang, today_units))
    return out


def _unit_change(family: Family, variant: Variant, dataset: Any, lang: str,
                 today_units: dict[str, Any] | None) -> dict[str, Any]:
    child_id, current_id = variant.details["child"], variant.details["current_unit"]
    out: dict[str, Any] = {"transfer": translate("life.unit.transfer", lang),
                           "transfer_source": "Varhaiskasvatuslaki 540/2018; municipal transfer application "
                                              "(e.g. seinajoki.fi: the same application covers a transfer)"}
    if dataset is None:
        out["units"] = {"available": False, "reason": translate("life.unit.no_dataset", lang)}
        return out
    ranking = units_summary(family, dataset, lang, child_id=child_id)
    if not ranking["available"]:
        out["units"] = ranking
        return out
    rows = ranking["all_units"]
    current = next((u for u in rows if u["unit_id"] == current_id), None)
    if current is None:
        raise InputError(_problem(f"changes[{variant.change_index}].current_unit", current_id,
                                  "life.problem.unit_unknown", dataset=ranking["dataset"]))
    better = []
    for unit in rows:
        if unit["unit_id"] == current_id or not unit["fits"] or current["child_day_s"] is None:
            continue
        shorter_day = unit["child_day_s"] is not None and unit["child_day_s"] < current["child_day_s"]
        shorter_trips = unit["drop_off_s"] + unit["pick_up_s"] < current["drop_off_s"] + current["pick_up_s"]
        if shorter_day or shorter_trips:
            better.append({"unit_id": unit["unit_id"], "name": unit["name"],
                           "child_day_saved_s": current["child_day_s"] - unit["child_day_s"],
                           "trips_saved_s": current["drop_off_s"] + current["pick_up_s"]
                           - unit["drop_off_s"] - unit["pick_up_s"],
                           "in_catchment": unit["in_catchment"], "why": unit["why"]})
    better.sort(key=lambda u: (-(u["child_day_saved_s"] + u["trips_saved_s"]), u["unit_id"]))
    out["current"] = {key: current[key] for key in ("unit_id", "name", "drop_off_s", "pick_up_s", "child_day_s")}
    out["better_units"] = better[:TOP_UNITS]
    out["explanation"] = translate("life.unit.explain" if better else "life.unit.none_better", lang,
                                   name=current["name"], count=len(better[:TOP_UNITS]))
    return out


def _problem(field_name: str, value: Any, key: str, **params: Any):
    from planner.errors import Problem

    return Problem.keyed(field_name, value, key, **params)

