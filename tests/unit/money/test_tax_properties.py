"""Property tests of the income tax (hypothesis, derandomized, bounded)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings, strategies as st

from planner.money.tax import person_tax
from planner.rules.tax import tax_book

YEARS = st.sampled_from([2024, 2025, 2026])
WAGES = st.integers(min_value=0, max_value=25_000_000).map(lambda c: Decimal(c) / 100)   # 0-250 000 a year
RATES = st.sampled_from([Decimal("4.70"), Decimal("5.30"), Decimal("7.50"), Decimal("10.90")])


@settings(derandomize=True, max_examples=200, deadline=None)
@given(YEARS, RATES, WAGES, st.integers(min_value=1, max_value=500_000).map(lambda c: Decimal(c) / 100))
def test_more_wages_never_leave_less_money_in_hand(year, rate, wages, rise):
    tax_year = tax_book().year_on(date(year, 6, 1))
    # a 1-cent rise can lose at most about one cent to rounding; marginal rates stay below 100 %
    assert person_tax(tax_year, rate, wages + rise).net >= person_tax(tax_year, rate, wages).net - Decimal("0.05")


@settings(derandomize=True, max_examples=200, deadline=None)
@given(YEARS, RATES, WAGES, WAGES)
def test_taxes_are_never_negative_and_never_exceed_the_income(year, rate, wages, benefits):
    t = person_tax(tax_book().year_on(date(year, 6, 1)), rate, wages, benefits, minor_children=2)
    for part in (t.state_tax, t.municipal_tax, t.medical_care, t.yle_tax, t.contributions):
        assert part >= 0
    assert t.taxes + t.contributions <= wages + benefits
    assert t.net >= 0
