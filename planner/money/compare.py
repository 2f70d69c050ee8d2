"""Compare a family's care scenarios by their monthly money (euros, on one date).

Scenarios (each computed by changing a copy of the family, then calling the fee and allowance rules):

``as_entered``      the family file as it is;
``all_municipal``   every child under school age who needs care (care not ``none``/``preschool``)
                    in municipal ECEC, start dates ignored;
``youngest_home``   the youngest such child at home with home care allowance, the ``carer`` adult's
                    earnings out; the others in municipal ECEC (needs a child under 3);
``part_time``       the ``carer`` works ``part_time_hours`` a week (earnings × hours / full-time
                    hours), the youngest child in ECEC the same hours, flexible care allowance;
``private``         the children in private day care at ``private_fee_eur`` per child, with the
                    private day care allowance (paid to the provider).

``carer`` defaults to the adult with the lowest reported income (the last one on a tie).
Net = earnings + allowances − fees (before tax). Taxable = earnings + home care, flexible and partial
care allowance (the private day care allowance is paid to the provider and is not the family's income).
Net after tax = the adults' income after income tax and contributions (planner.money.tax, taxable
allowances included) + the private care allowance − fees (fees are not deductible).
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any, Callable

from planner.errors import MissingRuleError
from planner.family import Adult, Child, Family
from planner.money.allowances import calculate_allowances
from planner.money.common import (
    FULL_TIME_WORK_HOURS, cents_to_eur, effective_care, euros_to_cents, text, under_3, under_school_age,
    youngest_first,
)
from planner.money.common import counted_children
from planner.money.fees import calculate_fees
from planner.money.tax import monthly_net
from planner.numbers import format_eur, format_number, with_unit

SCENARIOS = ("as_entered", "all_municipal", "youngest_home", "part_time", "private")


def carer_of(family: Family) -> Adult:
    """The adult who stays home / works part-time: ``family.carer`` or the lowest reported income."""
    if family.carer is not None:
        return next(a for a in family.adults if a.id == family.carer)
    best = family.adults[0]
    for adult in family.adults[1:]:
        if (adult.income_cents or 0) <= (best.income_cents or 0):
            best = adult
    return best


def needs_care(child: Child, on: date) -> bool:
    return under_school_age(child, on) and child.care not in ("none", "preschool")


def _care_children(family: Family, on: date) -> list[Child]:
    return youngest_first([c for c in family.children if needs_care(c, on)])


def _set_care(family: Family, changes: dict[str, dict[str, Any]]) -> Family:
    children = tuple(replace(c, start_date=None, **changes[c.id]) if c.id in changes else c
                     for c in family.children)
    return family.with_children(children)


def _set_adult(family: Family, adult_id: str, **changes: Any) -> Family:
    return replace(family, adults=tuple(replace(a, **changes) if a.id == adult_id else a for a in family.adults))


def _earnings_cents(family: Family) -> int:
    return sum(a.income_cents or 0 for a in family.adults)


def _eur_cents(value: Any) -> int:
    return 0 if value is None else euros_to_cents(Decimal(str(value)))


def family_net_after_tax(family: Family, on: date, allowances: dict[str, Any], lang: str = "en") -> dict[str, Any]:
    """The adults' monthly income after income tax and contributions (planner.money.tax).

    Taxable benefits go to the adult who receives them: home care allowance (with the municipal
    supplement) to the ``carer`` (see :func:`carer_of`), flexible and partial care allowance per adult.
    Income not reported, or a date outside the tax tables: ``available: false`` with the reason.
    """
    if any(a.income_cents is None for a in family.adults):
        return {"available": False, "reason": text("money.tax.income_missing", lang)}
    benefits = {a.id: 0 for a in family.adults}
    home = allowances["home_care_allowance"]
    if home.get("eligible"):
        benefits[carer_of(family).id] += _eur_cents(home["total_eur"])
    for key in ("flexible_care_allowance", "partial_care_allowance"):
        for item in allowances[key].get("adults", []):
            benefits[item["id"]] += _eur_cents(item["amount_eur"])
    minors = len(counted_children(family, on))
    people = [{"id": a.id, "wages_cents": a.income_cents, "benefits_cents": benefits[a.id],
               "church_tax_percent": a.church_tax_percent} for a in family.adults]
    try:
        result = monthly_net(on, family.municipality, people, minor_children=minors, lang=lang)
    except MissingRuleError as error:
        return {"available": False, "reason": str(error)}
    result["available"] = True
    return result


def _money(name: str, family: Family, on: date, lang: str, *, description: str, reasons: list[str],
           private_fee_cents: int = 0) -> dict[str, Any]:
    fees = calculate_fees(family, on, lang)
    allowances = calculate_allowances(family, on, lang)
    private_children = [c for c in family.children if effective_care(c, on) == "private"]
    fees_cents = fees["total_monthly_fee_eur"] * 100 + private_fee_cents * len(private_children)
    allowance_cents = euros_to_cents(Decimal(str(allowances["total_eur"])))
    taxable_allowance_cents = euros_to_cents(Decimal(str(allowances["taxable_eur"])))
    earnings = _earnings_cents(family)
    for adult in family.adults:
        if adult.income_cents is None:
            reasons.append(text("money.scenario.income_missing", lang, id=adult.id))
    tax = family_net_after_tax(family, on, allowances, lang)
    after_tax = None
    if tax["available"]:
        untaxed_cents = allowance_cents - taxable_allowance_cents   # the private care allowance
        after_tax = cents_to_eur(_eur_cents(tax["net_eur"]) + untaxed_cents - fees_cents)
    return {
        "name": name, "title": text(f"money.scenario.{name}.title", lang), "description": description,
        "applicable": True, "fees_eur": cents_to_eur(fees_cents), "allowances_eur": cents_to_eur(allowance_cents),
        "earnings_eur": cents_to_eur(earnings), "net_eur": cents_to_eur(earnings + allowance_cents - fees_cents),
        "net_after_tax_eur": after_tax,
        "taxes_eur": tax.get("taxes_eur"), "contributions_eur": tax.get("contributions_eur"),
        "tax": tax,
        "taxable_eur": cents_to_eur(earnings + taxable_allowance_cents),
        "provisional": bool(fees["provisional"] or allowances["provisional"]),
        "reasons": reasons,
        "fees": {"total_monthly_fee_eur": fees["total_monthly_fee_eur"],
                 "private_fees_eur": cents_to_eur(private_fee_cents * len(private_children)),
                 "children": fees["children"]},
        "allowances": {k: allowances[k] for k in ("home_care_allowance", "flexible_care_allowance",
                                                  "partial_care_allowance", "private_care_allowance")},
        "rules_used": fees["rules_used"] + allowances["rules_used"],
    }


def _not_applicable(name: str, description: str, reason: str, lang: str) -> dict[str, Any]:
    return {"name": name, "title": text(f"money.scenario.{name}.title", lang), "description": description,
            "applicable": False, "fees_eur": None, "allowances_eur": None, "earnings_eur": None, "net_eur": None,
            "net_after_tax_eur": None, "taxes_eur": None, "contributions_eur": None,
            "taxable_eur": None, "provisional": False, "reasons": [reason]}


def compare_scenarios(family: Family, on: date | None = None, lang: str = "en") -> dict[str, Any]:
    """Every scenario's monthly fees, allowances, earnings, net and taxable amount (euros) on ``on``."""
    on = on or family.date
    carer = carer_of(family)
    care_children = _care_children(family, on)
    builders: list[tuple[str, Callable[[], dict[str, Any]]]] = [
        ("as_entered", lambda: _money("as_entered", family, on, lang, reasons=[],
                                      description=text("money.scenario.as_entered.description", lang),
                                      private_fee_cents=_private_fee_cents(family))),
        ("all_municipal", lambda: _all_municipal(family, on, lang, care_children)),
        ("youngest_home", lambda: _youngest_home(family, on, lang, care_children, carer)),
        ("part_time", lambda: _part_time(family, on, lang, care_children, carer)),
        ("private", lambda: _private(family, on, lang, care_children)),
    ]
    scenarios = []
    for name, build in builders:
        try:
            scenarios.append(build())
        except MissingRuleError as error:
            scenarios.append(_not_applicable(name, text(f"money.scenario.{name}.title", lang),
                                             text("money.scenario.na.rules_missing", lang, error=str(error)), lang))
    applicable = [s for s in scenarios if s["applicable"]]
    best = max(applicable, key=lambda s: s["net_eur"])["name"] if applicable else None
    taxed = [s for s in applicable if s.get("net_after_tax_eur") is not None]
    best_after_tax = max(taxed, key=lambda s: s["net_after_tax_eur"])["name"] if taxed else None
    return {"date": on, "municipality": family.municipality, "carer": carer.id, "scenarios": scenarios,
            "best_net": best, "best_net_after_tax": best_after_tax,
            "provisional": any(s["provisional"] for s in scenarios)}


