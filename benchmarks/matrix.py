"""Benchmark of ``python -m planner matrix``: pairs per second per core, 1 vs 2 Dask workers, memory
per worker, and the projected time of the Helsinki region's 13,231 x 13,231 walk, bike and car matrices.

    .venv/bin/python benchmarks/matrix.py [--quick] [--no-tampere]

* Tampere (REAL OpenStreetMap, ../shared/realdata/tampere; skipped when absent): the shipped dataset
  (`data build --tampere`; built once into data/datasets/ when missing, about a minute), then 250 m grid cells x its 45 OSM kindergartens for walk,
  bike and car, in this process, on a LocalCluster of 1 worker and of 2 workers.
* SYNTHETIC 500 x 500 street grid (250,000 nodes, the routing benchmark's): 250 m cells x 100 random
  "units"; single process vs LocalCluster 1 and 2 workers.
* Projection: CPU seconds per origin against 13,231 destinations (random network points), with and
  without distance_m, on the Tampere graphs (151,145 / 135,345 / 63,604 nodes) and on the synthetic
  grid; scaled by n log n to the Helsinki region graph sizes assumed below, times 13,231 origins,
  divided by the cores.

Figures are CPU seconds of the block tasks (``time.process_time`` in each worker), so they say what a
core does; wall times depend on the machine's load, printed at the start and the end (the project's
machine is shared by several developers: read the wall times with that load in mind).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from planner.matrix.points import PointSet  # noqa: E402
from planner.matrix.run import MatrixJob, RunnerChoice, run_matrix  # noqa: E402

REGION_CELLS = 13_231
REGION_AREA_KM2 = REGION_CELLS * 0.0625       # 250 m cells of the Helsinki region Travel Time Matrix
REALDATA = Path(os.environ.get("PLANNER_REALDATA", "/work/shared/realdata"))
if not REALDATA.is_dir():
    REALDATA = ROOT.parent / "shared" / "realdata"


def load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split(" ")[0:3])
    except OSError:  # pragma: no cover
        return "unknown"


def points(kind: str, ids: list[str], xy: np.ndarray, name: str) -> PointSet:
    return PointSet(kind, tuple(ids), np.asarray(xy[:, 0], float), np.asarray(xy[:, 1], float), {"kind": name})


def grid_cells(engine, cell_m: float = 250.0, limit: int | None = None) -> np.ndarray:
    """Centres of cell_m cells over the graph's extent that lie within 200 m of a street (lat, lon)."""
    from planner.network.graph import from_3067

    x, y = engine.graph.x, engine.graph.y
    gx, gy = np.meshgrid(np.arange(x.min() + cell_m / 2, x.max(), cell_m), np.arange(y.min() + cell_m / 2, y.max(), cell_m))
    lat, lon = from_3067(gx.ravel(), gy.ravel())
    snaps = engine.snap_many(list(zip(lat, lon)), field="cells", on_outside="none")
    keep = np.array([s is not None and s.offset_m <= 200 for s in snaps])
    out = np.column_stack([lat[keep], lon[keep]])
    return out[:limit] if limit else out


