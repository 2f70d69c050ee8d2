"""Whole rounds: preschool rule sets per municipality, review loop (accepted kept, rejected not repeated),
per-age places never exceeded, the hard sibling rule, and the eVaka files' round trip."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from placement_helpers import child, random_instance  # noqa: E402

from planner.errors import InputError, MissingRuleError  # noqa: E402
from planner.placement.preschool import load_rule_sets, rule_set_for  # noqa: E402
from planner.placement.review import Decision, read_decisions  # noqa: E402
from planner.placement.round import RoundSettings, plan_round  # noqa: E402
from planner.placement.rules import PlacementUnit  # noqa: E402

PRESCHOOL = RoundSettings(kind="preschool")


def offers(report):
    return {o["child_id"]: o["unit_id"] for o in report["offers"]}


def test_rule_table_is_dated_and_fails_loudly():
    rows = load_rule_sets()
    assert {r.municipality for r in rows} >= {"*", "Helsinki", "Tampere", "Oulu", "Hyvinkää"}
    assert all(r.source and r.status in ("verified", "provisional") for r in rows)
    assert rule_set_for("Helsinki", date(2026, 8, 1)).area_rule == "language_areas"
    assert rule_set_for("Porvoo", date(2026, 8, 1)).municipality == "*"  # no own rows: the general rule
    with pytest.raises(MissingRuleError):
        rule_set_for("Helsinki", date(2020, 8, 1))  # Helsinki's own rows start in 2021: no silent fallback


def test_helsinki_language_areas_give_a_swedish_speaker_the_nearest_swedish_unit():
    units = [PlacementUnit("fi-a", languages=("fi",), available_seats=5), PlacementUnit("sv-far", languages=("sv",),
             available_seats=5), PlacementUnit("sv-near", languages=("sv",), available_seats=5)]
    kids = [child("s1", age_years=6, language="sv"), child("f1", age_years=6)]
    travel = [[100.0, 900.0, 600.0], [100.0, 900.0, 600.0]]
    report = plan_round(kids, units, travel, ["fi-a", "fi-a"], RoundSettings(kind="preschool", municipality="Helsinki"))
    assert offers(report) == {"s1": "sv-near", "f1": "fi-a"}
    assert {o["child_id"]: o["basis"] for o in report["offers"]} == {"s1": "catchment", "f1": "catchment"}
    assert report["rule_set"]["municipality"] == "Helsinki" and report["kind"] == "preschool"


def test_oulu_offers_a_transport_unit_only_without_an_alternative():
    units = [PlacementUnit("near", available_seats=1), PlacementUnit("far", available_seats=5)]
    kids = [child("a", age_years=6), child("b", age_years=6)]
    travel = [[300.0, 600.0], [310.0, 600.0]]
    walk_m = [[3000.0, 6000.0], [3100.0, 6000.0]]  # "far" needs transport (over 5 km)
    oulu = plan_round(kids, units, travel, ["far", "far"], RoundSettings(kind="preschool", municipality="Oulu"),
                      walk_distance_m=walk_m)
    assert offers(oulu) == {"a": "near"}  # b is not sent to the transport unit while "near" exists
    assert [(u["child_id"], u["rule"]) for u in oulu["unplaced"]] == [("b", "transport")]
    elsewhere = plan_round(kids, units, travel, ["far", "far"], PRESCHOOL)
    assert offers(elsewhere) == {"a": "far", "b": "far"}  # the general rule: own area first
    with pytest.raises(MissingRuleError):  # the transport rule needs walking distances
        plan_round(kids, units, travel, ["far", "far"], RoundSettings(kind="preschool", municipality="Oulu"))


def test_hyvinkaa_short_trips_ignore_the_area():
    units = [PlacementUnit("area", available_seats=5), PlacementUnit("close", available_seats=5)]
    kids = [child("a", age_years=6)]
    report = plan_round(kids, units, [[900.0, 200.0]], ["area"], RoundSettings(kind="preschool", municipality="Hyvinkää"))
    assert offers(report) == {"a": "close"}
    tampere = plan_round(kids, units, [[900.0, 200.0]], ["area"], RoundSettings(kind="preschool", municipality="Tampere"))
    assert offers(tampere) == {"a": "area"}


def test_preschool_place_is_one_place_per_child():
    units = [PlacementUnit("u", available_seats=2)]
    kids = [child("a", age_years=6, hours=20), child("b", age_years=6, hours=20), child("c", age_years=6, hours=20)]
    report = plan_round(kids, units, [[60.0]] * 3, None, PRESCHOOL)
    assert len(report["offers"]) == 2 and report["occupancy"][0]["used_seats"] == 2.0


@pytest.mark.parametrize("method", ["optimal", "deferred-acceptance", "stable"])
def test_review_keeps_accepted_offers_and_never_repeats_a_rejection(method):
    children, units, travel, catchment = random_instance(11, 14, 5)
    settings = RoundSettings(method=method)
    first = plan_round(children, units, travel, catchment, settings)
    made = first["offers"]
    assert len(made) >= 4
    accepted = made[:2]
    rejected = made[2:4]
    decisions = [Decision(o["child_id"], o["unit_id"], "accepted", "family_accepted") for o in accepted]
    decisions += [Decision(rejected[0]["child_id"], rejected[0]["unit_id"], "rejected", "other_unit_wanted"),
                  Decision(rejected[1]["child_id"], rejected[1]["unit_id"], "rejected", "family_declined")]
    decisions += [Decision(o["child_id"], o["unit_id"], "pending") for o in made[4:]]
    again = plan_round(children, units, travel, catchment, settings, decisions=decisions)
    now = offers(again)
    for o in accepted:
        assert now[o["child_id"]] == o["unit_id"]
        assert next(x for x in again["offers"] if x["child_id"] == o["child_id"])["basis"] == "accepted"
    assert now.get(rejected[0]["child_id"]) != rejected[0]["unit_id"]
    assert rejected[1]["child_id"] not in now and again["review"]["declined"] == [rejected[1]["child_id"]]
    assert [r["reason"] for r in again["review"]["rejected"]] == ["other_unit_wanted", "family_declined"]
    changes = {c["child_id"]: c["change"] for c in again["changes"]}
    assert all(changes[o["child_id"]] == "kept" for o in accepted)
    assert changes[rejected[1]["child_id"]] == "declined"
    assert changes[rejected[0]["child_id"]] in ("moved", "lost")


@pytest.mark.parametrize("method", ["optimal", "deferred-acceptance", "stable"])
@pytest.mark.parametrize("seed", range(4))
def test_per_age_places_are_never_exceeded(seed, method):
    children, units, travel, catchment = random_instance(seed, 16, 4)
    rng = np.random.default_rng(seed)
    units = [PlacementUnit(u.unit_id, languages=u.languages, shift_care=u.shift_care, min_age_months=u.min_age_months,
                           available_seats=u.available_seats + 3, places_under_3=int(rng.integers(0, 3)),
                           places_3_plus=int(rng.integers(0, 3))) for u in units]
    report = plan_round(children, units, travel, catchment, RoundSettings(method=method, seed=seed))
    for row, unit in zip(report["occupancy"], units):
        assert row["children_under_3"] <= unit.places_under_3 and row["children_3_plus"] <= unit.places_3_plus
        assert row["used_seats"] <= row["capacity_seats"] + 1e-9


@pytest.mark.parametrize("method", ["optimal", "deferred-acceptance", "stable"])
def test_hard_sibling_rule_places_a_group_together_or_not_at_all(method):
    units = [PlacementUnit("a", available_seats=1.0), PlacementUnit("b", available_seats=2.0),
             PlacementUnit("c", available_seats=1.0)]
    kids = [child("x", group="g"), child("y", group="g"), child("z")]
    travel = [[60.0, 600.0, 61.0], [60.0, 600.0, 61.0], [60.0, 600.0, 700.0]]
    areas = ["a", "c", None]
    soft = offers(plan_round(kids, units, travel, areas, RoundSettings(method="optimal")))
    assert soft["x"] == "a" and soft["y"] == "c"  # soft: each child's own area outranks togetherness
    hard = plan_round(kids, units, travel, areas, RoundSettings(method=method, sibling_rule="hard"))
    got = offers(hard)
    assert got["x"] == got["y"] == "b" and hard["objective"]["siblings_together"] == 1
    tight = [PlacementUnit("a", available_seats=1.0), PlacementUnit("c", available_seats=1.0)]
    none = plan_round(kids[:2], tight, [[60.0, 61.0]] * 2, None, RoundSettings(method=method, sibling_rule="hard"))
    assert none["offers"] == [] and {u["rule"] for u in none["unplaced"]} == {"siblings"}


def test_decisions_file_bad_rows_are_named_and_good_rows_kept():
    text = ("child_id;unit_id;decision;reason\n"
            "c1;u1;accepted;family_accepted\nc2;u2;rejected;\nc3;u3;maybe;\n=c4;u1;rejected;other\nc5;u2;rejected;too_far\n")
    decisions, problems = read_decisions(text)
    assert [d.child_id for d in decisions] == ["c1", "c5"]
    assert [p.field for p in problems] == ["decisions row 3 reason", "decisions row 4 decision",
                                           "decisions row 5 child_id"]


def test_round_settings_are_checked():
    with pytest.raises(InputError) as error:
        plan_round([], [], np.zeros((0, 0)), None, RoundSettings(kind="school", sibling_rule="maybe"))
    assert error.value.fields() == {"kind", "siblings"}


def test_round_report_csv_and_html_are_safe_and_complete():
    import csv
    import io

    from planner.placement.round_report import round_report_csv, round_report_html

    units = [PlacementUnit("u1", available_seats=2, places_under_3=1), PlacementUnit("=evil<script>", available_seats=1)]
    kids = [child("a", age_years=2), child("b"), child("c", age_years=2), child("d", language="sv")]
    travel = [[60.0, 120.0]] * 4
    report = plan_round(kids, units, travel, None, RoundSettings(),
                        decisions=[Decision("b", "u1", "rejected", "too_far")])
    text = round_report_csv(report, {"u1": "Päiväkoti Yksi"})
    assert text.startswith("\ufeffKierros\r\n")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    units_at = rows.index(["Yksiköt ja ikäryhmät"])
    assert rows[units_at + 1][:5] == ["yksikon_id", "yksikko", "lapsia", "alle_3v", "3v_tayttaneet"]
    # a (2 y, weight 1.75) takes u1's one under-3 place; b may not have u1 (rejected) and takes the other
    # unit's one seat; c (2 y) fits nowhere; d (Swedish) has no Swedish-language unit
    assert rows[units_at + 2][:5] == ["u1", "Päiväkoti Yksi", "1", "1", "0"]
    assert rows[units_at + 3][0] == "'=evil<script>"  # neutralised for Excel
    children_at = rows.index(["Lapset"])
    states = {r[0]: r[1] for r in rows[children_at + 2: rows.index([], children_at)]}
    assert states == {"a": "tarjous", "b": "tarjous", "c": "ei tarjousta", "d": "ei tarjousta"}
    assert ["b", "u1", "too_far"] in rows
    for lang in ("fi", "sv", "en"):
        page = round_report_html(report, lang)
        assert "<script>" not in page and "=evil&lt;script&gt;" in page
        assert page.startswith("<!DOCTYPE html>") and f'lang="{lang}"' in page and "@media print" in page


def test_area_units_of_another_unit_list_become_the_nearest_unit_of_this_round():
    from planner.placement.round import own_area_units

    units = [PlacementUnit("e1", available_seats=1), PlacementUnit("e2", available_seats=1)]
    travel = np.array([[500.0, 100.0], [np.inf, np.inf], [100.0, 900.0]])
    assert own_area_units(["dataset-7", "dataset-7", None], units, travel) == ["e2", None, None]
    assert own_area_units(["e1", "x", "e1"], units, travel) == ["e1", None, "e1"]


def test_decisions_for_unknown_children_or_units_are_problems_and_the_rest_applies():
    units = [PlacementUnit("u1", available_seats=1), PlacementUnit("u2", available_seats=1)]
    kids = [child("a"), child("b")]
    decisions = [Decision("ghost", "u1", "accepted"), Decision("a", "nowhere", "rejected", "too_far"),
                 Decision("b", "u2", "accepted", "staff_confirmed"), Decision("b", "u1", "accepted")]
    report = plan_round(kids, units, [[60.0, 120.0], [60.0, 120.0]], None, RoundSettings(), decisions=decisions)
    assert offers(report) == {"a": "u1", "b": "u2"}  # b's first acceptance holds; a takes the free unit
    assert [(p["field"], p["value"]) for p in report["review_problems"]] == [
        ("decisions child_id", "ghost"), ("decisions unit_id", "nowhere"), ("decisions child_id", "b")]
