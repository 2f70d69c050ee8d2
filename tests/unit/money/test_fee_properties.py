"""Property tests of the fee rules (hypothesis, derandomized)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings, strategies as st

from planner.family import parse_family
from planner.money import calculate_fees
from planner.money.fees import base_fee_eur, child_fee_eur
from planner.rules import rule_book

PERIOD_DAYS = st.dates(min_value=date(2018, 8, 1), max_value=date(2028, 12, 31))
INCOME_CENTS = st.integers(min_value=0, max_value=3_000_000)
SIZES = st.integers(min_value=2, max_value=10)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(PERIOD_DAYS, SIZES, INCOME_CENTS, st.integers(min_value=0, max_value=500_000))
def test_the_base_fee_never_decreases_when_income_rises(on, size, income, rise):
    period = rule_book().fee_period_on(on)
    assert base_fee_eur(period, size, income) <= base_fee_eur(period, size, income + rise)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(PERIOD_DAYS, SIZES, INCOME_CENTS)
def test_the_fee_stays_between_zero_and_the_maximum(on, size, income):
    period = rule_book().fee_period_on(on)
    fee = base_fee_eur(period, size, income)
    assert 0 <= fee <= period.max_fee_eur
    assert base_fee_eur(period, size, None) == period.max_fee_eur


@settings(derandomize=True, max_examples=300, deadline=None)
@given(PERIOD_DAYS, SIZES, INCOME_CENTS)
def test_a_larger_family_never_pays_more(on, size, income):
    period = rule_book().fee_period_on(on)
    assert base_fee_eur(period, size + 1, income) <= base_fee_eur(period, size, income)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(PERIOD_DAYS, SIZES, INCOME_CENTS, st.integers(min_value=1, max_value=6),
       st.sampled_from(["0.5", "0.6", "0.65", "0.75", "0.8", "0.85", "1"]))
def test_a_child_fee_is_zero_or_at_least_the_minimum_and_never_above_the_base(on, size, income, rank, coefficient):
    period = rule_book().fee_period_on(on)
    base = base_fee_eur(period, size, income)
    _, _, fee = child_fee_eur(period, base, rank, Decimal(coefficient))
    assert fee == 0 or period.min_fee_eur <= fee <= base
    if rank > 1:
        assert fee <= base * period.sibling_2_share + Decimal("0.5")


@settings(derandomize=True, max_examples=200, deadline=None)
@given(PERIOD_DAYS, SIZES, INCOME_CENTS)
def test_fee_is_exact_half_up_of_the_formula(on, size, income):
    period = rule_book().fee_period_on(on)
    exact = period.fee_percent / 100 * (Decimal(income) / 100 - period.threshold_eur(size))
    exact = min(max(exact, Decimal(0)), Decimal(period.max_fee_eur))
    assert abs(Decimal(base_fee_eur(period, size, income)) - exact) <= Decimal("0.5")


def test_the_period_changes_exactly_on_1_august_2026():
    book = rule_book()
    day = date(2026, 8, 1)
    assert book.fee_period_on(day - timedelta(days=1)).max_fee_eur == 311
    assert book.fee_period_on(day).max_fee_eur == 335


CHILD = st.fixed_dictionaries({
    "birth_date": st.dates(min_value=date(2019, 9, 1), max_value=date(2024, 12, 31)).map(date.isoformat),
    "care": st.sampled_from(["municipal", "voucher", "preschool", "home", "private"]),
    "weekly_hours": st.sampled_from([None, 15, 20, 25, 30, 35, 45]),
})


@settings(derandomize=True, max_examples=150, deadline=None)
@given(st.lists(CHILD, min_size=1, max_size=5), st.sampled_from(["Espoo", "Turku", "Oulu", "Vantaa", "Kuopio"]),
       st.integers(min_value=0, max_value=20000), st.integers(min_value=0, max_value=5000), st.booleans())
def test_a_family_total_never_decreases_with_income_and_stays_below_the_bound(kids, town, income, rise, holiday):
    def fees(eur):
        data = {"municipality": town, "date": "2025-06-01", "holiday_pay": holiday,
                "adults": [{"gross_monthly_income_eur": eur}],
                "children": [dict(k, id=f"c{i}") for i, k in enumerate(kids)]}
        return calculate_fees(parse_family(data, today=date(2026, 11, 27)))

    low, high = fees(income), fees(income + rise)
    assert low["total_monthly_fee_eur"] <= high["total_monthly_fee_eur"]
    ranked = sum(1 for c in high["children"] if c["sibling_rank"])
    bound = 311 * (1 + Decimal("0.4") * (ranked > 1) + Decimal("0.2") * max(0, ranked - 2))
    assert high["total_monthly_fee_eur"] <= bound
    for child in high["children"]:
        assert child["monthly_fee_eur"] == 0 or 30 <= child["monthly_fee_eur"] <= 311
