"""The real HSY population grid (totals only) as demand on the default dataset's walking network."""
from __future__ import annotations

import numpy as np
import pytest

from planner.errors import InputError


@pytest.mark.realdata
def test_hsy_grid_demand_on_the_default_dataset(realdata):
    from planner.datasets import load_dataset
    from planner.siting.demand import load_population_grid
    from planner.siting.scenario import Change, Scenario, SitingInputs, TravelTimes, evaluate

    dataset = load_dataset()
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
