"""The path to preschool, hand-worked from the sources.

Fee period 1.8.2024–31.7.2026 (finnish-rules.md §1a): 3 persons, 7500 € → 10.7 % × (7500 − 5245) =
241.285 → 241 € full time. Preschool is free about 4 h a day (Perusopetuslaki 628/1998); Helsinki charges
the hours around it by daily hours (hel.fi: at most 5 h/day 60 %): 8 h/day − 4 h = 4 h/day → 60 % × 241 =
144.6 → 145 €. The preschool unit rules come from planner/placement/tables/preschool_rules.csv (Helsinki:
separate Finnish and Swedish areas; Oulu: municipal transport only when no other unit needs none).
"""
from __future__ import annotations

from datetime import date

from planner.family import parse_family
from planner.life.preschool_path import preschool_path


def fam(municipality="Helsinki", on="2025-03-01", birth="2019-05-01", **child):
    return parse_family({"municipality": municipality, "date": on, "holiday_pay": False,
                         "adults": [{"id": "p1", "gross_monthly_income_eur": 4000},
                                    {"id": "p2", "gross_monthly_income_eur": 3500}],
                         "children": [{"id": "a", "birth_date": birth, "care": "municipal", "weekly_hours": 40,
                                       **child}]}, today=date.fromisoformat(on))


def test_connected_ecec_in_the_preschool_year_helsinki():
    [entry] = preschool_path(fam(), today=date(2025, 3, 1))
    assert entry["preschool_start"] == date(2025, 8, 1)
    assert entry["school_start"] == date(2026, 8, 1)
    assert entry["free_hours_per_day"] == 4
    assert entry["connected_ecec_fee_eur"] == 145


def test_the_municipalitys_preschool_rule_is_named():
    [helsinki] = preschool_path(fam(), today=date(2025, 3, 1), lang="fi")
    assert helsinki["rule"]["area_rule"] == "language_areas"
    assert "ruotsinkieliset" in helsinki["rule_text"]
    [oulu] = preschool_path(fam("Oulu"), today=date(2025, 3, 1), lang="en")
    assert oulu["rule"]["transport_rule"] == "avoid_transport"
    assert "5 km" in oulu["rule_text"]


def test_the_two_year_trial_is_mentioned_for_children_born_2016_2017():
    [entry] = preschool_path(fam(on="2021-09-01", birth="2017-03-01"), today=date(2021, 9, 1), names={"a": "Aino"})
    assert entry["two_year_trial"].startswith("Aino")
    [later] = preschool_path(fam(), today=date(2025, 3, 1))
    assert "two_year_trial" not in later


def test_children_at_school_or_not_born_have_no_path():
    assert preschool_path(fam(birth="2017-03-01"), today=date(2025, 3, 1)) == []


def test_the_unit_by_the_rule_teaches_the_childs_language():
    from planner.datasets import load_dataset

    dataset = load_dataset()
    family = parse_family({"municipality": "Helsinki", "date": "2025-03-01", "home": {"lat": 60.1633, "lon": 24.9386},
                           "adults": [{"id": "p1", "gross_monthly_income_eur": 4000}],
                           "children": [{"id": "a", "birth_date": "2019-05-01", "care": "municipal",
                                         "language": "fi"}]}, today=date(2025, 3, 1))
    [entry] = preschool_path(family, dataset=dataset, today=date(2025, 3, 1))
    if entry["unit"] is None:
        import pytest

        pytest.skip("the default dataset has no Finnish-language unit reachable from this home")
    unit = next(u for u in dataset.units if u.unit_id == entry["unit"]["unit_id"])
    assert "fi" in unit.languages
