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
from planner.network.transit import (TransitRouter, mode_of_route_type, parse_depart, percentiles_s,
                                     route_command_transit)


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
    # no change margin: the hand-worked times below walk 200 s between stops and board at once
    # (the margin and transfers.txt are worked in test_transfers.py)
    engine = TravelTimeEngine(street_graph(make_graph))
    return TransitRouter.from_feed(load_feed(write_feed(tmp_path / "feed", at)), engine, min_transfer_s=0.0)


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


def test_destinations_outside_the_area(router, at):
    depart = datetime(2025, 3, 5, 7, 59)
    far = at(50_000, 50_000)
    times = router.one_to_many(at(0, 0), [at(1500, 1500), far], depart, on_outside="none")
    assert times[0] == pytest.approx(780.0, abs=0.01) and math.isinf(times[1])
    with pytest.raises(InputError):
        router.one_to_many(at(0, 0), [far], depart)


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
    # the same identifying keys as the walk/bike/car output
    assert out["dataset"] == "test" and out["from"] == [pytest.approx(o[0]), pytest.approx(o[1])]
    assert out["to"] == [pytest.approx(d[0]), pytest.approx(d[1])]


def test_route_command_input_errors(router, at):
    class HasTransit:
        name = "test"

        def transit(self):
            return router

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
    with pytest.raises(InputError) as info:
        inside = "{},{}".format(*at(0, 0))
        route_command_transit(argparse.Namespace(**dict(base, origin=inside, destination="61.5,25.5")), HasTransit())
    assert info.value.problems[0].field == "--to"
    with pytest.raises(InputError):
        parse_depart("25:00", None)
    with pytest.raises(InputError) as info:
        parse_depart("08:00", "2025-02-30")
    assert info.value.problems[0].field == "--date"


# -- door to door equals a brute force on random seeded feeds over a grid of streets -----------------
def hms(t: int) -> str:
    return f"{t // 3600:02d}:{t % 3600 // 60:02d}:{t % 60:02d}"


def _grid(make_graph, n=6, spacing=200.0):
    xy = [(i * spacing, j * spacing) for j in range(n) for i in range(n)]
    edges = []
    for j in range(n):
        for i in range(n):
            k = j * n + i
            for nb in ([k + 1] if i + 1 < n else []) + ([k + n] if j + 1 < n else []):
                edges += [(k, nb, spacing), (nb, k, spacing)]
    return xy, make_graph("walk", xy, edges, speed_ms=1.0)


def _brute_force_stops(trips, access, footpaths, n_stops, change_s=0.0):
    """Earliest arrival per stop on a time-expanded event graph (walk one footpath after each arrival).

    ``change_s``: after a ride, boarding at the same stop needs this long, and every footpath takes
    this long on top of its walk (the router's minimum change time)."""
    import networkx as nx

    g = nx.DiGraph()
    g.add_node("src")
    waits = {s: set() for s in range(n_stops)}

    def arrive(node, s, t, by_ride):
        g.add_edge(node, ("arr", s, t))
        g.add_edge(node, ("wait", s, t + (change_s if by_ride else 0.0)))
        waits[s].add(t + (change_s if by_ride else 0.0))
        for (a, b), w in footpaths.items():
            if a == s:
                g.add_edge(node, ("wait", b, t + w + change_s))
                waits[b].add(t + w + change_s)

    for s, t in access.items():
        arrive("src", s, t, False)
    for tid, stops in trips.items():
        for i, (s, t) in enumerate(stops):
            if i + 1 < len(stops):
                g.add_edge(("ev", tid, i), ("ev", tid, i + 1))
            if i > 0:
                arrive(("ev", tid, i), s, t, True)
    for tid, stops in trips.items():
        for i, (s, t) in enumerate(stops[:-1]):
            for w in waits[s]:
                if w <= t:
                    g.add_edge(("wait", s, w), ("ev", tid, i))
    best = np.full(n_stops, math.inf)
    for node in nx.descendants(g, "src"):
        if node[0] in ("wait", "arr"):
            best[node[1]] = min(best[node[1]], node[2])
    return best


