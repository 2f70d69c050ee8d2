"""Kela allowances on historical dates (2018-08-01 .. 2023-02-28): hand-worked, exact to the cent.

Every historical Kela row is provisional (see kela_allowances.csv); results say so.
"""
from __future__ import annotations

from datetime import date

import pytest

from planner.errors import MissingRuleError
from planner.money import calculate_allowances

from tests.unit.money.helpers import adult, child, family


def test_2020_baby_at_home_with_a_4_year_old_sibling_at_home():
    # 2020 row (hel.fi EN 20.1.2021, esbo.fi): care allowance 341.69 + sibling 3-to-school 65.73
    # + supplement (max 181.07 carried from 2018-2019), 4 persons, limit 1700, 7.9 %:
    #   181.07 - 0.079 x (3000 - 1700) = 181.07 - 102.70 = 78.37
    # Turku pays no municipal supplement: total 341.69 + 65.73 + 78.37 = 485.79
    fam = family("2020-06-01", [adult(3000, "mother"), adult(0, "father")],
                 [child("baby", "2019-10-01", "home"), child("big", "2016-03-01", "home")], "Turku")
    result = calculate_allowances(fam)
    home = result["home_care_allowance"]
    assert home["eligible"] is True
    assert (home["care_allowance_eur"], home["sibling_supplements_eur"], home["care_supplement_eur"],
            home["municipal_supplement_eur"], home["total_eur"]) == (341.69, 65.73, 78.37, 0, 485.79)
    assert result["supplement_family_size"] == 4
    assert result["provisional"] is True
    assert result["rule"]["status"] == "provisional" and result["rule"]["valid_from"] == date(2020, 1, 1)


def test_2022_flexible_care_allowance_for_two_part_time_parents():
    # child under 3 in municipal ECEC; 2022 row (2017 amounts carried forward):
    # 20 h/week <= 22.5 -> 241.19; 28 h/week <= 30 -> 160.80; total 401.99
    fam = family("2022-06-01", [adult(3500, "mother", weekly_work_hours=20), adult(4000, "father", weekly_work_hours=28)],
                 [child("a", "2021-01-01")])
    result = calculate_allowances(fam)
    flexible = result["flexible_care_allowance"]
    assert flexible["eligible"] is True
    assert flexible["adults"] == [{"id": "mother", "amount_eur": 241.19}, {"id": "father", "amount_eur": 160.80}]
    assert flexible["total_eur"] == 401.99
    assert result["home_care_allowance"]["eligible"] is False
    assert result["provisional"] is True


def test_2022_two_children_under_3_at_home():
    # kela.fi 2022: 350.27 + under-3 sibling 104.86; supplement, 4 persons, limit 1700, 7.9 %:
    #   187.45 - 0.079 x (2500 - 1700) = 187.45 - 63.20 = 124.25; total 579.38
    fam = family("2022-06-01", [adult(2500, "p1"), adult(0, "p2")],
                 [child("a", "2021-09-01", "home"), child("b", "2020-02-01", "home")], "Turku")
    home = calculate_allowances(fam)["home_care_allowance"]
    assert (home["care_allowance_eur"], home["sibling_supplements_eur"], home["care_supplement_eur"],
            home["total_eur"]) == (350.27, 104.86, 124.25, 579.38)


def test_2021_care_supplement_uses_the_2021_maximum():
    # esbo.fi (1.3.2021): care allowance 342.95, supplement max 183.53; 2 persons, limit 1160, 11.5 %:
    #   183.53 - 0.115 x (1800 - 1160) = 183.53 - 73.60 = 109.93; total 452.88
    fam = family("2021-06-01", [adult(1800, "p1")], [child("a", "2020-05-01", "home")], "Turku")
    home = calculate_allowances(fam)["home_care_allowance"]
    assert (home["care_allowance_eur"], home["care_supplement_eur"], home["total_eur"]) == (342.95, 109.93, 452.88)


@pytest.mark.parametrize("on, care, supplement, total", [
    # 2021 row: private 173.95 / 146.29 (hyvinkaa.fi 2020, carried to 2021); 3 persons, limit 1430, 9.4 %:
    #   146.29 - 0.094 x (2000 - 1430) = 146.29 - 53.58 = 92.71; total 266.66
    ("2021-06-01", 173.95, 92.71, 266.66),
    # 2022 (tuusula.fi "1.1.2022 alkaen"): 178.32 + supplement up to 149.96: 149.96 - 53.58 = 96.38; total 274.70
    ("2022-06-01", 178.32, 96.38, 274.70),
    # Jan-Feb 2023: 192.28 and supplement max 265.85 - 100 = 165.85: 165.85 - 53.58 = 112.27; total 304.55
    ("2023-02-01", 192.28, 112.27, 304.55),
    # from 1.3.2023 (+100 EUR): 265.85 - 53.58 = 212.27; total 404.55
    ("2023-03-01", 192.28, 212.27, 404.55),
])
def test_private_day_care_allowance_around_the_1_3_2023_raise(on, care, supplement, total):
    fam = family(on, [adult(2000, "p1"), adult(0, "p2")], [child("a", "2020-09-01", "private")], "Turku")
    private = calculate_allowances(fam)["private_care_allowance"]
    assert (private["care_allowance_eur"], private["care_supplement_eur"], private["total_eur"]) == (care, supplement, total)


def test_allowances_start_on_2018_08_01_and_the_day_before_names_the_date():
    fam = family("2018-08-01", [adult(2000)], [child("a", "2017-09-01", "home")], "Turku")
    home = calculate_allowances(fam)["home_care_allowance"]
    # 2 persons, limit 1160, 11.5 %: 181.07 - 0.115 x 840 = 181.07 - 96.60 = 84.47; total 422.81
    assert (home["care_allowance_eur"], home["care_supplement_eur"], home["total_eur"]) == (338.34, 84.47, 422.81)
    with pytest.raises(MissingRuleError, match="2018-07-31"):
        calculate_allowances(fam, on=date(2018, 7, 31))
