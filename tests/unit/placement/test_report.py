"""Reports: reasons for unplaced children, offer texts in three languages, occupancy, CSV exports."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from placement_helpers import child  # noqa: E402

from planner.placement.commands import choose_method, plan_offers  # noqa: E402
from planner.errors import InputError  # noqa: E402
from planner.placement.report import evaka_csv, offers_to_csv  # noqa: E402
from planner.placement.rules import PlacementUnit  # noqa: E402


def small_report(lang="en"):
    units = [PlacementUnit("fi-1", languages=("fi",), available_seats=1.0, capacity_seats=21.0),
             PlacementUnit("sv-1", languages=("sv",), available_seats=1.0, capacity_seats=14.0)]
    kids = [child("a"), child("b", language="sv"), child("c", language="sv", age_years=2),
            child("d", shift=True), child("e", language="sv")]
    times = [[120.0, 600.0], [600.0, 300.0], [600.0, 400.0], [60.0, 60.0], [600.0, 4000.0]]
    return plan_offers(kids, units, times, ["fi-1", None, None, None, None], method="optimal", lang=lang)


def test_unplaced_reason_names_the_rule_that_stopped_the_child():
    report = small_report()
    reasons = {row["child_id"]: (row["rule"], row["reason"]) for row in report["unplaced"]}
    assert reasons["c"] == ("capacity", "No Swedish-language unit with free seats within 60 min")
    assert reasons["d"][0] == "shift_care"
    assert reasons["e"] == ("distance", "No suitable Swedish-language unit within 60 min")


def test_offers_occupancy_and_objective():
    report = small_report()
    offers = {o["child_id"]: o for o in report["offers"]}
    assert offers["a"]["unit_id"] == "fi-1" and offers["a"]["reason"] == "Your own catchment unit; 2 min on foot"
    assert offers["b"]["unit_id"] == "sv-1"
    occupancy = {o["unit_id"]: o for o in report["occupancy"]}
    assert occupancy["sv-1"] == {"unit_id": "sv-1", "children": 1, "children_under_3": 0, "children_3_plus": 1,
                                 "places_under_3": None, "places_3_plus": None, "used_seats": 1.0,
                                 "capacity_seats": 1.0, "total_seats": 14.0, "capacity_assumed": False,
                                 "use_percent": 100.0}
    assert report["objective"]["placed"] == 2
    langs = {row["language"]: row for row in report["travel_time_by_language"]}
    assert langs["sv"]["children"] == 3 and langs["sv"]["placed"] == 1
    assert langs["sv"]["mean_travel_time_s"] == 300.0


@pytest.mark.parametrize("lang, text", [("fi", "Oman alueen yksikkö; 2 min kävellen"),
                                        ("sv", "Enheten i ert eget område; 2 min till fots")])
def test_explanations_in_finnish_and_swedish(lang, text):
    offers = {o["child_id"]: o for o in small_report(lang)["offers"]}
    assert offers["a"]["reason"] == text


def test_csv_downloads():
    report = small_report()
    with pytest.raises(InputError) as error:  # a daycare round has no eVaka preschool file
        evaka_csv(report)
    assert error.value.problems[0].field == "kind"
    lines = offers_to_csv(report).splitlines()
    assert lines[0] == "child_id,unit_id,travel_time_s,reason"
    assert len(lines) == 1 + 5


def test_every_placement_text_exists_in_three_languages(repo_root):
    keys = [set(json.loads((repo_root / f"planner/locales/{lang}/placement.json").read_text()).keys())
            for lang in ("fi", "sv", "en")]
    assert keys[0] == keys[1] == keys[2]
    assert all(k.startswith("placement.") for k in keys[0])


def test_method_defaults_to_deferred_acceptance_when_preferences_are_given():
    assert choose_method([child("a")], None) == "optimal"
    assert choose_method([child("a", prefs=("u1",))], None) == "deferred-acceptance"


def test_report_names_mode_and_children_and_use_percent_by_hand():
    units = [PlacementUnit("u1", available_seats=3.0), PlacementUnit("u2", available_seats=0.0)]
    kids = [child("a", age_years=2, hours=20)]  # 1.75 × 0.54 = 0.945 seats
    report = plan_offers(kids, units, [[300.0, 60.0]], method="optimal", mode="bike")
    assert report["mode"] == "bike" and report["children"] == 1
    occupancy = {row["unit_id"]: row for row in report["occupancy"]}
    assert occupancy["u1"]["used_seats"] == 0.95 and occupancy["u1"]["use_percent"] == 31.5  # 0.945 of 3 seats
    assert occupancy["u2"]["use_percent"] is None  # no seats this round
    assert report["offers"][0]["reason"] == "A suitable unit with a free seat; 5 min by bike"


def test_public_transport_offers_name_the_mode_in_every_language():
    for lang, words in (("en", "by public transport"), ("fi", "joukkoliikenteellä"), ("sv", "med kollektivtrafik")):
        report = plan_offers([child("a")], [PlacementUnit("u1", available_seats=1.0)], [[600.0]],
                             method="optimal", mode="transit", lang=lang)
        assert words in report["offers"][0]["reason"]
