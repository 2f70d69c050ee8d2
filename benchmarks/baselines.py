"""The street engine beside igraph and networkit on the same graphs and the same snapped points.

    .venv/bin/python benchmarks/baselines.py [--quick]

For every graph (the default dataset's walk/bike/car, Tampere's when built or buildable from
$PLANNER_REALDATA, and a SYNTHETIC 500 x 500 grid): one-to-all from a point and a 1,000 x 100 point
matrix. The peers get the points exactly as ours are snapped: each point is a virtual node joined to
its edge's end nodes with the access times, added to the peer's graph once (graph building is not
timed for anybody); values are checked equal. Ratio = ours / peer (< 1: ours faster). Wall and CPU
time: the machine may be shared (the load average is printed).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from planner.network.engine import TravelTimeEngine  # noqa: E402

ROWS: list[dict] = []


def timed(func, repeat: int) -> tuple[float, float, object]:
    """Median wall and CPU ms over ``repeat`` runs after one warm-up; the last result."""
    result = func()
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        result = func()
        walls.append(1000 * (time.perf_counter() - start))
        cpus.append(1000 * (time.process_time() - cpu))
    return statistics.median(walls), statistics.median(cpus), result


def report(label: str, ours: tuple[float, float], peers: dict[str, tuple[float, float]]) -> None:
    parts = [f"{label:<58} ours {ours[0]:9.1f} ms ({ours[1]:8.1f} CPU)"]
    for name, (wall, cpu) in peers.items():
        parts.append(f"{name} {wall:9.1f} ms ({cpu:8.1f} CPU) ratio {ours[1] / cpu:5.2f}")
    print("  |  ".join(parts), flush=True)
    ROWS.append({"label": label, "ours": ours, "peers": peers})


class Peers:
    """igraph and networkit copies of an engine's graph plus virtual nodes for given snaps."""

    def __init__(self, engine: TravelTimeEngine, snaps: list, reverse: bool):
        csr = engine._rev if reverse else engine._fwd   # reverse: searches run *to* the snaps
        coo = csr.tocoo()
        n = engine.n
        u, v, w = [coo.row], [coo.col], [coo.data]
        for k, snap in enumerate(snaps):          # virtual node n + k -> end nodes
            ends = snap.entries if reverse else snap.exits
            u.append(np.full(len(ends), n + k)); v.append(np.array([e[0] for e in ends]))
            w.append(np.maximum(np.array([e[1] for e in ends], dtype=float), 1e-9))
        self.u, self.v, self.w = np.concatenate(u), np.concatenate(v), np.concatenate(w)
        self.n_total = n + len(snaps)
        self.n = n

    def igraph(self):
        import igraph as ig

        g = ig.Graph(n=self.n_total, edges=np.column_stack([self.u, self.v]), directed=True)
        g.es["w"] = self.w
        return g

    def networkit(self):
        import networkit as nk

        g = nk.GraphFromCoo((self.w, (self.u.astype(np.uint64), self.v.astype(np.uint64))), n=self.n_total,
                            weighted=True, directed=True)
        return g


def random_points(engine: TravelTimeEngine, count: int, seed: int) -> list[tuple[float, float]]:
    """Random points inside the engine's area (retried until they snap within 500 m)."""
    rng = np.random.default_rng(seed)
    south, west, north, east = engine.bbox
    out: list[tuple[float, float]] = []
    while len(out) < count:
        cand = np.column_stack([rng.uniform(south, north, count), rng.uniform(west, east, count)])
        snaps = engine.snap_many([tuple(p) for p in cand], on_outside="none")
        out += [tuple(p) for p, s in zip(cand, snaps) if s is not None]
    return out[:count]


def gather(dist_rows: np.ndarray, engine: TravelTimeEngine, snaps: list, reverse: bool) -> np.ndarray:
    """Rows of node distances -> point values (entries of each snap), as the engine does."""
    nodes, times = engine._end_arrays(snaps, reverse=reverse)
    return np.min(dist_rows[:, nodes] + times[None, :, :], axis=2)


