"""Read a finished matrix folder back: for consumers (``--matrix DIR``) and for people.

    store = MatrixStore.open("m/")
    store.table(mode="walk")                       # the long table (pyarrow), filtered
    store.dense("walk")                            # (origins × destinations) seconds, inf unreachable
    store.columns("walk", [0, 5])                  # only those destinations (reads only their rows)
    times, info = matrix_times(store, "walk", points, units_xy, compute=engine_matrix)

Points are matched to the matrix's origins and destinations by coordinates (rounded to 1e-7°, about
1 cm); with ``max_offset_m`` an origin may also take the nearest matrix origin within that many metres
(e.g. a child's home → the 250 m grid cell it lies in). Whatever is not in the matrix is computed by
``compute`` (the same engine as without a matrix), so a matrix speeds things up and never changes
which pairs get an answer.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from planner.errors import InputError
from planner.matrix.run import FORMAT, read_manifest


def _key(lat: float, lon: float) -> tuple[float, float]:
    return (round(float(lat), 7), round(float(lon), 7))


class MatrixStore:
    """A complete matrix folder written by ``python -m planner matrix``."""

    def __init__(self, path: Path, manifest: dict[str, Any], provenance: dict[str, Any]):
        import pyarrow.parquet as pq

        self.path = path
        self.manifest = manifest
        self.provenance = provenance
        self.job = manifest.get("job", {})
        origins = pq.read_table(path / "origins.parquet")
        destinations = pq.read_table(path / "destinations.parquet")
        self.origin_ids = origins["id"].to_pylist()
        self.origin_xy = np.column_stack([origins["lat"].to_numpy(), origins["lon"].to_numpy()])
        self.destination_ids = destinations["id"].to_pylist()
        self.destination_xy = np.column_stack([destinations["lat"].to_numpy(), destinations["lon"].to_numpy()])
        self._dense: dict[tuple[str, str | None], np.ndarray] = {}

    @classmethod
    def open(cls, path: str | Path, field: str = "--matrix") -> "MatrixStore":
        """Open ``path``; InputError naming ``field`` when it is not a complete matrix folder."""
        path = Path(path)
        if not path.is_dir():
            raise InputError.single(field, str(path), "a folder written by python -m planner matrix --out DIR")
        try:
            manifest = read_manifest(path)
        except Exception as error:
            raise InputError.single(field, str(path), f"a readable matrix folder ({error})") from error
        if manifest is None or manifest.get("format") != FORMAT:
            raise InputError.single(field, str(path), "a folder written by python -m planner matrix --out DIR "
                                                      "(no manifest.json)")
        if not manifest.get("complete"):
            raise InputError.single(field, str(path), f"a finished matrix ({len(manifest.get('blocks', {}))} blocks "
                                                      "so far): run the same matrix command again to finish it")
        provenance_path = path / "provenance.json"
        provenance = json.loads(provenance_path.read_text(encoding="utf-8")) if provenance_path.is_file() else {}
        return cls(path, manifest, provenance)

    @property
    def dataset(self) -> str | None:
        return self.job.get("dataset")

    @property
    def modes(self) -> list[str]:
        return list(self.job.get("modes", []))

    @property
    def departs(self) -> list[str]:
        return list(self.job.get("departs", []))

    def check(self, dataset_name: str, mode: str, field: str = "--matrix") -> None:
        """InputError when the matrix was computed on another dataset or lacks ``mode``."""
        if self.dataset != dataset_name:
            raise InputError.single(field, str(self.path), f"a matrix of dataset {dataset_name} "
                                                           f"(this one is of {self.dataset})")
        if mode not in self.modes:
            raise InputError.single(field, str(self.path), f"a matrix with mode {mode} "
                                                           f"(this one has {', '.join(self.modes)})")

    def table(self, mode: str | None = None, depart: str | None = None, columns: Sequence[str] | None = None):
        """The long table (pyarrow.Table), optionally one mode and one departure."""
        import pyarrow.dataset as ds

        data = ds.dataset(self.path / "data", format="parquet", partitioning="hive")
        condition = None
        if mode is not None:
            condition = ds.field("mode") == mode
        if depart is not None:
            part = ds.field("depart") == depart
            condition = part if condition is None else condition & part
        return data.to_table(columns=list(columns) if columns else None, filter=condition)

    def columns(self, mode: str, destinations: Sequence[int] | None = None, depart: str | None = None) -> np.ndarray:
        """(all origins × the given destination indices) median seconds for ``mode`` (transit:
        ``depart``, default the first); inf where unreachable. Reads only those destinations' rows."""
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.dataset as ds

        if mode == "transit" and depart is None and self.departs:
            depart = self.departs[0]
        wanted = list(range(len(self.destination_ids))) if destinations is None else [int(j) for j in destinations]
        key = (mode, depart if mode == "transit" else None, tuple(wanted) if destinations is not None else None)
        if key in self._dense:
            return self._dense[key]
        ids = pa.array([self.destination_ids[j] for j in wanted], pa.string())
        data = ds.dataset(self.path / "data", format="parquet", partitioning="hive")
        condition = ds.field("mode") == mode
        if mode == "transit" and depart is not None:
            condition = condition & (ds.field("depart") == depart)
        if destinations is not None:
            condition = condition & ds.field("to_id").isin(ids)
        table = data.to_table(columns=["from_id", "to_id", "travel_time_s"], filter=condition)
        rows = pc.index_in(table["from_id"], value_set=pa.array(self.origin_ids, pa.string())).to_numpy(
            zero_copy_only=False)
        cols = pc.index_in(table["to_id"], value_set=ids).to_numpy(zero_copy_only=False)
        values = table["travel_time_s"].to_numpy(zero_copy_only=False)
        out = np.full((len(self.origin_ids), len(wanted)), np.inf)
        out[rows.astype(np.int64), cols.astype(np.int64)] = np.where(np.isnan(values), np.inf, values)
        self._dense[key] = out
        return out

    def dense(self, mode: str, depart: str | None = None) -> np.ndarray:
        """(origins × destinations) median seconds for ``mode``; inf where unreachable."""
        return self.columns(mode, None, depart)

    def match(self, points: np.ndarray, side: str, max_offset_m: float = 0.0) -> np.ndarray:
        """Index of each (lat, lon) in the matrix's ``side`` ("origins"/"destinations"), -1 if none."""
        xy = self.origin_xy if side == "origins" else self.destination_xy
        index = {}
        for i, (lat, lon) in enumerate(xy):
            index.setdefault(_key(lat, lon), i)
        points = np.asarray(points, dtype=float).reshape(-1, 2)
        found = np.array([index.get(_key(lat, lon), -1) for lat, lon in points], dtype=np.int64)
        if max_offset_m > 0 and (found < 0).any() and len(xy):
            from scipy.spatial import cKDTree

            from planner.network.graph import to_3067

            tree = cKDTree(np.column_stack(to_3067(xy[:, 0], xy[:, 1])))
            missing = np.flatnonzero(found < 0)
            px, py = to_3067(points[missing, 0], points[missing, 1])
            dist, nearest = tree.query(np.column_stack([px, py]))
            close = dist <= max_offset_m
            found[missing[close]] = nearest[close]
        return found


