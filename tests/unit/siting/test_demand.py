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
    # the extract covers part of central Helsinki: thousands of residents, not millions
    assert 2_000 < demand["total"].sum() < 200_000
    assert np.allclose(demand["age_0_2"], demand["total"] * AGE_SHARES["age_0_2"])
    assert demand["lat"].between(60.1, 60.25).all()
