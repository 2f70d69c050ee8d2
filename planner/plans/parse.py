"""Read plan files (planned units, closures and moves, lines, housing), validated against a dataset.

Every problem is collected and named by file, row and column (``--units row 3 opens``); nothing is
imported while any problem remains. Places must lie inside the dataset's area (they snap to its walking
network, as a unit's address or a family's home must), closures and moves must name a unit of the dataset
(by ``unit_id``, or by ``lat``/``lon`` within :data:`MATCH_RADIUS_M` of it) or of the same plan.

File formats (docs/plans.md):

* planned units: the units file (CSV or GeoJSON, ``docs/datasets.md``) plus ``opens`` (YYYY-MM-DD,
  required) and ``closes`` (optional);
* changes CSV: ``action`` (close | move), ``date``, ``unit_id`` or ``lat``,``lon`` of the unit, and for a
  move ``to_lat``,``to_lon``;
* line file (JSON, ``"format": "planner-line"``): ``line_id``, ``name``, ``mode`` (tram, bus, metro,
  train, ferry, trolleybus), ``start_date``, optional ``end_date``, ``days`` (e.g. ``"Mo-Fr"``),
  ``service`` {``first``, ``last``} (HH:MM), ``headways`` [{``from``, ``to``, ``minutes``}] (within the
  service span), ``stops`` [{``name``, ``lat``, ``lon``,
  ``minutes`` from the previous stop}] (gaps of the span between the periods run at the longest
  given headway; missing minutes: 1.2 × straight line at ``speed_kmh``, an
  estimate), optional ``replaces`` (route short name of an existing line stopping that day),
  ``both_directions`` (default true);
* housing CSV: ``housing_id``, ``lat``, ``lon``, ``dwellings``, ``completes`` (YYYY-MM-DD), optional
  ``persons_per_dwelling``.
"""
from __future__ import annotations

import csv
import io
import json
import math
import re
from datetime import date
from pathlib import Path
from typing import Any, Mapping

from planner.errors import InputError, Problem
from planner.plans.model import (DAY_KEYS, ROUTE_TYPES, Headway, Housing, LineStop, PlannedLine, PlannedUnit,
                                 UnitChange, straight_m)

MATCH_RADIUS_M = 50.0
MAX_ROWS = 10_000
_DAY_ABBR = {"mo": 0, "tu": 1, "we": 2, "th": 3, "fr": 4, "sa": 5, "su": 6}


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _read_text(path: Path, flag: str, problems: list[Problem]) -> str | None:
    """The UTF-8 text of a plan file (regular files only, at most ``readers.MAX_BYTES['plan']``)."""
    from planner.readers import read_text
    try:
        return read_text(path, flag, "plan")
    except InputError as error:
        problems.extend(error.problems)
        return None


