"""Input problems name their fix text as an i18n key: Finnish, Swedish and English, English unchanged.

A battery of bad families (one mistake each) goes through ``parse_family``; every problem raised must
carry a ``problems.*`` key whose English text is exactly the ``expected`` text the CLI prints, and
whose Finnish and Swedish texts are filled (no ``{placeholder}`` left). Address look-up, points
outside a network's area, ranking, route points and timeline months are checked the same way.
"""
from __future__ import annotations

import copy
import json
import re
from datetime import date

import numpy as np
import pytest

from planner.errors import InputError, Problem
from planner.family import load_family, parse_family
from planner.i18n import LANGUAGES, LOCALES_DIR, load_texts

TODAY = date(2025, 6, 1)
LEFTOVER = re.compile(r"\{\w*\}")


def good_family() -> dict:
    return {
        "municipality": "Espoo", "date": "2025-01-15",
        "adults": [{"id": "a", "gross_monthly_income_eur": 3200, "work": {"lat": 60.17, "lon": 24.94},
                    "schedule": {"days": ["mon", "tue"], "start": "08:00", "end": "16:00"},
                    "commute_mode": "bike", "weekly_work_hours": 37.5}],
        "children": [{"id": "c", "birth_date": "2022-03-01", "care": "municipal", "weekly_hours": 35,
                      "start_date": "2023-08-01"}],
    }


