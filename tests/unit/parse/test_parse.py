"""Finnish input habits (planner.parse), worked by hand from how people type figures and dates."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from planner.errors import InputError
from planner.parse import format_date, format_money_input, parse_date, parse_money_eur, question_income


@pytest.mark.parametrize("text, cents", [
    ("3100", 310000), ("3 100,50", 310050), ("3100,50", 310050), ("3100.50", 310050),
    ("3 100 €", 310000), ("3\u00a0100,5", 310050), ("3.100,50", 310050), ("3,100.50", 310050),
    ("€3,100.50", 310050), ("1 234 567", 123456700), ("1.234.567", 123456700), ("0", 0),
    ("2500 euroa", 250000), (" 42,1 ", 4210), (",5", 50), (3900, 390000), (3100.5, 310050),
])
def test_money_as_people_type_it(text, cents):
    assert parse_money_eur(text) * 100 == Decimal(cents)


def test_the_finnish_decimal_comma_is_not_a_factor_of_100():
    # the case: "3100,50" once became 310050.00
    assert parse_money_eur("3100,50") == Decimal("3100.50")


@pytest.mark.parametrize("text, key", [
    ("neljätuhatta", "parse.money.invalid"), ("-200", "parse.money.negative"), ("3,100", "parse.money.ambiguous"),
    ("3.100", "parse.money.ambiguous"), ("1,2,3", "parse.money.invalid"), ("3,1,00.5", "parse.money.invalid"),
    ("99999999", "parse.money.too_large"), ("12,345", "parse.money.ambiguous"), ("1.5.2", "parse.money.invalid"),
])
def test_money_that_cannot_be_read_names_the_field_and_the_text(text, key):
    with pytest.raises(InputError) as caught:
        parse_money_eur(text, field="adults[0].gross_monthly_income_eur")
    problem = caught.value.problems[0]
    assert (problem.field, problem.value, problem.key) == ("adults[0].gross_monthly_income_eur", text, key)
    assert problem.expected_in("fi") and problem.expected_in("sv")


def test_empty_money_is_none():
    assert parse_money_eur("  ") is None and parse_money_eur(None) is None and parse_money_eur("€") is None


def test_money_round_trip_through_the_input_box():
    for lang in ("fi", "sv", "en"):
        for amount in (Decimal("3100.50"), Decimal("0"), Decimal("1234567"), Decimal("42.10")):
            assert parse_money_eur(format_money_input(amount, lang)) == amount
    assert format_money_input(Decimal("3100.5"), "fi") == "3\u00a0100,50"
    assert format_money_input(3900, "en") == "3900"


def test_implausible_incomes_are_questioned():
    assert question_income(Decimal("310050")).key == "parse.income.high"
    assert question_income(Decimal("25")).key == "parse.income.low"
    assert question_income(Decimal("3100.50")) is None and question_income(Decimal(0)) is None


@pytest.mark.parametrize("text, expected", [
    ("1.8.2026", date(2026, 8, 1)), ("01.08.2026", date(2026, 8, 1)), ("1.8.2026.", date(2026, 8, 1)),
    ("2026-08-01", date(2026, 8, 1)), ("1/8/2026", date(2026, 8, 1)), (" 31.12.2025 ", date(2025, 12, 31)),
])
def test_dates_typed_the_finnish_way(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text, key", [("31.2.2026", "parse.date.no_such_day"), ("elokuu", "parse.date.format"),
                                       ("1.8.26", "parse.date.format"), ("8/1/2026 12:00", "parse.date.format")])
def test_bad_dates_are_explained(text, key):
    with pytest.raises(InputError) as caught:
        parse_date(text, field="children[0].birth_date")
    assert caught.value.problems[0].key == key and caught.value.problems[0].field == "children[0].birth_date"


def test_dates_are_written_back_as_typed():
    assert format_date(date(2026, 8, 1), "fi") == "1.8.2026" and format_date(date(2026, 8, 1), "en") == "2026-08-01"
    assert parse_date(format_date(date(2024, 2, 29), "sv")) == date(2024, 2, 29)


@pytest.mark.parametrize("osm, lang, shown", [
    ("Mo-Fr 07:00-16:30", "fi", "ma–pe 7.00–16.30"),
    ("Mo-Fr 06:30-17:00; PH off", "fi", "ma–pe 6.30–17.00; arkipyhinä suljettu"),
    ("Mo-Fr 07:00-16:30", "sv", "må–fr 7.00–16.30"),
    ("Mo,We 07:00-17:00", "fi", "ma, ke 7.00–17.00"),
    ("Mo-Fr 07:00-16:30", "en", "Mon–Fri 07:00–16:30"),
    ("24/7", "fi", "aina auki"), ("Mo-Su 00:00-24:00", "sv", "må–sö 0.00–24.00"), (None, "fi", ""),
])
def test_opening_hours_as_people_read_them(osm, lang, shown):
    from planner.parse import format_opening_hours

    assert format_opening_hours(osm, lang) == shown


# --------------------------------------------------------------------------- parse_number (hours, minutes)


@pytest.mark.parametrize("text, expected", [("22,5", Decimal("22.5")), ("22.5", Decimal("22.5")), ("40", Decimal(40)),
                                            (" 37,5 ", Decimal("37.5")), ("1 000", Decimal(1000)),
                                            ("1\u00a0000", Decimal(1000)), ("0", Decimal(0))])
def test_parse_number_reads_finnish_and_english_decimals(text, expected):
    from planner.parse import parse_number

    assert parse_number(text, "hours") == expected


def test_parse_number_empty_is_none():
    from planner.parse import parse_number

    assert parse_number("", "hours") is None and parse_number("  ", "hours") is None and parse_number(None) is None


@pytest.mark.parametrize("text, key", [("kaksikymmentä", "parse.number.invalid"), ("-3", "parse.number.negative"),
                                       ("2,5,1", "parse.number.invalid"), ("61", "parse.number.range"),
                                       ("2,5", "parse.number.whole")])
def test_parse_number_names_the_field_and_the_fix(text, key):
    from planner.errors import InputError
    from planner.parse import parse_number

    with pytest.raises(InputError) as caught:
        parse_number(text, "part_time_hours", low=0, high=60, decimals=0 if text == "2,5" else None)
    problem = caught.value.problems[0]
    assert problem.field == "part_time_hours" and problem.value == text and problem.key == key
    if key == "parse.number.range":
        assert problem.expected_in("fi") == "kirjoita luku väliltä 0–60"