def network_points(engine, count: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    nodes = rng.choice(engine.graph.n_nodes, size=count, replace=count > engine.graph.n_nodes)
    return np.column_stack([engine.graph.lat[nodes] + rng.normal(0, 2e-5, count),
                            engine.graph.lon[nodes] + rng.normal(0, 4e-5, count)])


def run(job: MatrixJob, runner: RunnerChoice, label: str, pairs: int) -> dict:
    out = Path(tempfile.mkdtemp(prefix="bench-matrix-"))
    try:
        start = time.perf_counter()
        summary = run_matrix(job, out / "m", runner, progress=False)
        wall = time.perf_counter() - start
    finally:
        shutil.rmtree(out, ignore_errors=True)
    cpu = summary["blocks_cpu_s"]
    rss = summary["worker_rss_mb"]
    startup = summary.get("startup_s", 0.0)
    print(f"  {label:<30} wall {wall:6.1f} s ({wall - startup:6.1f} s after {startup:4.1f} s start-up) | block CPU {cpu:7.1f} s | {pairs / cpu:12,.0f} pairs/s/core | "
          f"RSS per worker {', '.join(f'{v:.0f}' for v in rss.values())} MB", flush=True)
    return {"wall_s": wall, "work_s": wall - startup, "cpu_s": cpu, "pairs": pairs, "rss_mb": rss}


def cells_by_units(name: str, dataset_path: Path, cells: np.ndarray, units: np.ndarray, modes: tuple[str, ...],
                   quick: bool) -> dict:
    job = MatrixJob(dataset_path=dataset_path, dataset_name=name,
                    origins=points("grid", [f"c{i}" for i in range(len(cells))], cells, "cells"),
                    destinations=points("units", [f"u{i}" for i in range(len(units))], units, "units"),
                    modes=modes, block_size=max(1, math.ceil(len(units) / 6)))
    pairs = len(cells) * len(units) * len(modes)
    print(f"{name}: {len(cells):,} cells x {len(units)} units x {'/'.join(modes)} = {pairs:,} pairs "
          f"(blocks of {job.block_size} units; load {load()})", flush=True)
    results = {"single": run(job, RunnerChoice("single"), "single process", pairs)}
    if not quick:
        results["dask1"] = run(job, RunnerChoice("local", workers=1), "dask LocalCluster, 1 worker", pairs)
    results["dask2"] = run(job, RunnerChoice("local", workers=2), "dask LocalCluster, 2 workers", pairs)
    if "dask1" in results:
        print(f"  speed-up 2 vs 1 worker: wall {results['dask1']['wall_s'] / results['dask2']['wall_s']:.2f}x, after "
              f"start-up {results['dask1']['work_s'] / results['dask2']['work_s']:.2f}x at load {load()}", flush=True)
    return results


def per_origin(name: str, dataset_path: Path, origins: np.ndarray, dests: np.ndarray, mode: str,
               distances: bool, warm: bool = True) -> float:
    """CPU seconds per origin against len(dests) destinations (one block in this process), after a
    warm-up run that loads the graph and snaps the destinations (a worker does that once per job)."""
    if warm:
        per_origin(name, dataset_path, origins[:2], dests, mode, distances, warm=False)
    job = MatrixJob(dataset_path=dataset_path, dataset_name=name,
                    origins=points("grid", [f"o{i}" for i in range(len(origins))], origins, "origins"),
                    destinations=points("grid", [f"d{i}" for i in range(len(dests))], dests, "destinations"),
                    modes=(mode,), distances=distances, block_size=len(origins))
    out = Path(tempfile.mkdtemp(prefix="bench-matrix-"))
    try:
        summary = run_matrix(job, out / "m", RunnerChoice("single"), progress=False)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return summary["blocks_cpu_s"] / len(origins)


def nlogn(n: float) -> float:
    return n * math.log(n)


def tampere(quick: bool) -> dict | None:
    folder = REALDATA / "tampere"
    if not (folder / "tampere_filtered.osm.pbf").is_file():
        print(f"Tampere: skipped (no real data at {folder})")
        return None
    from planner.datasets import load_dataset
    from planner.datasets.build import build_embedded_dataset

    start = time.perf_counter()
    build_embedded_dataset("tampere")   # the shipped Tampere dataset (as `data build --tampere`; reused when built)
    dataset = load_dataset("tampere")
    print(f"Tampere dataset ready in {time.perf_counter() - start:.1f} s (REAL OSM, {dataset.meta['counts']['walk_nodes']:,} "
          f"walk nodes)", flush=True)
    walk = dataset.engine("walk")
    cells = grid_cells(walk, limit=600 if quick else None)
    units = np.array([(u.lat, u.lon) for u in dataset.units])
    result = {"cells_units": cells_by_units("tampere", dataset.path, cells, units, ("walk", "bike", "car"), quick)}
    dests = network_points(walk, REGION_CELLS, seed=7)
    origins = network_points(walk, 8 if quick else 24, seed=8)
    nodes = {m: dataset.meta["counts"][f"{m}_nodes"] for m in ("walk", "bike", "car")}
    costs = {}
    for mode in ("walk", "bike", "car"):
        with_d = per_origin("tampere", dataset.path, origins, dests, mode, True)
        without = per_origin("tampere", dataset.path, origins, dests, mode, False)
        costs[mode] = (with_d, without)
        print(f"  Tampere {mode:<4} ({nodes[mode]:,} nodes): {with_d * 1000:6.0f} ms CPU per origin x {REGION_CELLS:,} "
              f"destinations with distance_m, {without * 1000:6.0f} ms without", flush=True)
    result.update(costs=costs, nodes=nodes, area_km2=dataset.meta.get("area_km2"))
    return result


def synthetic(quick: bool) -> dict:
    from routing import synthetic_grid  # the routing benchmark's SYNTHETIC grid

    graph = synthetic_grid()
    folder = Path(tempfile.mkdtemp(prefix="bench-synthetic-")) / "synthetic-grid"
    folder.mkdir()
    graph.save(folder / "graph_walk.npz")
    (folder / "dataset.json").write_text(json.dumps({"name": "synthetic-grid", "modes": ["walk"],
                                                     "counts": {"walk_nodes": graph.n_nodes}}), encoding="utf-8")
    from planner.matrix.compute import dataset_at

    engine = dataset_at(folder).engine("walk")
    cells = grid_cells(engine, limit=2000 if quick else None)
    units = network_points(engine, 30 if quick else 100, seed=3)
    result = {"cells_units": cells_by_units("synthetic-grid", folder, cells, units, ("walk",), quick)}
    dests = network_points(engine, REGION_CELLS, seed=4)
    origins = network_points(engine, 8 if quick else 24, seed=5)
    with_d = per_origin("synthetic-grid", folder, origins, dests, "walk", True)
    without = per_origin("synthetic-grid", folder, origins, dests, "walk", False)
    print(f"  SYNTHETIC walk ({graph.n_nodes:,} nodes): {with_d * 1000:6.0f} ms CPU per origin x {REGION_CELLS:,} "
          f"destinations with distance_m, {without * 1000:6.0f} ms without", flush=True)
    shutil.rmtree(folder.parent, ignore_errors=True)
    result.update(cost=(with_d, without), nodes=graph.n_nodes)
    return result


def project(tam: dict | None, syn: dict) -> None:
    """Projected hours for 13,231 x 13,231 x (walk, bike, car) on N cores, for assumed graph sizes."""
    print(f"\nProjection: Helsinki region {REGION_CELLS:,} x {REGION_CELLS:,} cells ({REGION_AREA_KM2:.0f} km2), "
          "walk + bike + car, CPU time scaled by n log n of the graph size")
    if tam is not None:
        density = tam["nodes"]["walk"] / tam["area_km2"]
        ratios = {m: tam["nodes"][m] / tam["nodes"]["walk"] for m in ("walk", "bike", "car")}
        base = {m: (tam["nodes"][m], tam["costs"][m]) for m in ("walk", "bike", "car")}
        source = f"Tampere per-mode costs; walk nodes/km2 {density:.0f} (Tampere)"
    else:
        density = syn["nodes"] / 625.0
        ratios = {"walk": 1.0, "bike": 0.9, "car": 0.42}
        base = {m: (syn["nodes"], syn["cost"]) for m in ("walk", "bike", "car")}
        source = "SYNTHETIC grid costs; mode ratios assumed"
    print(f"  ({source}; the region's real density is not measured here: 1x, 2x and 4x of it are shown)")
    for factor in (1, 2, 4):
        walk_nodes = density * factor * REGION_AREA_KM2
        hours = []
        for distances in (True, False):
            cpu = 0.0
            for mode in ("walk", "bike", "car"):
                n0, cost = base[mode]
                n1 = walk_nodes * ratios[mode]
                cpu += REGION_CELLS * cost[0 if distances else 1] * nlogn(n1) / nlogn(n0)
            hours.append(cpu / 3600)
        print(f"  walk graph {walk_nodes:>10,.0f} nodes ({factor}x): {hours[0]:6.1f} core-hours with distance_m "
              f"({hours[0] / 2:5.1f} h on 2 cores, {hours[0] / 8:5.1f} h on 8), {hours[1]:6.1f} core-hours "
              f"times only ({hours[1] / 2:5.1f} h on 2 cores, {hours[1] / 8:5.1f} h on 8)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer cells and origins, no 1-worker cluster")
    parser.add_argument("--no-tampere", action="store_true", dest="no_tampere")
    args = parser.parse_args(argv)
    print(f"load average at start: {load()}; cores: {os.cpu_count()}", flush=True)
    tam = None if args.no_tampere else tampere(args.quick)
    syn = synthetic(args.quick)
    project(tam, syn)
    print(f"load average at end: {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
