"""Kela childcare allowances: home care, flexible care, partial care and private day care allowance.

Amounts in cents; results in euros with cents. Rules (see docs/money.md):

- home care allowance: a child under 3 cared for at home (``care: home``); care allowance for the
  youngest such child, the under-3 sibling rate for every further one, the 3-to-school-age rate for
  each sibling under school age not in municipal ECEC (home, none or preschool only); one
  income-tested care supplement ``max(0, max − rate × (income − limit))`` with the family size
  counted as at most 2 adults + 2 children under school age; the municipal supplement by the
  municipality's row (youngest child under N months);
- flexible care allowance: per adult with ``weekly_work_hours`` ≤ 30 (higher amount ≤ 22.5) while a
  child under 3 is not on home care allowance;
- partial care allowance: per adult with ``weekly_work_hours`` ≤ 30 while a child is in school
  grade 1 or 2, unless that adult gets flexible care allowance (not paid at the same time);
- private day care allowance: per child in private day care under preschool age: care allowance
  + its own care supplement (same limits and rates), paid to the provider.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from planner.family import Adult, Child, Family
from planner.money.common import (
    add_months, cents_to_eur, counted_children, effective_care, round_half_up, rule_dict, text, under_3,
    under_school_age, youngest_first,
)
from planner.money.fees import gross_income_cents
from planner.municipalities import find_municipality
from planner.numbers import format_eur, format_number, format_percent
from planner.rules import KelaPeriod, MunicipalSupplement, rule_book


PARENTAL_ALLOWANCE_DAYS = 320   # Kela parental allowance days of both parents (2022 reform), paid Mon-Sat


def default_parental_end(child: Child) -> date:
    """Last day of the default parental allowance period: 320 weekdays (Monday-Saturday) from the birth."""
    day, counted = child.birth_date, 0
    while True:
        if day.weekday() != 6:
            counted += 1
            if counted == PARENTAL_ALLOWANCE_DAYS:
                return day
        day += timedelta(days=1)


def parental_allowance_until(family: Family, child: Child, on: date) -> tuple[date | None, bool]:
    """(last day of the parental allowance period covering ``on`` for ``child``, assumed?).

    ``family.parental_leave`` given: the periods there (an empty list: none). Not given: the default,
    parental allowance for the first 320 weekdays (Mon–Sat) after the birth (assumed = True)."""
    if family.parental_leave is None:
        end = default_parental_end(child)
        return (end if child.birth_date <= on <= end else None), True
    for period in family.parental_leave:
        if period.child == child.id and period.covers(on):
            return period.end, False
    return None, False


def supplement_family_size(family: Family, on: date) -> int:
    """Family size for the care supplement: at most 2 adults + at most 2 children under school age."""
    young = sum(1 for c in counted_children(family, on) if under_school_age(c, on))
    return max(2, min(len(family.adults), 2) + min(young, 2))


def care_supplement_cents(kela: KelaPeriod, max_cents: int, size: int, income_cents: int | None) -> int:
    """``max(0, max − rate × (income − limit))`` rounded half up to cents; 0 when income unknown."""
    if income_cents is None:
        return 0
    index = min(max(size, 2), 4) - 2
    limit_cents = kela.supplement_limits_eur[index] * 100
    rate = kela.supplement_rates_percent[index] / 100
    reduction = rate * Decimal(max(0, income_cents - limit_cents))
    return max(0, int(round_half_up(Decimal(max_cents) - reduction)))


def flexible_care_cents(kela: KelaPeriod, weekly_work_hours: float | None) -> int:
    """Flexible care allowance for one adult's average weekly working hours (0 when not eligible)."""
    if weekly_work_hours is None:
        return 0
    hours = Decimal(str(weekly_work_hours))
    if hours <= kela.flexible_high_max_hours:
        return kela.flexible_high_cents
    if hours <= kela.flexible_low_max_hours:
        return kela.flexible_low_cents
    return 0


def in_grade_1_or_2(child: Child, on: date) -> bool:
    return child.school_start() <= on <= date(child.birth_date.year + 9, 7, 31)


def _empty(reasons: list[str]) -> dict[str, Any]:
    return {"eligible": False, "care_allowance_eur": 0, "sibling_supplements_eur": 0, "care_supplement_eur": 0,
            "municipal_supplement_eur": 0, "total_eur": 0, "reasons": reasons}


