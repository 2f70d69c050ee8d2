"""The dated rule tables: coverage, lookups, and the validator refusing bad tables."""
from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from planner.errors import MissingRuleError, RuleTableError
from planner.rules import load_rule_book, rule_book
from planner.rules.tables import TABLES_DIR

# (a day inside the period, valid_from, max fee, min fee, size-2 threshold, 2nd-child share)
FEE_PERIODS = [
    (date(2018, 8, 1), date(2018, 8, 1), 289, 27, 2102, Decimal("0.50")),
    (date(2020, 7, 31), date(2018, 8, 1), 289, 27, 2102, Decimal("0.50")),
    (date(2020, 8, 1), date(2020, 8, 1), 288, 27, 2136, Decimal("0.50")),
    (date(2021, 8, 1), date(2021, 8, 1), 288, 27, 2798, Decimal("0.40")),
    (date(2023, 2, 28), date(2022, 8, 1), 295, 28, 2913, Decimal("0.40")),
    (date(2023, 3, 1), date(2023, 3, 1), 295, 28, 3874, Decimal("0.40")),
    (date(2026, 7, 31), date(2024, 8, 1), 311, 30, 4066, Decimal("0.40")),
    # 2026-08-01: max/min verified; thresholds not published: the 2024 ones + a 4-8 % rise range
    (date(2026, 8, 1), date(2026, 8, 1), 335, 32, 4066, Decimal("0.40")),
]


@pytest.mark.parametrize("day, valid_from, max_fee, min_fee, threshold_2, share_2", FEE_PERIODS)
def test_every_fee_period_from_2018_to_2026_is_found_by_date(day, valid_from, max_fee, min_fee, threshold_2, share_2):
    period = rule_book().fee_period_on(day)
    assert period.rule.valid_from == valid_from
    assert (period.max_fee_eur, period.min_fee_eur, period.thresholds_eur[0]) == (max_fee, min_fee, threshold_2)
    assert period.sibling_2_share == share_2 and period.sibling_3_share == Decimal("0.20")
    assert period.fee_percent == Decimal("10.7")


def test_the_2026_period_is_provisional_and_open_ended_and_earlier_ones_verified():
    book = rule_book()
    assert book.fee_period_on(date(2026, 8, 1)).rule.status == "provisional"
    assert book.fee_period_on(date(2030, 1, 1)).rule.valid_to is None
    assert all(p.rule.status == "verified" for p in book.fees if p.rule.valid_from < date(2026, 8, 1))
    assert all(p.rule.source for p in book.fees)


def test_threshold_grows_by_the_increment_above_six_persons():
    period = rule_book().fee_period_on(date(2025, 1, 1))
    assert period.threshold_eur(6) == 7376
    assert period.threshold_eur(8) == 7376 + 2 * 275
    assert period.threshold_eur(1) == 4066  # a family is at least 2 persons


def test_a_date_before_2018_08_01_is_an_error_naming_the_date():
    with pytest.raises(MissingRuleError, match="2018-07-31"):
        rule_book().fee_period_on(date(2018, 7, 31))


def test_kela_amounts_cover_2018_08_to_2027_and_name_a_missing_date():
    book = rule_book()
    assert book.kela_period_on(date(2025, 6, 1)).care_allowance_cents == 37768
    assert book.kela_period_on(date(2025, 6, 1)).rule.status == "verified"
    assert book.kela_period_on(date(2026, 6, 1)).rule.status == "provisional"
    with pytest.raises(MissingRuleError, match="2028-01-01"):
        book.kela_period_on(date(2028, 1, 1))
    with pytest.raises(MissingRuleError, match="2018-07-31"):
        book.kela_period_on(date(2018, 7, 31))


@pytest.mark.parametrize("municipality, hours, coefficient", [
    ("Espoo", 20, "0.60"), ("Espoo", 20.5, "0.80"), ("Espoo", 34.9, "0.80"), ("Espoo", 35, "1.00"),
    ("Turku", 20, "0.50"), ("Turku", 27, "0.65"), ("Turku", 35, "0.85"), ("Turku", 36, "1.00"),
    ("Oulu", 24.9, "0.60"), ("Oulu", 25, "0.75"), ("Oulu", 35, "1.00"),
    ("Tampere", 20, "0.50"), ("Tampere", 25, "0.60"), ("Tampere", 30, "1.00"),
    ("Vantaa", 20, "0.50"), ("Vantaa", 25, "0.60"), ("Vantaa", 30, "0.80"),
    ("Helsinki", 20, "0.60"), ("Helsinki", 25, "0.60"), ("Helsinki", 25.5, "0.80"), ("Helsinki", 35, "0.80"),
    ("Helsinki", 35.5, "1.00"), ("Turku", 27.5, "0.65"), ("Turku", 27.6, "0.85"), ("Kuopio", 20, "0.60"), ("Kuopio", 30, "0.80"), ("Kuopio", 40, "1.00"),
    ("Kuopio", None, "1"),
])
def test_part_time_coefficient_by_municipality(municipality, hours, coefficient):
    bands = rule_book().part_time_bands_on(municipality, date(2025, 1, 1))
    assert bands.coefficient(hours) == Decimal(coefficient)