# name: (path into the family, bad value, field named, English 'expected' exactly as before keys existed)
BAD = {
    "date_format": (("date",), "15.1.2025", "date", "a date YYYY-MM-DD, e.g. 2023-05-01"),
    "date_too_early": (("date",), "2017-01-01", "date",
                       "a date on or after 2018-08-01 (the rule tables start there)"),
    "birth_future": (("children", 0, "birth_date"), "2026-01-01", "children[0].birth_date",
                     "a birth date on or before today (2025-06-01); for an expected baby give the due date and "
                     "expected: true"),
    "birth_adult": (("children", 0, "birth_date"), "2000-01-01", "children[0].birth_date",
                    "a child under 18 on the family's date 2025-01-15 (adults are listed under adults)"),
    "birth_format": (("children", 0, "birth_date"), "1.3.2022", "children[0].birth_date",
                     "a date YYYY-MM-DD, e.g. 2023-05-01"),
    "start_before_birth": (("children", 0, "start_date"), "2021-01-01", "children[0].start_date",
                           "a date after the birth date"),
    "hours_range": (("children", 0, "weekly_hours"), 80, "children[0].weekly_hours",
                    "ECEC hours: more than 0 and at most 60 hours per week"),
    "hours_text": (("children", 0, "weekly_hours"), "35", "children[0].weekly_hours",
                   "ECEC hours: a number of hours per week between 0 and 60"),
    "work_hours_text": (("adults", 0, "weekly_work_hours"), "x", "adults[0].weekly_work_hours",
                        "working time: a number of hours per week between 0 and 60"),
    "part_time_range": (("part_time_hours",), 61, "part_time_hours",
                        "part-time working hours: more than 0 and at most 60 hours per week"),
    "income_negative": (("adults", 0, "gross_monthly_income_eur"), -5, "adults[0].gross_monthly_income_eur",
                        "a number of euros that is 0 or more (monthly gross, before tax)"),
    "income_text": (("adults", 0, "gross_monthly_income_eur"), "3200", "adults[0].gross_monthly_income_eur",
                    "a number of euros without quotes, e.g. 3200 or 3200.50 (or null when not reported)"),
    "income_type": (("adults", 0, "gross_monthly_income_eur"), [3200], "adults[0].gross_monthly_income_eur",
                    "a number of euros (0 or more), or null when not reported"),
    "income_huge": (("adults", 0, "gross_monthly_income_eur"), 2e7, "adults[0].gross_monthly_income_eur",
                    "a monthly amount below 10 000 000 euros"),
    "income_nan": (("adults", 0, "gross_monthly_income_eur"), float("nan"), "adults[0].gross_monthly_income_eur",
                   "a number of euros that is 0 or more (monthly gross, before tax)"),
    "private_fee_negative": (("private_fee_eur",), -100, "private_fee_eur",
                             "a number of euros that is 0 or more (monthly gross, before tax)"),
    "municipality_typo": (("municipality",), "Espo", "municipality",
                          "the name of a Finnish municipality in Finnish or Swedish, e.g. Espoo or Esbo "
                          "(did you mean Espoo?)"),
    "municipality_unknown": (("municipality",), "Xyzzy", "municipality",
                             "the name of a Finnish municipality in Finnish or Swedish, e.g. Espoo or Esbo"),
    "municipality_missing": (("municipality",), None, "municipality",
                             "the name of a Finnish municipality in Finnish or Swedish, e.g. Espoo or Esbo"),
    "clock_format": (("adults", 0, "schedule", "start"), "8", "adults[0].schedule.start",
                     "a time HH:MM, e.g. 08:00"),
    "end_before_start": (("adults", 0, "schedule", "end"), "08:00", "adults[0].schedule.end",
                         "a time different from the start 08:00 (an earlier end time means a shift over midnight)"),
    "day_unknown": (("adults", 0, "schedule", "days"), ["monday"], "adults[0].schedule.days[0]",
                    "one of mon, tue, wed, thu, fri, sat, sun"),
    "days_empty": (("adults", 0, "schedule", "days"), [], "adults[0].schedule.days",
                   "a non-empty list of days from mon, tue, wed, thu, fri, sat, sun"),
    "schedule_type": (("adults", 0, "schedule"), "9-17", "adults[0].schedule",
                      'an object {"days": ["mon", ...], "start": "08:00", "end": "16:00"}'),
    "commute_mode": (("adults", 0, "commute_mode"), "bus", "adults[0].commute_mode",
                     "one of walk|bike|car|transit"),
    "work_type": (("adults", 0, "work"), "Mannerheimintie 1", "adults[0].work",
                  'an object {"lat": 60.17, "lon": 24.94} or {"address": "street 1, town"}'),
    "work_address_empty": (("adults", 0, "work"), {"address": " "}, "adults[0].work.address",
                           "a non-empty street address, e.g. 'Mannerheimintie 1, Helsinki'"),
    "home_lat_range": (("home",), {"lat": 95, "lon": 24.9}, "home.lat",
                       "a WGS84 latitude between -90 and 90 (or give an address instead)"),
    "home_lon_missing": (("home",), {"lat": 60.2}, "home.lon",
                         "a WGS84 longitude between -180 and 180 (or give an address instead)"),
    "id_duplicate": (("children", 0, "id"), "a", "children[0].id",
                     "an id not used by another person in the family"),
    "id_empty": (("adults", 0, "id"), " ", "adults[0].id", "a short non-empty id, e.g. 'a' or 'parent1'"),
    "adults_three": (("adults",), [{"id": "x"}, {"id": "y"}, {"id": "z"}], "adults",
                     "a list of 1 or 2 adults (the parent and a spouse or partner living in the household)"),
    "children_empty": (("children",), [], "children", "a non-empty list of every child under 18 in the household"),
    "child_type": (("children", 0), "c", "children[0]", 'an object with "birth_date" and "care"'),
    "adult_type": (("adults", 0), 3, "adults[0]",
                   'an object with at least "gross_monthly_income_eur" (a number or null)'),
    "care_unknown": (("children", 0, "care"), "daycare", "children[0].care",
                     "one of municipal|voucher|private|home|preschool|none"),
    "language_empty": (("children", 0, "language"), "", "children[0].language",
                       "a language code such as fi, sv or en"),
    "shift_care_text": (("children", 0, "shift_care"), "yes", "children[0].shift_care", "true or false"),
    "holiday_pay_text": (("holiday_pay",), "no", "holiday_pay", "true or false"),
    "carer_unknown": (("carer",), "z", "carer", "the id of one of the adults (a)"),
}


def bad_family(path: tuple, value) -> dict:
    data = copy.deepcopy(good_family())
    target = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return data


def problems_of(call, *args, **kwargs) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        call(*args, **kwargs)
    return caught.value.problems


def assert_translated(problem: Problem) -> None:
    """Keyed; English equals ``expected``; Finnish and Swedish filled in and different from English."""
    assert problem.key and problem.key.startswith("problems."), problem
    texts = {lang: problem.expected_in(lang) for lang in LANGUAGES}
    assert texts["en"] == problem.expected
    for lang, text in texts.items():
        assert text.strip() and not LEFTOVER.search(text), (lang, text)
    assert texts["fi"] != texts["en"] and texts["sv"] != texts["en"], texts


def test_the_good_family_parses():
    assert parse_family(good_family(), today=TODAY).municipality == "Espoo"


