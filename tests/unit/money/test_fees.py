"""ECEC fees: hand-worked examples for every rule period and every branch, exact to the euro.

Each comment shows the arithmetic: 10.7 % x (income - threshold), half up to whole euros.
"""
from __future__ import annotations

from datetime import date

import pytest

from planner.errors import MissingRuleError
from planner.money import calculate_fees
from planner.money.fees import family_size

from tests.unit.money.helpers import adult, child, family


def two_children(on: str, income: float | None, municipality: str = "Kuopio"):
    """2 adults + 2 children in municipal ECEC full time: family size 4."""
    year = int(on[:4])
    return family(on, [adult(income, "p1"), adult(0, "p2")],
                  [child("young", f"{year - 3}-01-01"), child("old", f"{year - 5}-01-01")], municipality)


@pytest.mark.parametrize("on, income, first, second", [
    # 2018-08-01: size 4 threshold 3080; 10.7 % x 1920 = 205.44 -> 205; 2nd child 50 % x 205 = 102.5 -> 103 (half up)
    ("2019-05-01", 5000, 205, 103),
    # 2020-08-01: threshold 3129; 10.7 % x 1871 = 200.197 -> 200; 50 % -> 100
    ("2020-09-01", 5000, 200, 100),
    # 2021-08-01: threshold 4099; 10.7 % x 901 = 96.407 -> 96; now 40 % -> 38.4 -> 38
    ("2021-08-01", 5000, 96, 38),
    # 2022-08-01: threshold 4267; 10.7 % x 1733 = 185.431 -> 185; 40 % -> 74
    ("2023-02-28", 6000, 185, 74),
    # 2023-03-01: threshold 5675; 10.7 % x 325 = 34.775 -> 35; 40 % -> 14, under the 28 minimum -> 0
    ("2023-03-01", 6000, 35, 0),
    # 2024-08-01: threshold 5956; 10.7 % x 1544 = 165.208 -> 165; 40 % -> 66 (interfaces.md example)
    ("2025-03-01", 7500, 165, 66),
])
def test_fee_for_two_children_in_every_rule_period(on, income, first, second):
    result = calculate_fees(two_children(on, income))
    fees = {c["id"]: c["monthly_fee_eur"] for c in result["children"]}
    assert result["family_size"] == 4
    assert fees == {"young": first, "old": second}
    assert result["total_monthly_fee_eur"] == first + second


@pytest.mark.parametrize("on, max_fee", [("2019-01-01", 289), ("2021-01-01", 288), ("2022-01-01", 288),
                                         ("2022-12-01", 295), ("2024-01-01", 295), ("2025-01-01", 311),
                                         ("2026-08-01", 335)])
def test_income_not_reported_gives_the_maximum_fee_of_the_period(on, max_fee):
    result = calculate_fees(family(on, [adult(3000, "p1"), adult(None, "p2")],
                                   [child("a", f"{int(on[:4]) - 2}-01-01")]))
    assert result["children"][0]["monthly_fee_eur"] == max_fee
    assert result["income_eur"] is None and result["income_reported"] is False
    assert "not reported" in result["children"][0]["explanation"]


def test_the_2026_thresholds_are_not_published_and_shown_as_a_range():
    # finnish-rules.md 1a: the 2026-08-01 thresholds follow the earnings index and are not published; the
    # range is the 2024 size-4 threshold 5956 raised by 4 % and 8 %:
    #   5956 x 1.04 = 6194.24 -> 6194: 10.7 % x (8000 - 6194) = 193.242 -> 193; 40 % -> 77.2 -> 77; total 270
    #   5956 x 1.08 = 6432.48 -> 6432: 10.7 % x (8000 - 6432) = 167.776 -> 168; 40 % -> 67.2 -> 67; total 235
    result = calculate_fees(two_children("2026-09-01", 8000))
    assert result["provisional"] is True and result["estimate"] is True
    assert result["thresholds_published"] is False
    assert result["rule"]["status"] == "provisional" and result["rule"]["valid_from"] == date(2026, 8, 1)
    assert result["threshold_range_eur"] == [6194, 6432]
    assert result["total_monthly_fee_range_eur"] == [235, 270]
    assert result["total_monthly_fee_eur"] == 270
    assert [c["monthly_fee_range_eur"] for c in result["children"]] == [[168, 193], [67, 77]]
    assert result["notes"][0].startswith("NOT PUBLISHED")
    assert calculate_fees(two_children("2025-09-01", 8000), lang="en")["provisional"] is False