def home_care_allowance(family: Family, on: date, kela: KelaPeriod, supplement_row: MunicipalSupplement,
                        income_cents: int | None, lang: str) -> dict[str, Any]:
    """Home care allowance on ``on`` (see the module docstring); amounts in euros, reasons translated."""
    children = youngest_first(counted_children(family, on))
    reasons: list[str] = []
    at_home_under_3 = []
    for c in children:
        if not (under_3(c, on) and effective_care(c, on) == "home"):
            continue
        until, assumed = parental_allowance_until(family, c, on)
        if until is not None:
            reasons.append(text("money.hca.parental_default" if assumed else "money.hca.parental", lang,
                                id=c.id, date=until.isoformat()))
            continue
        at_home_under_3.append(c)
    if not at_home_under_3:
        under3 = [c for c in children if under_3(c, on)]
        for child in under3:
            if effective_care(child, on) != "home":
                reasons.append(_not_home_reason(child, on, lang))
        if not under3:
            if children:
                youngest = children[0]
                reasons.append(text("money.hca.youngest_turned_3", lang, id=youngest.id,
                                    date=youngest.birthday(3).isoformat()))
            else:
                reasons.append(text("money.hca.no_children", lang))
        return _empty(reasons)

    first, *others = at_home_under_3
    care = kela.care_allowance_cents
    reasons.append(text("money.hca.care_allowance", lang, id=first.id, amount=format_eur(care, lang),
                        date=first.birthday(3).isoformat()))
    siblings = 0
    for child in others:
        siblings += kela.sibling_under_3_cents
        reasons.append(text("money.hca.sibling_under_3", lang, id=child.id,
                            amount=format_eur(kela.sibling_under_3_cents, lang)))
    for child in children:
        if child in at_home_under_3 or not under_school_age(child, on) or under_3(child, on):
            if under_3(child, on) and child not in at_home_under_3 and effective_care(child, on) != "home":
                reasons.append(_not_home_reason(child, on, lang))
            continue
        care_now = effective_care(child, on)
        if care_now in ("home", "none", "preschool"):
            siblings += kela.sibling_3_to_school_cents
            reasons.append(text("money.hca.sibling_over_3", lang, id=child.id,
                                amount=format_eur(kela.sibling_3_to_school_cents, lang)))
        else:
            reasons.append(text("money.hca.sibling_in_care", lang, id=child.id, care=text(f"money.care.{care_now}", lang)))

    size = supplement_family_size(family, on)
    supplement = care_supplement_cents(kela, kela.care_supplement_max_cents, size, income_cents)
    if income_cents is None:
        reasons.append(text("money.hca.supplement_no_income", lang))
    else:
        index = min(size, 4) - 2
        reasons.append(text("money.hca.supplement", lang, amount=format_eur(supplement, lang), size=size,
                            income=format_eur(income_cents, lang),
                            limit=format_eur(kela.supplement_limits_eur[index] * 100, lang),
                            rate=format_percent(kela.supplement_rates_percent[index], lang)))

    municipal, municipal_reason = _municipal_supplement(family, on, supplement_row, children, first, lang)
    reasons.append(municipal_reason)
    total = care + siblings + supplement + municipal
    return {"eligible": True, "care_allowance_eur": cents_to_eur(care), "sibling_supplements_eur": cents_to_eur(siblings),
            "care_supplement_eur": cents_to_eur(supplement), "municipal_supplement_eur": cents_to_eur(municipal),
            "municipal_supplement_known": supplement_row.amount_cents is not None,
            "total_eur": cents_to_eur(total), "total_cents": total, "reasons": reasons}


def _not_home_reason(child: Child, on: date, lang: str) -> str:
    care = effective_care(child, on)
    if care in ("municipal", "voucher"):
        return text("money.hca.has_place", lang, id=child.id, care=text(f"money.care.{care}", lang))
    if care == "private":
        return text("money.hca.private", lang, id=child.id)
    return text("money.hca.not_home", lang, id=child.id, care=text(f"money.care.{care}", lang))


def age_in_months(child: Child, on: date) -> int:
    """Completed months of age on ``on``."""
    months = (on.year - child.birth_date.year) * 12 + on.month - child.birth_date.month
    if on < add_months(child.birth_date, months):
        months -= 1
    return months


