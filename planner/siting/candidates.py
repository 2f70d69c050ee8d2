"""Candidate sites for the optimiser: one ``Candidate`` type, one text parser and two generators.

* :func:`parse_candidates_text` reads the candidates file format (CSV ``id,lat,lon[,capacity_seats]``
  with ``,`` or ``;``, or a GeoJSON FeatureCollection of points with the same properties) **and** typed
  points, one ``lat,lon[,capacity_seats]`` per line without a header (ids ``P1``, ``P2`` …). Every bad
  row, feature or line is reported: ``<field> row N <column>`` (the header is row 1),
  ``<field> feature N <property>``, ``<field> line N <column>``.
* :func:`grid_candidates` — a square grid over a street network (points near a street), ``G1`` …
* :func:`building_candidates` — the demand points with most children (cells of residential buildings).

Coordinates are WGS84 degrees; capacities are seats (None = no limit); distances metres.
"""
from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from planner.errors import InputError, Problem, ProblemCollector
from planner.readers import MAX_ROWS, csv_problem, in_finland, loads_json

SOURCES: tuple[str, ...] = ("grid", "points", "buildings")
MAX_CANDIDATES = 150            # typed points and grid points (the page's limit)
MAX_BUILDING_CANDIDATES = 40    # p-median solve time grows fast with candidates (about 15 s at 40)
MIN_GRID_SPACING_M = 50.0
GRID_SNAP_M = 150.0             # grid points farther than this from any street node are dropped
METRES_PER_DEGREE_LAT = 111_320.0
_SHAPE = "__bad_line__"         # a typed line that is not lat,lon[,capacity_seats]
MAX_ROWS_CANDIDATES = MAX_ROWS["candidates"]   # rows of a candidates file (the exact optimiser's limit is lower)
MAX_CAPACITY_SEATS = 2000.0     # the largest Finnish units have a few hundred places
MAX_ID_CHARS = 100
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Candidate:
    """A possible new site: id, WGS84 position, capacity in seats (None = no limit / the default)."""

    candidate_id: str
    lat: float
    lon: float
    capacity_seats: float | None = None


# --------------------------------------------------------------------------- parsing


def parse_candidates_text(text: str, *, field: str = "candidates", source: str | None = None,
                          kind: str | None = None, max_count: int | None = None) -> list[Candidate]:
    """Candidates from text in the candidates file format or typed ``lat,lon[,capacity_seats]`` lines.

    ``kind`` ``"geojson"``, ``"csv"`` or ``"points"``; None = detect: GeoJSON when the text starts with
    ``{``, typed points when the first cell of the first non-empty line is a number, else CSV with a
    header row. ``source`` is the value named by whole-input problems (e.g. the file name; default the
    field). ``max_count`` limits the number of candidates. ``InputError`` with one problem per bad value.
    """
    shown = source if source is not None else field
    problems = ProblemCollector()
    text = text or ""
    stripped = text.strip()
    first = next((line for line in stripped.splitlines() if line.strip()), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    if ";" in first and not stripped.startswith("{") and _numeric(first, ";"):
        delimiter = ";"          # typed points with decimal commas: 60,17;24,94
    if kind is None and not stripped:
        raise InputError(Problem.keyed(field, shown, "problems.candidates.none"))
    if kind is None:
        kind = "geojson" if stripped.startswith("{") else "points" if _numeric(first, delimiter) else "csv"
    try:
        if kind == "geojson":
            records = _geojson_records(stripped, field, shown, problems)
        elif kind == "points":
            records = _line_records(text, field)
        else:
            records = _csv_records(text, delimiter, field, shown, problems)
    except csv.Error as error:
        raise csv_problem(error, field, shown, None) from None
    if len(records) > MAX_ROWS_CANDIDATES:
        raise InputError(Problem.keyed(field, f"{len(records)} rows", "problems.input.rows.too_many",
                                       limit=MAX_ROWS_CANDIDATES))
    candidates: list[Candidate] = []
    seen: set[str] = set()
    for where, raw in records:
        if _SHAPE in raw:
            problems.add_keyed(where, raw[_SHAPE], "problems.candidates.point_line")
            continue
        candidate = _parse_candidate(raw, where, problems, seen)
        if candidate is not None:
            candidates.append(candidate)
    if not records and not problems:
        problems.add_keyed(field, shown, "problems.candidates.none")
    problems.raise_if_any()
    if max_count is not None and len(candidates) > max_count:
        raise InputError(Problem.keyed(field, len(candidates), "problems.candidates.too_many_candidates",
                                       limit=max_count))
    return candidates


def _numeric(line: str, delimiter: str) -> bool:
    """True when the first cell of ``line`` reads as a number (a typed point, not a header)."""
    cells = next(csv.reader([line], delimiter=delimiter), [""])
    return _to_float(cells[0].strip() if cells else "") is not None


def _line_records(text: str, field: str) -> list[tuple[str, dict]]:
    """Typed points: ``lat,lon[,capacity_seats]`` per non-empty line (line numbers count every line)."""
    records = []
    points = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        separator = ";" if ";" in line else ","      # each line its own: 60,17;24,94 or 60.17,24.94
        cells = [cell.strip() for cell in next(csv.reader([line], delimiter=separator), [])]
        where = f"{field} line {number}"
        if len(cells) > 3:
            records.append((where, {_SHAPE: line.strip()}))   # reported in line order by the caller
            continue
        cells += [""] * (3 - len(cells))
        points += 1
        records.append((where, {"id": f"P{points}", "lat": cells[0], "lon": cells[1],
                                "capacity_seats": cells[2]}))
    return records


def _csv_records(text: str, delimiter: str, field: str, shown: str,
                 problems: ProblemCollector) -> list[tuple[str, dict]]:
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in ("id", "lat", "lon") if c not in header]
    if missing:
        problems.add_keyed(field, shown, "problems.candidates.header", missing=", ".join(missing))
        return []
    records = []
    for row in reader:
        clean = {str(k).strip().lower(): (v.strip() if isinstance(v, str) else v) for k, v in row.items() if k}
        if not any(clean.values()):
            continue
        records.append((f"{field} row {reader.line_num}", clean))
    return records


