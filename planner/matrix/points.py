"""Origins and destinations of a matrix: named point sets read from the dataset or from files.

A point set is given on the command line as ``KIND`` or ``KIND:PATH``:

* ``demand`` — the dataset's demand points (``demand.csv``): ids from its id column (as for grids) when
  it has unique ones, else ``demand-<row>`` (row 0 = first);
* ``units`` — the dataset's daycare units, ids = ``unit_id``;
* ``candidates:F`` — a candidates file (``id,lat,lon[,capacity_seats]`` CSV or GeoJSON points, as for
  ``site``);
* ``grid:F`` — a grid or point file: CSV with ``id`` and ``lat,lon`` (WGS84) or ``x,y`` (EPSG:3067), or a
  GeoJSON / GeoPackage of polygons (their centroids) or points, any CRS. The id is the first of the
  columns ``id``, ``grid_id``, ``cell_id``, ``YKR_ID``, ``index`` present, else the row number;
* ``addresses:F`` — one street address per line (or a CSV with an ``address`` column and an optional
  ``id``), looked up offline in the dataset's address index; ids are the addresses as written.

Every bad row is reported with its row number (the header is row 1), one problem per line.
"""
from __future__ import annotations

import csv
import hashlib
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from planner.errors import InputError, ProblemCollector

KINDS = ("demand", "units", "candidates", "grid", "addresses")
FILE_KINDS = ("candidates", "grid", "addresses")
ID_COLUMNS = ("id", "grid_id", "cell_id", "ykr_id", "index")
MAX_ID_CHARS = 200


@dataclass(frozen=True)
class PointSet:
    """Named WGS84 points: ``ids`` (unique text), ``lat``/``lon`` arrays, where they came from."""

    kind: str
    ids: tuple[str, ...]
    lat: np.ndarray
    lon: np.ndarray
    source: dict[str, Any]

    def __len__(self) -> int:
        return len(self.ids)

    def coords(self) -> np.ndarray:
        """``(n, 2)`` array of (lat, lon)."""
        return np.column_stack([self.lat, self.lon]) if len(self.ids) else np.zeros((0, 2))

    @staticmethod
    def concat(sets: list["PointSet"]) -> "PointSet":
        """One point set from several (ids must stay unique; the field is named by the caller)."""
        if len(sets) == 1:
            return sets[0]
        return PointSet(kind="+".join(s.kind for s in sets), ids=tuple(i for s in sets for i in s.ids),
                        lat=np.concatenate([s.lat for s in sets]), lon=np.concatenate([s.lon for s in sets]),
                        source={"parts": [s.source for s in sets]})


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _file_source(kind: str, path: Path) -> dict[str, Any]:
    return {"kind": kind, "file": path.name, "sha256": _sha256(path)}


def parse_spec(spec: str, field: str) -> tuple[str, Path | None]:
    """``"grid:cells.csv"`` → ``("grid", Path("cells.csv"))``; InputError naming ``field`` when unknown."""
    text = (spec or "").strip()
    kind, _, rest = text.partition(":")
    kind = kind.strip().lower()
    if kind not in KINDS:
        raise InputError.single(field, spec, "demand, units, candidates:FILE, grid:FILE or addresses:FILE")
    if kind in FILE_KINDS:
        if not rest.strip():
            raise InputError.single(field, spec, f"{kind}:FILE (a path after the colon)")
        path = Path(rest.strip())
        if not path.is_file():
            raise InputError.single(field, spec, f"an existing file after '{kind}:' ({path} was not found)")
        return kind, path
    if rest.strip():
        raise InputError.single(field, spec, f"'{kind}' alone: it is read from the dataset")
    return kind, None


