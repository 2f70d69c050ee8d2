"""Kela allowance rows 2018-08-01 .. 2023-02-28: coverage, contiguity, sourced and provisional values."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from planner.errors import MissingRuleError
from planner.rules import COVERAGE_START, rule_book

LAST_DAY = date(2027, 12, 31)   # end of the table (frozen amounts, provisional from 2026)


def test_every_date_from_2018_08_01_to_the_end_of_the_table_resolves_to_a_kela_row():
    book = rule_book()
    day = COVERAGE_START
    while day <= LAST_DAY:
        period = book.kela_period_on(day)
        assert period.rule.covers(day)
        day += timedelta(days=1)


def test_today_resolves_to_a_kela_row():
    assert rule_book().kela_period_on(date.today()).care_allowance_cents > 0


def test_the_table_starts_on_the_coverage_start_and_the_day_before_is_an_error_naming_it():
    book = rule_book()
    assert min(k.rule.valid_from for k in book.kela) == COVERAGE_START
    with pytest.raises(MissingRuleError, match="2018-07-31"):
        book.kela_period_on(date(2018, 7, 31))


def test_rows_are_contiguous_without_gaps_or_overlaps():
    rows = sorted(rule_book().kela, key=lambda k: k.rule.valid_from)
    for previous, current in zip(rows, rows[1:]):
        assert previous.rule.valid_to + timedelta(days=1) == current.rule.valid_from


@pytest.mark.parametrize("on, care, under_3, over_3, supplement_max", [
    # sjundea.fi / hs.fi 2018; 2019 by the KEL-index freeze
    (date(2018, 8, 1), 33834, 10129, 6509, 18107),
    (date(2019, 12, 31), 33834, 10129, 6509, 18107),
    # 2020: hel.fi EN 20.1.2021 / esbo.fi: 341.69, siblings 102.30 / 65.73 (supplement max carried)
    (date(2020, 6, 1), 34169, 10230, 6573, 18107),
    # esbo.fi sv (from 1.3.2021): 342.95 and supplement 183.53; kela.fi/web/en 2021 + hel.fi 1.6.2021: 102.67 / 65.97
    (date(2021, 6, 1), 34295, 10267, 6597, 18353),
    # kela.fi (2022): 350.27, 104.86, 67.38, 187.45
    (date(2022, 6, 1), 35027, 10486, 6738, 18745),
    # 1.1.2023 index amounts = the 2023-03-01 row (only the private supplement changed on 1.3.2023)
    (date(2023, 2, 28), 37768, 11307, 7266, 20212),
    (date(2023, 3, 1), 37768, 11307, 7266, 20212),
])
def test_home_care_amounts_per_period(on, care, under_3, over_3, supplement_max):
    k = rule_book().kela_period_on(on)
    assert (k.care_allowance_cents, k.sibling_under_3_cents, k.sibling_3_to_school_cents,
            k.care_supplement_max_cents) == (care, under_3, over_3, supplement_max)


def test_supplement_limits_and_rates_are_the_same_in_every_historical_row():
    for on in (date(2018, 8, 1), date(2020, 1, 1), date(2021, 1, 1), date(2022, 1, 1), date(2023, 1, 1)):
        k = rule_book().kela_period_on(on)
        assert k.supplement_limits_eur == (1160, 1430, 1700)
        assert [str(r) for r in k.supplement_rates_percent] == ["11.5", "9.4", "7.9"]


def test_private_supplement_before_the_1_3_2023_raise_is_100_eur_lower():
    book = rule_book()
    before, after = book.kela_period_on(date(2023, 2, 28)), book.kela_period_on(date(2023, 3, 1))
    assert after.private_care_supplement_max_cents - before.private_care_supplement_max_cents == 10000
    assert before.private_care_allowance_cents == after.private_care_allowance_cents == 19228


def test_flexible_and_partial_amounts_before_2023_are_the_2017_amounts_carried_forward():
    k = rule_book().kela_period_on(date(2022, 6, 1))
    assert (k.flexible_high_cents, k.flexible_low_cents, k.partial_care_allowance_cents) == (24119, 16080, 9689)
    assert (k.flexible_high_max_hours, k.flexible_low_max_hours, k.partial_max_hours) == (22.5, 30, 30)


def test_every_historical_row_is_provisional_and_names_its_sources_and_gaps():
    for k in rule_book().kela:
        if k.rule.valid_from >= date(2023, 3, 1):
            continue
        assert k.rule.status == "provisional"
        source = k.rule.source
        assert "NOT FOUND" in source or "inferred" in source
        assert any(site in source for site in ("kela.fi", "esbo.fi", "sjundea.fi", "hs.fi", "edilex.fi"))


def test_the_verified_2023_row_is_unchanged():
    k = rule_book().kela_period_on(date(2025, 6, 1))
    assert k.rule.status == "verified" and k.rule.valid_from == date(2023, 3, 1)
    assert (k.care_allowance_cents, k.private_care_supplement_max_cents, k.flexible_high_cents) == (37768, 26585, 26924)