@pytest.mark.parametrize("seed, change_s", [(0, 0.0), (1, 0.0), (2, 0.0), (3, 60.0), (4, 60.0), (5, 60.0)])
def test_door_to_door_equals_brute_force(tmp_path, make_graph, at, seed, change_s):
    import random

    from scipy.sparse.csgraph import dijkstra

    rng = random.Random(500 + seed)
    xy, graph = _grid(make_graph)
    walk = dijkstra(graph.time_s, directed=True)
    stop_nodes = rng.sample(range(len(xy)), 8)
    trips: dict[str, list[tuple[int, int]]] = {}
    for r in range(6):
        seq = rng.sample(range(8), rng.randint(2, 5))
        for k in range(rng.randint(1, 3)):
            t = rng.randint(8 * 3600, 8 * 3600 + 1200)
            stops = []
            for s in seq:
                stops.append((s, t))
                t += rng.randint(30, 150)
            trips[f"r{r}t{k}"] = stops
    folder = tmp_path / "feed"
    folder.mkdir()
    (folder / "stops.txt").write_text("stop_id,stop_name,stop_lat,stop_lon\n" + "".join(
        f"S{k},S{k},{at(*xy[n])[0]:.9f},{at(*xy[n])[1]:.9f}\n" for k, n in enumerate(stop_nodes)))
    (folder / "routes.txt").write_text("route_id,route_short_name,route_type\n" + "".join(
        f"R{r},{r},3\n" for r in range(6)))
    (folder / "trips.txt").write_text("route_id,service_id,trip_id\n" + "".join(
        f"R{tid[1]},WK,{tid}\n" for tid in trips))
    (folder / "stop_times.txt").write_text("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n" + "".join(
        f"{tid},{hms(t)},{hms(t)},S{s},{i}\n"
        for tid, stops in trips.items() for i, (s, t) in enumerate(stops)))
    (folder / "calendar_dates.txt").write_text("service_id,date,exception_type\nWK,20250305,1\n")
    router = TransitRouter.from_feed(load_feed(folder), TravelTimeEngine(graph), transfer_radius_m=350.0,
                                     min_transfer_s=change_s)
    origin = stop_nodes[trips["r0t0"][0][0]]   # start at a boarding stop so transit matters
    t0 = 8 * 3600
    got = router.one_to_all(at(*xy[origin]), datetime(2025, 3, 5, 8, 0))

    access = {k: t0 + walk[origin, n] for k, n in enumerate(stop_nodes) if walk[origin, n] <= 900}
    footpaths = {(a, b): walk[stop_nodes[a], stop_nodes[b]] for a in range(8) for b in range(8)
                 if a != b and math.dist(xy[stop_nodes[a]], xy[stop_nodes[b]]) <= 350}
    best = _brute_force_stops(trips, access, footpaths, 8, change_s)
    want = walk[origin].copy()
    for k, n in enumerate(stop_nodes):
        reach = walk[n] <= 900
        want[reach] = np.minimum(want[reach], best[k] - t0 + walk[n][reach])
    np.testing.assert_allclose(got, want, atol=0.01)
    assert (want < walk[origin] - 1).sum() > 0   # transit matters in every seed


@pytest.mark.parametrize("route_type, mode", [(0, "tram"), (3, "bus"), (109, "rail"), (401, "subway"), (700, "bus"),
                                              (900, "tram"), (1000, "ferry"), (1700, "transit")])
def test_mode_of_route_type(route_type, mode):
    assert mode_of_route_type(route_type) == mode


def test_many_to_one_latest_departure_hand_worked(router, at):
    # arrive by 08:12 at the top: tram b2 (B0 08:09), walk 200 s from A1, bus a1 leaves A0 08:00 -> 720 s;
    # from A1 itself: leave 08:05:40 to walk to B0 for b2 -> 380 s
    target = at(1500, 1500)
    origins = [at(0, 0), at(1500, 0), at(2900, 0)]
    np.testing.assert_allclose(router.many_to_one(origins, target, datetime(2025, 3, 5, 8, 12)),
                               [720.0, 380.0, 2900.0], atol=0.01)
    # by 08:11 only b1 (B0 08:08) works: bus a1 reaches A1 at 08:05, too late for it -> walk 3000 s;
    # from A1 leave 08:04:40 -> 380 s; from x=2900 the stops are beyond the 15 min walk: walk 2900 s
    np.testing.assert_allclose(router.many_to_one(origins, target, datetime(2025, 3, 5, 8, 11)),
                               [3000.0, 380.0, 2900.0], atol=0.01)
    # by 08:10:59 no tram arrives in time: walking only
    np.testing.assert_allclose(router.many_to_one(origins[:1], target, datetime(2025, 3, 5, 8, 10, 59)),
                               [3000.0], atol=0.01)