def _municipal_supplement(family: Family, on: date, row: MunicipalSupplement, children: list[Child],
                          youngest: Child, lang: str) -> tuple[int, str]:
    """The municipal supplement for ``youngest``, the youngest child on home care allowance."""
    found = find_municipality(family.municipality)
    name = found.name(lang) if found else family.municipality
    if row.tiers is None:
        return 0, text("money.hca.municipal_unknown", lang, municipality=name)
    if not row.tiers:
        return 0, text("money.hca.municipal_none", lang, municipality=name)
    tier = row.tier_for(age_in_months(youngest, on))
    if tier is None or youngest is not children[0]:
        last_months, last_amount = row.tiers[-1]
        limit = add_months(youngest.birth_date, last_months)
        return 0, text("money.hca.municipal_age", lang, municipality=name, amount=format_eur(last_amount, lang),
                       months=last_months, id=youngest.id, date=limit.isoformat())
    months, amount = tier
    limit = add_months(youngest.birth_date, months)
    if row.siblings_in_ecec_allowed is False and any(
            effective_care(c, on) in ("municipal", "voucher") for c in children if under_school_age(c, on)):
        return 0, text("money.hca.municipal_siblings", lang, municipality=name)
    reason = text("money.hca.municipal_paid", lang, municipality=name, amount=format_eur(amount, lang),
                  months=months, date=limit.isoformat())
    if row.siblings_in_ecec_allowed is None:
        reason += " " + text("money.hca.municipal_condition_unknown", lang)
    return amount, reason


def flexible_care_allowance(family: Family, on: date, kela: KelaPeriod, lang: str) -> dict[str, Any]:
    children = counted_children(family, on)
    candidates = [c for c in children if under_3(c, on) and effective_care(c, on) != "home"]
    reasons: list[str] = []
    if not candidates:
        at_home = [c for c in children if under_3(c, on)]
        reasons.append(text("money.flex.home_care" if at_home else "money.flex.no_child_under_3", lang))
        return _empty(reasons)
    return _per_adult(family.adults, lambda a: flexible_care_cents(kela, a.weekly_work_hours), "money.flex", kela,
                      reasons, lang, limit=kela.flexible_low_max_hours)


def partial_care_allowance(family: Family, on: date, kela: KelaPeriod, lang: str) -> dict[str, Any]:
    pupils = [c for c in counted_children(family, on) if in_grade_1_or_2(c, on)]
    if not pupils:
        return _empty([text("money.partial.no_pupil", lang)])

    flexible_family = _has(family, on, "flex")
    reasons: list[str] = []
    adults = []
    for adult in family.adults:
        if flexible_family and flexible_care_cents(kela, adult.weekly_work_hours) > 0:
            reasons.append(text("money.partial.flexible_instead", lang, id=adult.id))
            continue
        adults.append(adult)

    def amount(adult: Adult) -> int:
        hours = adult.weekly_work_hours
        if hours is None or Decimal(str(hours)) > kela.partial_max_hours:
            return 0
        return kela.partial_care_allowance_cents

    return _per_adult(tuple(adults), amount, "money.partial", kela, reasons, lang, limit=kela.partial_max_hours)


def _per_adult(adults: tuple[Adult, ...], amount, prefix: str, kela: KelaPeriod, reasons: list[str], lang: str,
               *, limit: Decimal) -> dict[str, Any]:
    total = 0
    per_adult = []
    for adult in adults:
        cents = amount(adult)
        if adult.weekly_work_hours is None:
            reasons.append(text(f"{prefix}.hours_missing", lang, id=adult.id))
        elif cents == 0:
            reasons.append(text(f"{prefix}.too_many_hours", lang, id=adult.id,
                                hours=format_number(adult.weekly_work_hours, lang), limit=format_number(limit, lang)))
        else:
            reasons.append(text(f"{prefix}.paid", lang, id=adult.id, hours=format_number(adult.weekly_work_hours, lang),
                                amount=format_eur(cents, lang)))
        total += cents
        per_adult.append({"id": adult.id, "amount_eur": cents_to_eur(cents)})
    return {"eligible": total > 0, "care_allowance_eur": cents_to_eur(total), "sibling_supplements_eur": 0,
            "care_supplement_eur": 0, "municipal_supplement_eur": 0, "total_eur": cents_to_eur(total),
            "total_cents": total, "adults": per_adult, "reasons": reasons}