def _private_fee_cents(family: Family) -> int:
    return 0 if family.private_fee_eur is None else euros_to_cents(family.private_fee_eur)


def _all_municipal(family: Family, on: date, lang: str, care_children: list[Child]) -> dict[str, Any]:
    description = text("money.scenario.all_municipal.description", lang)
    if not care_children:
        return _not_applicable("all_municipal", description, text("money.scenario.na.no_child_needing_care", lang), lang)
    changed = _set_care(family, {c.id: {"care": "municipal"} for c in care_children})
    return _money("all_municipal", changed, on, lang, description=description, reasons=[])


def _youngest_home(family: Family, on: date, lang: str, care_children: list[Child], carer: Adult) -> dict[str, Any]:
    description = text("money.scenario.youngest_home.description", lang, carer=carer.id)
    if not care_children or not under_3(care_children[0], on):
        return _not_applicable("youngest_home", description, text("money.scenario.na.no_child_under_3", lang), lang)
    youngest, *older = care_children
    changes = {c.id: {"care": "municipal"} for c in older}
    changes[youngest.id] = {"care": "home", "weekly_hours": None}
    changed = _set_adult(_set_care(family, changes), carer.id, gross_monthly_income_eur=Decimal(0),
                         weekly_work_hours=None)
    return _money("youngest_home", changed, on, lang, description=description, reasons=[])