@pytest.mark.parametrize("seed", range(3))
def test_many_to_one_agrees_with_forward_queries(tmp_path, make_graph, at, seed):
    import random
    from datetime import timedelta

    rng = random.Random(900 + seed)
    xy, graph = _grid(make_graph)
    stop_nodes = rng.sample(range(len(xy)), 8)
    lines = []
    for r in range(6):
        seq = rng.sample(range(8), rng.randint(2, 5))
        for k in range(rng.randint(1, 3)):
            t = rng.randint(8 * 3600, 8 * 3600 + 1200)
            for i, s in enumerate(seq):
                lines.append(f"r{r}t{k},{hms(t)},{hms(t)},S{s},{i}\n")
                t += rng.randint(30, 150)
    folder = tmp_path / "feed"
    folder.mkdir()
    (folder / "stops.txt").write_text("stop_id,stop_name,stop_lat,stop_lon\n" + "".join(
        f"S{k},S{k},{at(*xy[n])[0]:.9f},{at(*xy[n])[1]:.9f}\n" for k, n in enumerate(stop_nodes)))
    (folder / "routes.txt").write_text("route_id,route_short_name,route_type\nR,1,3\n")
    trip_ids = sorted({line.split(",")[0] for line in lines})
    (folder / "trips.txt").write_text("route_id,service_id,trip_id\n" + "".join(f"R,WK,{t}\n" for t in trip_ids))
    (folder / "stop_times.txt").write_text("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n" + "".join(lines))
    (folder / "calendar_dates.txt").write_text("service_id,date,exception_type\nWK,20250305,1\n")
    router = TransitRouter.from_feed(load_feed(folder), TravelTimeEngine(graph), transfer_radius_m=350.0)
    target = at(*xy[stop_nodes[rng.randrange(8)]])
    origins = [at(*xy[n]) for n in rng.sample(range(len(xy)), 10)]
    arrive_by = datetime(2025, 3, 5, 8, 25)
    needed = router.many_to_one(origins, target, arrive_by)
    walk_only = router.walk.many_to_one(origins, target)
    used_transit = 0
    for origin, need, walk in zip(origins, needed, walk_only):
        assert need <= walk + 1e-6
        if need < walk - 1:
            used_transit += 1
            latest = arrive_by - timedelta(seconds=round(need))
            on_time = router.one_to_many(origin, [target], latest)[0]
            assert on_time <= need + 1.0                            # leaving then arrives in time
            late = router.one_to_many(origin, [target], latest + timedelta(seconds=1))[0]
            assert latest + timedelta(seconds=1 + late) > arrive_by  # one second later is too late
    assert used_transit > 0


def _footpaths_pair_by_pair(router, radius_m):
    """The reference: one sparse look-up per stop pair (the router's former set-up code)."""
    from scipy.spatial import cKDTree

    from planner.network.raptor import Footpaths

    ok = np.flatnonzero(router.stop_ok)
    tree = cKDTree(np.column_stack([router.stop_x[ok], router.stop_y[ok]]))
    pairs = []
    for i, j in tree.query_pairs(radius_m, output_type="ndarray"):
        for a, b in ((ok[i], ok[j]), (ok[j], ok[i])):
            t = router._stop_to_stop_s(int(a), int(b))
            if math.isfinite(t):
                pairs.append((int(a), int(b), t))
    return Footpaths.from_pairs(len(router.stop_node), pairs)


def test_footpaths_hand_worked_and_equal_to_pair_by_pair(router):
    from planner.network.transit import TRANSFER_RADIUS_M

    ids = list(router.feed.stop_ids)
    a1, b0 = ids.index("A1"), ids.index("B0")
    fp = router.walk_footpaths
    # A1 (1500, 0) and B0 (1500, 200) are 200 m apart on the y-street at 1 m/s; both ways
    for s, other in ((a1, b0), (b0, a1)):
        to = fp.to[fp.indptr[s]:fp.indptr[s + 1]].tolist()
        assert other in to
        assert fp.time_s[fp.indptr[s] + to.index(other)] == pytest.approx(200.0, abs=1.0)
    reference = _footpaths_pair_by_pair(router, TRANSFER_RADIUS_M)
    for key in ("indptr", "to", "time_s"):
        assert np.array_equal(getattr(fp, key), getattr(reference, key)), key


