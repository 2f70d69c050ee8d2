"""RAPTOR equals a brute-force search on a time-expanded graph (networkx), on hand-made and random feeds."""
from __future__ import annotations

import math
import random
from datetime import date
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from planner.network.gtfs import load_feed
from planner.network.raptor import Footpaths, Timetable, earliest_arrival

DAY = date(2025, 3, 5)  # a Wednesday


def hms(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def write_feed(folder: Path, n_stops: int, trips: list[dict], frequencies: list[tuple] = ()) -> Path:
    """trips: dicts with id, route, service, stops [(stop, arr_s, dep_s, pickup, dropoff)]."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "agency.txt").write_text("agency_id,agency_name,agency_url,agency_timezone\n"
                                       "A,Test,https://example.org,Europe/Helsinki\n")
    (folder / "stops.txt").write_text("stop_id,stop_name,stop_lat,stop_lon\n" + "".join(
        f"S{i},Stop {i},{60.16 + i * 0.001:.6f},{24.93 + i * 0.001:.6f}\n" for i in range(n_stops)))
    routes = sorted({t["route"] for t in trips})
    (folder / "routes.txt").write_text("route_id,route_short_name,route_type\n" + "".join(
        f"{r},{r},3\n" for r in routes))
    (folder / "trips.txt").write_text("route_id,service_id,trip_id\n" + "".join(
        f"{t['route']},{t['service']},{t['id']}\n" for t in trips))
    lines = ["trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type,drop_off_type\n"]
    for t in trips:
        for seq, (s, a, d, up, down) in enumerate(t["stops"]):
            lines.append(f"{t['id']},{hms(a)},{hms(d)},S{s},{seq * 10 + 1},{0 if up else 1},{0 if down else 1}\n")
    (folder / "stop_times.txt").write_text("".join(lines))
    (folder / "calendar.txt").write_text(
        "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
        "WK,1,1,1,1,1,0,0,20250101,20251231\nWE,0,0,0,0,0,1,1,20250101,20251231\n")
    (folder / "calendar_dates.txt").write_text("service_id,date,exception_type\nXTRA,20250305,1\n")
    if frequencies:
        (folder / "frequencies.txt").write_text("trip_id,start_time,end_time,headway_secs,exact_times\n" + "".join(
            f"{tid},{hms(a)},{hms(b)},{h},{e}\n" for tid, a, b, h, e in frequencies))
    return folder


def expand(trips: list[dict], frequencies) -> list[dict]:
    """The brute force's own frequency expansion and service selection (independent of gtfs.py)."""
    active = {"WK", "XTRA"}
    by_id = {t["id"]: t for t in trips}
    templated = {f[0] for f in frequencies}
    out = [t for t in trips if t["service"] in active and t["id"] not in templated]
    for tid, start, end, headway, _exact in frequencies:
        t = by_id[tid]
        if t["service"] not in active:
            continue
        first = t["stops"][0][2]
        k = 0
        while start + k * headway < end:
            shift = start + k * headway - first
            out.append({**t, "id": f"{tid}#{k}",
                        "stops": [(s, a + shift, d + shift, up, dn) for s, a, d, up, dn in t["stops"]]})
            k += 1
    return out


def brute_force(trips: list[dict], n_stops: int, access: dict[int, float], footpaths: dict[tuple[int, int], float]
                ) -> np.ndarray:
    """Earliest arrival per stop by reachability on a time-expanded event graph."""
    g = nx.DiGraph()
    g.add_node("src")
    waits: dict[int, set] = {s: set() for s in range(n_stops)}
    for s, t in access.items():
        g.add_edge("src", ("wait", s, t))
        waits[s].add(t)
        for (x, y), w in footpaths.items():
            if x == s:
                g.add_edge("src", ("wait", y, t + w))
                waits[y].add(t + w)
    for t in trips:
        st = t["stops"]
        for i, (s, a, d, up, down) in enumerate(st):
            g.add_edge(("arr", t["id"], i), ("dep", t["id"], i))
            if i + 1 < len(st):
                g.add_edge(("dep", t["id"], i), ("arr", t["id"], i + 1))
            if down and i > 0:
                g.add_edge(("arr", t["id"], i), ("wait", s, a))
                waits[s].add(a)
                for (x, y), w in footpaths.items():
                    if x == s:
                        g.add_edge(("arr", t["id"], i), ("wait", y, a + w))
                        waits[y].add(a + w)
    for t in trips:
        for i, (s, a, d, up, down) in enumerate(t["stops"]):
            if up and i + 1 < len(t["stops"]):
                for w in waits[s]:
                    if w <= d:
                        g.add_edge(("wait", s, w), ("dep", t["id"], i))
    reach = nx.descendants(g, "src")
    best = np.full(n_stops, math.inf)
    for node in reach:
        if node[0] == "wait":
            best[node[1]] = min(best[node[1]], node[2])
    return best


def run_raptor(folder: Path, n_stops: int, access: dict[int, float], footpaths: dict[tuple[int, int], float]):
    feed = load_feed(folder)
    index = feed.stop_index_of
    fp = Footpaths.from_pairs(len(feed.stop_ids), [(index[f"S{a}"], index[f"S{b}"], w)
                                                     for (a, b), w in footpaths.items()])
    table = Timetable.from_trips(feed.trips_on(DAY), len(feed.stop_ids), fp)
    acc = np.full(len(feed.stop_ids), math.inf)
    for s, t in access.items():
        acc[index[f"S{s}"]] = t
    result = earliest_arrival(table, acc, max_transfers=40, horizon_s=1e9)
    return np.array([result.arrival_s[index[f"S{s}"]] for s in range(n_stops)]), result, index


def random_feed(rng: random.Random, frequency_based: bool):
    n_stops = rng.randint(6, 11)
    trips, freqs = [], []
    for r in range(rng.randint(3, 6)):
        seq = rng.sample(range(n_stops), rng.randint(2, min(6, n_stops)))
        flags = [(rng.random() > 0.1, rng.random() > 0.1) for _ in seq]
        for k in range(rng.randint(1, 4)):
            t = rng.randint(7 * 3600, 9 * 3600)
            stops = []
            for s, (up, down) in zip(seq, flags):
                dwell = rng.choice([0, 0, 30])
                stops.append((s, t, t + dwell, up, down))
                t += dwell + rng.randint(60, 600)
            tid = f"R{r}T{k}"
            trips.append({"id": tid, "route": f"R{r}", "service": rng.choice(["WK", "WK", "WE", "XTRA"]),
                          "stops": stops})
            if frequency_based and rng.random() < 0.7:
                start = rng.randint(6 * 3600, 8 * 3600)
                freqs.append((tid, start, start + rng.randint(600, 5400), rng.choice([300, 420, 600, 900]),
                              rng.randint(0, 1)))
    footpaths = {}
    for _ in range(rng.randint(0, 8)):
        a, b = rng.sample(range(n_stops), 2)
        footpaths[(a, b)] = float(rng.randint(60, 400))
    access = {s: float(7 * 3600 + 30 * 60 + rng.randint(0, 900)) for s in rng.sample(range(n_stops), rng.randint(1, 3))}
    return n_stops, trips, freqs, footpaths, access


def test_hand_made_transfer_beats_waiting(tmp_path):
    # stop 0 -> 1 by A (08:00-08:10), walk 1 -> 2 (120 s), 2 -> 3 by B (08:15-08:25); direct C 0->3 arrives 08:40
    trips = [
        {"id": "a1", "route": "A", "service": "WK", "stops": [(0, 28800, 28800, 1, 1), (1, 29400, 29400, 1, 1)]},
        {"id": "b1", "route": "B", "service": "WK", "stops": [(2, 29700, 29700, 1, 1), (3, 30300, 30300, 1, 1)]},
        {"id": "c1", "route": "C", "service": "WK", "stops": [(0, 29000, 29000, 1, 1), (3, 31200, 31200, 1, 1)]},
    ]
    folder = write_feed(tmp_path / "f", 4, trips)
    fps = {(1, 2): 120.0}
    got, result, index = run_raptor(folder, 4, {0: 28700.0}, fps)
    assert got.tolist() == [28700.0, 29400.0, 29520.0, 30300.0]
    legs = result.journey(index["S3"])
    assert [leg["kind"] for leg in legs] == ["access", "ride", "transfer", "ride"]
    assert legs[1]["trip"] == "a1" and legs[3]["trip"] == "b1"
    np.testing.assert_array_equal(got, brute_force(trips, 4, {0: 28700.0}, fps))


def test_missed_connection_waits_for_the_next_trip(tmp_path):
    trips = [
        {"id": "a1", "route": "A", "service": "WK", "stops": [(0, 28800, 28800, 1, 1), (1, 29400, 29400, 1, 1)]},
        {"id": "b1", "route": "B", "service": "WK", "stops": [(1, 29300, 29300, 1, 1), (2, 29500, 29500, 1, 1)]},
        {"id": "b2", "route": "B", "service": "WK", "stops": [(1, 29900, 29900, 1, 1), (2, 30100, 30100, 1, 1)]},
    ]
    folder = write_feed(tmp_path / "f", 3, trips)
    got, result, index = run_raptor(folder, 3, {0: 28800.0}, {})
    assert got[2] == 30100.0
    assert result.journey(index["S2"])[-1]["trip"] == "b2"


def test_no_boarding_where_pickup_is_forbidden(tmp_path):
    trips = [{"id": "a1", "route": "A", "service": "WK",
              "stops": [(0, 28800, 28800, 0, 1), (1, 29400, 29400, 1, 1), (2, 29600, 29600, 1, 1)]}]
    folder = write_feed(tmp_path / "f", 3, trips)
    got, _, _ = run_raptor(folder, 3, {0: 28000.0}, {})
    assert math.isinf(got[1]) and math.isinf(got[2])


def test_weekend_service_does_not_run_on_wednesday(tmp_path):
    trips = [{"id": "w1", "route": "W", "service": "WE", "stops": [(0, 28800, 28800, 1, 1), (1, 29400, 29400, 1, 1)]},
             {"id": "x1", "route": "X", "service": "XTRA", "stops": [(0, 29000, 29000, 1, 1), (1, 29500, 29500, 1, 1)]}]
    folder = write_feed(tmp_path / "f", 2, trips)
    got, _, _ = run_raptor(folder, 2, {0: 28000.0}, {})
    assert got[1] == 29500.0  # only the calendar_dates extra service runs


def test_overtaking_trips_are_split_into_separate_patterns(tmp_path):
    # slow s1 departs first, express s2 departs later but arrives earlier at stop 2
    trips = [
        {"id": "s1", "route": "A", "service": "WK", "stops": [(0, 28800, 28800, 1, 1), (1, 29400, 29400, 1, 1), (2, 30600, 30600, 1, 1)]},
        {"id": "s2", "route": "A", "service": "WK", "stops": [(0, 28900, 28900, 1, 1), (1, 29100, 29100, 1, 1), (2, 29300, 29300, 1, 1)]},
    ]
    folder = write_feed(tmp_path / "f", 3, trips)
    got, _, _ = run_raptor(folder, 3, {0: 28700.0}, {})
    assert got.tolist() == [28700.0, 29100.0, 29300.0]


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("frequency_based", [False, True])
def test_random_feeds_equal_brute_force(tmp_path, seed, frequency_based):
    rng = random.Random(1000 + seed)
    n_stops, trips, freqs, footpaths, access = random_feed(rng, frequency_based)
    folder = write_feed(tmp_path / "f", n_stops, trips, freqs)
    got, result, index = run_raptor(folder, n_stops, access, footpaths)
    want = brute_force(expand(trips, freqs), n_stops, access, footpaths)
    np.testing.assert_array_equal(got, want)
    # every reconstructed journey ends at its stop at the reported time and is consistent in time
    for s in range(n_stops):
        if math.isfinite(got[s]):
            legs = result.journey(index[f"S{s}"])
            assert legs[-1]["to_stop"] == index[f"S{s}"]
            assert legs[-1]["arrive_s"] == got[s]
            clock = legs[0]["arrive_s"]
            for leg in legs[1:]:
                assert leg["depart_s"] >= clock
                clock = leg["arrive_s"]


def test_max_transfers_limits_the_number_of_vehicles(tmp_path):
    trips = [{"id": f"t{i}", "route": f"R{i}", "service": "WK",
              "stops": [(i, 28800 + i * 600, 28800 + i * 600, 1, 1), (i + 1, 29100 + i * 600, 29100 + i * 600, 1, 1)]}
             for i in range(4)]
    folder = write_feed(tmp_path / "f", 5, trips)
    feed = load_feed(folder)
    table = Timetable.from_trips(feed.trips_on(DAY), len(feed.stop_ids))
    acc = np.full(5, math.inf)
    acc[feed.stop_index_of["S0"]] = 28000.0
    two = earliest_arrival(table, acc, max_transfers=1)
    four = earliest_arrival(table, acc, max_transfers=3)
    assert math.isfinite(two.arrival_s[feed.stop_index_of["S2"]])
    assert math.isinf(two.arrival_s[feed.stop_index_of["S3"]])
    assert four.arrival_s[feed.stop_index_of["S4"]] == 29100 + 3 * 600


def _trips_of_day(trips: list[tuple[int, list[int], list[bool]]]):
    """TripsOfDay from (route, stops, pickup per stop) rows; times 60 s apart, drop-off everywhere."""
    from planner.network.gtfs import TripsOfDay

    offsets = np.cumsum([0] + [len(stops) for _, stops, _ in trips])
    stops = np.array([s for _, row, _ in trips for s in row], dtype=np.int64)
    pickup = np.array([p for _, _, row in trips for p in row], dtype=bool)
    times = np.arange(len(stops), dtype=float) * 60.0
    return TripsOfDay(np.array([r for r, _, _ in trips], dtype=np.int64), [f"t{i}" for i in range(len(trips))],
                      offsets, stops, times, times, pickup, np.ones(len(stops), dtype=bool))


@pytest.mark.parametrize("multiplier", [None, 0], ids=["hashed", "every-hash-colliding"])
def test_trips_are_grouped_by_route_stops_and_rules(monkeypatch, multiplier):
    from planner.network import raptor

    if multiplier is not None:   # every trip of one length hashes alike: the exact check must split them
        monkeypatch.setattr(raptor, "_HASH_MULTIPLIER", np.uint64(multiplier))
    yes, no = True, False
    day = _trips_of_day([
        (0, [1, 2, 3], [yes, yes, yes]),   # t0
        (0, [4], [yes]),                   # t1: one stop, no pattern (and between two trips of one group)
        (0, [1, 2, 3], [yes, yes, yes]),   # t2: same as t0
        (1, [1, 2, 3], [yes, yes, yes]),   # t3: another route
        (0, [1, 2, 3], [yes, no, yes]),    # t4: no boarding at stop 2
        (0, [3, 2, 1], [yes, yes, yes]),   # t5: the other direction
        (0, [1, 2], [yes, yes]),           # t6: shorter
        (0, [1, 3, 2], [yes, yes, yes]),   # t7: same stops in another order (same first stop: same hash at 0)
        (0, [1, 2, 3], [yes, yes, yes]),   # t8: same as t0
    ])
    groups = {tuple(int(t) for t in members) for members in raptor._same_stops_groups(day).values()}
    assert groups == {(0, 2, 8), (3,), (4,), (5,), (6,), (7,)}
    table = Timetable.from_trips(day, 5)
    assert sorted(p.labels for p in table.patterns) == [["t0", "t2", "t8"], ["t3"], ["t4"], ["t5"], ["t6"], ["t7"]]
