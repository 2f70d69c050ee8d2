"""Scenario comparison: hand-worked monthly money for the example families."""
from __future__ import annotations

import json
from pathlib import Path

from planner.family import parse_family
from planner.money import compare_scenarios

from tests.unit.money.helpers import TODAY, adult, child, family

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"


def load(name: str):
    return parse_family(json.loads((EXAMPLES / name).read_text(encoding="utf-8")), today=TODAY)


def by_name(result):
    return {s["name"]: s for s in result["scenarios"]}


def money(s):
    return (s["fees_eur"], s["allowances_eur"], s["earnings_eur"], s["net_eur"], s["taxable_eur"])


def test_helsinki_family_scenarios_by_hand():
    result = compare_scenarios(load("family-helsinki-baby.json"))
    s = by_name(result)
    assert result["carer"] == "father"
    # as entered: both small children at home: home care allowance 766.36 (see test_allowances)
    assert money(s["as_entered"]) == (0, 766.36, 3600, 4366.36, 4366.36)
    # all municipal: 5 persons, income 3600 below the 6667 threshold -> no fee, no allowance
    assert money(s["all_municipal"]) == (0, 0, 3600, 3600, 3600)
    # youngest at home, middle child in ECEC: 377.68 + 52.02 + 264 (no sibling supplement) = 693.70
    assert money(s["youngest_home"]) == (0, 693.7, 3600, 4293.7, 4293.7)
    # father works 20 h: flexible care allowance 269.24 (no partial care allowance at the same time)
    assert money(s["part_time"]) == (0, 269.24, 3600, 3869.24, 3869.24)
    # private 600 x 2 children; allowance per child 192.28 + (265.85 - 0.079 x 1900 = 115.75) = 308.03
    assert money(s["private"]) == (1200, 616.06, 3600, 3016.06, 3600)
    assert result["best_net"] == "as_entered"


def test_espoo_family_scenarios_that_do_not_apply_say_why():
    s = by_name(compare_scenarios(load("family-espoo.json")))
    # b is 5 (Espoo's free 4 h/day for 5-year-olds): only a's 89 is charged (b: 22 < 30 minimum -> 0)
    assert money(s["all_municipal"]) == (89, 0, 7500, 7411, 7500)
    assert s["youngest_home"]["applicable"] is False
    assert "no child under 3" in s["youngest_home"]["reasons"][0]
    assert "part_time_hours" in s["part_time"]["reasons"][0]
    assert "private_fee_eur" in s["private"]["reasons"][0]


def test_staying_home_removes_the_carers_earnings_and_changes_the_fee():
    # Turku 2025-06-01, 2 adults 5000 + 3000, baby (1 y) and big (4 y).
    # all municipal: 4 persons, threshold 5956: 10.7 % x 2044 = 218.708 -> 219; big 40 % = 87.6 -> 88 -> 307
    # youngest home (p2 stays home): income 5000 < 5956 -> no fee for big; home care 377.68 + supplement 0
    fam = family("2025-06-01", [adult(5000, "p1"), adult(3000, "p2")],
                 [child("baby", "2024-06-01"), child("big", "2021-01-01")], "Turku")
    s = by_name(compare_scenarios(fam))
    assert money(s["all_municipal"]) == (307, 0, 8000, 7693, 8000)
    assert money(s["youngest_home"]) == (0, 377.68, 5000, 5377.68, 5377.68)


def test_part_time_scales_earnings_and_uses_part_time_ecec():
    # Espoo 2025-06-01: p2 (3000) works 22.5 h of 37.5: 1800; flexible 269.24 counts as fee income.
    # 3 persons: 5000 + 1800 + 269.24 = 7069.24; 10.7 % x (7069.24 - 5245) = 195.194 -> 195; 22.5 h -> 80 % = 156
    fam = family("2025-06-01", [adult(5000, "p1"), adult(3000, "p2")], [child("baby", "2024-06-01")], "Espoo",
                 part_time_hours=22.5)
    s = by_name(compare_scenarios(fam))["part_time"]
    assert money(s) == (156, 269.24, 6800, 6913.24, 7069.24)


def test_compare_texts_in_every_language():
    fam = load("family-espoo.json")
    for lang, word in (("fi", "Kaikki"), ("sv", "Alla"), ("en", "All")):
        assert word in by_name(compare_scenarios(fam, lang=lang))["all_municipal"]["title"]


def test_scenarios_without_their_input_do_not_describe_made_up_zeros():
    from datetime import date

    from planner.family import parse_family
    from planner.money.compare import compare_scenarios

    family = parse_family({"municipality": "Espoo", "date": "2025-03-01",
                           "adults": [{"id": "p", "gross_monthly_income_eur": 3000}],
                           "children": [{"id": "a", "birth_date": "2024-01-01", "care": "municipal"}]},
                          today=date(2025, 3, 1))
    by_name = {s["name"]: s for s in compare_scenarios(family)["scenarios"]}
    for name in ("part_time", "private"):
        assert by_name[name]["applicable"] is False
        assert " 0 h/week" not in by_name[name]["description"] and "0.000000" not in by_name[name]["description"]
        assert "?" in by_name[name]["description"]