def _part_time(family: Family, on: date, lang: str, care_children: list[Child], carer: Adult) -> dict[str, Any]:
    hours = family.part_time_hours
    full = FULL_TIME_WORK_HOURS
    if carer.weekly_work_hours is not None and hours is not None and carer.weekly_work_hours > hours:
        full = carer.weekly_work_hours
    description = text("money.scenario.part_time.description", lang, carer=carer.id,
                       hours="?" if hours is None else format_number(hours, lang), full=format_number(full, lang))
    if hours is None:
        return _not_applicable("part_time", description, text("money.scenario.na.no_hours", lang), lang)
    if not care_children:
        return _not_applicable("part_time", description, text("money.scenario.na.no_child_needing_care", lang), lang)
    youngest, *older = care_children
    changes = {c.id: {"care": "municipal"} for c in older}
    changes[youngest.id] = {"care": "municipal", "weekly_hours": hours}
    income = carer.gross_monthly_income_eur
    scaled = None if income is None else (income * Decimal(str(min(hours, full))) / Decimal(str(full))).quantize(
        Decimal("0.01"))
    changed = _set_adult(_set_care(family, changes), carer.id, gross_monthly_income_eur=scaled,
                         weekly_work_hours=hours)
    return _money("part_time", changed, on, lang, description=description, reasons=[])


def _private(family: Family, on: date, lang: str, care_children: list[Child]) -> dict[str, Any]:
    fee = family.private_fee_eur
    fee_text = with_unit("?", "€", lang) if fee is None else format_eur(euros_to_cents(fee), lang, decimals=2)
    description = text("money.scenario.private.description", lang, fee=fee_text)
    if fee is None:
        return _not_applicable("private", description, text("money.scenario.na.no_private_fee", lang), lang)
    if not care_children:
        return _not_applicable("private", description, text("money.scenario.na.no_child_needing_care", lang), lang)
    changed = _set_care(family, {c.id: {"care": "private"} for c in care_children})
    return _money("private", changed, on, lang, description=description, reasons=[],
                  private_fee_cents=_private_fee_cents(family))