@pytest.mark.parametrize("name", sorted(BAD))
def test_every_family_problem_has_a_key_and_keeps_its_english_text(name):
    path, value, field, expected = BAD[name]
    problems = problems_of(parse_family, bad_family(path, value), today=TODAY)
    assert [(p.field, p.expected) for p in problems] == [(field, expected)]
    for problem in problems:
        assert_translated(problem)


def test_a_family_that_is_not_an_object_is_keyed():
    (problem,) = problems_of(parse_family, ["not", "a", "family"], today=TODAY)
    assert problem.expected == "a JSON object with municipality, adults and children"
    assert_translated(problem)


def test_finnish_and_swedish_texts_read_naturally():
    (problem,) = problems_of(parse_family, bad_family(("date",), "15.1.2025"), today=TODAY)
    assert problem.expected_in("fi") == "anna päivämäärä muodossa VVVV-KK-PP, esim. 2023-05-01"
    assert problem.expected_in("sv") == "ange datum som ÅÅÅÅ-MM-DD, t.ex. 2023-05-01"
    (problem,) = problems_of(parse_family, bad_family(("children", 0, "birth_date"), "2026-01-01"), today=TODAY)
    assert "(2025-06-01)" in problem.expected_in("fi") and "syntymäpäivä" in problem.expected_in("fi")
    assert "(2025-06-01)" in problem.expected_in("sv") and "födelsedatum" in problem.expected_in("sv")


def test_the_municipality_suggestion_is_kept_as_a_parameter():
    (problem,) = problems_of(parse_family, bad_family(("municipality",), "Espo"), today=TODAY)
    assert problem.key == "problems.municipality.suggest" and problem.params == {"suggestions": "Espoo"}
    assert problem.expected_in("fi").endswith("(tarkoititko Espoo?)")
    assert problem.expected_in("sv").endswith("(menade du Espoo?)")


def test_many_problems_at_once_are_all_keyed():
    data = good_family()
    data.update(municipality="Atlantis", date="tomorrow", holiday_pay=1)
    data["children"][0].update(birth_date="2030-01-01", weekly_hours=-3, care="nanny")
    data["adults"][0].update(gross_monthly_income_eur="lots", commute_mode="horse")
    problems = problems_of(parse_family, data, today=TODAY)
    assert len(problems) == 8
    for problem in problems:
        assert_translated(problem)


