"""One block of a matrix: travel times (and distances) for a block of points against the other side.

This is the code a Dask worker runs, and the single-process path runs the very same function, so both
write the same bytes. A worker loads a dataset once per process (:func:`dataset_at`, a cache keyed by
the dataset's path and the modification time of its ``dataset.json``); a task carries only the block's
point ids and coordinates, never a graph.

Times come from the engine's public API (``TravelTimeEngine.matrix``; transit:
``TransitRouter.one_to_many`` / ``window``). ``distance_m`` is the length of the fastest path: one more
shortest-path tree from each point of the block (times as weights, with predecessors) whose edge lengths
are summed along the tree (pointer jumping); the access and egress legs' metres come from the engine's
snaps. Where several paths are equally fast the tree picks one of them.
"""
from __future__ import annotations

import hashlib
import math
import os
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Sequence

import numpy as np

STREET_MODES = ("walk", "bike", "car")
SCHEMA_FIELDS = ("from_id", "to_id", "depart", "travel_time_s", "distance_m", "travel_time_p10_s",
                 "travel_time_p90_s")

_LOCK = threading.RLock()
_DATASETS: dict[tuple[str, int], Any] = {}
_TREES: dict[tuple[str, int, str], "_Tree"] = {}


def schema():
    """The Arrow schema of every block file (``mode`` is the folder name: ``mode=walk``)."""
    import pyarrow as pa

    return pa.schema([("from_id", pa.string()), ("to_id", pa.string()), ("depart", pa.string()),
                      ("travel_time_s", pa.float64()), ("distance_m", pa.float64()),
                      ("travel_time_p10_s", pa.float64()), ("travel_time_p90_s", pa.float64())])


def _dataset_key(path: str | Path) -> tuple[str, int]:
    path = Path(path).resolve()
    return str(path), (path / "dataset.json").stat().st_mtime_ns


def dataset_at(path: str | Path) -> Any:
    """The built dataset in folder ``path``, loaded once per process (graphs load lazily, once)."""
    from planner.datasets.store import Dataset, read_summary

    key = _dataset_key(path)
    with _LOCK:
        if key not in _DATASETS:
            for old in [k for k in _DATASETS if k[0] == key[0]]:
                del _DATASETS[old]
            _DATASETS[key] = Dataset(Path(key[0]), read_summary(Path(key[0])))
        return _DATASETS[key]


def warm(path: str | Path, modes: Sequence[str]) -> dict[str, Any]:
    """Load the dataset's engines for ``modes`` into this process (the worker plugin calls it)."""
    dataset = dataset_at(path)
    for mode in modes:
        if mode == "transit":
            dataset.transit()
        else:
            dataset.engine(mode)
    return {"pid": os.getpid(), "modes": list(modes)}