def load_points(spec: str, dataset: Any, field: str) -> PointSet:
    """The point set named by ``spec`` (see the module docstring); InputError naming ``field``."""
    kind, path = parse_spec(spec, field)
    if kind == "demand":
        demand = dataset.demand
        if demand is None or len(demand) == 0:
            raise InputError.single(field, spec, f"a dataset with demand points (dataset {dataset.name} has none); "
                                                 "use grid:FILE")
        columns = {str(c).lower(): c for c in demand.columns}
        id_col = next((columns[c] for c in ID_COLUMNS if c in columns), None)
        ids = tuple(str(v) for v in demand[id_col]) if id_col is not None and demand[id_col].is_unique \
            else tuple(f"demand-{i}" for i in range(len(demand)))
        return PointSet("demand", ids, demand["lat"].to_numpy(float), demand["lon"].to_numpy(float),
                        {"kind": "demand", "dataset": dataset.name, "rows": len(demand)})
    if kind == "units":
        units = list(dataset.units)
        if not units:
            raise InputError.single(field, spec, f"a dataset with units (dataset {dataset.name} has none)")
        return PointSet("units", tuple(u.unit_id for u in units), np.array([u.lat for u in units], float),
                        np.array([u.lon for u in units], float), {"kind": "units", "dataset": dataset.name})
    assert path is not None
    if kind == "candidates":
        from planner.siting.commands import load_candidates

        found = load_candidates(path, field=field)
        points = PointSet("candidates", tuple(c.candidate_id for c in found), np.array([c.lat for c in found], float),
                          np.array([c.lon for c in found], float), _file_source(kind, path))
    elif kind == "grid":
        points = _read_grid(path, field)
    else:
        points = _read_addresses(path, dataset, field)
    _check_unique(points, field)
    return points


def _check_unique(points: PointSet, field: str) -> None:
    seen: set[str] = set()
    problems = ProblemCollector()
    for point_id in points.ids:
        if point_id in seen and len(problems.problems) < 20:
            problems.add(f"{field} id", point_id, "unique ids: this id appears more than once")
        seen.add(point_id)
    problems.raise_if_any()


def _read_text(path: Path, field: str) -> str:
    """UTF-8 text of a grid file (regular files only, at most ``readers.MAX_BYTES['points']``)."""
    from planner.readers import read_text
    return read_text(path, field, "points")


def _clean_id(value: Any, row: int, field: str, problems: ProblemCollector) -> str | None:
    text = str(value).strip() if value is not None else ""
    if not text or text.lower() == "nan":
        problems.add(f"{field} row {row} id", value, "a non-empty id")
        return None
    if len(text) > MAX_ID_CHARS or any(ord(ch) < 32 for ch in text):
        problems.add(f"{field} row {row} id", text[:40], f"at most {MAX_ID_CHARS} printable characters")
        return None
    return text


def _read_grid(path: Path, field: str) -> PointSet:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_grid_csv(path, field)
    if suffix in (".geojson", ".json", ".gpkg", ".shp", ".fgb"):
        return _read_grid_vector(path, field)
    raise InputError.single(field, path.name, "a .csv, .geojson or .gpkg grid file")


def _read_grid_csv(path: Path, field: str) -> PointSet:
    text = _read_text(path, field)
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ("\t" if "\t" in sample else ",")
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = [r for r in reader]
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise InputError.single(field, path.name, "a CSV with a header row: id,lat,lon (or id,x,y in EPSG:3067)")
    header = [h.strip().lower() for h in rows[0]]
    if "lat" in header and "lon" in header:
        a, b, metric = header.index("lat"), header.index("lon"), False
    elif "x" in header and "y" in header:
        a, b, metric = header.index("x"), header.index("y"), True
    else:
        raise InputError.single(field, ",".join(rows[0])[:80],
                                "a header with id,lat,lon (WGS84) or id,x,y (EPSG:3067 metres)")
    id_col = next((header.index(c) for c in ID_COLUMNS if c in header), None)
    problems = ProblemCollector()
    ids: list[str] = []
    first: list[float] = []
    second: list[float] = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            problems.add(f"{field} row {n}", delimiter.join(row)[:60], f"{len(header)} columns like the header")
            continue
        point_id = _clean_id(row[id_col], n, field, problems) if id_col is not None else str(n - 1)
        try:
            u, v = float(row[a].replace(",", ".") if delimiter == ";" else row[a]), \
                float(row[b].replace(",", ".") if delimiter == ";" else row[b])
        except ValueError:
            problems.add(f"{field} row {n} {'x,y' if metric else 'lat,lon'}", f"{row[a]},{row[b]}", "numbers")
            continue
        if not (math.isfinite(u) and math.isfinite(v)) or (not metric and not (-90 <= u <= 90 and -180 <= v <= 180)):
            problems.add(f"{field} row {n} {'x,y' if metric else 'lat,lon'}", f"{row[a]},{row[b]}",
                         "a latitude -90..90 and longitude -180..180" if not metric else "finite metres")
            continue
        if point_id is None:
            continue
        ids.append(point_id)
        first.append(u)
        second.append(v)
    problems.raise_if_any()
    if not ids:
        raise InputError.single(field, path.name, "at least one point row under the header")
    lat, lon = np.array(first, float), np.array(second, float)
    if metric:
        from planner.network.graph import from_3067

        lat, lon = from_3067(lat, lon)
        lat, lon = np.asarray(lat, float), np.asarray(lon, float)
    return PointSet("grid", tuple(ids), lat, lon, _file_source("grid", path))


