"""Door-to-door transit on a hand-made street graph: access, ride, footpath transfer, egress, window."""
from __future__ import annotations

import argparse
import math
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from planner.errors import InputError
from planner.network.engine import TravelTimeEngine
from planner.network.gtfs import load_feed
from planner.network.transit import TransitRouter, parse_depart, percentiles_s, route_command_transit


def street_graph(make_graph):
    """x-axis street 0..3000 m and a y-street at x=1500 from 0..1500 m, nodes every 100 m, 1 m/s."""
    xy = [(x, 0.0) for x in range(0, 3001, 100)]
    index = {p: i for i, p in enumerate(xy)}
    edges = []
    for x in range(0, 3000, 100):
        a, b = index[(x, 0.0)], index[(x + 100, 0.0)]
        edges += [(a, b, 100.0), (b, a, 100.0)]
    prev = index[(1500, 0.0)]
    for y in range(100, 1501, 100):
        xy.append((1500, float(y)))
        cur = len(xy) - 1
        edges += [(prev, cur, 100.0), (cur, prev, 100.0)]
        prev = cur
    return make_graph("walk", xy, edges, speed_ms=1.0)


def write_feed(folder: Path, at) -> Path:
    folder.mkdir()
    stops = {"A0": at(0, 0), "A1": at(1500, 0), "B0": at(1500, 200), "B1": at(1500, 1500)}
    (folder / "stops.txt").write_text("stop_id,stop_name,stop_lat,stop_lon\n" + "".join(
        f"{k},Stop {k},{v[0]:.8f},{v[1]:.8f}\n" for k, v in stops.items()))
    (folder / "routes.txt").write_text("route_id,route_short_name,route_type\nA,11,3\nB,4,0\n")
    (folder / "trips.txt").write_text("route_id,service_id,trip_id\nA,WK,a1\nB,WK,b1\nB,WK,b2\n")
    (folder / "stop_times.txt").write_text(
        "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
        "a1,08:00:00,08:00:00,A0,1\na1,08:05:00,08:05:00,A1,2\n"
        "b1,08:08:00,08:08:00,B0,1\nb1,08:11:00,08:11:00,B1,2\n"
        "b2,08:09:00,08:09:00,B0,1\nb2,08:12:00,08:12:00,B1,2\n")
    (folder / "calendar.txt").write_text(
        "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
        "WK,1,1,1,1,1,0,0,20250101,20251231\n")
    return folder


@pytest.fixture
def router(tmp_path, make_graph, at):
    engine = TravelTimeEngine(street_graph(make_graph))
    return TransitRouter.from_feed(load_feed(write_feed(tmp_path / "feed", at)), engine)


def test_transfer_by_footpath_hand_worked(router, at):
    # 07:59 at A0: wait, bus 11 08:00-08:05, walk 200 m (200 s) to B0 at 08:08:20 (b1 gone), tram 4 08:09-08:12
    depart = datetime(2025, 3, 5, 7, 59)
    times = router.one_to_many(at(0, 0), [at(1500, 1500), at(1500, 1400), at(2900, 0)], depart)
    np.testing.assert_allclose(times, [780.0, 880.0, 2900.0], atol=0.01)
    route = router.route(at(0, 0), at(1500, 1500), depart)
    assert [leg["kind"] for leg in route.legs] == ["walk", "ride", "transfer", "ride", "walk"]
    assert route.legs[1]["route"] == "11" and route.legs[3]["route"] == "4"
    assert route.legs[3]["trip"] == "b2"
    assert route.legs[2]["travel_time_s"] == pytest.approx(200.0)
    assert route.legs[1]["wait_s"] == pytest.approx(60.0)
    assert route.travel_time_s == pytest.approx(780.0)
    assert route.arrive == datetime(2025, 3, 5, 8, 12)
    assert route.distance_m == pytest.approx(route.legs[2]["distance_m"] + 1500 + 1300, rel=0.01)


def test_walking_wins_when_faster(router, at):
    route = router.route(at(0, 0), at(300, 0), datetime(2025, 3, 5, 7, 59))
    assert [leg["kind"] for leg in route.legs] == ["walk"]
    assert route.travel_time_s == pytest.approx(300.0)


def test_one_to_all_matches_one_to_many_at_nodes(router, at):
    depart = datetime(2025, 3, 5, 7, 59)
    node_times = router.one_to_all(at(0, 0), depart)
    graph = router.graph
    top = int(np.argmin(np.hypot(graph.x - graph.x[0] - 1500, graph.y - graph.y[0] - 1500)))
    assert node_times[top] == pytest.approx(780.0)
    assert node_times[0] == pytest.approx(0.0)


def test_window_median_and_spread(router, at):
    # departures 07:59, 08:00, 08:01 -> 780, 720, 3000 (missed the only bus 11: walk 3000 m)
    stats = router.window(at(0, 0), [at(1500, 1500)], datetime(2025, 3, 5, 7, 59), 3)
    np.testing.assert_allclose(stats["travel_times_s"][:, 0], [780.0, 720.0, 3000.0], atol=0.01)
    assert stats["median_s"][0] == pytest.approx(780.0)
    assert stats["p10_s"][0] == pytest.approx(732.0)
    assert stats["p90_s"][0] == pytest.approx(2556.0)


def test_percentiles_do_not_interpolate_with_unreachable():
    values = np.array([[100.0], [200.0], [math.inf]])
    p10, p50, p90 = percentiles_s(values)
    assert p50[0] == pytest.approx(200.0) and math.isinf(p90[0]) and p10[0] == pytest.approx(120.0)


def test_no_service_on_the_date_names_date_and_range(router, at):
    with pytest.raises(InputError) as info:
        router.one_to_many(at(0, 0), [at(1500, 1500)], datetime(2026, 3, 4, 8, 0))
    problem = info.value.problems[0]
    assert problem.field == "--date" and problem.value == "2026-03-04"
    assert "2025-01-01 .. 2025-12-31" in problem.expected


def test_route_command_transit_keys(router, at):
    class Dataset:
        name = "test"

        def transit(self):
            return router

    o, d = at(0, 0), at(1500, 1500)
    args = argparse.Namespace(origin=f"{o[0]},{o[1]}", destination=f"{d[0]},{d[1]}", depart="07:59",
                              date="2025-03-05", window=3, lang="fi", mode="transit")
    out = route_command_transit(args, Dataset())
    for key in ("travel_time_s", "distance_m", "mode", "legs", "depart", "arrive", "median_s", "p10_s", "p90_s"):
        assert key in out
    assert out["mode"] == "transit" and out["travel_time_s"] == pytest.approx(780.0)
    assert out["legs"][1]["text"].startswith("bussi 11 klo 08:00")
    assert out["median_s"] == pytest.approx(780.0)


def test_route_command_input_errors(router):
    class Dataset:
        name = "plain"

        def transit(self):
            return None

    base = dict(origin="60.1,24.9", destination="60.1,24.9", depart="08:00", date="2025-03-05", window=0, lang="en")
    with pytest.raises(InputError) as info:
        route_command_transit(argparse.Namespace(**base), Dataset())
    assert info.value.problems[0].field == "--mode"
    with pytest.raises(InputError) as info:
        route_command_transit(argparse.Namespace(**dict(base, origin="north")), Dataset())
    assert info.value.problems[0].field == "--from"
    with pytest.raises(InputError):
        parse_depart("25:00", None)
    with pytest.raises(InputError) as info:
        parse_depart("08:00", "2025-02-30")
    assert info.value.problems[0].field == "--date"
