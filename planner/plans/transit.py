"""Public transport in force on a date: the dataset's feed (or a planned GTFS version) plus planned lines.

A planned line becomes ordinary GTFS rows appended to the feed — stops, a route, one template trip per
direction, ``frequencies.txt`` rows for its headways and a ``calendar.txt`` service that starts on the
line's start date — so the timetable of any day already knows whether the line runs. A line that
``replaces`` an existing one cuts that line's services to the day before its start date. The merged
feeds are written once per plan import (``<plan store>/transit/*.zip``, with the router's walking
matrices cached next to them) and chosen by date: the newest GTFS version whose start date is not after
the day, else the dataset's own feed.
"""
from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Iterable

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported where a plan feed is merged (a cold `rank` does not need it)
    import pandas as pd

from planner.errors import DataError
from planner.plans.model import DAY_KEYS, FAR_FUTURE, PlannedLine

WEEKDAY_COLUMNS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
PLAN_PREFIX = "plan:"


def _gtfs_date(day: date) -> str:
    return day.strftime("%Y%m%d")


def _hms(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def read_tables(feed: Path) -> dict[str, pd.DataFrame]:
    """Every ``.txt`` table of a GTFS zip or folder as strings (no parsing, no validation)."""
    import pandas as pd

    tables: dict[str, pd.DataFrame] = {}
    if feed.is_dir():
        for path in sorted(feed.glob("*.txt")):
            tables[path.name] = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        return tables
    with zipfile.ZipFile(feed) as archive:
        for name in archive.namelist():
            base = name.rsplit("/", 1)[-1]
            if base.endswith(".txt") and base not in tables:
                tables[base] = pd.read_csv(io.BytesIO(archive.read(name)), dtype=str, keep_default_na=False,
                                           encoding="utf-8-sig")
    return tables


def write_tables(tables: dict[str, pd.DataFrame], path: Path) -> Path:
    """Write GTFS tables into a zip (deterministic order)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(tables):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0)),
                             tables[name].to_csv(index=False))
    tmp.replace(path)
    return path


def _append(tables: dict[str, pd.DataFrame], name: str, rows: list[dict[str, str]]) -> None:
    import pandas as pd

    new = pd.DataFrame(rows, dtype=str)
    if name in tables and len(tables[name].columns):
        tables[name] = pd.concat([tables[name], new], ignore_index=True).fillna("")
    else:
        tables[name] = new.fillna("")


def frequency_periods(line: PlannedLine) -> list[tuple[int, int, int]]:
    """(start_s, end_s, headway_s) covering the service span: the given periods, and the gaps between
    them at the longest given headway (the least frequent: a cautious assumption)."""
    periods = sorted(line.headways, key=lambda h: h.start_s)
    slowest = max(h.minutes for h in periods)
    first = min([line.service_start_s, *(p.start_s for p in periods)])
    last = max([line.service_end_s, *(p.end_s for p in periods)])
    out: list[tuple[int, int, int]] = []
    clock = first
    for h in periods:
        if h.start_s > clock:
            out.append((clock, h.start_s, int(round(slowest * 60))))
        out.append((h.start_s, h.end_s, int(round(h.minutes * 60))))
        clock = max(clock, h.end_s)
    if clock < last:
        out.append((clock, last, int(round(slowest * 60))))
    return out


def add_line(tables: dict[str, pd.DataFrame], line: PlannedLine) -> None:
    """Append ``line`` to the GTFS ``tables`` (in place); cut the line it replaces (see module docstring)."""
    key = f"{PLAN_PREFIX}{line.line_id}"
    stop_ids = [f"{key}:{i}" for i in range(len(line.stops))]
    _append(tables, "stops.txt", [{"stop_id": sid, "stop_name": stop.name, "stop_lat": f"{stop.lat:.7f}",
                                   "stop_lon": f"{stop.lon:.7f}"} for sid, stop in zip(stop_ids, line.stops)])
    _append(tables, "routes.txt", [{"route_id": key, "route_short_name": line.name,
                                    "route_long_name": f"{line.name} (planned from {line.start_date.isoformat()})",
                                    "route_type": str(line.route_type)}])
    end = (line.end_date - timedelta(days=1)) if line.end_date else FAR_FUTURE
    _append(tables, "calendar.txt", [{"service_id": key, **{col: "1" if day in line.days else "0"
                                                            for col, day in zip(WEEKDAY_COLUMNS, DAY_KEYS)},
                                      "start_date": _gtfs_date(line.start_date), "end_date": _gtfs_date(end)}])
    minutes = line.run_minutes()
    directions = [(0, list(range(len(line.stops))))]
    if line.both_directions:
        directions.append((1, list(range(len(line.stops) - 1, -1, -1))))
    trips, stop_times, frequencies = [], [], []
    for direction, order in directions:
        trip_id = f"{key}:{direction}"
        trips.append({"route_id": key, "service_id": key, "trip_id": trip_id, "direction_id": str(direction)})
        clock = 0.0
        for seq, i in enumerate(order):
            if seq > 0:
                prev = order[seq - 1]
                clock += minutes[max(i, prev)] * 60.0   # minutes between neighbouring stops, either way
            stop_times.append({"trip_id": trip_id, "arrival_time": _hms(clock), "departure_time": _hms(clock),
                               "stop_id": stop_ids[i], "stop_sequence": str(seq + 1)})
        for start_s, end_s, headway_s in frequency_periods(line):
            frequencies.append({"trip_id": trip_id, "start_time": _hms(start_s), "end_time": _hms(end_s),
                                "headway_secs": str(headway_s)})
    _append(tables, "trips.txt", trips)
    _append(tables, "stop_times.txt", stop_times)
    _append(tables, "frequencies.txt", frequencies)
    if line.replaces:
        _cut_route(tables, line.replaces, line.start_date, line.line_id)


def _cut_route(tables: dict[str, pd.DataFrame], short_name: str, start: date, line_id: str) -> None:
    """Services of the route(s) named ``short_name`` end the day before ``start`` (cloned service ids)."""
    import pandas as pd

    routes = tables["routes.txt"]
    names = routes.get("route_short_name", pd.Series([""] * len(routes)))
    route_ids = set(routes.loc[names == short_name, "route_id"])
    trips = tables["trips.txt"]
    mask = trips["route_id"].isin(route_ids)
    last = _gtfs_date(start - timedelta(days=1))
    for service in sorted(set(trips.loc[mask, "service_id"])):
        clone = f"{service}@until:{line_id}"
        if "calendar.txt" in tables and len(tables["calendar.txt"]):
            cal = tables["calendar.txt"]
            rows = cal[cal["service_id"] == service].copy()
            rows["service_id"] = clone
            rows["end_date"] = [min(e, last) for e in rows["end_date"]]
            rows = rows[rows["start_date"] <= rows["end_date"]]
            tables["calendar.txt"] = pd.concat([cal, rows], ignore_index=True)
        if "calendar_dates.txt" in tables and len(tables["calendar_dates.txt"]):
            cd = tables["calendar_dates.txt"]
            rows = cd[(cd["service_id"] == service) & (cd["date"] <= last)].copy()
            rows["service_id"] = clone
            tables["calendar_dates.txt"] = pd.concat([cd, rows], ignore_index=True)
        has_calendar = any(len(t[t["service_id"] == clone]) for n, t in tables.items()
                           if n in ("calendar.txt", "calendar_dates.txt") and len(t))
        if not has_calendar:  # the route never ran before the cut: a service without any day
            _append(tables, "calendar_dates.txt", [{"service_id": clone, "date": "19000101", "exception_type": "2"}])
        trips.loc[mask & (trips["service_id"] == service), "service_id"] = clone
    tables["trips.txt"] = trips


def merged_tables(feed: Path, lines: Iterable[PlannedLine]) -> dict[str, pd.DataFrame]:
    """The tables of ``feed`` with every planned line added, in start-date order."""
    tables = read_tables(feed)
    for line in sorted(lines, key=lambda x: (x.start_date, x.line_id)):
        add_line(tables, line)
    return tables


def version_key(feed: Path, lines: Iterable[PlannedLine], graph: Path | None) -> str:
    """A short hash of the base feed, the lines and the walk graph (the file name of a merged feed)."""
    from planner.datasets.build import sha256_of

    digest = hashlib.sha256(sha256_of(feed).encode())
    digest.update(json.dumps([line.to_dict() for line in sorted(lines, key=lambda x: x.line_id)],
                             sort_keys=True, default=str).encode())
    if graph is not None and graph.is_file():
        digest.update(sha256_of(graph).encode())
    return digest.hexdigest()[:16]


def feed_versions(base_feed: Path | None, versions: list[tuple[date, Path]]) -> list[tuple[date | None, Path]]:
    """(start date or None for the dataset's own feed, feed path), oldest first."""
    out: list[tuple[date | None, Path]] = []
    if base_feed is not None:
        out.append((None, base_feed))
    out.extend(sorted(versions, key=lambda v: v[0]))
    if not out:
        raise DataError("no transit feed: the dataset has none and the plans add no GTFS version")
    return out


def version_for(day: date, versions: list[tuple[date | None, Path]]) -> tuple[date | None, Path]:
    """The feed version in force on ``day`` (the newest started; the base feed before any version)."""
    chosen = versions[0]
    for start, path in versions:
        if start is None or start <= day:
            chosen = (start, path)
    return chosen


def build_router(feed_zip: Path, walk: Any, graph_path: Path, cache: Path) -> Any:
    """A ``TransitRouter`` on ``feed_zip``, reading (or writing) its walking matrices at ``cache``."""
    from planner.network.gtfs import load_feed
    from planner.network.transit import TransitRouter, walk_cache_key

    key = walk_cache_key(feed_zip, graph_path) if graph_path.is_file() else None
    router = TransitRouter.from_feed(load_feed(feed_zip), walk, walk_cache=cache if key else None,
                                     walk_cache_key=key)
    if key and not router.walk_cache_used:
        try:
            router.save_walk_cache(cache, key)
        except OSError:  # a read-only store: the router works, only slower next time
            pass
    return router
