"""Real extracts from ../shared/realdata (skipped when absent): Tampere build + list; Helsinki 2024 units."""
from __future__ import annotations

import json

import pytest

from planner.cli import main

pytestmark = [pytest.mark.slow, pytest.mark.realdata]


def test_osm_units_of_the_2024_helsinki_extract(realdata):
    from planner.datasets.build import osm_units

    units, counts = osm_units(realdata / "helsinki_osm" / "helsinki_centre_2024-08-15.osm.pbf")
    kinds = {}
    for unit in units:
        assert unit.source.startswith("osm:") and unit.capacity_seats is None and not unit.demo
        assert 60.14 < unit.lat < 60.18 and 24.89 < unit.lon < 24.99
    # 42 amenity=kindergarten + 4 amenity=childcare features; 2 are not daycare (a club, adult day
    # activities), Päiväkoti Katajanokka is mapped twice and 2 unnamed areas belong to named units
    assert counts["features"] == 46 and len(units) == 41 and len(counts["left_out"]) == 2
    assert counts["provider_assumed"] <= len(units)
    assert len({u.unit_id for u in units}) == len(units)


def test_tampere_build_and_list(realdata, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PLANNER_DATA_DIR", str(tmp_path))
    tampere = realdata / "tampere"
    code = main(["data", "build", "--name", "tampere", "--osm", str(tampere / "tampere_filtered.osm.pbf"),
                 "--gtfs", str(tampere / "tampere_nysse_gtfs_subset_20211215.zip")])
    built = json.loads(capsys.readouterr().out)
    assert code == 0
    # 45 amenity=kindergarten features: 4 playground areas left out (Nekala x2, Viinikka, one unnamed),
    # 3 unnamed areas merged into the named unit next to them (Tuomikuja x2, Soppeenharju)
    assert built["units"] == 38 and len(built["units_left_out"]) == 4
    assert built["modes"] == ["walk", "bike", "car", "transit"]
    assert 150 < built["area_km2"] < 450  # about 18 x 12 km of bbox, hull of the walk network
    assert built["transit"]["stops"] == 1141 and built["transit"]["valid_from"] == "2021-09-20"
    licences = {p["role"]: p["licence"] for p in built["provenance"] if p["role"] in ("osm", "gtfs")}
    assert licences == {"osm": "ODbL 1.0", "gtfs": "CC BY 4.0"}
    assert built["catchments"]["derived"] is True and built["counts"]["catchments"] >= 30  # municipal units

    assert main(["data", "list"]) == 0
    listed = json.loads(capsys.readouterr().out)["datasets"]
    assert [d["name"] for d in listed] == ["tampere"] and listed[0]["units"] == 38

    from planner.datasets import load_dataset

    dataset = load_dataset("tampere")
    unit = dataset.units_by_id["osm-way-204816081"]  # Tuomikujan päiväkoti
    assert unit.name == "Tuomikujan päiväkoti"
    named_ok = [u for u in dataset.units if u.provider == "municipal" and "fi" in u.languages
                and u.unit_id not in built["catchments"]["units_outside_own_catchment"]]
    assert all(dataset.catchments.unit_for(u.lat, u.lon) == u.unit_id for u in named_ok)
    swedish = [u for u in dataset.units if u.provider == "municipal" and "sv" in u.languages]
    assert all(dataset.catchments.unit_for(u.lat, u.lon, language="sv") == u.unit_id for u in swedish)


def test_population_grid_replaces_the_building_estimate(realdata, helsinki_pbf, tmp_path, monkeypatch):
    from planner.datasets import build_dataset, load_dataset
    from planner.datasets.demo_units import DEMO_UNITS_PATH
    from planner.errors import InputError

    monkeypatch.setenv("PLANNER_DATA_DIR", str(tmp_path))
    grid = realdata / "helsinki_population" / "hsy_population_grid_2020_centre.gpkg"
    summary = build_dataset("grid", helsinki_pbf, units=DEMO_UNITS_PATH, population=grid)
    assert summary["demand"]["rows"] == 92  # the grid's cells, not the buildings
    assert summary["notes"] == ["data.note.demo_units", "data.note.derived_catchments",
                                "data.note.estimated_age_groups"]
    roles = {p["role"]: p for p in summary["provenance"]}
    assert roles["population"]["licence"] == "CC BY 4.0" and "demand" not in roles
    assert load_dataset("grid").demand["total"].sum() == pytest.approx(71_724, rel=1e-6)
    # District polygons (8, each holding several or no demo units) cannot be catchments.
    with pytest.raises(InputError) as caught:
        build_dataset("districts", helsinki_pbf, units=DEMO_UNITS_PATH,
                      catchments=realdata / "helsinki_districts" / "helsinki_city_districts_2021.gpkg")
    assert caught.value.fields() == {"--catchments"} and "none of 8" in str(caught.value)