def _geojson_records(text: str, field: str, shown: str, problems: ProblemCollector) -> list[tuple[str, dict]]:
    try:
        data = loads_json(text, field, shown)
    except InputError as error:
        problems.extend(error)
        return []
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" \
            or not isinstance(data.get("features") or [], list):
        problems.add_keyed(field, shown, "problems.geojson.type")
        return []
    records = []
    for number, feature in enumerate(data.get("features") or [], start=1):
        where = f"{field} feature {number}"
        feature = feature if isinstance(feature, dict) else {}
        geometry = feature.get("geometry") or {}
        properties = feature.get("properties")
        props = {str(k).lower(): v for k, v in (properties.items() if isinstance(properties, dict) else ())}
        if props.get("id") is None and feature.get("id") is not None:
            props["id"] = feature["id"]
        coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if not isinstance(geometry, dict) or geometry.get("type") != "Point" or not isinstance(coords, list) \
                or len(coords) < 2:
            problems.add_keyed(f"{where} geometry", geometry.get("type") if isinstance(geometry, dict) else geometry,
                 "problems.candidates.geometry")
            continue
        props["lon"], props["lat"] = coords[0], coords[1]
        records.append((where, props))
    return records


def _parse_candidate(raw: dict, where: str, problems: ProblemCollector, seen: set[str]) -> Candidate | None:
    before = len(problems.problems)
    raw_id = raw.get("id")
    candidate_id = str(raw_id if isinstance(raw_id, (str, int, float)) and not isinstance(raw_id, bool)
                       else "").strip()
    if not candidate_id:
        problems.add_keyed(f"{where} id", raw.get("id"), "problems.candidates.id_empty")
    elif _CONTROL_CHARS.search(candidate_id) or len(candidate_id) > MAX_ID_CHARS:
        problems.add_keyed(f"{where} id", candidate_id[:MAX_ID_CHARS], "problems.units.id_text", limit=MAX_ID_CHARS)
    elif candidate_id in seen:
        problems.add_keyed(f"{where} id", candidate_id, "problems.candidates.id_duplicate")
    else:
        seen.add(candidate_id)
    values = {}
    for key, low, high in (("lat", -90.0, 90.0), ("lon", -180.0, 180.0)):
        value = _to_float(raw.get(key))
        if value is None or not (low <= value <= high):
            problems.add_keyed(f"{where} {key}", raw.get(key), f"problems.candidates.{key}")
        values[key] = value
    if len(problems.problems) == before and not in_finland(values["lat"], values["lon"]):
        problems.add_keyed(f"{where} lat", f"{values['lat']}, {values['lon']}", "problems.input.location.finland")
    capacity = raw.get("capacity_seats")
    seats = None
    if capacity not in (None, ""):
        seats = _to_float(capacity)
        if seats is None or seats <= 0:
            problems.add_keyed(f"{where} capacity_seats", capacity, "problems.candidates.capacity")
        elif seats > MAX_CAPACITY_SEATS:
            problems.add_keyed(f"{where} capacity_seats", capacity, "problems.input.number.range", low="1",
                               high=f"{MAX_CAPACITY_SEATS:g}")
    if len(problems.problems) > before:
        return None
    return Candidate(candidate_id, values["lat"], values["lon"], seats)