def test_family_file_problems_are_keyed(tmp_path):
    missing = problems_of(load_family, tmp_path / "nope.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"municipality": "Espoo",', encoding="utf-8")
    bad_json = problems_of(load_family, broken)
    latin1 = tmp_path / "latin1.json"
    latin1.write_bytes('{"municipality": "Hämeenlinna"}'.encode("latin-1"))
    bad_bytes = problems_of(load_family, latin1)
    assert missing[0].expected == "an existing file (not found)"
    assert bad_json[0].expected.startswith("valid JSON (line 1, column 26: ")
    assert bad_bytes[0].expected.startswith("a UTF-8 text file (byte 19 is not UTF-8")  # {"municipality": "H is 19 bytes
    for problem in missing + bad_json + bad_bytes:
        assert_translated(problem)


def test_unknown_addresses_keep_their_suggestions():
    from planner.geocode import AddressEntry, AddressIndex

    index = AddressIndex([AddressEntry("Mannerheimintie", "1", 60.1700, 24.9410),
                          AddressEntry("Mannerheimintie", "3", 60.1705, 24.9405)])
    (problem,) = problems_of(index.resolve, "Mannerheimintie 99", field="home.address")
    assert problem.field == "home.address" and problem.key.startswith("problems.address.suggest_")
    assert "did you mean 'Mannerheimintie 1'" in problem.expected
    assert "tarkoititko 'Mannerheimintie 1'" in problem.expected_in("fi")
    assert "menade du 'Mannerheimintie 1'" in problem.expected_in("sv")
    assert_translated(problem)
    (nothing,) = problems_of(index.resolve, "Qwxzv 5")
    assert nothing.expected == "unknown address in this dataset (give street and number, or lat/lon)"
    assert_translated(nothing)
    (empty,) = problems_of(AddressIndex([]).resolve, "Mannerheimintie 1")
    assert_translated(empty)


@pytest.mark.parametrize("mode", ["walk", "bike", "car", "ferry"])
def test_a_point_outside_the_network_area_is_explained_in_every_language(mode):
    from planner.network.engine import TravelTimeEngine
    from planner.network.graph import from_3067, graph_from_edges

    # two nodes 100 m apart (EPSG:3067), both directions, 1 m/s; the query point is 2 km north
    lat, lon = from_3067(np.array([385_000.0, 385_100.0]), np.array([6_672_000.0, 6_672_000.0]))
    graph = graph_from_edges(mode, np.array([0, 1]), np.array([1, 0]), np.array([100.0, 100.0]),
                             np.array([100.0, 100.0]), lat, lon)
    engine = TravelTimeEngine(graph, max_snap_m=500)
    far_lat, far_lon = from_3067(np.array([385_050.0]), np.array([6_674_000.0]))
    (problem,) = problems_of(engine.snap, float(far_lat[0]), float(far_lon[0]), field="home")
    assert problem.field == "home"
    assert problem.expected.startswith(f"the point is 2000 m from the nearest {mode} street, more than 500 m")
    assert "2000 m" in problem.expected_in("fi") and "2000 m" in problem.expected_in("sv")
    assert_translated(problem)
    (bad,) = problems_of(engine.snap, 95.0, 24.9, field="home")
    assert bad.expected == "latitude must be within -90..90 and longitude within -180..180"
    assert_translated(bad)


def test_ranking_problems_are_keyed():
    from types import SimpleNamespace

    from planner.ranking import _check_weights, choose_child, rank_units

    family = parse_family(good_family(), today=TODAY)
    (unknown,) = problems_of(choose_child, family, "zz")
    assert unknown.expected == "the id of one of the family's children (c)"
    weights = problems_of(_check_weights, {"price": 1, "catchment": -1})
    assert [p.expected for p in weights] == [
        "one of extra_commute, child_day, catchment, free_places, provider", "a number of 0 or more"]
    (zero,) = problems_of(_check_weights, {k: 0 for k in ("extra_commute", "child_day", "catchment",
                                                            "free_places", "provider")})
    (home,) = problems_of(rank_units, family, SimpleNamespace())
    assert home.expected == 'the family\'s home as {"lat", "lon"} or {"address"}'
    home_care = family.with_children(tuple(c.__class__(c.id, c.birth_date, "home") for c in family.children))
    (no_need,) = problems_of(choose_child, home_care, None)
    for problem in [unknown, *weights, zero, home, no_need]:
        assert_translated(problem)


def test_route_points_and_timeline_months_are_keyed():
    from planner.money.timeline import check_months
    from planner.network.commands import parse_point

    (text,) = problems_of(parse_point, "60.17;24.94", "--from")
    (swapped,) = problems_of(parse_point, "124.94,60.17", "--to")
    (months,) = problems_of(check_months, 0, "--months")
    assert months.expected == "a whole number of months from 1 to 120" and months.field == "--months"
    for problem in (text, swapped, months):
        assert_translated(problem)


def test_every_problem_text_exists_and_formats_in_every_language():
    english = {k: v for k, v in load_texts("en").items() if k.startswith("problems.")}
    assert len(english) >= 40
    for lang in LANGUAGES:
        path_texts = json.loads((LOCALES_DIR / lang / "problems.json").read_text(encoding="utf-8"))
        assert set(path_texts) == set(english), lang
        for key, text in path_texts.items():
            names = set(re.findall(r"\{(\w+)\}", english[key]))
            filled = text.format(**{name: "X" for name in names}) if names else text
            assert not LEFTOVER.search(filled), (lang, key)


def test_scenario_problems_are_keyed_and_keep_their_english_text():
    from planner.siting.scenario import Scenario
    from planner.units import Unit

    top = problems_of(Scenario.from_dict, {"format": "x", "version": 2, "name": " ", "description": 3,
                                           "changes": {}})
    assert [p.expected for p in top] == ["'planner-scenario'", "1", "a non-empty text", "a text",
                                         "a list of changes"]
    changes = problems_of(Scenario.from_dict, {"changes": [
        3,
        {"action": "add", "unit_id": "n1", "colour": "red"},
        {"action": "grow", "unit_id": " "},
        {"action": "add", "unit_id": "n2", "lat": 95, "lon": 200, "capacity_seats": -1, "name": 5},
        {"action": "resize", "unit_id": "u1"},
    ]})
    assert [p.expected for p in changes] == [
        "an object with action and unit_id",
        "one of the fields action, unit_id, name, lat, lon, address, capacity_seats, caretakers",
        "lat and lon (or an address) for 'add'",
        "one of add, move, resize, close", "a non-empty unit id",
        "a WGS84 latitude between -90 and 90", "a WGS84 longitude between -180 and 180",
        "a number, 0 or more", "a text", "capacity_seats or caretakers for 'resize'"]
    scenario = Scenario.from_dict({"changes": [{"action": "add", "unit_id": "u1", "lat": 60.2, "lon": 24.9},
                                               {"action": "close", "unit_id": "zz"},
                                               {"action": "add", "unit_id": "a9", "address": "Foo 1"}]})
    applied = problems_of(scenario.apply, [Unit(unit_id="u1", name="U1", lat=60.1, lon=24.9)])
    assert [p.field for p in applied] == ["changes[0].unit_id", "changes[1].unit_id", "changes[2].address"]
    assert changes[0].expected_in("fi") == "anna olio, jossa on action ja unit_id"
    for problem in top + changes + applied:
        assert_translated(problem)


def test_candidate_file_problems_are_keyed(tmp_path):
    from planner.siting.commands import Candidate, check_candidates_reachable, load_candidates

    rows = tmp_path / "rows.csv"
    rows.write_text("id,lat,lon,capacity_seats\n,60,24,\nc1,95,24,\nc1,60,200,-5\n", encoding="utf-8")
    header = tmp_path / "header.csv"
    header.write_text("id,x,y\n1,2,3\n", encoding="utf-8")
    geometry = tmp_path / "line.geojson"
    geometry.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": '
                        '{"type": "LineString", "coordinates": []}, "properties": {"id": "a"}}]}', encoding="utf-8")
    found = problems_of(load_candidates, rows) + problems_of(load_candidates, header) \
        + problems_of(load_candidates, geometry) + problems_of(load_candidates, tmp_path / "none.csv")
    assert [p.expected for p in found] == [
        "a non-empty candidate id", "a WGS84 latitude in decimal degrees (-90..90)",
        "an id not used by an earlier candidate", "a WGS84 longitude in decimal degrees (-180..180)",
        "a number of seats above 0 (or leave empty for no limit)",
        "a header row with id,lat,lon[,capacity_seats] (missing: lat, lon)",
        "a Point with [lon, lat] coordinates (WGS84)",
        "an existing CSV (id,lat,lon[,capacity_seats]) or GeoJSON file"]

    class OutsideEverything:
        def snap_many(self, points, field, on_outside):
            return [None for _ in points]

    found += problems_of(check_candidates_reachable, OutsideEverything(), [Candidate("c1", 60.0, 24.0)])
    for problem in found:
        assert_translated(problem)


