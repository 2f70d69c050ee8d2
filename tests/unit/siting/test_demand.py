"""Population grids (any CRS, common age column names) and the building-based estimate."""
from __future__ import annotations

import json

import numpy as np
import pytest

from planner.errors import InputError
from planner.siting.demand import AGE_SHARES, DEMAND_COLUMNS, estimate_demand_from_buildings, load_population_grid


def square(x, y, size=250):
    return {"type": "Polygon", "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]}


def write_grid(path, properties_list, crs="EPSG:3067"):
    features = [{"type": "Feature", "properties": props, "geometry": square(385000 + 250 * i, 6672000)}
                for i, props in enumerate(properties_list)]
    data = {"type": "FeatureCollection", "features": features,
            "crs": {"type": "name", "properties": {"name": f"urn:ogc:def:crs:{crs.replace(':', '::')}"}}}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_ykr_style_age_columns_in_etrs_tm35fin(tmp_path):
    path = write_grid(tmp_path / "grid.geojson", [{"ika0_2": 12, "ika3_5": 9, "ika6": 3, "asukkaita": 400},
                                                  {"ika0_2": 0, "ika3_5": 1, "ika6": 0, "asukkaita": 20}])
    grid = load_population_grid(path)
    assert list(grid.columns) == list(DEMAND_COLUMNS)
    assert grid["age_0_2"].tolist() == [12, 0] and grid["age_3_5"].tolist() == [9, 1]
    assert not grid["estimated"].any()
    # the centroid of the first 250 m cell, back in WGS84 (Helsinki centre is near 60.17 N, 24.94 E)
    assert 60.1 < grid.loc[0, "lat"] < 60.2 and 24.9 < grid.loc[0, "lon"] < 25.0
    assert grid.loc[1, "lon"] > grid.loc[0, "lon"]


def test_column_names_are_case_insensitive(tmp_path):
    path = write_grid(tmp_path / "grid.geojson", [{"AGE_0_2": 5, "Age_3_5": 4, "AGE_6": 1}])
    assert load_population_grid(path).loc[0, ["age_0_2", "age_3_5", "age_6"]].tolist() == [5, 4, 1]


def test_three_to_six_group_is_split_and_marked_estimated(tmp_path):
    path = write_grid(tmp_path / "grid.geojson", [{"he_0_2": 10, "he_3_6": 8}])
    grid = load_population_grid(path)
    assert grid.loc[0, ["age_0_2", "age_3_5", "age_6"]].tolist() == [10, 6, 2]
    assert grid["estimated"].all()


def test_total_only_uses_the_stated_shares(tmp_path):
    path = write_grid(tmp_path / "grid.geojson", [{"population": 1000}, {"population": -1}])
    grid = load_population_grid(path)
    assert grid.loc[0, "age_0_2"] == pytest.approx(1000 * AGE_SHARES["age_0_2"])
    assert grid.loc[0, "age_3_5"] == pytest.approx(29)
    assert grid.loc[1, "age_6"] == 0                     # suppressed (negative) cell read as 0
    assert grid["estimated"].all()


def test_file_without_counts_is_an_input_error(tmp_path):
    path = write_grid(tmp_path / "grid.geojson", [{"name": "x"}])
    with pytest.raises(InputError) as info:
        load_population_grid(path)
    assert info.value.fields() == {"population"}
    with pytest.raises(InputError):
        load_population_grid(tmp_path / "missing.gpkg")
    (tmp_path / "broken.geojson").write_text("{nope", encoding="utf-8")
    with pytest.raises(InputError):
        load_population_grid(tmp_path / "broken.geojson")


@pytest.mark.realdata
def test_real_hsy_grid_has_totals_only(realdata):
    grid = load_population_grid(realdata / "helsinki_population" / "hsy_population_grid_2020_centre.gpkg")
    assert len(grid) == 92
    assert grid["total"].sum() == 71724
    assert grid["estimated"].all()
    children = grid[["age_0_2", "age_3_5", "age_6"]].sum().sum()
    assert children == pytest.approx(71724 * 0.064)
    assert grid["lat"].between(60.15, 60.18).all() and grid["lon"].between(24.90, 24.96).all()


def test_building_estimate_from_the_real_helsinki_extract(helsinki_pbf):
    demand = estimate_demand_from_buildings(helsinki_pbf)
    assert list(demand.columns) == list(DEMAND_COLUMNS)
    assert demand["estimated"].all()
    assert len(demand) > 20
    # Kluuvi, Kaartinkaupunki and part of Kruununhaka: the HSY 2020 cells whose centre lies in the
    # extract's box hold 5,374 residents; the calibrated rules give ≈ 4,860 (the old rules ≈ 24,000)
    assert 3_500 < demand["total"].sum() < 7_000
    assert np.allclose(demand["age_0_2"], demand["total"] * AGE_SHARES["age_0_2"])
    assert demand["lat"].between(60.1, 60.25).all()


# --- the building rules, on a small synthetic OSM file (pyosmium) -------------------------------------

def _write_osm(path, ways):
    """Write squares (x, y, size in EPSG:3067 metres, tags) as closed OSM ways; returns the path."""
    import osmium
    from pyproj import Transformer

    to_wgs = Transformer.from_crs(3067, 4326, always_xy=True)
    writer = osmium.SimpleWriter(str(path))
    node_id = 1
    for way_id, (x, y, size, tags) in enumerate(ways, start=1):
        ids = []
        for cx, cy in ((x, y), (x + size, y), (x + size, y + size), (x, y + size)):
            lon, lat = to_wgs.transform(cx, cy)
            writer.add_node(osmium.osm.mutable.Node(id=node_id, location=(lon, lat), tags={}))
            ids.append(node_id)
            node_id += 1
        writer.add_way(osmium.osm.mutable.Way(id=way_id, nodes=ids + [ids[0]], tags=tags))
    writer.close()
    return path


X0, Y0 = 386000.0, 6672000.0   # central Helsinki in EPSG:3067


@pytest.fixture
def synthetic_pbf(tmp_path):
    return _write_osm(tmp_path / "town.osm.pbf", [
        # landuse polygons: residential west, commercial east (a 20 m gap between them)
        (X0, Y0, 400, {"landuse": "residential"}),
        (X0 + 420, Y0, 400, {"landuse": "commercial"}),
        # residential landuse: 20 m × 20 m = 400 m² footprints
        (X0 + 10, Y0 + 10, 20, {"building": "apartments", "building:levels": "6"}),      # 400 × 5 / 50 = 40
        (X0 + 50, Y0 + 10, 20, {"building": "yes"}),                                   # 400 × 3 × 0.75 / 50 = 18
        (X0 + 90, Y0 + 10, 20, {"building": "yes", "shop": "supermarket"}),            # use tag: 0
        (X0 + 130, Y0 + 10, 20, {"building": "yes", "tourism": "museum", "name:sv": "x"}),  # in pyrosm's tags: 0
        (X0 + 170, Y0 + 10, 20, {"building": "office", "building:levels": "5"}),       # not homes: 0
        (X0 + 210, Y0 + 10, 20, {"building": "house"}),                                # 400 × 1.5 / 50 = 12
        (X0 + 250, Y0 + 10, 20, {"building": "yes", "building:use": "residential"}),   # residential use: 18
        # commercial landuse: an untyped building is not homes, a tagged block of flats still is
        (X0 + 430, Y0 + 10, 20, {"building": "yes", "building:levels": "5"}),           # 0
        (X0 + 470, Y0 + 10, 20, {"building": "apartments", "building:levels": "2"}),    # 400 × 2 / 50 = 16
        # no landuse around it: half; 6.4 m high = 2 floors (no ground-floor deduction under 3 floors)
        (X0 + 1000, Y0 + 10, 20, {"building": "yes", "height": "6.4"}),                # 400 × 2 × 0.5 / 50 = 8
    ])


def test_building_rules_hand_worked(synthetic_pbf):
    from planner.siting.demand import estimate_building_residents

    per_building = estimate_building_residents(synthetic_pbf)
    got = sorted(round(float(r), 1) for r in per_building["residents"])
    assert got == [8.0, 12.0, 16.0, 18.0, 18.0, 40.0]
    assert set(per_building["building"]) == {"apartments", "yes", "house"}
    row = per_building.loc[per_building["residents"].round(1) == 40.0].iloc[0]
    assert row["home_floors"] == 5 and row["home_share"] == 1.0 and row["landuse"] == "residential"
    assert row["floor_area_m2"] == pytest.approx(2400, rel=1e-3)


def test_demand_from_synthetic_buildings(synthetic_pbf):
    demand = estimate_demand_from_buildings(synthetic_pbf, cell_m=None)
    assert list(demand.columns) == list(DEMAND_COLUMNS)
    assert demand["total"].sum() == pytest.approx(112.0, rel=1e-3)
    assert demand["age_3_5"].sum() == pytest.approx(112.0 * AGE_SHARES["age_3_5"], rel=1e-3)
    assert demand["estimated"].all()
    assert "50 m² per resident" in demand.loc[0, "source"] and "town.osm.pbf" in demand.loc[0, "source"]
    cells = estimate_demand_from_buildings(synthetic_pbf, cell_m=100.0)
    assert cells["total"].sum() == pytest.approx(demand["total"].sum())
    assert len(cells) < len(demand)


def test_floor_rules():
    import pandas as pd

    from planner.siting.demand import building_levels, home_floors, home_share

    kind = pd.Series(["apartments", "yes", "yes", "house", "church"])
    levels = building_levels(kind, pd.Series(["7", None, "abc", None, None]),
                             pd.Series([None, "12.8 m", None, None, None]))
    assert levels.tolist() == [7.0, 4.0, 4.0, 1.5, 2.0]       # tag; 12.8 m / 3.2 m; defaults
    assert home_floors(levels).tolist() == [6.0, 3.0, 3.0, 1.5, 2.0]
    share = home_share(pd.Series(["apartments", "yes", "yes", "yes", "yes", "school"]),
                       pd.Series(["commercial", "residential", None, "industrial", "residential", "residential"]),
                       np.array([False, False, False, False, True, False]))
    assert share.tolist() == [1.0, 0.75, 0.5, 0.0, 0.0, 0.0]


def test_missing_extract_is_a_data_error(tmp_path):
    from planner.errors import DataError

    with pytest.raises(DataError):
        estimate_demand_from_buildings(tmp_path / "none.osm.pbf")
