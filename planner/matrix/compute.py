"""One block of a matrix: travel times (and distances) for a block of points against the other side.

This is the code a Dask worker runs, and the single-process path runs the very same function, so both
write the same bytes. A worker loads a dataset once per process (:func:`dataset_at`, a cache keyed by
the dataset's path and the modification time of its ``dataset.json``); a task carries only the block's
point ids and coordinates, never a graph.

Times come from the engine's public API: ``TravelTimeEngine.matrix`` for the block against the other
side (the engine searches from the block's points); transit: ``TransitRouter.one_to_many`` /
``window``. ``distance_m`` is the length of the fastest path: one more search from each point of the block (a compiled Dijkstra on time that carries metres along,
:mod:`planner.matrix.kernels`); the access and egress legs' metres come from the engine's snaps.
Where several paths are equally fast the search keeps one of them.
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
FLOAT_COLUMNS = ["travel_time_s", "distance_m", "travel_time_p10_s", "travel_time_p90_s"]  # byte-split: smaller files
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
    """Per mode and process: the graph as flat CSR arrays (times and lengths aligned), forward and
    reverse, for the compiled search of :mod:`planner.matrix.kernels`."""

    def __init__(self, graph: Any):
        import scipy.sparse as sp

        times = sp.csr_array(graph.time_s, dtype=np.float64)
        times.sort_indices()
        lengths = sp.csr_array(graph.length_m, dtype=np.float64)
        lengths.sort_indices()
        self.n = times.shape[0]
        rows = np.repeat(np.arange(self.n, dtype=np.int64), np.diff(times.indptr))
        cols = times.indices.astype(np.int64)
        if np.array_equal(lengths.indptr, times.indptr) and np.array_equal(lengths.indices, times.indices):
            metres = lengths.data.astype(np.float64)
        else:  # same edges in another order: look each one up
            metres = self._lookup(lengths, rows, cols)
        self.fwd = (times.indptr.astype(np.int64), cols, times.data.astype(np.float64), metres)
        order = np.lexsort((rows, cols))           # the same edges grouped by their end node
        indptr = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(np.bincount(cols, minlength=self.n), out=indptr[1:])
        self.rev = (indptr, rows[order], times.data[order].astype(np.float64), metres[order])

    @staticmethod
    def _lookup(csr: Any, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """``csr[u[k], v[k]]`` for many pairs (inf where there is no edge), scanning each short row."""
        out = np.full(len(u), np.inf)
        start = csr.indptr[u]
        degree = csr.indptr[u + 1] - start
        todo = np.flatnonzero(degree > 0)
        k = 0
        while len(todo):
            pos = start[todo] + k
            hit = csr.indices[pos] == v[todo]
            out[todo[hit]] = csr.data[pos[hit]]
            todo = todo[~hit]
            k += 1
            todo = todo[degree[todo] > k]
        return out

    def run(self, ends: Sequence[tuple[int, float, float]], reverse: bool) -> tuple[np.ndarray, np.ndarray]:
        """From a point joined to ``ends`` ``(node, time_s, distance_m)``: seconds and metres of the
        fastest path to every node (``reverse``: from every node to the point)."""
        from planner.matrix.kernels import time_and_metres

        indptr, indices, secs, metres = self.rev if reverse else self.fwd
        return time_and_metres(indptr, indices, secs, metres,
                               np.array([e[0] for e in ends], dtype=np.int64),
                               np.array([max(e[1], 0.0) for e in ends], dtype=np.float64),
                               np.array([e[2] for e in ends], dtype=np.float64))


def _tree(dataset: Any, mode: str) -> _Tree:
    key = (*_dataset_key(dataset.path), mode)
    with _LOCK:
        if key not in _TREES:
            _TREES[key] = _Tree(dataset.graph(mode))
        return _TREES[key]


_SNAPS: dict[tuple, list] = {}


def _snaps(engine: Any, dataset: Any, mode: str, coords: np.ndarray, field: str, cache: bool) -> list:
    """The engine's snaps of ``coords`` (None outside the area); the big side is kept per process."""
    coords = np.ascontiguousarray(coords, dtype=np.float64).reshape(-1, 2)
    key = (*_dataset_key(dataset.path), mode, hashlib.sha1(coords.tobytes()).hexdigest())
    with _LOCK:
        if key in _SNAPS:
            return _SNAPS[key]
    snaps = engine.snap_many([tuple(p) for p in coords], field=field, on_outside="none")
    if cache:
        with _LOCK:
            while len(_SNAPS) >= 4:
                _SNAPS.pop(next(iter(_SNAPS)))
            _SNAPS[key] = snaps
    return snaps