def _read_grid_vector(path: Path, field: str) -> PointSet:
    import geopandas as gpd

    from planner.readers import check_file
    check_file(path, field, "points")    # a regular file within the limit (never /proc, /dev, a pipe)
    try:
        frame = gpd.read_file(path)
    except Exception as error:  # pyogrio raises several kinds for unreadable files
        raise InputError.single(field, path.name, f"a readable GeoJSON/GeoPackage ({type(error).__name__})") from error
    if len(frame) == 0:
        raise InputError.single(field, path.name, "at least one feature")
    if frame.crs is None:
        raise InputError.single(field, path.name, "a file with a coordinate reference system (CRS)")
    problems = ProblemCollector()
    geometry = frame.geometry
    missing = geometry.isna() | geometry.is_empty
    for i in np.flatnonzero(missing.to_numpy())[:20]:
        problems.add(f"{field} feature {i + 1} geometry", None, "a point or polygon")
    problems.raise_if_any()
    centres = geometry.to_crs(3067).centroid.to_crs(4326)
    columns = {c.lower(): c for c in frame.columns}
    id_col = next((columns[c] for c in ID_COLUMNS if c in columns), None)
    ids = []
    for i in range(len(frame)):
        value = frame[id_col].iloc[i] if id_col is not None else i + 1
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        point_id = _clean_id(value, i + 1, field.replace(" row", " feature"), problems)
        ids.append(point_id or "")
    problems.raise_if_any()
    return PointSet("grid", tuple(ids), centres.y.to_numpy(float), centres.x.to_numpy(float),
                    {**_file_source("grid", path), "crs": str(frame.crs), "id_column": id_col})


def _read_addresses(path: Path, dataset: Any, field: str) -> PointSet:
    text = _read_text(path, field)
    lines = [line for line in text.splitlines()]
    header = [h.strip().lower() for h in next(csv.reader([lines[0]]))] if lines else []
    rows: list[tuple[int, str, str]] = []
    if "address" in header:
        reader = csv.DictReader(io.StringIO(text))
        for n, row in enumerate(reader, start=2):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
            if row.get("address"):
                rows.append((n, row.get("id") or row["address"], row["address"]))
    else:
        rows = [(n, line.strip(), line.strip()) for n, line in enumerate(lines, start=1) if line.strip()]
    if not rows:
        raise InputError.single(field, path.name, "one address per line (or a CSV with an 'address' column)")
    problems = ProblemCollector()
    ids, lat, lon = [], [], []
    for n, point_id, address in rows:
        try:
            a, b = dataset.addresses.resolve(address, field=f"{field} row {n}")
        except InputError as error:
            problems.extend(error)
            continue
        clean = _clean_id(point_id, n, field, problems)
        if clean is not None:
            ids.append(clean)
            lat.append(a)
            lon.append(b)
    problems.raise_if_any()
    return PointSet("addresses", tuple(ids), np.array(lat, float), np.array(lon, float),
                    _file_source("addresses", path))