def _to_float(value: Any) -> float | None:
    """A finite float from a number or a text with a decimal point or comma; None otherwise."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(str(value).replace(",", ".")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


# --------------------------------------------------------------------------- generators


def grid_candidates(graph: Any, spacing_m: float, *, max_count: int = MAX_CANDIDATES,
                    snap_m: float = GRID_SNAP_M, field: str = "grid_spacing_m") -> list[Candidate]:
    """A square grid ``spacing_m`` apart over the extent of ``graph`` (anything with ``lat``/``lon``
    node arrays), keeping the points within ``snap_m`` of a node; ids ``G1``, ``G2`` … in row order.
    ``InputError`` naming ``field`` when the spacing is below 50 m or gives more than ``max_count``."""
    from scipy.spatial import cKDTree

    spacing = _to_float(spacing_m)
    if spacing is None or spacing < MIN_GRID_SPACING_M:
        raise InputError(Problem.keyed(field, spacing_m, "problems.candidates.grid_spacing",
                                       minimum=f"{MIN_GRID_SPACING_M:g}"))
    lat = np.asarray(graph.lat, dtype=float)
    lon = np.asarray(graph.lon, dtype=float)
    if lat.size == 0:
        return []
    kx = METRES_PER_DEGREE_LAT * math.cos(math.radians(float(lat.mean())))
    x, y = (lon - lon.min()) * kx, (lat - lat.min()) * METRES_PER_DEGREE_LAT
    gx, gy = np.meshgrid(_centres(float(x.max()), spacing), _centres(float(y.max()), spacing))
    gx, gy = gx.ravel(), gy.ravel()
    distance, _ = cKDTree(np.column_stack([x, y])).query(np.column_stack([gx, gy]))
    keep = distance <= snap_m
    if int(keep.sum()) > max_count:
        raise InputError(Problem.keyed(field, spacing_m, "problems.candidates.grid_dense",
                                       count=int(keep.sum()), limit=max_count))
    return [Candidate(f"G{n}", float(lat.min() + py / METRES_PER_DEGREE_LAT), float(lon.min() + px / kx))
            for n, (px, py) in enumerate(zip(gx[keep], gy[keep]), start=1)]


def _centres(extent_m: float, spacing_m: float) -> np.ndarray:
    """Cell centres ``spacing_m`` apart covering ``[0, extent_m]``, centred on it (at least one)."""
    count = max(1, math.ceil(extent_m / spacing_m))
    start = (extent_m - (count - 1) * spacing_m) / 2.0
    return start + spacing_m * np.arange(count)


def building_candidates(demand: pd.DataFrame, limit: int = MAX_BUILDING_CANDIDATES) -> list[Candidate]:
    """The ``limit`` demand points (cells of residential buildings) with most children (ties: first
    row first) as candidates ``B1``, ``B2`` … in the demand's row order."""
    children = demand[["age_0_2", "age_3_5", "age_6"]].sum(axis=1).to_numpy(float)
    order = np.argsort(-children, kind="stable")[:max(0, int(limit))]
    lat, lon = demand["lat"].to_numpy(float), demand["lon"].to_numpy(float)
    return [Candidate(f"B{n}", float(lat[i]), float(lon[i])) for n, i in enumerate(sorted(order.tolist()), start=1)]


def street_mode(mode: str) -> str:
    """The street network a grid is laid over for ``mode`` (public transport: the walk network)."""
    return "walk" if mode == "transit" else mode


def candidates_for(source: str, dataset: Any, *, mode: str = "walk", spacing_m: float = 400.0, text: str = "",
                   demand: pd.DataFrame | None = None, field: str | None = None) -> list[Candidate]:
    """Candidates of one ``source`` (see :data:`SOURCES`): ``grid`` over the dataset's street network
    for ``mode``, typed ``points`` from ``text`` (at most :data:`MAX_CANDIDATES`) or the ``buildings``
    (``demand``, default the dataset's). Problems name ``field`` (default ``grid_spacing_m`` / ``points``)."""
    if source == "grid":
        return grid_candidates(dataset.graph(street_mode(mode)), spacing_m, field=field or "grid_spacing_m")
    if source == "points":
        return parse_candidates_text(text, field=field or "points", max_count=MAX_CANDIDATES)
    if source == "buildings":
        return building_candidates(dataset.demand if demand is None else demand)
    raise InputError(Problem.keyed(field or "source", source, "problems.one_of", options=", ".join(SOURCES)))