@pytest.mark.parametrize("seed", range(3))
def test_footpaths_vectorised_equal_pair_by_pair_on_random_stops(tmp_path, make_graph, at, seed):
    import random

    rng = random.Random(900 + seed)
    xy, graph = _grid(make_graph, n=8, spacing=100.0)
    folder = tmp_path / "feed"
    folder.mkdir()
    points = [(rng.uniform(-50, 750), rng.uniform(-50, 750)) for _ in range(25)]
    (folder / "stops.txt").write_text("stop_id,stop_name,stop_lat,stop_lon\n" + "".join(
        f"S{k},S{k},{at(*p)[0]:.9f},{at(*p)[1]:.9f}\n" for k, p in enumerate(points)))
    (folder / "routes.txt").write_text("route_id,route_short_name,route_type\nR,1,3\n")
    (folder / "trips.txt").write_text("route_id,service_id,trip_id\nR,WK,t\n")
    (folder / "stop_times.txt").write_text("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                                           "t,08:00:00,08:00:00,S0,1\nt,08:05:00,08:05:00,S1,2\n")
    (folder / "calendar.txt").write_text(
        "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
        "WK,1,1,1,1,1,0,0,20250101,20251231\n")
    router = TransitRouter.from_feed(load_feed(folder), TravelTimeEngine(graph), transfer_radius_m=300.0)
    reference = _footpaths_pair_by_pair(router, 300.0)
    assert len(reference.to) > 10  # the case is not trivial
    for key in ("indptr", "to", "time_s"):
        assert np.array_equal(getattr(router.walk_footpaths, key), getattr(reference, key)), key


def test_walk_leg_metres_are_real_or_flagged_as_estimated(tmp_path, make_graph, at):
    # two separate streets (no link between them): 0..500 m at y=0 and 0..500 m at y=1000
    xy = [(x, 0.0) for x in range(0, 501, 100)] + [(x, 1000.0) for x in range(0, 501, 100)]
    edges = []
    for base in (0, 6):
        for i in range(5):
            edges += [(base + i, base + i + 1, 100.0), (base + i + 1, base + i, 100.0)]
    router = TransitRouter.from_feed(load_feed(write_feed(tmp_path / "feed", at)),
                                     TravelTimeEngine(make_graph("walk", xy, edges, speed_ms=1.0)))
    metres, path, estimated = router._walk_distance(at(0, 0), at(400, 0))
    assert (metres, estimated) == (pytest.approx(400.0, abs=1.0), False) and len(path) >= 2
    metres, path, estimated = router._walk_distance(at(0, 0), at(0, 1000))
    assert estimated is True and math.isfinite(metres)
    assert metres == pytest.approx(1.3 * 1000.0, rel=0.01)  # 1.3 x the straight line, never inf or 0


def test_route_legs_say_whether_their_metres_are_estimated(router, at):
    route = router.route(at(0, 0), at(1500, 1500), datetime(2025, 3, 3, 7, 55))
    walks = [leg for leg in route.legs if leg["kind"] == "walk"]
    assert walks and all(leg["distance_estimated"] is False for leg in walks)


def test_walk_cache_gives_the_same_router_and_is_ignored_when_stale(tmp_path, make_graph, at):
    from planner.network.transit import walk_cache_key

    graph = street_graph(make_graph)
    graph_path = graph.save(tmp_path / "graph_walk.npz")
    feed_path = write_feed(tmp_path / "feed", at)
    plain = TransitRouter.from_feed(load_feed(feed_path), TravelTimeEngine(graph))
    key = walk_cache_key(feed_path, graph_path)
    cache = plain.save_walk_cache(tmp_path / "walk_cache.npz", key)
    cached = TransitRouter.from_feed(load_feed(feed_path), TravelTimeEngine(graph), walk_cache=cache,
                                     walk_cache_key=key)
    assert cached.walk_cache_used and not plain.walk_cache_used
    assert (cached.egress != plain.egress).nnz == 0
    assert (cached._access_matrix() != plain._access_matrix()).nnz == 0
    for name in ("indptr", "to", "time_s"):
        assert np.array_equal(getattr(cached.footpaths, name), getattr(plain.footpaths, name))
    depart = datetime(2025, 3, 5, 7, 59)
    points = [at(1500, 1500), at(1500, 1400), at(2900, 0), at(700, 0)]
    np.testing.assert_array_equal(cached.one_to_many(at(0, 0), points, depart),
                                  plain.one_to_many(at(0, 0), points, depart))
    np.testing.assert_array_equal(cached.one_to_all(at(0, 0), depart), plain.one_to_all(at(0, 0), depart))
    np.testing.assert_array_equal(cached.many_to_one(points, at(1500, 1500), datetime(2025, 3, 5, 8, 30)),
                                  plain.many_to_one(points, at(1500, 1500), datetime(2025, 3, 5, 8, 30)))
    # another feed or graph changes the key; other router settings do not match the stored ones
    (feed_path / "stops.txt").write_text((feed_path / "stops.txt").read_text().replace("Stop B1", "Stop B-1"))
    assert walk_cache_key(feed_path, graph_path) != key
    stale = TransitRouter.from_feed(load_feed(feed_path), TravelTimeEngine(graph), walk_cache=cache,
                                    walk_cache_key=walk_cache_key(feed_path, graph_path))
    assert not stale.walk_cache_used
    other = TransitRouter.from_feed(load_feed(feed_path), TravelTimeEngine(graph), walk_cache=cache,
                                    walk_cache_key=key, transfer_radius_m=100.0)
    assert not other.walk_cache_used
    (tmp_path / "broken.npz").write_bytes(b"not an npz")
    broken = TransitRouter.from_feed(load_feed(feed_path), TravelTimeEngine(graph),
                                     walk_cache=tmp_path / "broken.npz", walk_cache_key=key)
    assert not broken.walk_cache_used and (broken.egress != plain.egress).nnz == 0


def test_walk_cache_stores_the_access_walks_only_when_they_differ_from_the_egress_walks(tmp_path, make_graph, at):
    from planner.network.transit import walk_cache_key

    feed_path = write_feed(tmp_path / "feed", at)
    # two-way streets: walking to a stop takes as long as walking from it, one matrix is stored
    graph = street_graph(make_graph)
    two_way = TransitRouter.from_feed(load_feed(feed_path), TravelTimeEngine(graph))
    key = walk_cache_key(feed_path, graph.save(tmp_path / "graph_walk.npz"))
    with np.load(two_way.save_walk_cache(tmp_path / "two_way.npz", key)) as data:
        assert bool(data["access_same"]) and "access_data" not in data.files
    # one street piece walkable one way only (x 1400 -> 1500 m at y = 0; back is a 100 m detour's worth)
    xy = [(x, 0.0) for x in range(0, 3001, 100)]
    edges = [(i, i + 1, 100.0) for i in range(30)] + [(i + 1, i, 100.0) for i in range(30) if i != 14]
    edges += [(15, 14, 300.0)]
    one_way = make_graph("walk", xy, edges, speed_ms=1.0)
    key = walk_cache_key(feed_path, one_way.save(tmp_path / "one_way_graph.npz"))
    plain = TransitRouter.from_feed(load_feed(feed_path), TravelTimeEngine(one_way))
    path = plain.save_walk_cache(tmp_path / "one_way.npz", key)
    with np.load(path) as data:
        assert not bool(data["access_same"]) and "access_data" in data.files
    cached = TransitRouter.from_feed(load_feed(feed_path), TravelTimeEngine(one_way), walk_cache=path,
                                     walk_cache_key=key)
    assert cached.walk_cache_used
    assert (cached._access_matrix() != plain._access_matrix()).nnz == 0
    assert (cached._access_matrix() != cached.egress).nnz > 0
    # stop A1 at x = 1500 m from x = 1300 m: 200 s there (with the one-way piece), 300 + 100 s back
    a1 = plain.feed.stop_ids.index("A1")
    node_1300 = 13
    assert plain._access_matrix()[a1, node_1300] == pytest.approx(200.0, abs=1.0)
    assert plain.egress[a1, node_1300] == pytest.approx(400.0, abs=1.0)


# -- minimum change time and transfers.txt (hand-worked on the same streets, 1 m/s) --------------------


def _router_with(tmp_path, make_graph, at, *, transfers: str | None = None, feed=write_feed, **options):
    folder = feed(tmp_path / "feed", at)
    if transfers is not None:
        (folder / "transfers.txt").write_text("from_stop_id,to_stop_id,transfer_type,min_transfer_time\n" + transfers)
    return TransitRouter.from_feed(load_feed(folder), TravelTimeEngine(street_graph(make_graph)), **options)


@pytest.mark.parametrize("transfers, options, expected_s", [
    (None, {"min_transfer_s": 0.0}, 780.0),   # walk A1 -> B0 200 s, at B0 08:08:20: tram b2 08:09
    (None, {}, 3000.0),                       # + the 60 s change margin: 08:09:20, b2 gone: walk all the way
    ("A1,B0,1,\n", {}, 780.0),                # a timed transfer: the walk without margin catches b2 again
    ("A1,B0,2,300\n", {"min_transfer_s": 0.0}, 3000.0),   # 300 s needed for this change: 08:10, b2 gone
    ("A1,B0,3,\n", {"min_transfer_s": 0.0}, 3000.0),      # no transfer possible there
])
def test_a_change_between_stops_follows_the_margin_and_transfers_txt(tmp_path, make_graph, at, transfers, options,
                                                                      expected_s):
    router = _router_with(tmp_path, make_graph, at, transfers=transfers, **options)
    got = router.one_to_many(at(0, 0), [at(1500, 1500)], datetime(2025, 3, 5, 7, 59))
    assert got[0] == pytest.approx(expected_s, abs=0.01)


def same_stop_feed(folder: Path, at) -> Path:
    """Bus 11 A0 08:00 -> A1 08:05; line 7 leaves A1 08:05:30 and 08:20 for B1 (1500, 1500), 2.5 min."""
    folder.mkdir()
    stops = {"A0": at(0, 0), "A1": at(1500, 0), "B1": at(1500, 1500)}
    (folder / "stops.txt").write_text("stop_id,stop_name,stop_lat,stop_lon\n" + "".join(
        f"{k},Stop {k},{v[0]:.8f},{v[1]:.8f}\n" for k, v in stops.items()))
    (folder / "routes.txt").write_text("route_id,route_short_name,route_type\nA,11,3\nD,7,3\n")
    (folder / "trips.txt").write_text("route_id,service_id,trip_id\nA,WK,a1\nD,WK,d1\nD,WK,d2\n")
    (folder / "stop_times.txt").write_text(
        "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
        "a1,08:00:00,08:00:00,A0,1\na1,08:05:00,08:05:00,A1,2\n"
        "d1,08:05:30,08:05:30,A1,1\nd1,08:08:00,08:08:00,B1,2\n"
        "d2,08:20:00,08:20:00,A1,1\nd2,08:22:30,08:22:30,B1,2\n")
    (folder / "calendar.txt").write_text(
        "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
        "WK,1,1,1,1,1,0,0,20250101,20251231\n")
    return folder


@pytest.mark.parametrize("transfers, expected_s", [
    (None, 1410.0),             # 30 s is less than the 60 s margin: line 7 at 08:20, there 08:22:30
    ("A1,A1,2,20\n", 540.0),    # the feed allows 20 s at A1: line 7 at 08:05:30, there 08:08
    ("A1,A1,3,\n", 3000.0),     # no change at A1: walking all the way
])
def test_a_change_at_one_stop_follows_the_margin_and_transfers_txt(tmp_path, make_graph, at, transfers, expected_s):
    router = _router_with(tmp_path, make_graph, at, transfers=transfers, feed=same_stop_feed)
    depart = datetime(2025, 3, 5, 7, 59)
    assert router.one_to_many(at(0, 0), [at(1500, 1500)], depart)[0] == pytest.approx(expected_s, abs=0.01)
    route = router.route(at(0, 0), at(1500, 1500), depart)
    assert route.travel_time_s == pytest.approx(expected_s, abs=0.01)
    if expected_s < 3000:   # the journey shown keeps the change time it was found with
        rides = [leg for leg in route.legs if leg["kind"] == "ride"]
        assert [leg["route"] for leg in rides] == ["11", "7"]
        change = datetime.fromisoformat(rides[1]["depart"]) - datetime.fromisoformat(rides[0]["arrive"])
        assert change.total_seconds() >= (20 if transfers else 60)
    # arriving by a deadline (the reverse search) obeys the same rule: bus 11 leaves A0 at 08:00
    if expected_s < 3000:
        by = datetime(2025, 3, 5, 8, 8) if transfers else datetime(2025, 3, 5, 8, 22, 30)
        want = 480.0 if transfers else 1350.0
        assert router.many_to_one([at(0, 0)], at(1500, 1500), by)[0] == pytest.approx(want, abs=0.01)