def test_the_fee_is_capped_at_the_maximum():
    # size 3 threshold 5245: 10.7 % x (20000 - 5245) = 1578.79 -> capped at 311
    result = calculate_fees(family("2025-01-01", [adult(20000, "p1"), adult(0, "p2")], [child("a", "2022-01-01")]))
    assert result["total_monthly_fee_eur"] == 311
    assert "maximum fee 311" in result["children"][0]["explanation"]


def test_income_below_the_threshold_gives_no_fee():
    result = calculate_fees(family("2025-01-01", [adult(4066)], [child("a", "2022-01-01")]))
    assert result["family_size"] == 2 and result["total_monthly_fee_eur"] == 0
    assert "threshold" in result["children"][0]["explanation"]


def test_third_and_further_children_pay_20_percent():
    # 5 persons, threshold 6667: 10.7 % x (9000 - 6667) = 249.631 -> 250; 40 % -> 100; 20 % -> 50; 20 % -> 50
    kids = [child("d", "2023-01-01"), child("c", "2022-01-01"), child("b", "2021-01-01"), child("a", "2020-01-01")]
    result = calculate_fees(family("2025-01-01", [adult(9000)], kids))
    assert result["family_size"] == 5
    assert [(c["id"], c["sibling_rank"], c["monthly_fee_eur"]) for c in result["children"]] == [
        ("d", 1, 250), ("c", 2, 100), ("b", 3, 50), ("a", 4, 50)]


def test_family_size_counts_every_child_under_18_and_grows_above_6():
    # 2 adults + 6 children = 8 persons: threshold 7376 + 2 x 275 = 7926
    kids = [child(f"k{i}", f"20{10 + i}-01-01", "none") for i in range(5)] + [child("baby", "2024-01-01")]
    result = calculate_fees(family("2025-01-01", [adult(8926, "p1"), adult(0, "p2")], kids))
    assert result["family_size"] == 8 and result["threshold_eur"] == 7926
    assert result["total_monthly_fee_eur"] == 107  # 10.7 % x 1000 = 107


def test_a_child_turning_18_leaves_the_family_size():
    fam = family("2025-01-01", [adult(5000)], [child("a", "2022-01-01"), child("teen", "2007-03-01", "none")])
    assert family_size(fam, date(2025, 2, 28)) == 3
    assert family_size(fam, date(2025, 3, 1)) == 2


def test_part_time_coefficient_rounds_after_the_sibling_share():
    # Espoo, size 3 threshold 5245: 10.7 % x (7245 - 5245) = 214; 20 h/week -> 60 % = 128.4 -> 128
    result = calculate_fees(family("2025-01-01", [adult(7245), adult(0)], [child("a", "2022-01-01", weekly_hours=20)],
                                   "Espoo"))
    assert result["children"][0]["coefficient"] == 0.6
    assert result["children"][0]["monthly_fee_eur"] == 128
    assert "20 h/week: 60 %" in result["children"][0]["explanation"]


def test_a_fee_under_the_minimum_becomes_zero_and_says_why():
    # size 3: 10.7 % x (5525 - 5245) = 29.96 -> 30 = minimum (kept); 5520: 29.425 -> 29 < 30 -> 0
    at_min = calculate_fees(family("2025-01-01", [adult(5525), adult(0)], [child("a", "2022-01-01")]))
    below = calculate_fees(family("2025-01-01", [adult(5520), adult(0)], [child("a", "2022-01-01")]))
    assert at_min["total_monthly_fee_eur"] == 30
    assert below["total_monthly_fee_eur"] == 0
    assert "below the minimum fee 30" in below["children"][0]["explanation"]


def test_holiday_pay_multiplies_income_by_the_municipal_factor():
    # Turku factor 1.05: 6000 x 1.05 = 6300; size 3: 10.7 % x 1055 = 112.885 -> 113 (without: 81.2 -> 81)
    base = dict(on="2025-01-01", adults=[adult(6000), adult(0)], children=[child("a", "2022-01-01")],
                municipality="Turku")
    assert calculate_fees(family(**base, holiday_pay=True))["total_monthly_fee_eur"] == 113
    assert calculate_fees(family(**base))["total_monthly_fee_eur"] == 81