def test_units_file_problems_are_keyed_and_keep_their_english_text(tmp_path):
    from planner.units import load_units, parse_opening_hours

    units_csv = tmp_path / "units.csv"
    units_csv.write_text(
        "unit_id,name,lat,lon,address,provider,languages,min_age_months,max_age_months,opening_hours,"
        "shift_care,capacity_seats,caretakers\n"
        "u1,A,60.1,24.9,,,,,,,,,\n"
        "u1,,95,200,,weird,fi;de,x,2.5,Mo-Fr 25:00-17:00,maybe,-3,inf\n"
        ",B,60.1,,,,,36,12,Xx 08:00-16:00,,,\n"
        "u5,D,,,Foo 1,,,,,,,,\n", encoding="utf-8")
    _, problems = load_units(units_csv)
    by_field = {p.field: p.expected for p in problems}
    assert by_field["units row 3 unit_id"] == "a unique unit id; 'u1' is already used in units row 2"
    assert by_field["units row 3 capacity_seats"] == "a number >= 0 (negative values are not allowed)"
    assert by_field["units row 4 max_age_months"] == "at least min_age_months (36); the age range is reversed"
    assert by_field["units row 5 address"] == "lat and lon (addresses are resolved only inside a dataset)"
    assert len(problems) == 16
    crs = tmp_path / "crs.geojson"
    crs.write_text('{"type": "FeatureCollection", "crs": {"properties": {"name": "EPSG:3067"}}, "features": []}',
                   encoding="utf-8")
    problems += load_units(crs)[1] + load_units(tmp_path / "none.csv")[1]
    problems += problems_of(parse_opening_hours, "Mo 08:61-09:00")
    assert problems[-1].expected.startswith("times are HH:MM between 00:00 and 24:00; OSM opening_hours such as")
    for problem in problems:
        assert_translated(problem)
