"""Units files: every bad row is reported with its row number and column; good rows load."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.errors import Problem
from planner.units import Unit, load_units, units_from_json, units_to_json

HEADER = ("unit_id,name,lat,lon,provider,languages,min_age_months,max_age_months,opening_hours,"
          "shift_care,preschool,capacity_seats,caretakers,free_seats,demo\n")
GOOD = "u1,Päiväkoti Yksi,60.17,24.94,municipal,fi;sv,12,72,Mo-Fr 06:30-17:00,false,true,,9,2,false\n"


def write(tmp_path: Path, text: str, name: str = "units.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def fields_of(problems: list[Problem]) -> list[str]:
    return [p.field for p in problems]


def test_a_good_row_gives_a_unit_with_every_column(tmp_path):
    units, problems = load_units(write(tmp_path, HEADER + GOOD))
    assert problems == []
    (unit,) = units
    assert unit == Unit(unit_id="u1", name="Päiväkoti Yksi", lat=60.17, lon=24.94, provider="municipal",
                        languages=("fi", "sv"), min_age_months=12, max_age_months=72,
                        opening_hours="Mo-Fr 06:30-17:00", shift_care=False, preschool=True,
                        caretakers=9.0, free_seats=2.0, source="file:units.csv")
    assert unit.seats == 63.0  # 9 caretakers x 7


@pytest.mark.parametrize("row, field, fragment", [
    (",Nimi,60.17,24.94,,,,,,,,,,,\n", "units row 3 unit_id", "non-empty"),
    ("u2,,60.17,24.94,,,,,,,,,,,\n", "units row 3 name", "name"),
    ("u2,Nimi,,,,,,,,,,,,,\n", "units row 3 lat", "lat and lon"),
    ("u2,Nimi,91,24.94,,,,,,,,,,,\n", "units row 3 lat", "-90..90"),
    ("u2,Nimi,60.17,abc,,,,,,,,,,,\n", "units row 3 lon", "a number"),
    ("u2,Nimi,60.17,,,,,,,,,,,,\n", "units row 3 lon", "both lat and lon"),
    ("u2,Nimi,60.17,24.94,kindergarten,,,,,,,,,,\n", "units row 3 provider", "municipal, voucher"),
    ("u2,Nimi,60.17,24.94,,fi;de,,,,,,,,,\n", "units row 3 languages", "fi, sv, en"),
    ("u2,Nimi,60.17,24.94,,,72,12,,,,,,,\n", "units row 3 max_age_months", "reversed"),
    ("u2,Nimi,60.17,24.94,,,,,,,,-5,,,\n", "units row 3 capacity_seats", "negative"),
    ("u2,Nimi,60.17,24.94,,,,,,,,,-1,,\n", "units row 3 caretakers", "negative"),
    ("u2,Nimi,60.17,24.94,,,,,,,,,,-2,\n", "units row 3 free_seats", "negative"),
    ("u1,Nimi,60.17,24.94,,,,,,,,,,,\n", "units row 3 unit_id", "already used in units row 2"),
    ("u2,Nimi,60.17,24.94,,,,,Mo-Fr 6-17,,,,,,\n", "units row 3 opening_hours", "Mo-Fr 06:30-17:00"),
    ("u2,Nimi,60.17,24.94,,,,,,maybe,,,,,\n", "units row 3 shift_care", "true or false"),
    ("u2,Nimi,60.17,24.94,,,1.5,,,,,,,,\n", "units row 3 min_age_months", "whole"),
])
def test_each_kind_of_bad_row_is_named_with_row_and_column(tmp_path, row, field, fragment):
    units, problems = load_units(write(tmp_path, HEADER + GOOD + row))
    assert [u.unit_id for u in units] == ["u1"]  # the good row survives
    assert fields_of(problems) == [field]
    assert fragment in problems[0].expected


def test_every_bad_row_is_reported_not_just_the_first(tmp_path):
    text = HEADER + GOOD + "u2,,60.17,24.94,,,,,,,,,,,\n" + "\n" + "u3,X,60.17,24.94,,xx,,,,,,-1,,,\n"
    units, problems = load_units(write(tmp_path, text))
    # The blank line is skipped but still counted: u3 is on spreadsheet row 5.
    assert fields_of(problems) == ["units row 3 name", "units row 5 languages", "units row 5 capacity_seats"]
    assert [u.unit_id for u in units] == ["u1"]


def test_semicolon_separated_csv_and_finnish_words(tmp_path):
    text = ("unit_id;name;lat;lon;provider;languages;shift_care\n"
            "a;Päiväkoti A;60,17;24,94;palveluseteli;fi,sv;kyllä\n")
    units, problems = load_units(write(tmp_path, text))
    assert problems == []
    assert units[0].provider == "voucher" and units[0].languages == ("fi", "sv")
    assert units[0].lat == 60.17 and units[0].shift_care is True


def test_missing_columns_and_missing_file_give_one_clear_problem(tmp_path):
    _, problems = load_units(write(tmp_path, "id,title\n1,x\n"))
    assert fields_of(problems) == ["units columns"] and "unit_id" in problems[0].expected
    _, problems = load_units(tmp_path / "nope.csv", field="--units")
    assert fields_of(problems) == ["--units"]


def test_address_rows_need_a_dataset_to_be_placed(tmp_path):
    text = "unit_id,name,address\nu1,Nimi,Aleksanterinkatu 5\n"
    units, problems = load_units(write(tmp_path, text))
    assert units == [] and fields_of(problems) == ["units row 2 address"]


def test_address_rows_are_placed_with_the_address_index_or_named(tmp_path):
    from planner.geocode import AddressEntry, AddressIndex

    index = AddressIndex([AddressEntry("Aleksanterinkatu", "5", 60.1691, 24.9506)])
    text = "unit_id,name,address\nu1,Yksi,Aleksanterinkatu 5\nu2,Kaksi,Olematon tie 3\n"
    units, problems = load_units(write(tmp_path, text), addresses=index)
    assert [(u.unit_id, u.lat, u.lon) for u in units] == [("u1", 60.1691, 24.9506)]
    assert fields_of(problems) == ["units row 3 address"]
    assert "unknown address" in problems[0].expected


def geojson(features: list[dict]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": features})


def point(lon, lat, **props) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props}


def test_geojson_points_with_properties_as_columns(tmp_path):
    text = geojson([
        point(24.94, 60.17, unit_id="g1", name="Yksi", languages=["fi", "en"], capacity_seats=40, demo=True),
        point(24.95, 60.18, unit_id="g2", name="Kaksi", provider="nobody"),
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
         "properties": {"unit_id": "g3", "name": "Kolme"}},
        point(24.95, 60.18, unit_id="g4", name="Neljä", max_age_months=-3),
    ])
    units, problems = load_units(write(tmp_path, text, "units.geojson"))
    assert [(u.unit_id, u.languages, u.capacity_seats, u.demo) for u in units] == [("g1", ("fi", "en"), 40.0, True)]
    assert fields_of(problems) == ["units feature 2 provider", "units feature 3 geometry",
                                   "units feature 4 max_age_months"]


def test_geojson_in_a_projected_crs_is_refused(tmp_path):
    data = {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3879"}},
            "features": [point(25496000, 6672000, unit_id="a", name="A")]}
    _, problems = load_units(write(tmp_path, json.dumps(data), "u.geojson"))
    assert fields_of(problems) == ["units crs"]


def test_units_round_trip_through_json():
    unit = Unit("x", "X", 60.0, 25.0, languages=("sv",), caretakers=3.0, demo=True)
    data = json.loads(json.dumps(units_to_json([unit])))
    assert data[0]["seats"] == 21.0
    assert units_from_json(data) == [unit]
