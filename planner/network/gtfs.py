"""Load and validate a GTFS feed (zip or folder) into compact arrays.

Times are integer seconds after midnight of the service day (``25:10:00`` -> 90600). Every problem
a user can cause (missing file, bad time, unknown id, non-monotone stop times) becomes a
:class:`~planner.errors.Problem` whose field names the file, the row (the line number in the file,
the header being line 1) and the column, e.g. ``gtfs:stop_times.txt row 17 arrival_time``.
"""
from __future__ import annotations

import io
import math
import os
import sys
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Iterable

from typing import TYPE_CHECKING, Any

import numpy as np

from planner.errors import InputError, ProblemCollector

if TYPE_CHECKING:  # pragma: no cover - pandas parses feeds (load_feed) but is not needed to use one
    import pandas as pd

REQUIRED_FILES: tuple[str, ...] = ("stops.txt", "routes.txt", "trips.txt", "stop_times.txt")
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "stops.txt": ("stop_id", "stop_lat", "stop_lon"),
    "routes.txt": ("route_id", "route_type"),
    "trips.txt": ("route_id", "service_id", "trip_id"),
    "stop_times.txt": ("trip_id", "stop_id", "stop_sequence", "arrival_time", "departure_time"),
    "calendar.txt": ("service_id", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                     "sunday", "start_date", "end_date"),
    "calendar_dates.txt": ("service_id", "date", "exception_type"),
    "frequencies.txt": ("trip_id", "start_time", "end_time", "headway_secs"),
}
WEEKDAYS: tuple[str, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_PROBLEMS = 50
_TIME_RE = r"^\s*(\d{1,3}):(\d{2}):(\d{2})\s*$"


class Table:
    """A few named numpy columns of equal length: what a loaded feed keeps of calendar.txt,
    calendar_dates.txt, frequencies.txt and planner_assumptions.txt (no pandas needed to use a feed).

    ``table["col"]`` is a column; ``table[mask]`` (or an index array) the selected rows as a Table.
    Dates are ``datetime64[D]``.
    """

    def __init__(self, columns: dict[str, Any]):
        self.columns: dict[str, np.ndarray] = {str(k): np.asarray(v) for k, v in columns.items()}

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def __contains__(self, name: object) -> bool:
        return name in self.columns

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return self.columns[key]
        return Table({name: column[key] for name, column in self.columns.items()})

    def __repr__(self) -> str:
        return f"Table({len(self)} rows: {', '.join(self.columns)})"

    def rows(self) -> list[dict[str, Any]]:
        """The rows as dicts of plain Python values."""
        names = list(self.columns)
        return [dict(zip(names, values)) for values in zip(*(self.columns[n].tolist() for n in names))]

    @classmethod
    def from_frame(cls, frame: Any) -> "Table":
        """From a pandas DataFrame (object columns of dates become ``datetime64[D]``)."""
        columns = {}
        for name in frame.columns:
            values = frame[name].tolist()
            if values and all(isinstance(v, date) for v in values):
                columns[name] = np.array(values, dtype="datetime64[D]")
            elif values and all(isinstance(v, str) for v in values):
                columns[name] = np.array(values, dtype=str)
            else:
                columns[name] = frame[name].to_numpy()
        return cls(columns)


def _day(value: date) -> np.datetime64:
    return np.datetime64(value, "D")


@dataclass(frozen=True)
class TripsOfDay:
    """Every trip running on one service date, frequencies expanded.

    ``offsets`` delimit each trip's rows in the stop arrays (CSR layout); times are seconds after
    midnight of the *query* date (trips of the previous service day running past midnight are shifted
    by -86400 s).
    """

    route_index: np.ndarray      # per trip, index into GtfsFeed.route_ids
    label: list[str]             # per trip: trip_id, or trip_id@HH:MM:SS for frequency trips
    offsets: np.ndarray          # n_trips + 1
    stop_index: np.ndarray       # per stop event, index into GtfsFeed.stop_ids
    arrival_s: np.ndarray
    departure_s: np.ndarray
    pickup: np.ndarray           # bool: boarding allowed
    dropoff: np.ndarray          # bool: alighting allowed


@dataclass
class GtfsFeed:
    """A validated GTFS feed in arrays; build with :func:`load_feed`."""

    stop_ids: list[str]
    stop_names: list[str]
    stop_lat: np.ndarray
    stop_lon: np.ndarray
    route_ids: list[str]
    route_short_names: list[str]
    route_long_names: list[str]
    route_types: list[int]
    trip_ids: list[str]
    trip_route: np.ndarray       # per trip, route index
    trip_service: list[str]
    offsets: np.ndarray          # per trip CSR offsets into the stop-event arrays
    stop_index: np.ndarray
    arrival_s: np.ndarray        # int32, seconds after midnight of the service day (int32: half the memory)
    departure_s: np.ndarray
    pickup: np.ndarray           # bool
    dropoff: np.ndarray          # bool
    frequencies: Table           # trip index, start_s, end_s, headway_s, exact_times
    calendar: Table              # service_id, weekday flags, start_date, end_date (datetime64[D])
    calendar_dates: Table        # service_id, date (datetime64[D]), exception_type
    feed_info: dict[str, str] = field(default_factory=dict)
    assumptions: Table | None = None   # planner_assumptions.txt when present
    source: str = ""
    # transfers.txt rows used (stop indices; type 0 recommended, 1 timed, 2 min_transfer_s, 3 none) and
    # how many rows were left out and why (route/trip-specific, in-seat, stations, stops not in the feed)
    transfers: Table | None = None            # from_stop, to_stop, transfer_type, min_transfer_s (nan)
    transfers_left_out: dict[str, int] = field(default_factory=dict)

    @property
    def stop_index_of(self) -> dict[str, int]:
        return {stop_id: i for i, stop_id in enumerate(self.stop_ids)}

    def services_on(self, day: date) -> set[str]:
        """Service ids active on ``day`` (calendar.txt weekdays and range, then calendar_dates)."""
        active: set[str] = set()
        weekday = WEEKDAYS[day.weekday()]
        when = _day(day)
        if len(self.calendar):
            cal = self.calendar
            mask = (cal["start_date"] <= when) & (cal["end_date"] >= when) & (cal[weekday] == 1)
            active.update(cal["service_id"][mask].tolist())
        if len(self.calendar_dates):
            cd = self.calendar_dates
            today = cd["date"] == when
            active.update(cd["service_id"][today & (cd["exception_type"] == 1)].tolist())
            active.difference_update(cd["service_id"][today & (cd["exception_type"] == 2)].tolist())
        return active

    def date_range(self) -> tuple[date | None, date | None]:
        """First and last date on which the feed may have service (None when it has none)."""
        days: list[np.datetime64] = []
        if len(self.calendar):
            days += [self.calendar["start_date"].min(), self.calendar["end_date"].max()]
        if len(self.calendar_dates):
            added = self.calendar_dates["date"][self.calendar_dates["exception_type"] == 1]
            if len(added):
                days += [added.min(), added.max()]
        if not days:
            return None, None
        return min(days).item(), max(days).item()

    def trips_on(self, day: date) -> TripsOfDay:
        """All trips running on ``day``, frequencies expanded, plus the previous day's overnight trips.
        The last few days asked for are kept (the time model, the timetable and the reverse timetable
        all ask for the same day); the arrays are shared, so treat them as read-only."""
        cache = self.__dict__.setdefault("_trips_of_day", {})
        if day in cache:
            return cache[day]
        parts = []
        for service_day, shift_s in ((day - timedelta(days=1), -86400), (day, 0)):
            services = self.services_on(service_day)
            if services:
                parts.append(self._expand(services, shift_s))
        trips = _concat_trips(parts)
        if len(cache) >= 4:
            cache.pop(next(iter(cache)))
        cache[day] = trips
        return trips

    # -- internals -------------------------------------------------------------------------------
    def _expand(self, services: set[str], shift_s: int) -> TripsOfDay:
        """The trips of ``services`` (frequency templates expanded), times shifted by ``shift_s``
        (vectorised: one gather of every trip's stop events)."""
        running = np.fromiter((s in services for s in self.trip_service), dtype=bool, count=len(self.trip_service))
        freq = self.frequencies
        has_freq = np.zeros(len(self.trip_ids), dtype=bool)
        if len(freq):
            has_freq[freq["trip"]] = True
        plain = np.flatnonzero(running & ~has_freq)
        labels = [self.trip_ids[t] for t in plain.tolist()]
        trip_list, shift_list = [plain], [np.full(len(plain), shift_s, dtype=np.int64)]
        if len(freq):
            ok = running[freq["trip"]]
            f_trip = freq["trip"][ok].astype(np.int64)
            f_start, f_end = freq["start_s"][ok].astype(np.int64), freq["end_s"][ok].astype(np.int64)
            f_head = freq["headway_s"][ok].astype(np.int64)
            counts = np.where(f_end > f_start, -((f_start - f_end) // np.maximum(f_head, 1)), 0)
            row = np.repeat(np.arange(len(f_trip)), counts)
            step = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
            starts = f_start[row] + step * f_head[row]
            trips = f_trip[row]
            first = self.offsets[trips]
            has_events = self.offsets[trips + 1] > first
            first_dep = np.where(has_events, self.departure_s[np.minimum(first, max(len(self.departure_s) - 1, 0))]
                                 if len(self.departure_s) else 0, 0)
            clock = {x: format_time(x) for x in set(starts.tolist())}   # frequency starts repeat across trips
            labels += [f"{self.trip_ids[t]}@{clock[x]}" for t, x in zip(trips.tolist(), starts.tolist())]
            trip_list.append(trips)
            shift_list.append(starts - first_dep + shift_s)
        if not labels:
            return _empty_trips()
        chosen = np.concatenate(trip_list)
        trip_shift = np.concatenate(shift_list)
        lengths = self.offsets[chosen + 1] - self.offsets[chosen]
        offsets = np.zeros(len(chosen) + 1, dtype=np.int64)
        offsets[1:] = np.cumsum(lengths)
        src = np.repeat(self.offsets[chosen] - offsets[:-1], lengths) + np.arange(int(offsets[-1]))
        shift = np.repeat(trip_shift, lengths)
        trips = TripsOfDay(
            route_index=self.trip_route[chosen].astype(np.int64), label=labels, offsets=offsets,
            stop_index=self.stop_index[src], arrival_s=self.arrival_s[src] + shift,
            departure_s=self.departure_s[src] + shift, pickup=self.pickup[src], dropoff=self.dropoff[src])
        if shift_s < 0:  # keep only previous-day trips still running after midnight
            ends = offsets[1:] - 1
            last_arr = np.where(lengths > 0, trips.arrival_s[np.maximum(ends, 0)] if len(src) else -1, -1)
            trips = _select_trips(trips, np.flatnonzero(last_arr >= 0))
        return trips


def _empty_trips() -> TripsOfDay:
    empty_i = np.zeros(0, dtype=np.int64)
    return TripsOfDay(empty_i, [], np.zeros(1, dtype=np.int64), empty_i, empty_i, empty_i,
                      np.zeros(0, dtype=bool), np.zeros(0, dtype=bool))


def _select_trips(trips: TripsOfDay, keep: np.ndarray) -> TripsOfDay:
    if len(keep) == 0:
        return _empty_trips()
    lengths = trips.offsets[keep + 1] - trips.offsets[keep]
    offsets = np.zeros(len(keep) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum(lengths)
    idx = np.repeat(trips.offsets[keep] - offsets[:-1], lengths) + np.arange(int(offsets[-1]))
    return TripsOfDay(trips.route_index[keep], [trips.label[t] for t in keep], offsets,
                      trips.stop_index[idx], trips.arrival_s[idx], trips.departure_s[idx],
                      trips.pickup[idx], trips.dropoff[idx])


def _concat_trips(parts: list[TripsOfDay]) -> TripsOfDay:
    parts = [p for p in parts if p.label]
    if not parts:
        return _empty_trips()
    if len(parts) == 1:
        return parts[0]
    offsets = [parts[0].offsets]
    base = parts[0].offsets[-1]
    for p in parts[1:]:
        offsets.append(p.offsets[1:] + base)
        base += p.offsets[-1]
    return TripsOfDay(
        np.concatenate([p.route_index for p in parts]), [x for p in parts for x in p.label],
        np.concatenate(offsets), np.concatenate([p.stop_index for p in parts]),
        np.concatenate([p.arrival_s for p in parts]), np.concatenate([p.departure_s for p in parts]),
        np.concatenate([p.pickup for p in parts]), np.concatenate([p.dropoff for p in parts]))


def format_time(seconds: int) -> str:
    """Seconds after midnight as GTFS ``HH:MM:SS`` (hours may exceed 23)."""
    seconds = int(seconds)
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def parse_time(text: str) -> int:
    """GTFS ``H:MM:SS`` (hours may be >= 24) to seconds; ValueError when malformed."""
    parts = text.strip().split(":")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[1]) != 2 or len(parts[2]) != 2:
        raise ValueError(f"not a GTFS time: {text!r}")
    h, m, s = (int(p) for p in parts)
    if m > 59 or s > 59:
        raise ValueError(f"not a GTFS time: {text!r}")
    return h * 3600 + m * 60 + s


# -- reading --------------------------------------------------------------------------------------
class _Source:
    """Files of a feed in a zip (possibly inside one sub-folder) or a folder."""

    def __init__(self, path: Path):
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        self._names: dict[str, str] = {}
        self._sizes: dict[str, int] = {}
        if path.is_dir():
            self._names = {p.name: str(p) for p in path.iterdir() if p.is_file()}
        elif path.is_file() and zipfile.is_zipfile(path):
            try:
                self._zip = zipfile.ZipFile(path)
                infos = self._zip.infolist()
            except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
                    NotImplementedError) as error:
                raise _zip_problem(path, error) from None
            self._sizes = {info.filename: info.file_size for info in infos}
            for name in self._zip.namelist():
                base = name.rsplit("/", 1)[-1]
                if base and base not in self._names:
                    self._names[base] = name
        else:
            raise InputError.single("gtfs", str(path),
                                    "a GTFS feed: a .zip file or a folder holding stops.txt, trips.txt, ...")

    def has(self, name: str) -> bool:
        return name in self._names

    def _bytes(self, name: str) -> bytes:
        """A member's bytes, read at most :data:`MAX_MEMBER_BYTES` (a zip bomb's declared size may lie,
        so the read itself stops there)."""
        limit = max_member_bytes()
        if self._zip is None:
            member = Path(self._names[name])
            size = member.stat().st_size
            if size > limit:
                raise _member_too_large(name, size, limit)
            return member.read_bytes()
        inner = self._names[name]
        if self._sizes.get(inner, 0) > limit:
            raise _member_too_large(name, self._sizes[inner], limit)
        try:
            with self._zip.open(inner) as handle:
                raw = handle.read(limit + 1)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, ValueError,
                zlib.error) as error:
            raise _zip_problem(self.path, error, name) from None
        if len(raw) > limit:
            raise _member_too_large(name, len(raw), limit)
        return raw

    def read(self, name: str) -> pd.DataFrame:
        import pandas as pd

        raw = self._bytes(name)
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if not raw.strip():
            return pd.DataFrame()
        try:
            # index_col=False: a row with more cells than the header never turns a column into the index
            with warnings.catch_warnings():  # extra cells in a row: dropped (pandas would only warn)
                warnings.simplefilter("ignore", pd.errors.ParserWarning)
                frame = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, skipinitialspace=False,
                                    index_col=False)
        except (ValueError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
            raise InputError.single(f"gtfs:{name}", type(error).__name__,
                                    "a UTF-8 CSV file with a header row (GTFS reference); export the feed "
                                    "again") from None
        frame.columns = [str(c).strip() for c in frame.columns]
        return frame.apply(lambda col: col.str.strip())


MAX_MEMBER_BYTES = 1_500_000_000   # one unpacked file (HSL's stop_times.txt, the largest in Finland, is ~1 GB)


def max_member_bytes() -> int:
    """Largest unpacked file of a feed: ``$PLANNER_GTFS_MAX_MB`` megabytes or :data:`MAX_MEMBER_BYTES`."""
    try:
        return int(float(os.environ["PLANNER_GTFS_MAX_MB"]) * 1_000_000)
    except (KeyError, ValueError, OverflowError):
        return MAX_MEMBER_BYTES


def _member_too_large(name: str, size: int, limit: int) -> InputError:
    from planner.errors import Problem

    return InputError(Problem.keyed(f"gtfs:{name}", f"{size / 1e6:.0f} MB", "problems.input.zip.too_large",
                                    member=name, size_mb=f"{size / 1e6:.0f}", limit_mb=f"{limit / 1e6:g}"))


def _zip_problem(path: Path, error: BaseException, name: str | None = None) -> InputError:
    from planner.errors import Problem

    return InputError(Problem.keyed(f"gtfs:{name}" if name else "gtfs", path.name, "problems.input.zip.broken",
                                    reason=type(error).__name__))


def _rows(frame_index: Iterable[int]) -> list[int]:
    """Data-frame positions to file line numbers (header is line 1)."""
    return [int(i) + 2 for i in frame_index]


class _Collector(ProblemCollector):
    """Caps the number of reported problems so a badly broken feed still gives a readable error."""

    def __init__(self) -> None:
        super().__init__()
        self.dropped = 0

    def add(self, field: str, value, expected: str) -> None:  # type: ignore[override]
        if len(self.problems) < MAX_PROBLEMS:
            super().add(field, value, expected)
        else:
            self.dropped += 1

    def raise_if_any(self) -> None:
        if self.dropped:
            self.problems.append(_more(self.dropped))
        super().raise_if_any()


def _more(n: int):
    from planner.errors import Problem
    return Problem("gtfs", f"{n} more problems", "fix the problems above first; the rest are not listed")


def _parse_times(col: pd.Series, file: str, column: str, problems: _Collector, *,
                 allow_empty: bool) -> np.ndarray:
    """Vectorised GTFS time parsing; empty -> -1 (when allowed)."""
    parts = col.str.extract(_TIME_RE)
    ok = parts.notna().all(axis=1).to_numpy().copy()
    out = np.full(len(col), -1, dtype=np.int64)
    if ok.any():
        h = parts[0][ok].astype(np.int64).to_numpy()
        m = parts[1][ok].astype(np.int64).to_numpy()
        s = parts[2][ok].astype(np.int64).to_numpy()
        good = (m < 60) & (s < 60)
        idx = np.flatnonzero(ok)
        out[idx[good]] = h[good] * 3600 + m[good] * 60 + s[good]
        ok[idx[~good]] = False
    empty = (col == "").to_numpy()
    bad = ~ok & ~(empty & allow_empty)
    for pos in np.flatnonzero(bad):
        problems.add(f"gtfs:{file} row {pos + 2} {column}", col.iloc[pos],
                     "a time H:MM:SS with minutes and seconds 00-59 (hours may exceed 24, e.g. 25:10:00)")
    return out


def _parse_dates(col: pd.Series, file: str, column: str, problems: _Collector) -> list[date | None]:
    out: list[date | None] = []
    for pos, text in enumerate(col):
        try:
            if len(text) != 8 or not text.isdigit():
                raise ValueError
            out.append(date(int(text[:4]), int(text[4:6]), int(text[6:])))
        except ValueError:
            problems.add(f"gtfs:{file} row {pos + 2} {column}", text, "a date YYYYMMDD, e.g. 20250301")
            out.append(None)
    return out


def _int_column(col: pd.Series, file: str, column: str, problems: _Collector, *, default: int | None = None,
                allowed: set[int] | None = None) -> np.ndarray:
    import pandas as pd

    values = pd.to_numeric(col.replace("", np.nan if default is None else str(default)), errors="coerce")
    numbers = values.to_numpy(dtype=float, na_value=np.nan).copy()
    bad = ~np.isfinite(numbers) | (np.abs(np.nan_to_num(numbers)) > 2**53)   # NaN, inf, beyond int64
    if allowed is not None:
        bad |= ~values.isin(list(allowed)).to_numpy()
    for pos in np.flatnonzero(bad):
        expected = f"one of {sorted(allowed)}" if allowed else "a whole number"
        problems.add(f"gtfs:{file} row {pos + 2} {column}", col.iloc[pos], expected)
    numbers[bad] = 0
    return numbers.astype(np.int64)


def load_feed(path: Path | str) -> GtfsFeed:
    """Read and validate a GTFS feed from a zip file or a folder.

    Lenient where the spec allows: ``agency.txt`` may be missing, intermediate stop times may be empty
    (interpolated linearly by stop order), and either ``calendar.txt`` or ``calendar_dates.txt`` is
    enough. Raises :class:`InputError` listing every problem (capped at 50).
    """
    import pandas as pd

    path = Path(path)
    if not path.exists():
        raise InputError.single("gtfs", str(path), "an existing GTFS .zip file or folder")
    src = _Source(path)
    problems = _Collector()
    for name in REQUIRED_FILES:
        if not src.has(name):
            problems.add(f"gtfs:{name}", "missing", f"the feed must contain {name} (GTFS reference)")
    if not src.has("calendar.txt") and not src.has("calendar_dates.txt"):
        problems.add("gtfs:calendar.txt", "missing",
                     "the feed must contain calendar.txt and/or calendar_dates.txt")
    problems.raise_if_any()

    frames: dict[str, pd.DataFrame] = {}
    for name in (*REQUIRED_FILES, "calendar.txt", "calendar_dates.txt", "frequencies.txt"):
        if src.has(name):
            frame = src.read(name)
            missing = [c for c in REQUIRED_COLUMNS[name] if c not in frame.columns]
            if missing and not (frame.empty and name in ("calendar.txt", "calendar_dates.txt",
                                                         "frequencies.txt")):
                problems.add(f"gtfs:{name} header", ",".join(frame.columns) or "(empty file)",
                             f"columns {', '.join(missing)} are required")
            frames[name] = frame
    problems.raise_if_any()

    # stops
    stops = frames["stops.txt"]
    if "location_type" in stops.columns:  # stations/entrances are not boarding points
        loc_type = pd.to_numeric(stops["location_type"].replace("", "0"), errors="coerce").fillna(0)
        stops = stops[(loc_type == 0).to_numpy()].reset_index(drop=False)
        stop_rows = (stops["index"].to_numpy() + 2).tolist()
    else:
        stop_rows = _rows(stops.index)
    lat = pd.to_numeric(stops["stop_lat"], errors="coerce").to_numpy()
    lon = pd.to_numeric(stops["stop_lon"], errors="coerce").to_numpy()
    for pos in np.flatnonzero(~((lat >= -90) & (lat <= 90))):
        problems.add(f"gtfs:stops.txt row {stop_rows[pos]} stop_lat", stops["stop_lat"].iloc[pos],
                     "a latitude in degrees between -90 and 90 (WGS84)")
    for pos in np.flatnonzero(~((lon >= -180) & (lon <= 180))):
        problems.add(f"gtfs:stops.txt row {stop_rows[pos]} stop_lon", stops["stop_lon"].iloc[pos],
                     "a longitude in degrees between -180 and 180 (WGS84)")
    dup = stops["stop_id"].duplicated().to_numpy()
    for pos in np.flatnonzero(dup):
        problems.add(f"gtfs:stops.txt row {stop_rows[pos]} stop_id", stops["stop_id"].iloc[pos],
                     "a stop_id used only once")
    stop_ids = stops["stop_id"].tolist()
    stop_pos = {s: i for i, s in enumerate(stop_ids)}
    stop_names = stops["stop_name"].tolist() if "stop_name" in stops.columns else list(stop_ids)

    # routes
    routes = frames["routes.txt"]
    route_ids = routes["route_id"].tolist()
    route_pos = {r: i for i, r in enumerate(route_ids)}
    route_types = _int_column(routes["route_type"], "routes.txt", "route_type", problems).tolist()
    short = routes["route_short_name"].tolist() if "route_short_name" in routes.columns else [""] * len(routes)
    long_ = routes["route_long_name"].tolist() if "route_long_name" in routes.columns else [""] * len(routes)
    short = [s or l or r for s, l, r in zip(short, long_, route_ids)]

    # calendar
    calendar = pd.DataFrame(columns=["service_id", *WEEKDAYS, "start_date", "end_date"])
    if "calendar.txt" in frames and not frames["calendar.txt"].empty:
        cal = frames["calendar.txt"]
        calendar = pd.DataFrame({"service_id": cal["service_id"]})
        for wd in WEEKDAYS:
            calendar[wd] = _int_column(cal[wd], "calendar.txt", wd, problems, allowed={0, 1})
        calendar["start_date"] = _parse_dates(cal["start_date"], "calendar.txt", "start_date", problems)
        calendar["end_date"] = _parse_dates(cal["end_date"], "calendar.txt", "end_date", problems)
    calendar_dates = pd.DataFrame(columns=["service_id", "date", "exception_type"])
    if "calendar_dates.txt" in frames and not frames["calendar_dates.txt"].empty:
        cd = frames["calendar_dates.txt"]
        calendar_dates = pd.DataFrame({
            "service_id": cd["service_id"],
            "date": _parse_dates(cd["date"], "calendar_dates.txt", "date", problems),
            "exception_type": _int_column(cd["exception_type"], "calendar_dates.txt", "exception_type",
                                          problems, allowed={1, 2})})
    services = set(calendar["service_id"]) | set(calendar_dates["service_id"])

    # trips
    trips = frames["trips.txt"]
    for pos in np.flatnonzero(~trips["route_id"].isin(route_pos).to_numpy()):
        problems.add(f"gtfs:trips.txt row {pos + 2} route_id", trips["route_id"].iloc[pos],
                     "a route_id listed in routes.txt")
    for pos in np.flatnonzero(~trips["service_id"].isin(services).to_numpy()):
        problems.add(f"gtfs:trips.txt row {pos + 2} service_id", trips["service_id"].iloc[pos],
                     "a service_id listed in calendar.txt or calendar_dates.txt")
    for pos in np.flatnonzero(trips["trip_id"].duplicated().to_numpy()):
        problems.add(f"gtfs:trips.txt row {pos + 2} trip_id", trips["trip_id"].iloc[pos],
                     "a trip_id used only once")
    trip_ids = trips["trip_id"].tolist()
    trip_pos = {t: i for i, t in enumerate(trip_ids)}
    trip_route = np.array([route_pos.get(r, 0) for r in trips["route_id"]], dtype=np.int64)

    # stop times
    st = frames["stop_times.txt"]
    arr = _parse_times(st["arrival_time"], "stop_times.txt", "arrival_time", problems, allow_empty=True)
    dep = _parse_times(st["departure_time"], "stop_times.txt", "departure_time", problems, allow_empty=True)
    seq = _int_column(st["stop_sequence"], "stop_times.txt", "stop_sequence", problems)
    trip_of = st["trip_id"].map(trip_pos)
    for pos in np.flatnonzero(trip_of.isna().to_numpy()):
        problems.add(f"gtfs:stop_times.txt row {pos + 2} trip_id", st["trip_id"].iloc[pos],
                     "a trip_id listed in trips.txt")
    stop_of = st["stop_id"].map(stop_pos)
    for pos in np.flatnonzero(stop_of.isna().to_numpy()):
        problems.add(f"gtfs:stop_times.txt row {pos + 2} stop_id", st["stop_id"].iloc[pos],
                     "a stop_id listed in stops.txt (with location_type 0 or empty)")
    pickup_type = (_int_column(st["pickup_type"], "stop_times.txt", "pickup_type", problems, default=0,
                               allowed={0, 1, 2, 3}) if "pickup_type" in st.columns else np.zeros(len(st), int))
    drop_type = (_int_column(st["drop_off_type"], "stop_times.txt", "drop_off_type", problems, default=0,
                             allowed={0, 1, 2, 3}) if "drop_off_type" in st.columns else np.zeros(len(st), int))
    problems.raise_if_any()

    # one missing of arrival/departure -> copy the other; order by trip then stop_sequence
    arr = np.where(arr < 0, dep, arr)
    dep = np.where(dep < 0, arr, dep)
    trip_arr = trip_of.to_numpy(dtype=np.int64)
    order = np.lexsort((seq, trip_arr))
    trip_sorted = trip_arr[order]
    counts = np.bincount(trip_sorted, minlength=len(trip_ids))
    offsets = np.zeros(len(trip_ids) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum(counts)
    arr, dep = arr[order].copy(), dep[order].copy()
    rows = order + 2
    # interpolate empty intermediate times; first and last stop of a trip need times
    for t in np.flatnonzero(counts):
        a, b = offsets[t], offsets[t + 1]
        for end, name in ((a, "first"), (b - 1, "last")):
            if arr[end] < 0:
                problems.add(f"gtfs:stop_times.txt row {rows[end]} arrival_time", "",
                             f"the {name} stop of trip {trip_ids[t]!r} needs arrival and departure times")
        if arr[a] < 0 or arr[b - 1] < 0:
            continue
        seg = arr[a:b]
        if (seg < 0).any():
            known = np.flatnonzero(seg >= 0)
            missing = np.flatnonzero(seg < 0)
            filled = np.round(np.interp(missing, known, seg[known])).astype(np.int64)
            arr[a + missing] = filled
            dep[a + missing] = filled
    # trips with a single stop time (e.g. cut at a subset's edge) are kept: they cannot be ridden
    problems.raise_if_any()
    # monotone times within each trip
    bad_dwell = np.flatnonzero(dep < arr)
    for i in bad_dwell:
        problems.add(f"gtfs:stop_times.txt row {rows[i]} departure_time", format_time(dep[i]),
                     f"a departure not before the arrival {format_time(arr[i])} at the same stop")
    same_trip = trip_sorted[1:] == trip_sorted[:-1]
    backwards = np.flatnonzero(same_trip & (arr[1:] < dep[:-1])) + 1
    for i in backwards:
        problems.add(f"gtfs:stop_times.txt row {rows[i]} arrival_time", format_time(arr[i]),
                     f"a time not before the departure {format_time(dep[i - 1])} from the previous stop "
                     f"of trip {trip_ids[trip_sorted[i]]!r} (stop times must not go back in time)")
    dup_seq = np.flatnonzero(same_trip & (seq[order][1:] == seq[order][:-1])) + 1
    for i in dup_seq:
        problems.add(f"gtfs:stop_times.txt row {rows[i]} stop_sequence", int(seq[order][i]),
                     "a stop_sequence used once per trip")

    # frequencies
    frequencies = pd.DataFrame({"trip": pd.Series(dtype=np.int64), "start_s": pd.Series(dtype=np.int64),
                                "end_s": pd.Series(dtype=np.int64), "headway_s": pd.Series(dtype=np.int64),
                                "exact_times": pd.Series(dtype=np.int64)})
    if "frequencies.txt" in frames and not frames["frequencies.txt"].empty:
        fr = frames["frequencies.txt"]
        f_trip = fr["trip_id"].map(trip_pos)
        for pos in np.flatnonzero(f_trip.isna().to_numpy()):
            problems.add(f"gtfs:frequencies.txt row {pos + 2} trip_id", fr["trip_id"].iloc[pos],
                         "a trip_id listed in trips.txt")
        start = _parse_times(fr["start_time"], "frequencies.txt", "start_time", problems, allow_empty=False)
        end = _parse_times(fr["end_time"], "frequencies.txt", "end_time", problems, allow_empty=False)
        headway = _int_column(fr["headway_secs"], "frequencies.txt", "headway_secs", problems)
        for pos in np.flatnonzero(headway <= 0):
            problems.add(f"gtfs:frequencies.txt row {pos + 2} headway_secs", fr["headway_secs"].iloc[pos],
                         "a headway in seconds greater than 0")
        for pos in np.flatnonzero((end <= start) & (start >= 0) & (end >= 0)):
            problems.add(f"gtfs:frequencies.txt row {pos + 2} end_time", fr["end_time"].iloc[pos],
                         f"an end_time after the start_time {fr['start_time'].iloc[pos]}")
        exact = (_int_column(fr["exact_times"], "frequencies.txt", "exact_times", problems, default=0,
                             allowed={0, 1}) if "exact_times" in fr.columns else np.zeros(len(fr), int))
        problems.raise_if_any()
        frequencies = pd.DataFrame({"trip": f_trip.astype(np.int64).to_numpy(), "start_s": start, "end_s": end,
                                    "headway_s": headway, "exact_times": exact})
    problems.raise_if_any()

    feed_info: dict[str, str] = {}
    if src.has("feed_info.txt"):
        info = src.read("feed_info.txt")
        if len(info):
            feed_info = {k: str(v) for k, v in info.iloc[0].items()}
    assumptions = src.read("planner_assumptions.txt") if src.has("planner_assumptions.txt") else None
    transfers, transfers_left_out = _read_transfers(src, stop_pos, problems)
    problems.raise_if_any()
    calendar = Table({"service_id": np.array(calendar["service_id"].tolist(), dtype=str),
                      **{wd: np.asarray(calendar[wd].tolist(), dtype=np.int64) for wd in WEEKDAYS},
                      "start_date": np.array(calendar["start_date"].tolist(), dtype="datetime64[D]"),
                      "end_date": np.array(calendar["end_date"].tolist(), dtype="datetime64[D]")})
    calendar_dates = Table({"service_id": np.array(calendar_dates["service_id"].tolist(), dtype=str),
                            "date": np.array(calendar_dates["date"].tolist(), dtype="datetime64[D]"),
                            "exception_type": np.asarray(calendar_dates["exception_type"].tolist(), dtype=np.int64)})
    frequencies = Table({name: np.asarray(frequencies[name].tolist(), dtype=np.int64) for name in frequencies.columns})
    assumptions = Table.from_frame(assumptions) if assumptions is not None else None
    transfers = Table.from_frame(transfers)

    return GtfsFeed(
        stop_ids=stop_ids, stop_names=stop_names, stop_lat=lat.astype(float), stop_lon=lon.astype(float),
        route_ids=route_ids, route_short_names=short, route_long_names=long_, route_types=route_types,
        trip_ids=trip_ids, trip_route=trip_route, trip_service=trips["service_id"].tolist(),
        offsets=offsets, stop_index=stop_of.to_numpy()[order].astype(np.int32), arrival_s=arr.astype(np.int32),
        departure_s=dep.astype(np.int32), pickup=(pickup_type[order] != 1), dropoff=(drop_type[order] != 1),
        frequencies=frequencies, calendar=calendar, calendar_dates=calendar_dates, feed_info=feed_info,
        assumptions=assumptions, source=str(path), transfers=transfers, transfers_left_out=transfers_left_out)


TRANSFER_COLUMNS = ("from_stop_id", "to_stop_id", "transfer_type")


def _read_transfers(src: "_Source", stop_pos: dict[str, int], problems: "_Collector"
                    ) -> tuple[pd.DataFrame, dict[str, int]]:
    """``transfers.txt`` as stop-to-stop rules (GTFS reference: transfer_type 0 recommended, 1 timed,
    2 needs ``min_transfer_time`` seconds, 3 not possible). Rows tied to routes or trips, in-seat
    transfers (4, 5), station-level rows and stops outside the feed's boarding stops are left out and
    counted; bad numbers are problems naming the row."""
    import pandas as pd

    empty = pd.DataFrame({"from_stop": pd.Series(dtype=np.int64), "to_stop": pd.Series(dtype=np.int64),
                          "transfer_type": pd.Series(dtype=np.int64), "min_transfer_s": pd.Series(dtype=float)})
    if not src.has("transfers.txt"):
        return empty, {}
    frame = src.read("transfers.txt")
    if frame.empty:
        return empty, {}
    missing = [c for c in TRANSFER_COLUMNS if c not in frame.columns]
    if missing:
        problems.add("gtfs:transfers.txt header", ",".join(frame.columns), f"columns {', '.join(missing)} are required")
        return empty, {}
    kind = _int_column(frame["transfer_type"], "transfers.txt", "transfer_type", problems, default=0,
                       allowed={0, 1, 2, 3, 4, 5})
    raw_min = frame["min_transfer_time"] if "min_transfer_time" in frame.columns else pd.Series([""] * len(frame))
    min_s = pd.to_numeric(raw_min.replace("", np.nan), errors="coerce").to_numpy(dtype=float)
    for pos in np.flatnonzero((raw_min.astype(str).str.strip() != "").to_numpy() & ~(min_s >= 0)):
        problems.add(f"gtfs:transfers.txt row {pos + 2} min_transfer_time", raw_min.iloc[pos],
                     "a whole number of seconds, 0 or more")
    left_out: dict[str, int] = {}
    keep_from, keep_to, keep_kind, keep_min = [], [], [], []
    specific = [c for c in ("from_route_id", "to_route_id", "from_trip_id", "to_trip_id") if c in frame.columns]
    for pos in range(len(frame)):
        reason = None
        if any(str(frame[c].iloc[pos]).strip() not in ("", "nan") for c in specific):
            reason = "route_or_trip_specific"
        elif kind[pos] in (4, 5):
            reason = "in_seat"
        elif kind[pos] == 2 and not np.isfinite(min_s[pos]):
            reason = "type_2_without_time"
        else:
            a, b = stop_pos.get(str(frame["from_stop_id"].iloc[pos])), stop_pos.get(str(frame["to_stop_id"].iloc[pos]))
            if a is None or b is None:
                reason = "stop_not_a_boarding_stop"
            else:
                keep_from.append(a); keep_to.append(b); keep_kind.append(int(kind[pos]))
                keep_min.append(float(min_s[pos]) if kind[pos] == 2 else math.nan)
        if reason:
            left_out[reason] = left_out.get(reason, 0) + 1
    if not keep_from:
        return empty, left_out
    return pd.DataFrame({"from_stop": np.array(keep_from, dtype=np.int64), "to_stop": np.array(keep_to, dtype=np.int64),
                         "transfer_type": np.array(keep_kind, dtype=np.int64),
                         "min_transfer_s": np.array(keep_min, dtype=float)}), left_out


# -- the compact copy a dataset keeps (no CSV parsing, no pandas when it loads) -----------------------
FEED_CACHE_VERSION = 1
FEED_CACHE_NAME = "feed_arrays.npz"


def feed_cache_key(path: Path | str) -> str:
    """sha256 over the feed's bytes (a zip, or every file of a folder), the cache version and this
    module's source (a changed parser never reads a copy made by the old one)."""
    import hashlib

    digest = hashlib.sha256(f"gtfs-arrays-{FEED_CACHE_VERSION}".encode())
    digest.update(Path(__file__).read_bytes())
    path = Path(path)
    for item in (sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]):
        digest.update(item.name.encode())
        digest.update(item.read_bytes())
    return digest.hexdigest()


def save_feed_arrays(feed: GtfsFeed, path: Path | str, key: str) -> Path:
    """Write every field of ``feed`` as numpy arrays (.npz, compressed) under ``key``; written to a
    temporary file and moved into place. Lists become arrays, tables one array per column, dicts JSON."""
    import dataclasses
    import json

    arrays: dict[str, np.ndarray] = {"key": np.array(key)}
    for item in dataclasses.fields(feed):
        value = getattr(feed, item.name)
        if value is None:
            arrays[f"none:{item.name}"] = np.zeros(0)
        elif isinstance(value, np.ndarray):
            arrays[f"array:{item.name}"] = value
        elif isinstance(value, str):
            arrays[f"str:{item.name}"] = np.array(value)
        elif isinstance(value, dict):
            arrays[f"json:{item.name}"] = np.array(json.dumps(value, ensure_ascii=False))
        elif isinstance(value, (list, tuple)):
            kind = "strs" if all(isinstance(v, str) for v in value) else "list"
            arrays[f"{kind}:{item.name}"] = np.array(value, dtype=str if kind == "strs" else None)
        else:   # a Table (or a frame: kept as a Table)
            table = value if isinstance(value, Table) else Table.from_frame(value)
            arrays[f"table:{item.name}"] = np.array(json.dumps(list(table.columns)))
            for name, column in table.columns.items():
                arrays[f"column:{item.name}:{name}"] = column
    path = Path(path)
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with partial.open("wb") as handle:
        np.savez_compressed(handle, **arrays)
    os.replace(partial, path)
    return path


def load_feed_arrays(path: Path | str, key: str) -> GtfsFeed | None:
    """The feed saved by :func:`save_feed_arrays` under ``key``; None when absent, stale or unreadable."""
    import dataclasses
    import json

    path = Path(path)
    if not path.is_file():
        return None
    names = {item.name for item in dataclasses.fields(GtfsFeed)}
    values: dict[str, Any] = {}
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["key"]) != key:
                return None
            for entry in data.files:
                kind, _, name = entry.partition(":")
                if kind == "column" or name not in names:
                    continue
                if kind == "none":
                    values[name] = None
                elif kind == "array":
                    values[name] = data[entry]
                elif kind == "str":
                    values[name] = str(data[entry])
                elif kind == "json":
                    values[name] = json.loads(str(data[entry]))
                elif kind == "strs":   # one string object per distinct value (trip_service repeats ~50x)
                    values[name] = [sys.intern(v) for v in data[entry].tolist()]
                elif kind == "list":
                    values[name] = data[entry].tolist()
                elif kind == "table":
                    values[name] = Table({c: data[f"column:{name}:{c}"] for c in json.loads(str(data[entry]))})
        if set(values) != names:   # written by another version of GtfsFeed
            return None
        return GtfsFeed(**values)
    except (OSError, ValueError, KeyError, TypeError, EOFError):   # unreadable or of another shape
        return None