def _leg_arrays(snaps: Sequence[Any], use_exits: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(nodes, seconds, metres)`` of shape (k, 2): each snap's entries (exits), inf-padded."""
    nodes = np.zeros((len(snaps), 2), dtype=np.int64)
    secs = np.full((len(snaps), 2), np.inf)
    metres = np.full((len(snaps), 2), np.inf)
    for i, s in enumerate(snaps):
        if s is None:
            continue
        for j, (node, t, d) in enumerate(s.exits if use_exits else s.entries):
            nodes[i, j], secs[i, j], metres[i, j] = node, t, d
    return nodes, secs, metres


def street_block(dataset: Any, mode: str, block_xy: np.ndarray, other_xy: np.ndarray, forward: bool,
                 distances: bool) -> tuple[np.ndarray, np.ndarray]:
    """Seconds and metres (block points × other points; inf unreachable or outside the area).

    ``forward``: the block holds origins, else destinations. Times: the engine's ``matrix`` (it searches
    from the smaller side, here the block). Metres: one tree search per block point (the other side
    snapped once per process), the fastest path's length; where the engine's time is the run along an
    edge both points share, that run's length.
    """
    engine = dataset.engine(mode)
    if forward:
        times = engine.matrix([tuple(p) for p in block_xy], [tuple(p) for p in other_xy], on_outside="none")
    else:
        times = engine.matrix([tuple(p) for p in other_xy], [tuple(p) for p in block_xy], on_outside="none").T
    times = np.ascontiguousarray(times, dtype=np.float64).reshape(len(block_xy), len(other_xy))
    if not distances:
        return times, np.full(times.shape, np.nan)
    tree = _tree(dataset, mode)
    block = engine.snap_many([tuple(p) for p in block_xy], field="points", on_outside="none")
    other = _snaps(engine, dataset, mode, other_xy, "points", cache=True)
    nodes, secs, legs_m = _leg_arrays(other, use_exits=not forward)
    by_edge: dict[tuple[int, int], list[int]] = {}
    for j, snap in enumerate(other):
        if snap is not None:
            by_edge.setdefault(snap.edge, []).append(j)
    metres = np.full(times.shape, np.inf)
    rows = np.arange(len(other))
    for k, snap in enumerate(block):
        if snap is None:
            continue
        tree_s, tree_m = tree.run(snap.exits if forward else snap.entries, reverse=not forward)
        total = tree_s[nodes] + secs
        pick = np.argmin(total, axis=1)
        best = total[rows, pick]
        values = tree_m[nodes[rows, pick]] + legs_m[rows, pick]
        for j in by_edge.get(snap.edge, []):  # the engine's time is the run along the shared edge
            if math.isfinite(times[k, j]) and times[k, j] < best[j] - 1e-6:
                values[j] = snap.offset_m + abs(snap.fraction - other[j].fraction) * snap.edge_length_m \
                    + other[j].offset_m
        values[~np.isfinite(times[k])] = np.inf
        metres[k] = values
    return times, metres


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
        forward = task.side == "origins"
        times, metres = street_block(dataset, task.mode, task.coords, other_coords, forward, task.distances)
        if not forward:
            times, metres = times.T, metres.T
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
        pq.write_table(table, tmp, compression="zstd", use_byte_stream_split=FLOAT_COLUMNS,
                       use_dictionary=["from_id", "to_id", "depart"])
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
    started, cpu = time.perf_counter(), time.thread_time()
    table = block_table(task, other[0], other[1])
    size, digest = write_atomically(table, Path(task.out_dir) / task.relpath)
    searches = len(task.ids) * (max(1, len(task.departs)) * max(1, task.window_min)
                                if task.mode == "transit" else 1)
    return {"mode": task.mode, "block": task.block, "file": task.relpath, "rows": table.num_rows,
            "bytes": size, "sha256": digest, "searches": searches,
            "seconds": round(time.perf_counter() - started, 3),
            "cpu_s": round(time.thread_time() - cpu, 3), "pid": os.getpid(), "rss_bytes": _rss_bytes()}
