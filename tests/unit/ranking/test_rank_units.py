"""rank_units on a hand-made street: home at 0 m, work at 1000 m, walking at 1 m/s (hand-worked)."""
from __future__ import annotations

import pytest

from planner.errors import InputError
from planner.family import parse_family
from planner.i18n import LANGUAGES, load_texts
from planner.ranking import DEFAULT_WEIGHTS, choose_child, rank_units


def by_id(result):
    return {row["unit_id"]: row for row in result["units"]}


def test_units_on_the_way_add_no_commute_and_detours_add_both_ways(family_data, dataset):
    rows = by_id(rank_units(parse_family(family_data), dataset))
    # u1 at 500 m: home -> u1 -> work = 1000 s = the direct commute, both ways
    assert rows["u1"]["drop_off_s"] == pytest.approx(1000.0)
    assert rows["u1"]["pick_up_s"] == pytest.approx(1000.0)
    assert rows["u1"]["extra_commute_s"] == pytest.approx(0.0, abs=1e-6)
    # u2 at -300 m: 300 + 1300 = 1600 s each way, 600 s extra each way
    assert rows["u2"]["drop_off_s"] == pytest.approx(1600.0)
    assert rows["u2"]["extra_drop_off_s"] == pytest.approx(600.0)
    assert rows["u2"]["extra_commute_s"] == pytest.approx(1200.0)
    assert rows["u2"]["legs"]["drop_off"] == {"adult_id": "p1", "mode": "walk", "home_to_unit_s": pytest.approx(300.0),
                                              "unit_to_work_s": pytest.approx(1300.0)}


def test_child_day_runs_from_drop_off_to_pick_up(family_data, dataset):
    rows = by_id(rank_units(parse_family(family_data), dataset))
    # drop-off = 08:00 - 500 s = 07:51:40, pick-up = 16:00 + 500 s = 16:08:20
    assert rows["u1"]["drop_off_at"] == "07:52" and rows["u1"]["pick_up_at"] == "16:08"
    assert rows["u1"]["child_day_s"] == pytest.approx(8 * 3600 + 1000)
    assert rows["u2"]["child_day_s"] == pytest.approx(8 * 3600 + 2600)
    assert rows["u1"]["open_during_child_day"] is True
    assert rows["u4"]["open_during_child_day"] is False and rows["u4"]["mismatches"] == ["opening_hours"]


def test_score_is_the_documented_weighted_sum(family_data, dataset):
    rows = by_id(rank_units(parse_family(family_data), dataset))
    # u1: extra 1.0, day (11 h - 8 h 16 min 40 s) / 3 h = 0.9074, catchment 0, free places unknown 0.5, provider 1
    assert rows["u1"]["score"] == pytest.approx(0.45 * 1 + 0.2 * (39600 - 29800) / 10800 + 0.1 * 0.5 + 0.05, abs=1e-4)
    # u2: extra 1 - 1200/3600, day (39600 - 31400) / 10800, in the catchment area
    assert rows["u2"]["score"] == pytest.approx(
        0.45 * (1 - 1200 / 3600) + 0.2 * (39600 - 31400) / 10800 + 0.2 + 0.1 * 0.5 + 0.05, abs=1e-4)
    parts = rows["u2"]["score_parts"]
    assert set(parts) == set(DEFAULT_WEIGHTS)
    assert sum(p["contribution"] for p in parts.values()) == pytest.approx(rows["u2"]["score"], abs=1e-3)


def test_best_first_with_mismatches_flagged_last(family_data, dataset):
    result = rank_units(parse_family(family_data), dataset)
    order = [row["unit_id"] for row in result["units"]]
    assert order[:2] == ["u2", "u1"]  # the catchment bonus outweighs 20 min extra
    assert set(order[2:]) == {"u3", "u4"}
    assert by_id(result)["u3"]["mismatches"] == ["language"] and by_id(result)["u3"]["fits"] is False
    for key in ("unit_id", "name", "demo", "in_catchment", "drop_off_s", "pick_up_s", "extra_commute_s",
                "child_day_s", "open_during_child_day", "languages", "score", "why"):
        assert key in result["units"][0]


def test_weights_change_the_order(family_data, dataset):
    result = rank_units(parse_family(family_data), dataset, weights={"catchment": 0})
    assert [row["unit_id"] for row in result["units"]][:2] == ["u1", "u2"]
    with pytest.raises(InputError) as info:
        rank_units(parse_family(family_data), dataset, weights={"beauty": 1, "catchment": -1})
    assert info.value.fields() == {"weights.beauty", "weights.catchment"}