def load_feed_cached(path: Path | str, cache: Path | str | None) -> GtfsFeed:
    """:func:`load_feed`, read from the compact copy ``cache`` when it is of this very feed; otherwise
    parsed (and validated) and the copy (re)written when the folder allows (same answers either way).
    On Tampere: ~50 ms instead of ~1.5 s, and pandas is not imported."""
    if cache is None:
        return load_feed(path)
    key = feed_cache_key(path)
    feed = load_feed_arrays(cache, key)
    if feed is None:
        feed = load_feed(path)
        try:
            save_feed_arrays(feed, cache, key)
        except OSError:  # a read-only dataset folder: parse each time
            pass
    return feed


def representative_weekday(feed: GtfsFeed, *, max_days: int = 370) -> date:
    """The feed's representative weekday: the Tuesday, Wednesday or Thursday with the most trips (template
    trips; a frequency trip counts once) within the feed's dates, the earliest of equals. Holidays and
    the thin first days of a feed are avoided this way (the Tampere subset: 72 trips on its first Tuesday,
    1,622 on a normal one). The next Tuesday from today when the feed has no calendar."""
    start, end = feed.date_range()
    if start is None:  # no calendar: the next Tuesday from today
        day = date.today()
        while day.weekday() != 1:
            day += timedelta(days=1)
        return day
    if not hasattr(feed, "trip_service") or not hasattr(feed, "services_on"):  # not a loaded feed: a weekday
        day = start
        while day.weekday() not in (1, 2, 3):
            day += timedelta(days=1)
        return day
    per_service: dict[str, int] = {}
    for service in feed.trip_service:
        per_service[service] = per_service.get(service, 0) + 1
    best: tuple[int, date] | None = None
    day = start
    stop = min(end, start + timedelta(days=max_days))
    while day <= stop:
        if day.weekday() in (1, 2, 3):
            trips = sum(per_service.get(s, 0) for s in feed.services_on(day))
            if best is None or trips > best[0]:
                best = (trips, day)
        day += timedelta(days=1)
    return best[1] if best else start


def service_window(feed: GtfsFeed, day: date) -> tuple[int, int] | None:
    """First departure and last arrival (seconds after midnight) of the trips running on ``day``, or None
    when nothing runs (frequencies expanded)."""
    trips = feed.trips_on(day)
    if len(trips.offsets) <= 1 or len(trips.departure_s) == 0:
        return None
    return int(trips.departure_s.min()), int(trips.arrival_s.max())
