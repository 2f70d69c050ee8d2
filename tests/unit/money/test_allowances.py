"""Kela allowances: hand-worked examples for every branch, exact to the cent."""
from __future__ import annotations

from datetime import date

import pytest

from planner.errors import MissingRuleError
from planner.money import calculate_allowances

from tests.unit.money.helpers import adult, child, family


def test_helsinki_baby_at_home_with_a_sibling_at_home():
    # docs/money.md family B. care allowance 377.68 + sibling 3-to-school 72.66
    # + supplement 202.12 - 7.9 % x (3600 - 1700) = 52.02 (4 persons: 2 adults + 2 under school age)
    # + Helsinki supplement 264 (baby under 12 months) = 766.36
    fam = family("2025-10-01", [adult(3600, "mother"), adult(0, "father")],
                 [child("baby", "2025-03-15", "home"), child("middle", "2021-06-10", "home"),
                  child("eldest", "2017-05-20", "none")], "Helsinki")
    home = calculate_allowances(fam)["home_care_allowance"]
    assert home["eligible"] is True
    assert (home["care_allowance_eur"], home["sibling_supplements_eur"], home["care_supplement_eur"],
            home["municipal_supplement_eur"], home["total_eur"]) == (377.68, 72.66, 52.02, 264, 766.36)


@pytest.mark.parametrize("adults, kids, income, expected", [
    # 2 persons, limit 1160, 11.5 %: 202.12 - 0.115 x 840 = 105.52
    (1, 1, 2000, 105.52),
    # 3 persons, limit 1430, 9.4 %: 202.12 - 0.094 x 570 = 148.54
    (2, 1, 2000, 148.54),
    # 4 persons (2 + 2 under school age), limit 1700, 7.9 %: 202.12 - 0.079 x 300 = 178.42
    (2, 2, 2000, 178.42),
    # still 4 persons with 3 children under school age
    (2, 3, 2000, 178.42),
    # income at the limit: full supplement
    (2, 1, 1430, 202.12),
    # high income: 0
    (2, 1, 5000, 0),
])
def test_care_supplement_by_family_size_and_income(adults, kids, income, expected):
    people = [adult(income, "p1")] + ([adult(0, "p2")] if adults == 2 else [])
    children = [child("baby", "2025-01-01", "home")] + [child(f"k{i}", f"202{i}-01-01", "home") for i in range(kids - 1)]
    home = calculate_allowances(family("2025-06-01", people, children, "Turku"))["home_care_allowance"]
    assert home["care_supplement_eur"] == expected


def test_two_children_under_3_at_home_get_the_under_3_sibling_rate():
    fam = family("2025-06-01", [adult(9000)], [child("a", "2025-01-01", "home"), child("b", "2023-09-01", "home")],
                 "Turku")
    home = calculate_allowances(fam)["home_care_allowance"]
    assert (home["care_allowance_eur"], home["sibling_supplements_eur"], home["total_eur"]) == (377.68, 113.07, 490.75)


def test_no_sibling_supplement_for_a_sibling_in_municipal_ecec():
    fam = family("2025-06-01", [adult(9000)], [child("baby", "2025-01-01", "home"), child("big", "2021-01-01")],
                 "Turku")
    home = calculate_allowances(fam)["home_care_allowance"]
    assert home["sibling_supplements_eur"] == 0
    assert any("no sibling supplement for child big" in r for r in home["reasons"])


def test_not_eligible_when_the_youngest_turned_3_with_the_date():
    fam = family("2025-06-01", [adult(3000)], [child("a", "2022-05-15", "home")])
    home = calculate_allowances(fam)["home_care_allowance"]
    assert home["eligible"] is False and home["total_eur"] == 0
    assert home["reasons"] == ["no child under 3: the youngest child a turned 3 on 2025-05-15"]


def test_not_eligible_when_the_child_has_a_municipal_place():
    fam = family("2025-06-01", [adult(3000)], [child("a", "2024-05-15", "municipal")])
    home = calculate_allowances(fam)["home_care_allowance"]
    assert home["eligible"] is False
    assert home["reasons"] == ["child a has a place in municipal ECEC"]
    assert "kunnallinen varhaiskasvatus" in calculate_allowances(fam, lang="fi")["home_care_allowance"]["reasons"][0]


