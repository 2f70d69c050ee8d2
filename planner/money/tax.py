"""Net income after tax of a wage earner (and taxable benefits), by the tax year's dated rules.

Annual computation on 12 x the monthly amounts (no holiday bonus), per person, in Decimal euros; each
tax and contribution is rounded half up to cents; monthly figures = annual / 12, rounded to cents.

    W  wages a year, B taxable benefits a year (home care, flexible, partial care allowance and the
       municipal supplement: taxable earned income, but no contributions, deductions for wages only)
    1. income acquisition deduction = min(750, W)             (wages only)
    2. net earned income N = W + B − (1)
    3. contributions on W: pension, unemployment, daily allowance (the last only when W reaches the
       year's minimum); they are deductible: C
    4. earned income deduction (2024 only; removed from 2025): rate 1 on W between low and mid, rate 2
       above, at most max, reduced by reduction % of N above its limit
    5. income after deductions I = N − C − (4); basic deduction = max(0, max − rate × (I − max)), at
       most I; taxable earned income T = I − basic deduction (since the 2023 reform the same in state and
       municipal taxation: this reproduces veronmaksajat.fi's "state tax from about 24 370 EUR of wages
       in 2024")
    6. state tax = scale(T); municipal tax = T × the home municipality's rate; church tax = T × the
       parish rate (only when ``church_tax_percent`` is given); medical care contribution = T × rate
    7. work income deduction = min(max + child increase × minor children, rate × (W − floor)) − reduction
       % × (min(N, end) − limit) (2026: no reduction above the end, 50 550 EUR), from the state tax first, the rest from municipal, church and medical care
       contribution in proportion (never below 0)
    8. public broadcasting (Yle) tax = min(max, rate × (N − threshold))
    net = W + B − contributions − taxes. Fees are not deductible.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from planner.rules.tax import TaxYear, tax_book

CENT = Decimal("0.01")
MONTHS = 12


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _pos(value: Decimal) -> Decimal:
    return value if value > 0 else Decimal(0)


@dataclass(frozen=True)
class PersonTax:
    """Annual euros (Decimal, cents)."""

    wages: Decimal
    benefits: Decimal
    acquisition_deduction: Decimal
    net_earned_income: Decimal
    pension: Decimal
    unemployment: Decimal
    daily_allowance: Decimal
    earned_income_deduction: Decimal
    state_taxable: Decimal
    basic_deduction: Decimal
    municipal_taxable: Decimal
    state_tax_before_credit: Decimal
    municipal_tax: Decimal
    church_tax: Decimal
    medical_care: Decimal
    work_income_deduction: Decimal
    state_tax: Decimal
    yle_tax: Decimal

    @property
    def contributions(self) -> Decimal:
        return self.pension + self.unemployment + self.daily_allowance

    @property
    def taxes(self) -> Decimal:
        return self.state_tax + self.municipal_tax + self.church_tax + self.medical_care + self.yle_tax

    @property
    def net(self) -> Decimal:
        return self.wages + self.benefits - self.contributions - self.taxes

    def to_dict(self) -> dict[str, Any]:
        annual = {name: float(getattr(self, name)) for name in (
            "wages", "benefits", "acquisition_deduction", "net_earned_income", "pension", "unemployment",
            "daily_allowance", "earned_income_deduction", "state_taxable", "basic_deduction",
            "municipal_taxable", "state_tax_before_credit", "work_income_deduction", "state_tax",
            "municipal_tax", "church_tax", "medical_care", "yle_tax")}
        annual.update(contributions=float(self.contributions), taxes=float(self.taxes), net=float(self.net))
        return annual


def person_tax(year: TaxYear, municipal_percent: Decimal, wages_eur: Decimal, benefits_eur: Decimal = Decimal(0),
               *, church_percent: Decimal | None = None, minor_children: int = 0) -> PersonTax:
    """One person's annual tax (see the module docstring). ``wages_eur`` and ``benefits_eur`` a year."""
    w, b = Decimal(wages_eur), Decimal(benefits_eur)
    acquisition = min(year.income_acquisition_deduction_eur, w)
    net_income = w + b - acquisition
    pension = _cents(w * year.pension_percent / 100)
    unemployment = _cents(w * year.unemployment_percent / 100)
    daily = _cents(w * year.daily_allowance_percent / 100) if w >= year.daily_allowance_min_income_eur else Decimal(0)
    contributions = pension + unemployment + daily

    eid = Decimal(0)
    if year.eid_max_eur > 0:
        accrual = year.eid_rate_1_percent / 100 * _pos(min(w, year.eid_mid_eur) - year.eid_low_eur) \
            + year.eid_rate_2_percent / 100 * _pos(w - year.eid_mid_eur)
        accrual = min(accrual, year.eid_max_eur)
        eid = _cents(_pos(accrual - year.eid_reduction_percent / 100 * _pos(net_income - year.eid_reduction_from_eur)))

    after = _pos(net_income - contributions - eid)
    basic = _pos(year.basic_deduction_max_eur
                 - year.basic_deduction_rate_percent / 100 * _pos(after - year.basic_deduction_max_eur))
    basic = _cents(min(basic, after))
    municipal_taxable = state_taxable = after - basic

    state_before = _cents(year.state_tax_eur(state_taxable))
    municipal = _cents(municipal_taxable * municipal_percent / 100)
    church = _cents(municipal_taxable * church_percent / 100) if church_percent else Decimal(0)
    medical = _cents(municipal_taxable * year.medical_care_percent / 100)

    work_max = year.work_max_eur + year.work_child_eur * minor_children
    work = min(work_max, year.work_rate_percent / 100 * _pos(w - year.work_floor_eur))
    reduced_income = min(net_income, year.work_reduction_to_eur) if year.work_reduction_to_eur else net_income
    work = _cents(_pos(work - year.work_reduction_percent / 100 * _pos(reduced_income - year.work_reduction_from_eur)))
    state_tax = state_before - min(work, state_before)
    rest = work - min(work, state_before)
    others = municipal + church + medical
    if rest > 0 and others > 0:
        used = min(rest, others)
        municipal_cut = _cents(used * municipal / others)
        church_cut = _cents(used * church / others)
        medical_cut = used - municipal_cut - church_cut
        municipal, church, medical = municipal - municipal_cut, church - church_cut, medical - medical_cut

    yle = _cents(min(year.yle_max_eur, year.yle_percent / 100 * _pos(net_income - year.yle_threshold_eur)))
    return PersonTax(w, b, acquisition, net_income, pension, unemployment, daily, eid, state_taxable, basic,
                     municipal_taxable, state_before, municipal, church, medical, work, state_tax, yle)