def test_why_explains_in_each_language(family_data, dataset):
    for lang, phrase in (("en", "in your catchment area"), ("fi", "oma alueesi"), ("sv", "upptagningsområde")):
        rows = by_id(rank_units(parse_family(family_data), dataset, lang=lang))
        assert phrase in rows["u2"]["why"]
        assert "20 min" in rows["u2"]["why"]
    keys = [{k for k in load_texts(lang) if k.startswith("ranking.")} for lang in LANGUAGES]
    assert keys[0] == keys[1] == keys[2] and keys[0]


def test_age_language_and_shift_care_are_hard_fits(family_data, make_dataset, make_unit):
    FakeDataset, unit = make_dataset, make_unit
    data = dict(family_data)
    data["children"] = [{"id": "kid", "birth_date": "2022-01-10", "care": "municipal", "language": "fi",
                         "shift_care": True}]
    dataset = FakeDataset([unit("old", 500, min_age_months=48), unit("shift", 500, shift_care=True,
                                                                     opening_hours="24/7")])
    rows = by_id(rank_units(parse_family(data), dataset))
    # the child is 37 months on 2025-03-01
    assert rows["old"]["mismatches"] == ["age", "shift_care"]
    assert rows["shift"]["mismatches"] == [] and rows["shift"]["open_during_child_day"] is True
    assert "37" in rows["old"]["why"]


def test_unreachable_units_are_explicit(family_data, make_dataset, make_unit):
    FakeDataset, unit = make_dataset, make_unit
    dataset = FakeDataset([unit("far", 500, opening_hours=None), unit("away", 5000)])
    rows = by_id(rank_units(parse_family(family_data), dataset))
    assert rows["away"]["drop_off_s"] is None
    assert rows["away"]["mismatches"] == ["unreachable"] and rows["away"]["child_day_s"] is None
    assert rows["far"]["open_during_child_day"] is None and "unknown" in rows["far"]["why"]


def test_child_choice_and_errors(family_data, dataset):
    family = parse_family(family_data)
    assert choose_child(family, None).id == "kid"
    with pytest.raises(InputError) as info:
        rank_units(family, dataset, child_id="nobody")
    assert info.value.fields() == {"--child"}
    data = dict(family_data)
    data["children"] = [{"id": "big", "birth_date": "2012-01-10", "care": "none"}]
    with pytest.raises(InputError) as info:
        rank_units(parse_family(data), dataset)
    assert info.value.fields() == {"children"}
    data = dict(family_data)
    data.pop("home")
    with pytest.raises(InputError) as info:
        rank_units(parse_family(data), dataset)
    assert info.value.fields() == {"home"}


def test_addresses_are_resolved_in_the_dataset(family_data, dataset):
    data = dict(family_data)
    data["home"] = {"address": "Kotikatu 1"}
    assert by_id(rank_units(parse_family(data), dataset))["u1"]["extra_commute_s"] == pytest.approx(0, abs=1e-6)
    data["home"] = {"address": "Olematon 9"}
    with pytest.raises(InputError) as info:
        rank_units(parse_family(data), dataset)
    assert info.value.fields() == {"home"}


def test_missing_schedule_and_mode_are_assumed_and_noted(family_data, dataset):
    data = dict(family_data)
    adult = dict(data["adults"][0])
    adult.pop("schedule"); adult.pop("commute_mode")
    data["adults"] = [adult]
    result = rank_units(parse_family(data), dataset)
    assert len(result["notes"]) == 2
    assert by_id(result)["u1"]["child_day_s"] == pytest.approx(8 * 3600 + 1000)


def test_a_dataset_without_catchments_says_so_instead_of_hiding_it(family_data, dataset):
    from planner.errors import DataError

    class NoCatchments:
        def unit_for(self, lat, lon, language=None):
            raise DataError("catchments file is missing; rebuild the dataset")

    dataset.catchments = NoCatchments()
    result = rank_units(parse_family(family_data), dataset)
    assert not any(row["in_catchment"] for row in result["units"])
    assert any("no catchment areas" in note for note in result["notes"])


def test_a_bug_in_catchments_is_not_swallowed(family_data, dataset):
    class Broken:
        def unit_for(self, lat, lon, language=None):
            raise ZeroDivisionError("a bug, not missing data")

    dataset.catchments = Broken()
    with pytest.raises(ZeroDivisionError):
        rank_units(parse_family(family_data), dataset)