def test_band_statuses_helsinki_by_day_espoo_verified_both_periods_vantaa_provisional():
    book = rule_book()
    assert book.part_time_bands_on("Helsinki", date(2025, 1, 1)).rule.status == "verified"
    assert book.part_time_bands_on("Helsinki", date(2025, 1, 1)).per == "day"
    assert book.part_time_bands_on("Espoo", date(2025, 1, 1)).rule.status == "verified"
    assert book.part_time_bands_on("Espoo", date(2024, 7, 31)).rule.status == "verified"
    assert book.part_time_bands_on("Vantaa", date(2025, 1, 1)).rule.status == "provisional"


@pytest.mark.parametrize("weekly, daily, coefficient", [
    # hel.fi: over 7 h/day 100 %, 5-7 h/day 80 %, at most 5 h/day 60 % (by daily hours, not weekly)
    (24, 8, "1.00"), (24, 6, "0.80"), (30, 5, "0.60"), (35, None, "0.80"), (40, None, "1.00"),
])
def test_helsinki_reads_its_bands_by_daily_hours(weekly, daily, coefficient):
    bands = rule_book().part_time_bands_on("Helsinki", date(2025, 1, 1))
    assert bands.coefficient(weekly, daily) == Decimal(coefficient)


@pytest.mark.parametrize("hours, coefficient", [(22, "0.60"), (25, "0.60"), (25.5, "0.80"), (34.9, "0.80"),
                                                (35, "1.00")])
def test_espoo_bands_before_2024_08_01(hours, coefficient):
    # eVaka Espoo service need options valid to 2024-07-31: <= 25 h 60 %, > 25 - < 35 h 80 %, >= 35 h 100 %
    assert rule_book().part_time_bands_on("Espoo", date(2023, 5, 1)).coefficient(hours) == Decimal(coefficient)


def test_municipal_supplements_and_unknowns():
    book = rule_book()
    assert book.supplement_on("Helsinki", date(2025, 1, 1)).amount_cents == 26400
    assert book.supplement_on("Helsinki", date(2021, 5, 31)).tiers == ((18, 26400), (24, 21864))
    assert book.supplement_on("Helsinki", date(2019, 5, 31)).tiers == ((18, 26400), (24, 21864), (36, 13455))
    assert book.supplement_on("Espoo", date(2022, 1, 1)).tiers == ((30, 16000),)
    assert book.supplement_on("Espoo", date(2022, 1, 1)).siblings_in_ecec_allowed is False
    assert book.supplement_on("Espoo", date(2023, 3, 1)).amount_cents == 16000
    assert book.supplement_on("Oulu", date(2025, 1, 1)).amount_cents == 0
    assert book.supplement_on("Vantaa", date(2025, 1, 1)).amount_cents is None
    assert book.supplement_on("Tampere", date(2025, 1, 1)).amount_cents is None
    assert book.supplement_on("Kuopio", date(2025, 1, 1)).municipality == "*"


def test_holiday_pay_factor_is_a_municipal_setting():
    book = rule_book()
    assert book.settings_on("Espoo", date(2025, 1, 1)).holiday_pay_factor == Decimal("1.0417")
    assert book.settings_on("Turku", date(2025, 1, 1)).holiday_pay_factor == Decimal("1.05")
    assert book.settings_on("Kuopio", date(2025, 1, 1)).home_care_allowance_counts_as_income is False


# ------------------------------------------------------------------ the validator refuses bad tables