def monthly_net(on: date, municipality: str, people: list[dict[str, Any]], minor_children: int = 0,
                lang: str = "en") -> dict[str, Any]:
    """Net monthly income of ``people`` (each ``{"id", "wages_cents", "benefits_cents",
    "church_tax_percent"}``, monthly) in ``municipality`` on ``on``'s tax year.

    Returns per person the monthly gross, contributions, taxes and net (euros with cents) and the
    annual breakdown, the family totals, the rules used and ``provisional`` / ``estimate`` flags.
    """
    from planner.money.common import text
    from planner.numbers import format_percent

    book = tax_book()
    year = book.year_on(on)
    rate = book.rate_on(municipality, on)
    out = []
    totals = {"gross": Decimal(0), "contributions": Decimal(0), "taxes": Decimal(0), "net": Decimal(0)}
    for person in people:
        wages = Decimal(person.get("wages_cents") or 0) / 100 * MONTHS
        benefits = Decimal(person.get("benefits_cents") or 0) / 100 * MONTHS
        church = person.get("church_tax_percent")
        tax = person_tax(year, rate.percent, wages, benefits, church_percent=church, minor_children=minor_children)
        monthly = {
            "gross_eur": float(_cents((tax.wages + tax.benefits) / MONTHS)),
            "contributions_eur": float(_cents(tax.contributions / MONTHS)),
            "taxes_eur": float(_cents(tax.taxes / MONTHS)),
            "net_eur": float(_cents(tax.net / MONTHS)),
        }
        totals["gross"] += tax.wages + tax.benefits
        totals["contributions"] += tax.contributions
        totals["taxes"] += tax.taxes
        totals["net"] += tax.net
        out.append({"id": person["id"], **monthly, "annual": tax.to_dict()})
    notes = []
    if rate.municipality == "*":
        notes.append(text("money.tax.rate_estimate", lang, municipality=municipality,
                          percent=format_percent(rate.percent, lang)))
    if year.rule.status == "provisional":
        notes.append(text("money.tax.provisional", lang, year=str(year.rule.valid_from.year)))
    return {
        "tax_year": year.rule.valid_from.year, "municipality": municipality,
        "municipal_tax_percent": float(rate.percent), "municipal_rate_estimate": rate.municipality == "*",
        "people": out,
        "gross_eur": float(_cents(totals["gross"] / MONTHS)),
        "contributions_eur": float(_cents(totals["contributions"] / MONTHS)),
        "taxes_eur": float(_cents(totals["taxes"] / MONTHS)),
        "net_eur": float(_cents(totals["net"] / MONTHS)),
        "provisional": year.rule.status == "provisional" or rate.rule.status == "provisional",
        "rules_used": [year.rule.to_dict(), rate.rule.to_dict()],
        "notes": notes,
    }