class _Tree:
    """Shortest-path trees with predecessors on a mode's graph, to measure the fastest path's metres."""

    def __init__(self, graph: Any):
        import scipy.sparse as sp

        times = sp.csr_array(graph.time_s, dtype=np.float64)
        times.sort_indices()
        lengths = sp.csr_array(graph.length_m, dtype=np.float64)
        lengths.sort_indices()
        self.n = times.shape[0]
        self.fwd = times
        self.rev = sp.csr_array(times.T.tocsr(), dtype=np.float64)
        self.rev.sort_indices()
        coo = lengths.tocoo()
        keys = coo.row.astype(np.int64) * self.n + coo.col.astype(np.int64)
        order = np.argsort(keys, kind="stable")
        self.keys, self.lengths = keys[order], coo.data[order].astype(np.float64)

    def _edge_length(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        pos = np.searchsorted(self.keys, u.astype(np.int64) * self.n + v.astype(np.int64))
        pos = np.minimum(pos, len(self.keys) - 1)
        return self.lengths[pos]

    def run(self, ends: Sequence[tuple[int, float, float]], reverse: bool) -> tuple[np.ndarray, np.ndarray]:
        """From a point joined to ``ends`` ``(node, time_s, distance_m)``: seconds and metres per node
        along the fastest-path tree (``reverse``: from every node to the point)."""
        import scipy.sparse as sp
        from scipy.sparse.csgraph import dijkstra

        n = self.n
        csr = self.rev if reverse else self.fwd
        nodes = np.array([e[0] for e in ends], dtype=np.int32)
        weights = np.maximum(np.array([e[1] for e in ends], dtype=np.float64), 0.0) + 1e-9
        graph = sp.csr_array((np.concatenate([csr.data, weights]), np.concatenate([csr.indices, nodes]),
                              np.concatenate([csr.indptr, [csr.indptr[-1] + len(nodes)]])), shape=(n + 1, n + 1))
        dist, pred = dijkstra(graph, directed=True, indices=n, return_predecessors=True)
        dist, pred = dist[:n], pred[:n].astype(np.int64)
        metres = np.zeros(n)
        normal = (pred >= 0) & (pred != n)
        idx = np.flatnonzero(normal)
        if reverse:  # pred[v] is the next node towards the point: edge v -> pred[v]
            metres[idx] = self._edge_length(idx, pred[idx])
        else:
            metres[idx] = self._edge_length(pred[idx], idx)
        first = np.flatnonzero(pred == n)
        leg = {int(node): float(d) for node, _t, d in ends}
        metres[first] = [leg[int(v)] for v in first]
        jump = np.where(normal, pred, -1)
        while True:
            active = np.flatnonzero(jump >= 0)
            if len(active) == 0:
                break
            parents = jump[active]
            metres[active] = metres[active] + metres[parents]
            jump[active] = jump[parents]
        return dist - 1e-9, metres


def _tree(dataset: Any, mode: str) -> _Tree:
    key = (*_dataset_key(dataset.path), mode)
    with _LOCK:
        if key not in _TREES:
            _TREES[key] = _Tree(dataset.graph(mode))
        return _TREES[key]


def _leg_arrays(snaps: Sequence[Any], use_exits: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    nodes = np.zeros((len(snaps), 2), dtype=np.int64)
    secs = np.full((len(snaps), 2), np.inf)
    metres = np.full((len(snaps), 2), np.inf)
    for i, s in enumerate(snaps):
        if s is None:
            continue
        for j, (node, t, d) in enumerate(s.exits if use_exits else s.entries):
            nodes[i, j], secs[i, j], metres[i, j] = node, t, d
    return nodes, secs, metres


def fastest_path_metres(dataset: Any, mode: str, origins: np.ndarray, destinations: np.ndarray,
                        times_s: np.ndarray, from_origins: bool) -> np.ndarray:
    """Metres of the fastest path for every pair of ``times_s`` (inf where the time is inf).

    Trees start from each origin (``from_origins``) or end at each destination (reverse graph).
    A pair the engine times faster than the tree (both points on one edge, no junction between) is the
    straight run along that edge: offsets + the part of the edge between the two projections.
    """
    engine = dataset.engine(mode)
    tree = _tree(dataset, mode)
    o_snaps = engine.snap_many([tuple(p) for p in origins], field="origins", on_outside="none")
    d_snaps = engine.snap_many([tuple(p) for p in destinations], field="destinations", on_outside="none")
    out = np.full(times_s.shape, np.inf)
    if from_origins:
        nodes, secs, metres = _leg_arrays(d_snaps, use_exits=False)
        for i, o in enumerate(o_snaps):
            if o is None:
                continue
            node_s, node_m = tree.run(o.exits, reverse=False)
            total = node_s[nodes] + secs
            pick = np.argmin(total, axis=1)
            rows = np.arange(len(d_snaps))
            out[i] = node_m[nodes[rows, pick]] + metres[rows, pick]
            out[i, ~np.isfinite(total[rows, pick])] = np.inf
            _same_edge(out[i], o, d_snaps, total[rows, pick], times_s[i], as_origin=True)
    else:
        nodes, secs, metres = _leg_arrays(o_snaps, use_exits=True)
        for j, d in enumerate(d_snaps):
            if d is None:
                continue
            node_s, node_m = tree.run(d.entries, reverse=True)
            total = node_s[nodes] + secs
            pick = np.argmin(total, axis=1)
            rows = np.arange(len(o_snaps))
            column = node_m[nodes[rows, pick]] + metres[rows, pick]
            column[~np.isfinite(total[rows, pick])] = np.inf
            _same_edge(column, d, o_snaps, total[rows, pick], times_s[:, j], as_origin=False)
            out[:, j] = column
    out[~np.isfinite(times_s)] = np.inf
    return out


def _same_edge(values: np.ndarray, point: Any, others: Sequence[Any], tree_s: np.ndarray,
               engine_s: np.ndarray, as_origin: bool) -> None:
    """Replace, in place, the metres of pairs the engine found faster along the shared edge."""
    for k, other in enumerate(others):
        if other is None or other.edge != point.edge:
            continue
        if math.isfinite(engine_s[k]) and engine_s[k] < tree_s[k] - 1e-6:
            values[k] = point.offset_m + abs(point.fraction - other.fraction) * point.edge_length_m + other.offset_m


@dataclass(frozen=True)
class BlockTask:
    """What one task needs: small, picklable, no graphs. ``side``: which side is cut into blocks."""

    job_key: str
    dataset_path: str
    mode: str
    block: int
    side: str                     # "origins" | "destinations"
    ids: tuple[str, ...]          # the block's points
    coords: np.ndarray            # (k, 2) lat, lon
    out_dir: str
    departs: tuple[str, ...] = ()  # ISO local datetimes (transit)
    window_min: int = 0
    distances: bool = True

    @property
    def relpath(self) -> str:
        return f"data/mode={self.mode}/part-{self.block:05d}.parquet"


def _valid(values: np.ndarray):
    import pyarrow as pa

    values = np.asarray(values, dtype=np.float64).ravel()
    return pa.array(values, type=pa.float64(), mask=~np.isfinite(values))


def _ids(ids: Sequence[str], indices: np.ndarray):
    import pyarrow as pa

    dictionary = pa.array(list(ids), type=pa.string())
    return pa.DictionaryArray.from_arrays(pa.array(indices.astype(np.int32)), dictionary).cast(pa.string())


def block_table(task: BlockTask, other_ids: Sequence[str], other_coords: np.ndarray):
    """The rows of one block as an Arrow table (origins major, destinations in their order)."""
    import pyarrow as pa

    dataset = dataset_at(task.dataset_path)
    if task.side == "origins":
        o_ids, o_xy, d_ids, d_xy = task.ids, task.coords, other_ids, other_coords
    else:
        o_ids, o_xy, d_ids, d_xy = other_ids, other_coords, task.ids, task.coords
    n_o, n_d = len(o_ids), len(d_ids)
    parts = []
    if task.mode in STREET_MODES:
        engine = dataset.engine(task.mode)
        times = np.asarray(engine.matrix([tuple(p) for p in o_xy], [tuple(p) for p in d_xy],
                                         on_outside="none"), dtype=np.float64).reshape(n_o, n_d)
        if task.distances:
            metres = fastest_path_metres(dataset, task.mode, o_xy, d_xy, times, task.side == "origins")
        else:
            metres = np.full(times.shape, np.nan)
        parts.append((None, times, metres, None, None))
    else:
        router = dataset.transit()
        walk = dataset.engine("walk")
        inside = [s is not None for s in walk.snap_many([tuple(p) for p in o_xy], field="origins", on_outside="none")]
        for depart in task.departs:
            when = datetime.fromisoformat(depart)
            median = np.full((n_o, n_d), np.inf)
            p10 = np.full((n_o, n_d), np.nan)
            p90 = np.full((n_o, n_d), np.nan)
            for i, point in enumerate(o_xy):
                if not inside[i]:
                    continue
                origin = (float(point[0]), float(point[1]))
                if task.window_min > 0:
                    spread = router.window(origin, d_xy, when, task.window_min, on_outside="none")
                    median[i], p10[i], p90[i] = spread["median_s"], spread["p10_s"], spread["p90_s"]
                else:
                    median[i] = router.one_to_many(origin, d_xy, when, on_outside="none")
            if task.window_min == 0:
                p10 = p90 = None
            parts.append((depart, median, np.full((n_o, n_d), np.nan), p10, p90))
    rows = n_o * n_d
    from_index = np.repeat(np.arange(n_o), n_d)
    to_index = np.tile(np.arange(n_d), n_o)
    tables = []
    for depart, times, metres, p10, p90 in parts:
        nothing = np.full(rows, np.nan)
        tables.append(pa.table({
            "from_id": _ids(o_ids, from_index), "to_id": _ids(d_ids, to_index),
            "depart": pa.array([depart] * rows, type=pa.string()) if depart else pa.nulls(rows, pa.string()),
            "travel_time_s": _valid(times), "distance_m": _valid(metres),
            "travel_time_p10_s": _valid(nothing if p10 is None else p10),
            "travel_time_p90_s": _valid(nothing if p90 is None else p90),
        }, schema=schema()))
    return pa.concat_tables(tables) if len(tables) > 1 else tables[0]


def write_atomically(table: Any, path: Path) -> tuple[int, str]:
    """Write a Parquet file through a temporary name and ``os.replace``: a reader never sees half a file.
    Returns ``(bytes, sha256)``."""
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        pq.write_table(table, tmp, compression="zstd")
        with tmp.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    data = path.read_bytes()
    return len(data), hashlib.sha256(data).hexdigest()


def _rss_bytes() -> int:
    try:
        import psutil

        return int(psutil.Process().memory_info().rss)
    except Exception:  # pragma: no cover - psutil missing: report nothing rather than fail a block
        return 0


def run_block(task: BlockTask, other: tuple[tuple[str, ...], np.ndarray]) -> dict[str, Any]:
    """Compute one block and write its file; a small record for the manifest (no data)."""
    started = time.perf_counter()
    table = block_table(task, other[0], other[1])
    size, digest = write_atomically(table, Path(task.out_dir) / task.relpath)
    searches = len(task.ids) * (max(1, len(task.departs)) * max(1, task.window_min)
                                if task.mode == "transit" else 1)
    return {"mode": task.mode, "block": task.block, "file": task.relpath, "rows": table.num_rows,
            "bytes": size, "sha256": digest, "searches": searches,
            "seconds": round(time.perf_counter() - started, 3), "pid": os.getpid(), "rss_bytes": _rss_bytes()}