@pytest.fixture
def tables(tmp_path: Path) -> Path:
    target = tmp_path / "tables"
    shutil.copytree(TABLES_DIR, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_real_tables_pass_the_validator(tables):
    book = load_rule_book(tables)
    assert len(book.fees) == 7


def test_overlapping_periods_are_refused(tables):
    _edit(tables / "fee_periods.csv", "2020-08-01,2021-07-31", "2020-07-01,2021-07-31")
    with pytest.raises(RuleTableError, match=r"fee_periods.csv, line 3.*overlaps"):
        load_rule_book(tables)


def test_gapped_periods_are_refused(tables):
    _edit(tables / "fee_periods.csv", "2020-08-01,2021-07-31", "2020-08-02,2021-07-31")
    with pytest.raises(RuleTableError, match=r"fee_periods.csv, line 3.*gap between 2020-07-31"):
        load_rule_book(tables)


def test_a_first_period_after_2018_08_01_is_refused(tables):
    _edit(tables / "fee_periods.csv", "2018-08-01,2020-07-31", "2018-09-01,2020-07-31")
    with pytest.raises(RuleTableError, match="expected 2018-08-01"):
        load_rule_book(tables)


def test_a_max_fee_contradicting_the_published_max_fee_income_is_refused(tables):
    # 10.7 % x (6973 - 4066) = 311.05 EUR: consistent with 311; with a max fee of 320 it is not.
    _edit(tables / "fee_periods.csv", ",275,311,30,", ",275,320,30,")
    with pytest.raises(RuleTableError, match=r"line 7: contradictory values.*maximum fee is 320"):
        load_rule_book(tables)


def test_a_wrong_threshold_contradicting_the_max_fee_income_is_refused(tables):
    _edit(tables / "fee_periods.csv", "4066,5245,5956,6667", "4066,5245,5990,6667")
    with pytest.raises(RuleTableError, match="family size 4"):
        load_rule_book(tables)


def test_provisional_rows_get_a_tolerance_of_five_percent_of_the_max_fee(tables):
    # a provisional row with thresholds (estimated income at max fee 7520 for size 2):
    # 10.7 % x (7520 - 4380) = 335.98, within 5 % of 335
    _edit(tables / "fee_periods.csv", "2026-08-01,,10.7,4066,5245,5956,6667,7376,275,335,32,0.40,0.20,,4;8,",
          "2026-08-01,,10.7,4380,5650,6416,7181,7945,296,335,32,0.40,0.20,7520,,")
    assert load_rule_book(tables).fee_period_on(date(2026, 8, 1)).max_fee_incomes_eur == (7520,)
    # ... but the same difference on a verified row is refused
    _edit(tables / "fee_periods.csv", "6973;8152;8863;9574", "6980;8152;8863;9574")
    with pytest.raises(RuleTableError, match="verified row"):
        load_rule_book(tables)


def test_thresholds_must_rise_with_family_size(tables):
    _edit(tables / "fee_periods.csv", "2102,2713,3080", "2102,2013,3080")
    with pytest.raises(RuleTableError, match="line 2: thresholds"):
        load_rule_book(tables)


def test_status_must_be_verified_or_provisional(tables):
    _edit(tables / "kela_allowances.csv", "1.3.2023)\",verified", "1.3.2023)\",maybe")
    with pytest.raises(RuleTableError, match=r"kela_allowances.csv, line \d+: status 'maybe'"):
        load_rule_book(tables)


def test_a_municipality_not_in_the_list_is_refused(tables):
    _edit(tables / "municipal_settings.csv", "Vantaa,2018-08-01", "Vantaaa,2018-08-01")
    with pytest.raises(RuleTableError, match="'Vantaaa' is not in municipalities.csv"):
        load_rule_book(tables)


def test_part_time_bands_must_end_with_an_open_full_fee_band(tables):
    _edit(tables / "part_time_bands.csv", "Oulu,2018-08-01,,week,,,1.00", "Oulu,2018-08-01,,week,,,0.90")
    with pytest.raises(RuleTableError, match="Oulu"):
        load_rule_book(tables)


def test_an_unknown_supplement_must_be_provisional(tables):
    _edit(tables / "municipal_supplements.csv", "(unknown),provisional\nTampere", "(unknown),verified\nTampere")
    with pytest.raises(RuleTableError, match="unknown supplement"):
        load_rule_book(tables)


def test_a_non_numeric_value_names_file_line_and_column(tables):
    _edit(tables / "kela_allowances.csv", "377.68,113.07", "377.6x,113.07")
    with pytest.raises(RuleTableError, match=r"kela_allowances.csv, line \d+: care_allowance_eur '377.6x'"):
        load_rule_book(tables)


def test_supplement_tiers_must_rise_and_be_positive(tables):
    _edit(tables / "municipal_supplements.csv", "18:264;24:218.64;36:134.55", "18:264;12:218.64")
    with pytest.raises(RuleTableError, match=r"municipal_supplements.csv, line 3: tiers .* age limits must rise"):
        load_rule_book(tables)


def test_free_hours_must_be_between_0_and_12(tables):
    _edit(tables / "free_hours.csv", "Helsinki,2024-08-01,,4,2019", "Helsinki,2024-08-01,,-4,2019")
    with pytest.raises(RuleTableError, match=r"free_hours.csv, line \d+: free_hours_per_day -4"):
        load_rule_book(tables)


def test_bands_of_one_period_must_share_their_unit(tables):
    _edit(tables / "part_time_bands.csv", "Helsinki,2024-08-01,,day,7,true", "Helsinki,2024-08-01,,week,7,true")
    with pytest.raises(RuleTableError, match="all be per week or all per day"):
        load_rule_book(tables)


def test_a_not_published_row_must_be_provisional(tables):
    _edit(tables / "fee_periods.csv", "0.40,0.20,,4;8,", "0.40,0.20,,8;4,")
    with pytest.raises(RuleTableError, match="need 0 <= low <= high"):
        load_rule_book(tables)