def private_care_allowance(family: Family, on: date, kela: KelaPeriod, income_cents: int | None,
                           lang: str) -> dict[str, Any]:
    children = youngest_first(counted_children(family, on))
    private = [c for c in children if effective_care(c, on) == "private"]
    if not private:
        return _empty([text("money.private.none", lang)])
    size = supplement_family_size(family, on)
    care_total = supplement_total = 0
    reasons: list[str] = []
    per_child = []
    for child in private:
        if on >= child.preschool_start():
            reasons.append(text("money.private.preschool_unknown", lang, id=child.id))
            per_child.append({"id": child.id, "amount_eur": None})
            continue
        supplement = care_supplement_cents(kela, kela.private_care_supplement_max_cents, size, income_cents)
        care = kela.private_care_allowance_cents
        reasons.append(text("money.private.paid", lang, id=child.id, care=format_eur(care, lang),
                            supplement=format_eur(supplement, lang)))
        fee = child.private_fee_eur if child.private_fee_eur is not None else family.private_fee_eur
        if fee is None:
            reasons.append(text("money.private.fee_unknown", lang, id=child.id))
        else:
            fee_cents = int(fee * 100)
            if care + supplement > fee_cents:
                supplement = max(0, fee_cents - care)
                care = min(care, fee_cents)
                reasons.append(text("money.private.capped", lang, id=child.id, fee=format_eur(fee_cents, lang),
                                    amount=format_eur(care + supplement, lang)))
        care_total += care
        supplement_total += supplement
        per_child.append({"id": child.id, "amount_eur": cents_to_eur(care + supplement)})
    if income_cents is None:
        reasons.append(text("money.hca.supplement_no_income", lang))
    reasons.append(text("money.private.to_provider", lang))
    total = care_total + supplement_total
    return {"eligible": total > 0, "care_allowance_eur": cents_to_eur(care_total), "sibling_supplements_eur": 0,
            "care_supplement_eur": cents_to_eur(supplement_total), "municipal_supplement_eur": 0,
            "total_eur": cents_to_eur(total), "total_cents": total, "children": per_child, "reasons": reasons}


def kela_income_cents(family: Family, on: date, kela: KelaPeriod) -> int | None:
    """Income for the care supplements: gross wages (no holiday-pay factor) + flexible/partial allowance."""
    wages = gross_income_cents(family)
    if wages is None:
        return None
    flexible = flexible_care_allowance(family, on, kela, "en")["total_cents"] if _has(family, on, "flex") else 0
    partial = partial_care_allowance(family, on, kela, "en")["total_cents"] if _has(family, on, "partial") else 0
    return wages + flexible + partial


def _has(family: Family, on: date, kind: str) -> bool:
    if not any(a.weekly_work_hours is not None for a in family.adults):
        return False
    children = counted_children(family, on)
    if kind == "flex":
        return any(under_3(c, on) and effective_care(c, on) != "home" for c in children)
    return any(in_grade_1_or_2(c, on) for c in children)


def income_counted_allowances_cents(family: Family, on: date, home_care_counts: bool) -> int:
    """Benefits the fee law counts as income: flexible + partial care allowance (+ home care allowance
    where the municipality counts it). Raises MissingRuleError when needed and no Kela row covers ``on``."""
    needs_flex, needs_partial = _has(family, on, "flex"), _has(family, on, "partial")
    needs_home = home_care_counts and any(
        under_3(c, on) and effective_care(c, on) == "home" for c in counted_children(family, on))
    if not (needs_flex or needs_partial or needs_home):
        return 0
    book = rule_book()
    kela = book.kela_period_on(on)
    total = 0
    if needs_flex:
        total += flexible_care_allowance(family, on, kela, "en")["total_cents"]
    if needs_partial:
        total += partial_care_allowance(family, on, kela, "en")["total_cents"]
    if needs_home:
        home = home_care_allowance(family, on, kela, book.supplement_on(family.municipality, on),
                                   kela_income_cents(family, on, kela), "en")
        total += home.get("total_cents", 0)
    return total


def calculate_allowances(family: Family, on: date | None = None, lang: str = "en") -> dict[str, Any]:
    """Every Kela childcare allowance for the family on ``on`` (default: the family's date).

    Raises MissingRuleError naming the date when no Kela row covers it.
    """
    on = on or family.date
    book = rule_book()
    kela = book.kela_period_on(on)
    supplement_row = book.supplement_on(family.municipality, on)
    income = kela_income_cents(family, on, kela)
    home = home_care_allowance(family, on, kela, supplement_row, income, lang)
    flexible = flexible_care_allowance(family, on, kela, lang)
    partial = partial_care_allowance(family, on, kela, lang)
    private = private_care_allowance(family, on, kela, income, lang)
    parts = (home, flexible, partial, private)
    total = sum(p.get("total_cents", 0) for p in parts)
    provisional = kela.rule.status == "provisional" or (home["eligible"] and supplement_row.rule.status == "provisional")
    for part in parts:
        part.pop("total_cents", None)
    return {
        "date": on, "municipality": family.municipality,
        "income_eur": cents_to_eur(income), "supplement_family_size": supplement_family_size(family, on),
        "home_care_allowance": home, "flexible_care_allowance": flexible, "partial_care_allowance": partial,
        "private_care_allowance": private, "total_eur": cents_to_eur(total),
        "taxable_eur": cents_to_eur(total - _cents(private["total_eur"])),
        "rule": rule_dict(kela.rule), "provisional": provisional,
        "rules_used": [rule_dict(kela.rule), rule_dict(supplement_row.rule)],
    }


def _cents(eur: int | float | None) -> int:
    return 0 if eur is None else int(round_half_up(Decimal(str(eur)) * 100))