def bench_graph(name: str, engine: TravelTimeEngine, quick: bool) -> None:
    import networkit as nk

    print(f"== {name}: {engine.n} nodes, {engine._fwd.nnz} edges", flush=True)
    point = random_points(engine, 1, seed=3)[0]
    snap = engine.snap(*point)
    ours = timed(lambda: engine.times_from(*point), 5 if quick else 10)
    peers = Peers(engine, [snap], reverse=False)
    ig_graph, nk_graph = peers.igraph(), peers.networkit()
    ig_t = timed(lambda: np.array(ig_graph.distances(source=[peers.n], weights="w")[0]), 3 if quick else 5)

    def nk_one():
        d = nk.distance.Dijkstra(nk_graph, peers.n, storePaths=False)
        d.run()
        values = np.array(d.getDistances())
        return np.where(values > 1e300, np.inf, values)
    nk_t = timed(nk_one, 3 if quick else 5)
    want = ours[2]
    got_ig = ig_t[2][: engine.n]
    assert np.allclose(np.where(np.isfinite(want), want, -1), np.where(np.isfinite(got_ig), got_ig, -1), atol=1e-6)
    report(f"{name}: one-to-all from a point", ours[:2], {"igraph": ig_t[:2], "networkit": nk_t[:2]})

    origins = random_points(engine, 1000, seed=21)
    destinations = random_points(engine, 100, seed=22)
    ours = timed(lambda: engine.matrix(origins, destinations), 1 if quick else 3)
    o_snaps, d_snaps = engine.snap_many(origins), engine.snap_many(destinations)
    # the peers run from the smaller side too: 100 searches on the reverse graph from the destinations
    peers = Peers(engine, d_snaps, reverse=True)
    ig_graph, nk_graph = peers.igraph(), peers.networkit()
    sources = list(range(peers.n, peers.n_total))
    nodes, times = engine._end_arrays(o_snaps, reverse=True)
    targets = np.unique(nodes[np.isfinite(times)])

    def ig_matrix():
        dist = np.array(ig_graph.distances(source=sources, target=targets.tolist(), weights="w"))
        full = np.full((len(sources), engine.n), np.inf)
        full[:, targets] = dist
        return gather(full, engine, o_snaps, reverse=True).T
    ig_t = timed(ig_matrix, 1)

    def nk_matrix():
        full = np.full((len(sources), engine.n), np.inf)
        for k, s in enumerate(sources):   # a multi-target Dijkstra per source (stops at the targets)
            d = nk.distance.MultiTargetDijkstra(nk_graph, s, targets.tolist())
            d.run()
            values = np.array(d.getDistances())
            full[k, targets] = np.where(values > 1e300, np.inf, values)
        return gather(full, engine, o_snaps, reverse=True).T
    nk_t = timed(nk_matrix, 1)
    want = ours[2]
    got = ig_t[2]
    same_edge = np.array([[o.edge == d.edge for d in d_snaps] for o in o_snaps])
    ok = np.isfinite(want) & ~same_edge
    assert np.allclose(want[ok], got[ok], atol=1e-6), "igraph and ours differ"
    assert np.allclose(want[ok], nk_t[2][ok], atol=1e-6), "networkit and ours differ"
    report(f"{name}: 1,000 x 100 point matrix", ours[:2], {"igraph": ig_t[:2], "networkit": nk_t[:2]})


def engines_to_run() -> list[tuple[str, TravelTimeEngine]]:
    from planner.datasets import load_dataset

    out = []
    for dataset_name in (None, "tampere"):
        try:
            dataset = load_dataset(dataset_name)
        except Exception as error:  # noqa: BLE001 - a missing dataset is reported, not fatal
            print(f"  (dataset {dataset_name or 'default'} not available: {error})")
            continue
        for mode in ("walk", "bike", "car"):
            if mode in dataset.modes:
                out.append((f"{dataset.name} {mode}", dataset.engine(mode)))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--skip-synthetic", action="store_true")
    args = parser.parse_args(argv)
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; ratio = ours / peer "
          "CPU time (< 1: ours faster)")
    for name, engine in engines_to_run():
        bench_graph(name, engine, args.quick)
    if not args.skip_synthetic:
        from routing import synthetic_grid   # benchmarks/routing.py

        bench_graph("SYNTHETIC grid 500x500", TravelTimeEngine(synthetic_grid()), args.quick)


if __name__ == "__main__":
    main()