def test_preschool_only_takes_a_rank_but_is_free_and_voucher_pays_by_the_same_rule():
    # size 5 threshold 6667: 10.7 % x 2000 = 214; voucher child rank 2 -> 40 % = 85.6 -> 86
    kids = [child("pre", "2019-03-01", "preschool"), child("vou", "2021-01-01", "voucher"),
            child("mun", "2022-01-01"), child("priv", "2023-01-01", "private")]
    result = calculate_fees(family("2025-10-01", [adult(8667)], kids))
    by_id = {c["id"]: c for c in result["children"]}
    assert (by_id["priv"]["sibling_rank"], by_id["priv"]["monthly_fee_eur"]) == (None, 0)
    assert (by_id["mun"]["sibling_rank"], by_id["mun"]["monthly_fee_eur"]) == (1, 214)
    assert (by_id["vou"]["sibling_rank"], by_id["vou"]["monthly_fee_eur"]) == (2, 86)
    assert (by_id["pre"]["sibling_rank"], by_id["pre"]["monthly_fee_eur"]) == (3, 0)
    assert "voucher" in by_id["vou"]["explanation"] and "preschool" in by_id["pre"]["explanation"]


def test_a_child_not_yet_started_pays_nothing_and_a_school_child_leaves_the_order():
    kids = [child("new", "2024-01-01", start_date="2025-08-01"), child("big", "2018-05-01")]
    before = calculate_fees(family("2025-03-01", [adult(8000)], kids))
    after = calculate_fees(family("2025-03-01", [adult(8000)], kids), on=date(2025, 8, 1))
    assert [c["sibling_rank"] for c in before["children"]] == [None, 1]
    assert "starts on 2025-08-01" in before["children"][0]["explanation"]
    assert [c["sibling_rank"] for c in after["children"]] == [1, None]  # big started school 1.8.2025
    assert "school age" in after["children"][1]["explanation"]


def test_twins_keep_the_family_file_order():
    kids = [child("t1", "2022-01-01"), child("t2", "2022-01-01")]
    result = calculate_fees(family("2025-01-01", [adult(8000)], kids))
    assert [c["sibling_rank"] for c in result["children"]] == [1, 2]


def test_flexible_care_allowance_counts_as_fee_income():
    # Espoo 2025, size 3 threshold 5245; wages 6000 + flexible care allowance 269.24 (parent 20 h/week)
    # = 6269.24: 10.7 % x 1024.24 = 109.594 -> 110 (the child 25 h/week: 80 % -> 88)
    fam = family("2025-01-01", [adult(6000, "p1"), adult(0, "p2", weekly_work_hours=20)],
                 [child("a", "2024-01-01", weekly_hours=25)], "Espoo")
    result = calculate_fees(fam)
    assert result["counted_benefits_eur"] == 269.24 and result["income_eur"] == 6269.24
    assert result["base_fee_eur"] == 110 and result["total_monthly_fee_eur"] == 88


def test_explanations_exist_in_finnish_and_swedish():
    fam = two_children("2025-03-01", 7500)
    assert "tulorajan" in calculate_fees(fam, lang="fi")["children"][0]["explanation"]
    assert "inkomstgränsen" in calculate_fees(fam, lang="sv")["children"][0]["explanation"]


def test_a_date_no_rule_covers_names_the_date():
    fam = two_children("2019-01-01", 5000)
    with pytest.raises(MissingRuleError, match="2018-07-01"):
        calculate_fees(fam, on=date(2018, 7, 1))


def test_home_care_allowance_counts_as_income_where_the_municipality_says_so(tmp_path, monkeypatch):
    # A copy of the tables where Turku counts home care allowance. 4 persons, threshold 5956.
    # Counted: 6000 + 377.68 = 6377.68 -> 10.7 % x 421.68 = 45.12 -> 45 for big (rank 1; baby at home).
    # Not counted: 10.7 % x 44 = 4.71 -> 5, under the 30 minimum -> 0.
    import shutil

    import planner.money.allowances as allowances_module
    import planner.money.fees as fees_module
    from planner.rules import load_rule_book
    from planner.rules.tables import TABLES_DIR

    fam = family("2025-06-01", [adult(6000), adult(0)], [child("baby", "2025-01-01", "home"),
                                                         child("big", "2021-01-01")], "Turku")
    assert calculate_fees(fam)["total_monthly_fee_eur"] == 0
    tables = tmp_path / "tables"
    shutil.copytree(TABLES_DIR, tables)
    path = tables / "municipal_settings.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Turku,2018-08-01,,1.05,false", "Turku,2018-08-01,,1.05,true"),
                    encoding="utf-8")
    book = load_rule_book(tables)
    monkeypatch.setattr(fees_module, "rule_book", lambda: book)
    monkeypatch.setattr(allowances_module, "rule_book", lambda: book)
    result = calculate_fees(fam)
    assert result["counted_benefits_eur"] == 377.68
    assert result["total_monthly_fee_eur"] == 45