def _csv_rows(text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [str(h).strip().lower() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    rows = []
    for row in reader:
        if not any(_text(v) for v in row.values() if not isinstance(v, list)):
            continue
        rows.append((reader.line_num, row))
        if len(rows) > MAX_ROWS:
            break
    return header, rows


def parse_date(value: Any, where: str, problems: list[Problem], *, required: bool = True) -> date | None:
    """``YYYY-MM-DD`` (a problem naming ``where`` otherwise)."""
    text = _text(value)
    if not text:
        if required:
            problems.append(Problem(where, value, "a date YYYY-MM-DD, e.g. 2027-08-01"))
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(Problem(where, value, "a date YYYY-MM-DD, e.g. 2027-08-01"))
        return None


def _number(value: Any, where: str, problems: list[Problem], *, low: float | None = None,
            high: float | None = None, required: bool = True) -> float | None:
    text = _text(value)
    if not text:
        if required:
            problems.append(Problem(where, value, "a number"))
        return None
    try:
        number = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) \
            else float(text.replace(",", "."))
    except ValueError:
        problems.append(Problem(where, value, "a number (decimal point or comma)"))
        return None
    if not math.isfinite(number) or (low is not None and number < low) or (high is not None and number > high):
        span = f"between {low:g} and {high:g}" if low is not None and high is not None else \
            (f"at least {low:g}" if low is not None else f"at most {high:g}")
        problems.append(Problem(where, value, f"a number {span}"))
        return None
    return number


def _point(row: Mapping[str, Any], where: str, problems: list[Problem], lat_key: str = "lat",
           lon_key: str = "lon", required: bool = True) -> tuple[float, float] | None:
    lat = _number(row.get(lat_key), f"{where} {lat_key}", problems, low=-90, high=90, required=required)
    lon = _number(row.get(lon_key), f"{where} {lon_key}", problems, low=-180, high=180, required=required)
    return (lat, lon) if lat is not None and lon is not None else None


def check_inside(dataset: Any, points: list[tuple[str, tuple[float, float]]], problems: list[Problem]) -> None:
    """A problem for each named point outside the dataset's area (it does not snap to the walk network)."""
    if not points or dataset is None:
        return
    engine = dataset.engine("walk")
    snaps = engine.snap_many([p for _, p in points], field="plan", on_outside="none")
    bbox = dataset.meta.get("bbox")
    area = f" (the dataset {dataset.name} covers lon {bbox[0]}..{bbox[2]}, lat {bbox[1]}..{bbox[3]})" if bbox else ""
    for (where, point), snap in zip(points, snaps):
        if snap is None:
            problems.append(Problem(where, f"{point[0]}, {point[1]}",
                                    f"a place inside the dataset's area, at most 500 m from a street{area}"))


# --------------------------------------------------------------------------- planned units
def parse_planned_units(path: str | Path, dataset: Any, flag: str = "--units") -> tuple[list[PlannedUnit], list[Problem]]:
    """Planned units: the units-file columns plus ``opens`` (required) and ``closes``."""
    from planner.units import _geojson_rows, _parse_row

    path = Path(path)
    problems: list[Problem] = []
    text = _read_text(path, flag, problems)
    if text is None:
        return [], problems
    if path.suffix.lower() in (".geojson", ".json") or text.lstrip().startswith("{"):
        raw_rows = _geojson_rows(text, path.name, flag, problems)
        rows = [(f"{flag} feature {n}", r) for n, r in enumerate(raw_rows, start=1)]
    else:
        header, numbered = _csv_rows(text)
        missing = [c for c in ("unit_id", "name", "opens") if c not in header]
        if missing:
            return [], [Problem(f"{flag} columns", ",".join(header), f"the columns {', '.join(missing)} "
                                "(and lat,lon or address; see docs/plans.md)")]
        rows = [(f"{flag} row {n}", r) for n, r in numbered]
    seen: dict[str, str] = {}
    existing = set(getattr(dataset, "units_by_id", {}) or {}) if dataset is not None else set()
    out: list[PlannedUnit] = []
    points: list[tuple[str, tuple[float, float]]] = []
    addresses = getattr(dataset, "addresses", None) if dataset is not None else None
    for label, row in rows:
        if isinstance(row, Problem):
            problems.append(row)
            continue
        before = len(problems)
        opens = parse_date(row.get("opens"), f"{label} opens", problems)
        closes = parse_date(row.get("closes"), f"{label} closes", problems, required=False)
        if opens and closes and closes <= opens:
            problems.append(Problem(f"{label} closes", row.get("closes"), f"a date after opens ({opens})"))
        unit = _parse_row(row, label, problems, seen, addresses, f"plan file:{path.name}")
        if unit is not None and unit.unit_id in existing:
            problems.append(Problem(f"{label} unit_id", unit.unit_id,
                                    "an id not used by the dataset's units (a planned unit is new)"))
        if unit is None or len(problems) > before:
            continue
        points.append((f"{label} lat,lon", (unit.lat, unit.lon)))
        out.append(PlannedUnit(unit, opens, closes))
    check_inside(dataset, points, problems)
    if not out and not problems:
        problems.append(Problem(flag, path.name, "a file with at least one planned unit"))
    return out, problems


# --------------------------------------------------------------------------- closures and moves
def parse_changes(path: str | Path, dataset: Any, planned: list[PlannedUnit],
                  flag: str = "--changes") -> tuple[list[UnitChange], list[Problem]]:
    """Closures and moves; the unit by ``unit_id`` or by ``lat``/``lon`` (nearest unit within 50 m)."""
    path = Path(path)
    problems: list[Problem] = []
    text = _read_text(path, flag, problems)
    if text is None:
        return [], problems
    header, rows = _csv_rows(text)
    missing = [c for c in ("action", "date") if c not in header]
    if missing or not ({"unit_id"} <= set(header) or {"lat", "lon"} <= set(header)):
        return [], [Problem(f"{flag} columns", ",".join(header),
                            "the columns action, date and unit_id (or lat,lon of the unit); to_lat,to_lon for a move")]
    units = list(getattr(dataset, "units", []) or []) + [p.unit for p in planned]
    by_id = {u.unit_id: u for u in units}
    out: list[UnitChange] = []
    points: list[tuple[str, tuple[float, float]]] = []
    for number, row in rows:
        label = f"{flag} row {number}"
        before = len(problems)
        action = _text(row.get("action")).lower()
        if action not in ("close", "move"):
            problems.append(Problem(f"{label} action", row.get("action"), "close or move"))
        on = parse_date(row.get("date"), f"{label} date", problems)
        unit_id = _text(row.get("unit_id"))
        if unit_id:
            if unit_id not in by_id:
                problems.append(Problem(f"{label} unit_id", unit_id, "the id of a unit of the dataset or of this plan"))
        else:
            at = _point(row, label, problems)
            if at is not None:
                near = sorted(units, key=lambda u: straight_m(at, (u.lat, u.lon)))
                if not near or straight_m(at, (near[0].lat, near[0].lon)) > MATCH_RADIUS_M:
                    problems.append(Problem(f"{label} lat,lon", f"{at[0]}, {at[1]}",
                                            f"the place of a unit of the dataset (within {MATCH_RADIUS_M:g} m), "
                                            "or its unit_id"))
                else:
                    unit_id = near[0].unit_id
        to = None
        if action == "move":
            to = _point(row, label, problems, "to_lat", "to_lon")
            if to is not None:
                points.append((f"{label} to_lat,to_lon", to))
        if len(problems) > before:
            continue
        out.append(UnitChange(action, unit_id, on, to[0] if to else None, to[1] if to else None))
    check_inside(dataset, points, problems)
    return out, problems


# --------------------------------------------------------------------------- lines
def _clock_s(value: Any, where: str, problems: list[Problem]) -> int | None:
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", _text(value))
    if not match or int(match.group(1)) > 27 or int(match.group(2)) > 59:
        problems.append(Problem(where, value, "a time HH:MM (up to 27:59 for service past midnight)"))
        return None
    return int(match.group(1)) * 3600 + int(match.group(2)) * 60


def parse_days(value: Any, where: str, problems: list[Problem]) -> tuple[str, ...] | None:
    """``"Mo-Fr"``, ``"Mo-Su"``, ``"Mo,We,Fr"`` or a list of mon..sun."""
    if value is None:
        return DAY_KEYS[:5]
    items = value if isinstance(value, list) else re.split(r"\s*,\s*", _text(value))
    days: set[int] = set()
    for item in items:
        text = _text(item).lower()
        match = re.fullmatch(r"(mo|tu|we|th|fr|sa|su)[a-z]*(?:\s*-\s*(mo|tu|we|th|fr|sa|su)[a-z]*)?", text)
        if not match:
            problems.append(Problem(where, value, 'days like "Mo-Fr", "Mo-Su" or "Mo,We,Fr"'))
            return None
        a = _DAY_ABBR[match.group(1)]
        b = _DAY_ABBR[match.group(2)] if match.group(2) else a
        days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    return tuple(DAY_KEYS[d] for d in sorted(days))


def parse_line(path: str | Path, dataset: Any, flag: str = "--line") -> tuple[PlannedLine | None, list[Problem]]:
    """One line file (JSON, see the module docstring), its stops checked inside the dataset's area."""
    path = Path(path)
    problems: list[Problem] = []
    text = _read_text(path, flag, problems)
    if text is None:
        return None, problems
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return None, [Problem(flag, path.name, f"valid JSON (line {error.lineno}: {error.msg})")]
    if not isinstance(data, dict):
        return None, [Problem(flag, path.name, 'a JSON object {"format": "planner-line", ...}')]
    w = f"{flag} {path.name}"
    if data.get("format", "planner-line") != "planner-line":
        problems.append(Problem(f"{w} format", data.get("format"), '"planner-line"'))
    known = {"format", "line_id", "name", "mode", "start_date", "end_date", "days", "service", "headways", "stops",
             "replaces", "both_directions", "speed_kmh", "note", "example"}
    for key in sorted(set(data) - known):
        problems.append(Problem(f"{w} {key}", data[key], f"only the keys {', '.join(sorted(known))}"))
    line_id = _text(data.get("line_id"))
    if not re.fullmatch(r"[A-Za-z0-9._-]{1,40}", line_id):
        problems.append(Problem(f"{w} line_id", data.get("line_id"), "an id of letters, digits, '.', '_' or '-'"))
    name = _text(data.get("name")) or line_id
    mode = _text(data.get("mode")).lower()
    if mode not in ROUTE_TYPES:
        problems.append(Problem(f"{w} mode", data.get("mode"), f"one of {', '.join(ROUTE_TYPES)}"))
    start = parse_date(data.get("start_date"), f"{w} start_date", problems)
    end = parse_date(data.get("end_date"), f"{w} end_date", problems, required=False)
    if start and end and end <= start:
        problems.append(Problem(f"{w} end_date", data.get("end_date"), f"a date after start_date ({start})"))
    days = parse_days(data.get("days"), f"{w} days", problems)
    service = data.get("service") or {}
    if not isinstance(service, dict):
        problems.append(Problem(f"{w} service", service, '{"first": "05:30", "last": "23:30"}'))
        service = {}
    first = _clock_s(service.get("first", "05:30"), f"{w} service.first", problems)
    last = _clock_s(service.get("last", "23:30"), f"{w} service.last", problems)
    if first is not None and last is not None and last <= first:
        problems.append(Problem(f"{w} service.last", service.get("last"), "a time after service.first"))
    headways: list[Headway] = []
    raw_headways = data.get("headways")
    if not isinstance(raw_headways, list) or not raw_headways:
        problems.append(Problem(f"{w} headways", raw_headways,
                                'a list like [{"from": "07:00", "to": "09:00", "minutes": 5}, ...]'))
        raw_headways = []
    for i, item in enumerate(raw_headways):
        where = f"{w} headways[{i}]"
        if not isinstance(item, dict):
            problems.append(Problem(where, item, '{"from": "HH:MM", "to": "HH:MM", "minutes": N}'))
            continue
        a = _clock_s(item.get("from"), f"{where}.from", problems)
        b = _clock_s(item.get("to"), f"{where}.to", problems)
        minutes = _number(item.get("minutes"), f"{where}.minutes", problems, low=1, high=240)
        if a is not None and b is not None and b <= a:
            problems.append(Problem(f"{where}.to", item.get("to"), "a time after from"))
            continue
        if a is not None and b is not None and first is not None and last is not None and (a < first or b > last):
            problems.append(Problem(where, f"{item.get('from')}-{item.get('to')}",
                                    "a period inside the service span (service.first .. service.last)"))
            continue
        if a is not None and b is not None and minutes is not None:
            headways.append(Headway(a, b, minutes))
    ordered = sorted(headways, key=lambda h: h.start_s)
    for prev, cur in zip(ordered, ordered[1:]):
        if cur.start_s < prev.end_s:
            problems.append(Problem(f"{w} headways", "overlapping periods", "periods that do not overlap"))
            break
    speed = _number(data.get("speed_kmh", 18), f"{w} speed_kmh", problems, low=3, high=120)
    stops: list[LineStop] = []
    points: list[tuple[str, tuple[float, float]]] = []
    raw_stops = data.get("stops")
    if not isinstance(raw_stops, list) or len(raw_stops) < 2:
        problems.append(Problem(f"{w} stops", raw_stops, "a list of at least 2 stops in order"))
        raw_stops = []
    estimated = False
    for i, item in enumerate(raw_stops):
        where = f"{w} stops[{i}]"
        if not isinstance(item, dict):
            problems.append(Problem(where, item, '{"name": "...", "lat": 60.17, "lon": 24.94, "minutes": 2}'))
            continue
        point = _point(item, where, problems)
        minutes = None
        if i > 0:
            minutes = _number(item.get("minutes"), f"{where}.minutes", problems, low=0.1, high=120, required=False)
            estimated |= item.get("minutes") is None
        stop_name = _text(item.get("name")) or f"{name} {i + 1}"
        if point is not None:
            points.append((where, point))
            stops.append(LineStop(stop_name, point[0], point[1], minutes))
    check_inside(dataset, points, problems)
    replaces = _text(data.get("replaces")) or None
    if replaces and dataset is not None:
        feed = _dataset_feed(dataset)
        if feed is not None and replaces not in set(feed.route_short_names):
            problems.append(Problem(f"{w} replaces", replaces, "the short name of a line of the dataset's transit feed"))
    both = data.get("both_directions", True)
    if not isinstance(both, bool):
        problems.append(Problem(f"{w} both_directions", both, "true or false"))
    if problems:
        return None, problems
    return PlannedLine(line_id=line_id, name=name, mode=mode, start_date=start, stops=tuple(stops),
                       headways=tuple(ordered), days=days, end_date=end, replaces=replaces,
                       both_directions=bool(both), speed_kmh=float(speed), run_times_estimated=estimated,
                       service_start_s=first, service_end_s=last), []


def _dataset_feed(dataset: Any) -> Any:
    router = dataset.transit() if hasattr(dataset, "transit") else None
    return getattr(router, "feed", None)


# --------------------------------------------------------------------------- housing
def parse_housing(path: str | Path, dataset: Any, flag: str = "--housing") -> tuple[list[Housing], list[Problem]]:
    """New dwellings: ``housing_id,lat,lon,dwellings,completes[,persons_per_dwelling]``."""
    path = Path(path)
    problems: list[Problem] = []
    text = _read_text(path, flag, problems)
    if text is None:
        return [], problems
    header, rows = _csv_rows(text)
    missing = [c for c in ("housing_id", "lat", "lon", "dwellings", "completes") if c not in header]
    if missing:
        return [], [Problem(f"{flag} columns", ",".join(header), f"the columns {', '.join(missing)}")]
    out: list[Housing] = []
    seen: set[str] = set()
    points: list[tuple[str, tuple[float, float]]] = []
    for number, row in rows:
        label = f"{flag} row {number}"
        before = len(problems)
        housing_id = _text(row.get("housing_id"))
        if not housing_id or housing_id in seen:
            problems.append(Problem(f"{label} housing_id", row.get("housing_id"), "a unique, non-empty id"))
        seen.add(housing_id)
        point = _point(row, label, problems)
        dwellings = _number(row.get("dwellings"), f"{label} dwellings", problems, low=1, high=100_000)
        if dwellings is not None and dwellings != int(dwellings):
            problems.append(Problem(f"{label} dwellings", row.get("dwellings"), "a whole number of dwellings"))
        completes = parse_date(row.get("completes"), f"{label} completes", problems)
        persons = _number(row.get("persons_per_dwelling"), f"{label} persons_per_dwelling", problems, low=0.5,
                          high=8, required=False)
        if len(problems) > before:
            continue
        points.append((f"{label} lat,lon", point))
        out.append(Housing(housing_id, point[0], point[1], int(dwellings), completes, persons))
    check_inside(dataset, points, problems)
    if not out and not problems:
        problems.append(Problem(flag, path.name, "a file with at least one row of new dwellings"))
    return out, problems


def raise_problems(problems: list[Problem]) -> None:
    if problems:
        raise InputError(problems)
