"""Municipal ECEC client fee (law 1503/2016), computed as eVaka does.

Steps (money in cents, whole-euro results rounded half up):

1. family size = adults (1–2) + every child under 18 in the household; above 6 persons the size-6
   threshold grows by the increment per further person;
2. income = sum of the adults' gross monthly income (× the municipality's holiday-pay factor when
   ``holiday_pay``) + flexible/partial care allowance (+ home care allowance where the municipality
   counts it); any adult's income not reported → the maximum fee;
3. base fee = percent × (income − threshold), clamped to [0, max fee], rounded to whole euros;
4. children in ECEC (municipal, voucher, preschool) youngest first: rank 1 pays the base fee, rank 2
   the 2nd-child share (40 %; 50 % before 2021-08-01) of it, rank 3+ the 3rd-child share (20 %),
   rounded to whole euros;
5. × the municipality's part-time coefficient for the child's weekly hours, rounded to whole euros;
6. a child's fee under the minimum fee becomes 0. Preschool-only children take a rank but pay 0.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from planner.errors import MissingRuleError
from planner.family import Child, Family
from planner.money.common import (
    ECEC_CARE, cents_to_eur, counted_children, effective_care, round_half_up, rule_dict, text, youngest_first,
)
from planner.municipalities import find_municipality
from planner.numbers import format_eur, format_number, format_percent
from planner.rules import FeePeriod, FreeHours, MunicipalSettings, PartTimeBands, RuleBook, rule_book

FULL_TIME_WEEKLY_HOURS = Decimal(40)   # hours assumed when a child's weekly_hours is not given (full time)
PRESCHOOL_FREE_HOURS_PER_DAY = Decimal(4)   # basic education act: preschool is free, about 4 h a day


@dataclass(frozen=True)
class ChildFee:
    child_id: str
    care: str
    sibling_rank: int | None
    coefficient: Decimal
    monthly_fee_eur: int
    explanation: str
    provisional: bool
    free_hours_per_day: Decimal = Decimal(0)


def family_size(family: Family, on: date) -> int:
    """Adults (at most 2) + children under 18 living in the household on ``on``; at least 2."""
    return max(2, min(len(family.adults), 2) + len(counted_children(family, on)))


def gross_income_cents(family: Family) -> int | None:
    """Sum of the adults' gross monthly income in cents; None if any adult's income is not reported."""
    total = 0
    for adult in family.adults:
        if adult.income_cents is None:
            return None
        total += adult.income_cents
    return total


def fee_income_cents(family: Family, settings: MunicipalSettings, *, extra_income_cents: int = 0) -> int | None:
    """Income counted by the fee law: wages (× holiday-pay factor when asked) + counted benefits."""
    wages = gross_income_cents(family)
    if wages is None:
        return None
    if family.holiday_pay:
        wages = int(round_half_up(Decimal(wages) * settings.holiday_pay_factor))
    return wages + extra_income_cents


def base_fee_eur(period: FeePeriod, size: int, income_cents: int | None) -> int:
    """Full-time fee of the youngest child in whole euros (max fee when income is not reported)."""
    if income_cents is None:
        return period.max_fee_eur
    excess = Decimal(income_cents) / 100 - period.threshold_eur(size)
    fee = period.fee_percent / 100 * excess
    fee = min(max(fee, Decimal(0)), Decimal(period.max_fee_eur))
    return int(round_half_up(fee))


def sibling_share(period: FeePeriod, rank: int) -> Decimal:
    if rank <= 1:
        return Decimal(1)
    return period.sibling_2_share if rank == 2 else period.sibling_3_share


def child_fee_eur(period: FeePeriod, base_eur: int, rank: int, coefficient: Decimal) -> tuple[int, int, int]:
    """(after sibling share, after part-time coefficient, final after the minimum-fee rule)."""
    after_sibling = int(round_half_up(Decimal(base_eur) * sibling_share(period, rank)))
    after_coefficient = int(round_half_up(Decimal(after_sibling) * coefficient))
    final = 0 if after_coefficient < period.min_fee_eur else after_coefficient
    return after_sibling, after_coefficient, final


def _share_percent(share: Decimal, lang: str) -> str:
    """A share (0.4) as a percentage text (``40 %``)."""
    return format_percent(share * 100, lang)


def _eur(euros: int, lang: str) -> str:
    """Whole euros as a money text (``1 145 €`` in fi/sv)."""
    return format_eur(euros * 100, lang)


def _base_explanation(period: FeePeriod, size: int, income_cents: int | None, base_eur: int, lang: str) -> str:
    threshold = period.threshold_eur(size)
    if income_cents is None:
        return text("money.fee.income_missing", lang, max_fee=_eur(period.max_fee_eur, lang))
    excess_cents = income_cents - threshold * 100
    if excess_cents <= 0:
        return text("money.fee.below_threshold", lang, income=format_eur(income_cents, lang),
                    threshold=_eur(threshold, lang), size=size)
    explanation = text("money.fee.base", lang, percent=format_percent(period.fee_percent, lang),
                       excess=format_eur(excess_cents, lang), threshold=_eur(threshold, lang), size=size)
    if base_eur == period.max_fee_eur:
        explanation += "; " + text("money.fee.capped", lang, max_fee=_eur(period.max_fee_eur, lang))
    return explanation


def calculate_fees(family: Family, on: date | None = None, lang: str = "en", *,
                   extra_income_cents: int | None = None) -> dict[str, Any]:
    """Monthly ECEC fee per child and for the family on ``on`` (default: the family's date).

    While the period's income thresholds are not published (``threshold_rise_percent``), the fee is
    computed at both ends of the plausible rise: the result carries ``thresholds_published: false``,
    ``total_monthly_fee_range_eur`` [lowest, highest] and per child ``monthly_fee_range_eur``; the
    single figures (``total_monthly_fee_eur`` …) are the HIGHER end (lowest rise), marked ``estimate``.
    """
    on = on or family.date
    period = rule_book().fee_period_on(on)
    if period.thresholds_published:
        return _calculate_fees(family, on, lang, period, extra_income_cents)
    low_rise, high_rise = period.threshold_rise_percent  # type: ignore[misc]
    high = _calculate_fees(family, on, lang, period.with_rise(low_rise), extra_income_cents, ranged=True)
    low = _calculate_fees(family, on, lang, period.with_rise(high_rise), extra_income_cents, ranged=True)
    high["rule"] = rule_dict(period.rule)
    high["rules_used"][0] = rule_dict(period.rule)
    high["thresholds_published"] = False
    high["estimate"] = True
    high["threshold_rise_percent"] = [float(low_rise), float(high_rise)]
    high["threshold_range_eur"] = [high["threshold_eur"], low["threshold_eur"]]
    same = low["total_monthly_fee_eur"] == high["total_monthly_fee_eur"]   # e.g. the max fee: no range
    high["total_monthly_fee_range_eur"] = None if same else [low["total_monthly_fee_eur"], high["total_monthly_fee_eur"]]
    for child_high, child_low in zip(high["children"], low["children"]):
        child_high["monthly_fee_range_eur"] = [child_low["monthly_fee_eur"], child_high["monthly_fee_eur"]]
    key = "money.fee.not_published_same" if same else "money.fee.not_published"
    high["notes"].insert(0, text(key, lang, valid_from=period.rule.valid_from.isoformat(),
                                 low=_eur(low["total_monthly_fee_eur"], lang),
                                 high=_eur(high["total_monthly_fee_eur"], lang),
                                 rise_low=format_percent(low_rise, lang), rise_high=format_percent(high_rise, lang)))
    return high


def _calculate_fees(family: Family, on: date, lang: str, period: FeePeriod,
                    extra_income_cents: int | None, *, ranged: bool = False) -> dict[str, Any]:
    """The fee with one period's parameters. ``extra_income_cents``: benefits counted as income; default
    computes the family's flexible and partial care allowance (and the home care allowance where the
    municipality counts it). Raises MissingRuleError naming the date when no fee row covers it."""
    book = rule_book()
    settings = book.settings_on(family.municipality, on)
    bands = book.part_time_bands_on(family.municipality, on)
    notes: list[str] = []
    if extra_income_cents is None:
        extra_income_cents, note = counted_benefits_cents(family, on, settings, lang)
        if note:
            notes.append(note)
    size = family_size(family, on)
    income = fee_income_cents(family, settings, extra_income_cents=extra_income_cents)
    base = base_fee_eur(period, size, income)
    base_text = _base_explanation(period, size, income, base, lang)

    ranked = youngest_first([c for c in counted_children(family, on) if effective_care(c, on) in ECEC_CARE])
    ranks = {c.id: i for i, c in enumerate(ranked, start=1)}
    children_out = []
    total = 0
    any_band_provisional = False
    rules_extra: list[dict[str, Any]] = []
    for child in family.children:
        child_base, child_base_text = base, base_text
        own = child.own_income_eur
        if own and income is not None and ranks.get(child.id) is not None:
            own_cents = int(own * 100)
            child_base = base_fee_eur(period, size, income + own_cents)
            child_base_text = _base_explanation(period, size, income + own_cents, child_base, lang) + "; " + text(
                "money.fee.own_income", lang, amount=format_eur(own_cents, lang))
        free = free_hours_for(book, family, child, on)
        if free is not None and free[1] is not None:
            rules_extra.append(rule_dict(free[1].rule))
        fee = _child_fee(child, on, period, bands, child_base, child_base_text, ranks.get(child.id), lang, free)
        any_band_provisional |= fee.provisional
        total += fee.monthly_fee_eur
        children_out.append({"id": fee.child_id, "care": fee.care, "sibling_rank": fee.sibling_rank,
                             "coefficient": float(fee.coefficient), "monthly_fee_eur": fee.monthly_fee_eur,
                             "explanation": fee.explanation, "provisional": fee.provisional,
                             "free_hours_per_day": float(fee.free_hours_per_day)})
    provisional = period.rule.status == "provisional" or any_band_provisional or (
        family.holiday_pay and settings.rule.status == "provisional")
    if period.rule.status == "provisional" and not ranged:
        notes.append(text("money.fee.provisional_period", lang, valid_from=period.rule.valid_from.isoformat()))
    if bands.municipality == "*" and any(c["coefficient"] not in (0.0, 1.0) for c in children_out):
        found = find_municipality(family.municipality)
        notes.append(text("money.fee.law_default", lang,
                          municipality=found.name(lang) if found else family.municipality))
    if ranked:
        notes.append(text("money.fee.july", lang))
        notes.append(text("money.fee.absences_evaka" if settings.absence_rule == "evaka" else "money.fee.absences_unknown",
                          lang))
    return {
        "date": on, "municipality": family.municipality, "family_size": size,
        "income_eur": cents_to_eur(income), "income_reported": income is not None,
        "counted_benefits_eur": cents_to_eur(extra_income_cents) if income is not None else None,
        "holiday_pay_factor": float(settings.holiday_pay_factor) if family.holiday_pay else None,
        "threshold_eur": period.threshold_eur(size), "fee_percent": float(period.fee_percent),
        "base_fee_eur": base, "max_fee_eur": period.max_fee_eur, "min_fee_eur": period.min_fee_eur,
        "total_monthly_fee_eur": total, "children": children_out,
        "rule": rule_dict(period.rule), "provisional": provisional, "notes": notes,
        "rules_used": [rule_dict(period.rule), rule_dict(settings.rule), rule_dict(bands.rule)] + [
            r for i, r in enumerate(rules_extra) if r not in rules_extra[:i]],
        "thresholds_published": True, "estimate": False,
    }


def free_hours_for(book: RuleBook, family: Family, child: Child, on: date
                   ) -> tuple[Decimal, FreeHours | None, str] | None:
    """Free ECEC hours a day for ``child`` on ``on``: (hours, the municipal row or None, kind) with kind
    ``preschool`` (the preschool year: preschool itself is free, about 4 h a day; connected ECEC is
    charged) or ``five`` (the year before preschool, by the municipality's free-hours row). None when
    no free hours apply. The 5-year-old hours start on 1 August of the year the child turns 5."""
    if not child.birth_date <= on < child.school_start():
        return None
    if on >= child.preschool_start():
        return PRESCHOOL_FREE_HOURS_PER_DAY, None, "preschool"
    if on < five_year_start(child):
        return None
    row = book.free_hours_on(family.municipality, on)
    if row.free_hours_per_day <= 0:
        return None
    if row.born_from_year is not None and child.birth_date.year < row.born_from_year:
        return None
    return row.free_hours_per_day, row, "five"


def five_year_start(child: Child) -> date:
    """1 August of the year the child turns 5 (the year before preschool)."""
    return date(child.birth_date.year + 5, 8, 1)


def paid_hours(child: Child, free_per_day: Decimal) -> tuple[Decimal, Decimal]:
    """(weekly, daily) ECEC hours above ``free_per_day`` free hours a day; a child without weekly hours
    is counted as full time (40 h a week); days a week = weekly / daily hours (else 5)."""
    weekly = Decimal(str(child.weekly_hours)) if child.weekly_hours is not None else FULL_TIME_WEEKLY_HOURS
    daily = Decimal(str(child.daily_hours)) if child.daily_hours is not None else weekly / 5
    days = weekly / daily if daily > 0 else Decimal(5)
    paid_daily = max(Decimal(0), daily - free_per_day)
    paid_weekly = max(Decimal(0), weekly - free_per_day * days)
    return paid_weekly, paid_daily


def _child_fee(child: Child, on: date, period: FeePeriod, bands: PartTimeBands, base: int, base_text: str,
               rank: int | None, lang: str, free: tuple[Decimal, FreeHours | None, str] | None = None) -> ChildFee:
    care = effective_care(child, on)
    if rank is None:
        if child.birth_date > on:
            reason = text("money.fee.not_born", lang)
        elif care == "none" and child.care != "none" and on >= child.school_start():
            reason = text("money.fee.school", lang)
        elif care == "home" and child.care not in ("home", "none") and child.start_date is not None:
            reason = text("money.fee.not_started", lang, start=child.start_date.isoformat())
        else:
            reason = text("money.fee.not_in_ecec", lang, care=text(f"money.care.{care}", lang))
        return ChildFee(child.id, care, None, Decimal(0), 0, reason, False)
    rank_text = text("money.fee.rank", lang, rank=rank)
    if care == "preschool":
        return ChildFee(child.id, care, rank, Decimal(0), 0, rank_text + "; " + text("money.fee.preschool", lang),
                        False)
    weekly_hours, daily_hours = child.weekly_hours, child.daily_hours
    free_text = None
    free_per_day = Decimal(0)
    band_provisional = False
    if free is not None:
        free_per_day, free_row, kind = free
        paid_weekly, paid_daily = paid_hours(child, free_per_day)
        band_provisional = free_row is not None and free_row.rule.status == "provisional"
        key = "money.fee.free_preschool" if kind == "preschool" else "money.fee.free_five"
        free_text = text(key, lang, hours=format_number(free_per_day, lang))
        if paid_weekly <= 0:
            return ChildFee(child.id, care, rank, Decimal(0), 0, "; ".join(
                [rank_text, free_text, text("money.fee.free_only", lang)]), band_provisional, free_per_day)
        weekly_hours, daily_hours = float(paid_weekly), float(paid_daily)
    coefficient = bands.coefficient(weekly_hours, daily_hours)
    band_provisional |= bands.band_status(weekly_hours, daily_hours) == "provisional"
    after_sibling, after_coefficient, final = child_fee_eur(period, base, rank, coefficient)
    parts = [rank_text]
    if free_text:
        parts.append(free_text + "; " + text("money.fee.paid_hours", lang, hours=format_number(weekly_hours, lang)))
    if rank == 1:
        parts.append(base_text)
    else:
        parts.append(text("money.fee.sibling", lang, share=_share_percent(sibling_share(period, rank), lang),
                          base=_eur(base, lang), fee=_eur(after_sibling, lang)))
    if coefficient != 1:
        if bands.per == "day":
            hours_day = bands.hours_for(weekly_hours, daily_hours)
            parts.append(text("money.fee.part_time_daily", lang, hours=format_number(
                hours_day.quantize(Decimal("0.01")).normalize() if hours_day is not None else 0, lang),
                share=_share_percent(coefficient, lang), fee=_eur(after_coefficient, lang)))
        else:
            parts.append(text("money.fee.part_time", lang, hours=format_number(weekly_hours, lang),
                              share=_share_percent(coefficient, lang), fee=_eur(after_coefficient, lang)))
        if band_provisional:
            parts.append(text("money.fee.band_provisional", lang))
    if final == 0 and after_coefficient > 0:
        parts.append(text("money.fee.under_min", lang, fee=_eur(after_coefficient, lang),
                          min_fee=_eur(period.min_fee_eur, lang)))
    if care == "voucher":
        parts.append(text("money.fee.voucher", lang))
    return ChildFee(child.id, care, rank, coefficient, final, "; ".join(parts), band_provisional, free_per_day)


def counted_benefits_cents(family: Family, on: date, settings: MunicipalSettings, lang: str) -> tuple[int, str | None]:
    """Flexible + partial care allowance (+ home care allowance where counted) in cents, and a note.

    When no Kela row covers ``on`` the benefits cannot be computed: 0 and a note saying so.
    """
    from planner.money.allowances import income_counted_allowances_cents

    try:
        return income_counted_allowances_cents(family, on, settings.home_care_allowance_counts_as_income), None
    except MissingRuleError:
        return 0, text("money.fee.benefits_unknown", lang, date=on.isoformat())