def matrix_times(store: MatrixStore, mode: str, origins: np.ndarray, destinations: np.ndarray, *,
                 compute: Callable[[np.ndarray, np.ndarray], np.ndarray] | None, depart: str | None = None,
                 max_offset_m: float = 0.0) -> tuple[np.ndarray, dict[str, Any]]:
    """(origins × destinations) seconds from the matrix, the rest from ``compute``; plus what was used."""
    origins = np.asarray(origins, dtype=float).reshape(-1, 2)
    destinations = np.asarray(destinations, dtype=float).reshape(-1, 2)
    rows = store.match(origins, "origins", max_offset_m)
    cols = store.match(destinations, "destinations")
    out = np.full((len(origins), len(destinations)), np.inf)
    hit_r, hit_c = np.flatnonzero(rows >= 0), np.flatnonzero(cols >= 0)
    if len(hit_r) and len(hit_c):
        found = store.columns(mode, cols[hit_c], depart)
        out[np.ix_(hit_r, hit_c)] = found[rows[hit_r]]
    miss_r, miss_c = np.flatnonzero(rows < 0), np.flatnonzero(cols < 0)
    if (len(miss_r) and len(destinations)) or (len(miss_c) and len(origins)):
        if compute is None:
            raise InputError.single("--matrix", str(store.path), "a matrix holding every point asked for")
        if len(miss_r):
            out[miss_r] = np.asarray(compute(origins[miss_r], destinations), dtype=float)
        if len(miss_c) and len(hit_r):
            out[np.ix_(hit_r, miss_c)] = np.asarray(compute(origins[hit_r], destinations[miss_c]), dtype=float)
    info = {"dir": str(store.path), "mode": mode,
            "depart": (depart or (store.departs[0] if store.departs else None)) if mode == "transit" else None,
            "origins_from_matrix": int(len(hit_r)), "origins_routed": int(len(miss_r)),
            "destinations_from_matrix": int(len(hit_c)), "destinations_routed": int(len(miss_c)),
            "max_offset_m": float(max_offset_m)}
    return out, info