def test_espoo_supplement_for_the_youngest_under_18_months():
    # born 2024-01-10: under 18 months until 2025-07-10
    fam = family("2025-07-09", [adult(9000)], [child("a", "2024-01-10", "home")], "Espoo")
    assert calculate_allowances(fam)["home_care_allowance"]["municipal_supplement_eur"] == 160
    later = calculate_allowances(fam, on=date(2025, 7, 10))["home_care_allowance"]
    assert later["municipal_supplement_eur"] == 0 and later["care_allowance_eur"] == 377.68


def test_oulu_pays_no_supplement_and_vantaa_is_unknown():
    oulu = calculate_allowances(family("2025-06-01", [adult(9000)], [child("a", "2025-01-01", "home")], "Oulu"))
    vantaa = calculate_allowances(family("2025-06-01", [adult(9000)], [child("a", "2025-01-01", "home")], "Vanda"))
    assert oulu["home_care_allowance"]["municipal_supplement_eur"] == 0
    assert "Oulu pays no municipal supplement" in oulu["home_care_allowance"]["reasons"]
    assert vantaa["home_care_allowance"]["municipal_supplement_known"] is False
    assert any("not known" in r for r in vantaa["home_care_allowance"]["reasons"])
    assert vantaa["provisional"] is True


def test_income_not_reported_gives_no_supplement():
    fam = family("2025-06-01", [adult(None)], [child("a", "2025-01-01", "home")], "Turku")
    home = calculate_allowances(fam)["home_care_allowance"]
    assert home["care_supplement_eur"] == 0 and home["total_eur"] == 377.68


@pytest.mark.parametrize("hours, amount", [(10, 269.24), (22.5, 269.24), (22.6, 179.49), (30, 179.49), (30.5, 0)])
def test_flexible_care_allowance_by_weekly_working_hours(hours, amount):
    fam = family("2025-06-01", [adult(2500, "p1", weekly_work_hours=hours)], [child("a", "2024-01-01")])
    flexible = calculate_allowances(fam)["flexible_care_allowance"]
    assert flexible["total_eur"] == amount and flexible["eligible"] is (amount > 0)


def test_flexible_care_allowance_needs_a_child_under_3_outside_home_care():
    fam = family("2025-06-01", [adult(2500, weekly_work_hours=20)], [child("a", "2021-01-01")])
    assert calculate_allowances(fam)["flexible_care_allowance"]["reasons"] == ["no child under 3"]


def test_partial_care_allowance_for_grades_1_and_2():
    # born 2018-03-01: school from 2025-08-01, grade 2 until 2027-07-31
    fam = family("2025-09-01", [adult(2500, "p1", weekly_work_hours=30), adult(2500, "p2", weekly_work_hours=37.5)],
                 [child("pupil", "2018-03-01", "none")])
    partial = calculate_allowances(fam)["partial_care_allowance"]
    assert partial["total_eur"] == 108.15
    assert calculate_allowances(fam, on=date(2027, 8, 1))["partial_care_allowance"]["total_eur"] == 0


def test_private_day_care_allowance_with_supplement_per_child():
    # 3 persons, limit 1430, 9.4 %: 265.85 - 0.094 x (3000 - 1430) = 118.27; + 192.28 = 310.55
    fam = family("2025-06-01", [adult(3000), adult(0)], [child("a", "2023-01-01", "private")])
    private = calculate_allowances(fam)["private_care_allowance"]
    assert (private["care_allowance_eur"], private["care_supplement_eur"], private["total_eur"]) == (192.28, 118.27,
                                                                                                    310.55)
    assert calculate_allowances(fam)["taxable_eur"] == 0  # paid to the provider


def test_private_allowance_for_a_preschool_aged_child_is_unknown():
    fam = family("2025-09-01", [adult(3000)], [child("a", "2019-03-01", "private")])
    private = calculate_allowances(fam)["private_care_allowance"]
    assert private["total_eur"] == 0
    assert any("preschool age" in r for r in private["reasons"])


def test_kela_dates_outside_the_data_name_the_date():
    fam = family("2022-01-01", [adult(3000)], [child("a", "2021-06-01", "home")])
    with pytest.raises(MissingRuleError, match="2028-01-01"):
        calculate_allowances(fam, on=date(2028, 1, 1))


def test_2026_amounts_are_provisional():
    fam = family("2026-03-01", [adult(3000)], [child("a", "2025-06-01", "home")], "Turku")
    result = calculate_allowances(fam)
    assert result["provisional"] is True and result["rule"]["status"] == "provisional"
    assert result["home_care_allowance"]["care_allowance_eur"] == 377.68
