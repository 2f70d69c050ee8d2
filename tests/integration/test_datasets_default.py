"""The embedded default dataset (real central Helsinki 2024) and the ``demo`` fixture: build, list, load,
reuse; CLI errors. Built once into a temp folder."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from planner.cli import main

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def default_dir(tmp_path_factory) -> Path:
    from planner.datasets import build_default_dataset

    folder = tmp_path_factory.mktemp("datasets")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PLANNER_DATA_DIR", str(folder))
        build_default_dataset()
    return folder


@pytest.fixture()
def in_default_dir(default_dir, monkeypatch) -> Path:
    monkeypatch.setenv("PLANNER_DATA_DIR", str(default_dir))
    return default_dir


def run(capsys, *argv: str) -> tuple[int, dict | None, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def test_data_list_shows_the_default_with_its_summary(in_default_dir, capsys):
    code, result, _ = run(capsys, "data", "list", "--lang", "fi")
    assert code == 0
    (summary,) = result["datasets"]
    assert summary["name"] == "helsinki-centre"
    # the walk network's hull over the 5.4 x 3.4 km extract (data/osm/README.md), part of it sea
    assert 12.0 < summary["area_km2"] < 19.0
    assert 30 <= summary["units"] <= 46 and summary["demo"] is False
    assert summary["modes"] == ["walk", "bike", "car", "transit"]
    roles = {p["role"]: p for p in summary["provenance"]}
    assert roles["osm"]["licence"] == "ODbL 1.0"
    assert roles["osm"]["sha256"] == "255a360262905cbf2839de223fa4d192165dab6ab318ce80e488b50e34a2a2ce"
    assert roles["population"]["licence"] == "CC BY 4.0" and "HSY" in roles["population"]["attribution"]
    assert roles["catchments"]["derived"] is True
    assert "Kamppi" in summary["covers"] and "2024" in summary["covers"]  # which area, in the --lang language
    assert any("väestöruudukko" in note.casefold() for note in summary["notes"])  # Finnish notes with --lang fi
    ring = summary["outline"]  # the area's outline for maps: a closed WGS84 ring inside the bbox
    west, south, east, north = summary["bbox"]
    assert ring[0] == ring[-1] and len(ring) > 10
    assert all(west - 0.01 < lon < east + 0.01 and south - 0.01 < lat < north + 0.01 for lon, lat in ring)
    assert not any(key.startswith("_") for key in summary)


def test_the_default_has_units_catchments_addresses_and_graphs(in_default_dir):
    from planner.datasets import load_dataset

    dataset = load_dataset(None)
    assert load_dataset("helsinki-centre") is dataset  # cached per process
    assert not any(u.demo for u in dataset.units)
    assert all(u.source.startswith("osm:") and u.unit_id.startswith("osm-") for u in dataset.units)
    assert dataset.meta["units_far_from_network"] == ["osm-way-123027945"]  # Päiväkoti Suomenlinna, an island
    municipal = [u for u in dataset.units if u.provider == "municipal"
                 and u.unit_id not in dataset.meta["units_far_from_network"]]
    # derived areas: one per Finnish-language municipal unit the walking network reaches (not the island's);
    # Daghemmet Axel (Swedish only) has its own Swedish area and no Finnish one; the French-language unit none
    finnish = [u for u in municipal if "fi" in u.languages]
    swedish = [u for u in municipal if "sv" in u.languages]
    assert [u.name for u in municipal if "fi" not in u.languages and "sv" not in u.languages] == \
        ["Ranskankielinen päiväkoti"]
    assert dataset.catchments.derived and sorted(dataset.catchments.polygons) == sorted(u.unit_id for u in finnish)
    assert sorted(dataset.catchments.language_polygons["sv"]) == sorted(u.unit_id for u in swedish)
    assert "Daghemmet Axel" in [u.name for u in swedish] and len(finnish) == 23
    for unit in finnish:
        assert dataset.catchments.unit_for(unit.lat, unit.lon) == unit.unit_id
    axel = next(u for u in swedish if u.name == "Daghemmet Axel")
    assert dataset.catchments.unit_for(axel.lat, axel.lon) != axel.unit_id      # a Finnish area is not Axel's
    assert dataset.catchments.unit_for(axel.lat, axel.lon, language="sv") == axel.unit_id
    assert dataset.addresses.resolve("Aleksanterinktu 5") == pytest.approx((60.1691, 24.9506), abs=1e-3)
    walk = dataset.graph("walk")
    assert walk.time_s.shape[0] == dataset.meta["counts"]["walk_nodes"] > 30_000
    west, south, east, north = dataset.meta["bbox"]
    assert 24.89 < west < 24.90 and 24.98 < east < 24.995 and 60.146 < south < 60.15 and 60.17 < north < 60.18
    demand = dataset.demand
    assert {"lat", "lon", "age_0_2", "age_3_5", "age_6", "estimated"} <= set(demand.columns)
    grid = demand[demand["source"] == "hsy_population_grid_2020_centre.gpkg"]
    assert len(grid) == 92 and grid["total"].sum() == pytest.approx(71_724)  # the HSY cells, as published
    assert (demand["source"] != grid["source"].iloc[0]).sum() > 0  # estimated outside the grid's cells


@pytest.mark.parametrize("address, lat, lon", [
    # one real address in each part of the default area (positions from the map, ±100 m)
    ("Mannerheimintie 1", 60.1681, 24.9414), ("Bulevardi 10", 60.1655, 24.9409),
    ("Pursimiehenkatu 5", 60.1605, 24.9407), ("Katajanokanlaituri 5", 60.1666, 24.9620),
    ("Ruoholahdenkatu 4", 60.1661, 24.9297), ("Runeberginkatu 5", 60.1692, 24.9283),
    ("Itäinen Puistotie 1", 60.1590, 24.9557), ("Kristianinkatu 5", 60.1758, 24.9586),
    ("Jätkäsaarenlaituri 1", 60.1609, 24.9216), ("Merikatu 1", 60.1561, 24.9496),
])
def test_an_address_anywhere_in_the_default_area_is_found(in_default_dir, address, lat, lon):
    from planner.datasets import load_dataset

    assert load_dataset().addresses.resolve(address) == pytest.approx((lat, lon), abs=1e-3)


def test_the_demo_fixture_keeps_the_nine_fictional_units(in_default_dir):
    from planner.datasets import load_dataset

    demo = load_dataset("demo")
    assert [u.unit_id for u in demo.units] == [f"demo-{i}" for i in range(1, 10)]
    assert all(u.demo and u.name.startswith("Demo: ") for u in demo.units) and demo.meta["demo"] is True
    assert "transit" in demo.modes and demo.meta["covers"] == "data.covers.demo"


def test_derived_catchments_cover_every_walk_node(in_default_dir):
    from planner.catchment import label_nodes
    from planner.datasets import load_dataset

    dataset = load_dataset()
    walk = dataset.graph("walk")
    municipal = sorted((u for u in dataset.units if u.provider == "municipal" and "fi" in u.languages
                        and u.unit_id not in dataset.meta["units_far_from_network"]), key=lambda u: u.unit_id)
    label, _ = label_nodes(walk, municipal)   # the main (Finnish) areas
    rng = np.random.default_rng(7)
    reached = np.flatnonzero(label >= 0)
    for node in rng.choice(reached, size=300, replace=False):
        assert dataset.catchments.unit_for(walk.lat[node], walk.lon[node]) == municipal[label[node]].unit_id
    inside = [dataset.catchments.unit_for(la, lo) for la, lo in zip(walk.lat, walk.lon)]
    assert None not in inside  # every node, reachable or not, lies in some area


def test_the_engine_and_transit_load_lazily(in_default_dir):
    pytest.importorskip("planner.network.engine")
    from planner.datasets import load_dataset

    dataset = load_dataset()
    engine = dataset.engine("walk")
    assert engine is dataset.engine("walk")
    if "transit" in dataset.modes:  # the OSM-derived feed of data/transit/ is present
        assert dataset.transit_feed_path().is_file()
        assert dataset.transit() is not None and dataset.transit() is dataset.transit()
        assert dataset.meta["transit"]["stops"] > 0
        osm_gtfs = [p for p in dataset.meta["provenance"] if p["role"] == "gtfs"]
        assert osm_gtfs[0]["derived"] is True and osm_gtfs[0]["licence"] == "ODbL 1.0"
    else:
        assert dataset.transit() is None


def test_a_second_build_with_unchanged_inputs_is_reused(in_default_dir):
    from planner.datasets import build_default_dataset

    before = (in_default_dir / "helsinki-centre" / "dataset.json").stat().st_mtime_ns
    summary = build_default_dataset()
    assert summary["reused"] is True
    assert (in_default_dir / "helsinki-centre" / "dataset.json").stat().st_mtime_ns == before


def test_unknown_dataset_names_the_flag_and_lists_the_available(in_default_dir):
    from planner.datasets import load_dataset
    from planner.errors import InputError

    with pytest.raises(InputError) as caught:
        load_dataset("espoo")
    problem = caught.value.problems[0]
    assert problem.field == "--dataset" and "helsinki-centre" in problem.expected


def test_build_errors_name_each_flag(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PLANNER_DATA_DIR", str(tmp_path))
    code, result, err = run(capsys, "data", "build", "--units", "x.csv")
    assert code == 2 and result is None
    assert "--name" in err and "--osm" in err and "Traceback" not in err
    code, _, err = run(capsys, "data", "build", "--name", "bad name!", "--osm", "missing.osm.pbf")
    assert code == 2 and "--name" in err
    code, _, err = run(capsys, "data", "build", "--name", "x", "--osm", str(tmp_path / "missing.osm.pbf"),
                       "--units", str(tmp_path / "nope.csv"))
    assert code == 2 and "--osm" in err and "--units" in err
    code, _, err = run(capsys, "data", "build", "--default", "--osm", "x.pbf")
    assert code == 2 and "--osm" in err
    code, _, err = run(capsys, "data", "build", "--name", "helsinki-centre", "--osm", "x.osm.pbf")
    assert code == 2 and "reserved" in err
    assert not any(tmp_path.iterdir())  # nothing half-built is left behind


def test_a_units_file_with_bad_rows_stops_the_build_listing_every_row(helsinki_pbf, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PLANNER_DATA_DIR", str(tmp_path / "data"))
    units = tmp_path / "units.csv"
    units.write_text("unit_id,name,lat,lon,address,languages\n"
                     "a,Yksi,60.17,24.94,,fi\n"
                     "b,Kaksi,,,Aleksanterinktu 5,fi\n"      # typo, resolved inside the dataset
                     "c,Kolme,,,Olematon katu 1,fi\n"
                     "d,Neljä,60.17,24.94,,de\n", encoding="utf-8")
    code, _, err = run(capsys, "data", "build", "--name", "bad-units", "--osm", str(helsinki_pbf), "--units", str(units))
    assert code == 2
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(lines) == 2
    assert "--units row 4 address" in lines[0] and "--units row 5 languages" in lines[1]
    assert not (tmp_path / "data" / "bad-units").exists()


def test_bad_gtfs_population_and_catchment_files_name_their_flags(helsinki_pbf, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PLANNER_DATA_DIR", str(tmp_path / "data"))
    bad_zip = tmp_path / "feed.zip"
    bad_zip.write_text("not a zip")
    empty = tmp_path / "empty.geojson"
    empty.write_text('{"type": "FeatureCollection", "features": []}')
    for flag, path in (("--gtfs", bad_zip), ("--population", empty), ("--catchments", empty)):
        code, _, err = run(capsys, "data", "build", "--name", "x", "--osm", str(helsinki_pbf), flag, str(path))
        assert code == 2 and f"error: {flag}" in err and str(tmp_path / "data") not in err
    assert not any(p.name == "x" for p in (tmp_path / "data").iterdir())


def test_units_outside_the_map_are_flagged(helsinki_pbf, tmp_path, monkeypatch):
    from planner.datasets import build_dataset

    monkeypatch.setenv("PLANNER_DATA_DIR", str(tmp_path))
    units = tmp_path / "units.csv"
    units.write_text("unit_id,name,lat,lon\nin,Sisällä,60.1702,24.9458\nout,Tampereella,61.4978,23.7610\n",
                     encoding="utf-8")
    summary = build_dataset("far", helsinki_pbf, units=units, estimate_demand=False)
    assert summary["units_far_from_network"] == ["out"]
    assert "data.note.units_far_from_network" in summary["notes"]
    assert summary["demand"] is None and summary["units"] == 2


def test_a_file_that_is_no_pbf_or_is_cut_short_is_an_input_error(helsinki_pbf, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PLANNER_DATA_DIR", str(tmp_path / "data"))
    fake = tmp_path / "fake.osm.pbf"
    fake.write_text("not a pbf")
    cut = tmp_path / "cut.osm.pbf"
    cut.write_bytes(helsinki_pbf.read_bytes()[:300_000])  # a valid header, then the data ends
    for path, words in ((fake, "readable OpenStreetMap extract"), (cut, "complete, readable .osm.pbf")):
        code, result, err = run(capsys, "data", "build", "--name", "x", "--osm", str(path))
        assert code == 2 and result is None and "Traceback" not in err
        assert err.startswith("error: --osm:") and words in err and path.name in err
    assert not (tmp_path / "data" / "x").exists()


def test_the_built_transit_walk_cache_is_used_and_gives_the_uncached_answers(in_default_dir):
    from datetime import datetime

    from planner.datasets import load_dataset
    from planner.network.gtfs import load_feed
    from planner.network.transit import TransitRouter

    dataset = load_dataset()
    if "transit" not in dataset.modes:
        pytest.skip("the default dataset was built without the derived feed")
    assert (dataset.path / "transit" / "walk_cache.npz").is_file()
    cached = dataset.transit()
    assert cached.walk_cache_used
    plain = TransitRouter.from_feed(load_feed(dataset.transit_feed_path()), dataset.engine("walk"))
    assert not plain.walk_cache_used
    assert (cached.egress != plain.egress).nnz == 0
    for name in ("indptr", "to", "time_s"):
        assert np.array_equal(getattr(cached.footpaths, name), getattr(plain.footpaths, name))
    depart = datetime(2026, 11, 30, 8, 0)
    origin = (60.1699, 24.9384)
    np.testing.assert_array_equal(cached.one_to_all(origin, depart), plain.one_to_all(origin, depart))


def test_data_list_shows_an_unreadable_dataset_instead_of_hiding_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PLANNER_DATA_DIR", str(tmp_path))
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "dataset.json").write_text("{", encoding="utf-8")
    code, result, _ = run(capsys, "data", "list")
    assert code == 0 and result["datasets"] == []
    assert [item["name"] for item in result["unreadable"]] == ["broken"]
    assert "rebuild" in result["unreadable"][0]["problem"]


def test_the_transit_walking_limit_is_a_setting(helsinki_pbf, tmp_path, monkeypatch, capsys):
    from planner.datasets import load_dataset
    from planner.datasets.store import DEMO_GTFS_PATH, DEMO_UNITS_PATH

    monkeypatch.setenv("PLANNER_DATA_DIR", str(tmp_path))
    code, result, err = run(capsys, "data", "build", "--name", "walk25", "--osm", str(helsinki_pbf), "--units",
                            str(DEMO_UNITS_PATH), "--gtfs", str(DEMO_GTFS_PATH), "--transit-walk-min", "25")
    assert code == 0, err
    assert result["transit"]["walk_limit_s"] == 1500.0
    router = load_dataset("walk25").transit()
    assert router.max_access_s == router.max_egress_s == 1500.0 and router.walk_cache_used
    for bad in ("0", "nan", "600"):
        code, _, err = run(capsys, "data", "build", "--name", "walk-bad", "--osm", str(helsinki_pbf),
                           "--transit-walk-min", bad)
        assert code == 2 and "--transit-walk-min" in err
    code, _, err = run(capsys, "data", "build", "--default", "--transit-walk-min", "20")
    assert code == 2 and "--transit-walk-min" in err
