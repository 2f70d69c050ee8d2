"""Daycare units: the :class:`Unit` record, reading unit files, opening hours.

A units file is a CSV (``,`` or ``;`` separated, UTF-8) or a GeoJSON FeatureCollection of points whose
properties are the CSV columns. Columns: ``unit_id, name, lat, lon`` (or ``address``) and optional
``provider, languages, min_age_months, max_age_months, opening_hours, shift_care, preschool,
capacity_seats, caretakers, free_seats, capacity_estimated, demo, source``.

:func:`load_units` never stops at the first bad row: it returns the good units and one
:class:`~planner.errors.Problem` per bad value, named ``units row N <column>`` where N is the row as a
the line of the file (the header is row 1, as a spreadsheet shows it), or ``units feature N <property>`` (1-based) for GeoJSON.

Opening hours use the common forms of OpenStreetMap's ``opening_hours`` syntax:
``Mo-Fr 06:30-17:00``, ``24/7``, ``Mo-Fr 06:00-18:00; Sa 08:00-16:00``, ``Mo,We 08:00-12:00,13:00-16:00``,
``Sa,Su off``, ``off``. Times are seconds after midnight; a closing time at or before the opening time
runs past midnight into the next day.
"""
from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import asdict, dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from planner.errors import InputError, Problem
from planner.readers import csv_problem, in_finland

if TYPE_CHECKING:  # pragma: no cover
    from planner.geocode import AddressIndex

PROVIDERS: tuple[str, ...] = ("municipal", "voucher", "private", "family")
LANGUAGES: tuple[str, ...] = ("fi", "sv", "en")
SEATS_PER_CARETAKER = 7  # seats = caretakers x 7 (occupancy rule of thumb for children aged 3+)
# The one rule for a unit whose capacity is unknown (most OpenStreetMap units): the data keep null, and a
# calculation that needs a number (occupancy, 2SFCA supply, site capacities, placement seats) uses
# :func:`assumed_seats` and says so (``capacity_assumed``). ASSUMPTIONS:
# - a daycare centre: a typical three-group unit, 3 groups x 3 caretakers x 7 children aged 3+ = 63
#   (Asetus varhaiskasvatuksesta 753/2018, 1 §: one adult per seven children aged 3+);
# - group family daycare (ryhmäperhepäiväkoti / gruppfamiljedaghem): 12, the legal maximum of three
#   carers x 4 (Varhaiskasvatuslaki 540/2018, 37 §);
# - family daycare (perhepäiväkoti / familjedaghem): 4, one carer's maximum (same section).
ASSUMED_SEATS_WHEN_UNKNOWN = 63.0
ASSUMED_SEATS_GROUP_FAMILY = 12.0
ASSUMED_SEATS_FAMILY = 4.0


def assumed_seats(name: str, provider: str = "municipal") -> float:
    """Seats assumed for a unit of unknown capacity, from its kind (see the ASSUMPTIONS above)."""
    folded = (name or "").casefold()
    if "ryhmäperhepäiväkoti" in folded or "gruppfamiljedaghem" in folded:
        return ASSUMED_SEATS_GROUP_FAMILY
    if provider == "family" or "perhepäiväkoti" in folded or "familjedaghem" in folded:
        return ASSUMED_SEATS_FAMILY
    return ASSUMED_SEATS_WHEN_UNKNOWN
DAY_S = 86_400
WEEK_S = 7 * DAY_S
WEEKDAYS: tuple[str, ...] = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")

# Finnish and Swedish words people write for the provider types.
_PROVIDER_SYNONYMS: dict[str, str] = {
    "municipal": "municipal", "kunnallinen": "municipal", "kunta": "municipal", "kommunal": "municipal",
    "public": "municipal",
    "voucher": "voucher", "palveluseteli": "voucher", "palvelusetelipäiväkoti": "voucher",
    "servicesedel": "voucher", "service voucher": "voucher",
    "private": "private", "yksityinen": "private", "privat": "private",
    "family": "family", "family daycare": "family", "family day care": "family",
    "perhepäivähoito": "family", "perhepäivähoitaja": "family", "familjedagvård": "family",
}
_TRUE = {"true", "1", "yes", "y", "kyllä", "k", "ja", "t"}
_FALSE = {"false", "0", "no", "n", "ei", "nej", "f", ""}


@dataclass(frozen=True)
class Unit:
    """One daycare unit (päiväkoti, family daycare, ...); coordinates in WGS84 degrees."""

    unit_id: str
    name: str
    lat: float
    lon: float
    address: str | None = None
    provider: str = "municipal"  # municipal | voucher | private | family
    languages: tuple[str, ...] = ("fi",)
    min_age_months: int | None = None
    max_age_months: int | None = None
    opening_hours: str | None = None  # OSM opening_hours syntax, e.g. "Mo-Fr 06:30-17:00"
    shift_care: bool = False
    preschool: bool = False
    capacity_seats: float | None = None
    caretakers: float | None = None
    free_seats: float | None = None
    capacity_estimated: bool = False
    demo: bool = False
    source: str = ""
    assumptions: tuple[str, ...] = ()  # what the importer assumed or could not read, one sentence each

    @property
    def seats(self) -> float | None:
        """Capacity in seats: caretakers x 7 when caretakers are known, else ``capacity_seats``; None unknown."""
        if self.caretakers is not None:
            return self.caretakers * SEATS_PER_CARETAKER
        return self.capacity_seats

    @property
    def capacity_assumed(self) -> bool:
        """True when the capacity is unknown and calculations use :func:`assumed_seats`."""
        return self.seats is None

    @property
    def planning_seats(self) -> float:
        """Seats a calculation uses: the known capacity, else :func:`assumed_seats` (the one rule for
        unknown capacity; mark results with :attr:`capacity_assumed`)."""
        seats = self.seats
        return float(seats) if seats is not None else assumed_seats(self.name, self.provider)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (languages and assumptions as lists, ``seats`` included)."""
        data = asdict(self)
        data["languages"] = list(self.languages)
        data["assumptions"] = list(self.assumptions)
        data["seats"] = self.seats
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Unit":
        """Inverse of :meth:`to_dict` for trusted data (``units.json`` of a built dataset)."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["languages"] = tuple(values.get("languages") or ("fi",))
        values["assumptions"] = tuple(values.get("assumptions") or ())
        return cls(**values)


_problem = Problem.keyed  # a Problem whose fix text is an i18n key (planner/locales)


# --------------------------------------------------------------------------- opening hours

_TIME = r"(\d{1,2}):(\d{2})"
_RANGE_RE = re.compile(rf"^{_TIME}\s*-\s*{_TIME}\+?$")
_DAY_RANGE_RE = re.compile(r"^(Mo|Tu|We|Th|Fr|Sa|Su)(?:\s*-\s*(Mo|Tu|We|Th|Fr|Sa|Su))?$")


def _parse_time_s(hours: str, minutes: str, text: str, field: str) -> int:
    h, m = int(hours), int(minutes)
    if m >= 60 or h > 24 or (h == 24 and m != 0):
        raise InputError(_problem(field, text, "problems.opening_hours.time"))
    return h * 3600 + m * 60


def _parse_days(selector: str, text: str, field: str) -> list[int]:
    days: list[int] = []
    for part in selector.split(","):
        match = _DAY_RANGE_RE.match(part.strip())
        if not match:
            raise InputError(_problem(field, text, "problems.opening_hours.days"))
        first = WEEKDAYS.index(match.group(1))
        last = WEEKDAYS.index(match.group(2)) if match.group(2) else first
        day = first
        while True:  # ranges may wrap: Sa-Mo
            days.append(day)
            if day == last:
                break
            day = (day + 1) % 7
    return days


def _parse_intervals(spec: str, text: str, field: str) -> list[tuple[int, int]]:
    intervals: list[tuple[int, int]] = []
    for part in spec.split(","):
        match = _RANGE_RE.match(part.strip())
        if not match:
            raise InputError(_problem(field, text, "problems.opening_hours.format"))
        open_s = _parse_time_s(match.group(1), match.group(2), text, field)
        close_s = _parse_time_s(match.group(3), match.group(4), text, field)
        if close_s <= open_s:  # runs past midnight (22:00-06:00, 00:00-00:00)
            close_s += DAY_S
        intervals.append((open_s, close_s))
    return sorted(intervals)


def parse_opening_hours(text: str, *, field: str = "opening_hours") -> dict[int, list[tuple[int, int]]]:
    """Opening intervals per weekday (0 = Monday) in seconds after midnight.

    Later rules replace earlier ones for the days they name (OSM semantics); ``PH``/``SH`` rules
    (holidays) are accepted and ignored. A closing time past midnight gives ``close_s > 86400``.
    Raises :class:`InputError` naming ``field`` for anything else.
    """
    if text is None or not str(text).strip():
        raise InputError(_problem(field, text, "problems.opening_hours.format"))
    source = str(text).strip()
    week: dict[int, list[tuple[int, int]]] = {day: [] for day in range(7)}
    for raw_rule in source.split(";"):
        # "Tu, Fr 10:00-18:00" -> "Tu,Fr 10:00-18:00"
        rule = re.sub(r",\s+(?=(Mo|Tu|We|Th|Fr|Sa|Su|PH|SH)\b)", ",", raw_rule.strip())
        if not rule:
            continue
        if rule == "24/7":
            for day in range(7):
                week[day] = [(0, DAY_S)]
            continue
        if rule.startswith(("PH", "SH")):
            continue
        first, _, rest = rule.partition(" ")
        if re.match(r"^(Mo|Tu|We|Th|Fr|Sa|Su)\b", first):
            selector = [part for part in first.split(",") if not part.startswith(("PH", "SH"))]
            days = _parse_days(",".join(selector), source, field) if selector else []
            spec = rest.strip()
        else:
            days, spec = list(range(7)), rule
        if spec in ("off", "closed"):
            intervals: list[tuple[int, int]] = []
        elif spec == "24/7" or spec == "00:00-24:00":
            intervals = [(0, DAY_S)]
        else:
            intervals = _parse_intervals(spec, source, field)
        for day in days:
            week[day] = list(intervals)
    return week


def _merged_week_intervals(week: Mapping[int, list[tuple[int, int]]]) -> list[tuple[int, int]]:
    spans = sorted((day * DAY_S + a, day * DAY_S + b) for day, ivs in week.items() for a, b in ivs)
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _covered(merged: Iterable[tuple[int, int]], start: float, end: float) -> bool:
    return any(a <= start and end <= b for a, b in merged)


def is_open_between(unit: Unit, weekday: int, start_s: float, end_s: float) -> bool | None:
    """Whether ``unit`` is open without a break from ``start_s`` to ``end_s`` on ``weekday``.

    ``weekday`` 0 = Monday; times in seconds after that day's midnight; ``end_s`` may exceed 86400
    for a care day running past midnight. ``None`` when the unit's opening hours are unknown.
    """
    if not unit.opening_hours:
        return None
    if not 0 <= weekday <= 6:
        raise InputError.single("weekday", weekday, "0 (Monday) .. 6 (Sunday)")
    if end_s < start_s:
        raise InputError.single("end_s", end_s, f"at or after start_s {start_s}")
    spans = _open_spans(unit.opening_hours)
    start = weekday * DAY_S + start_s
    end = weekday * DAY_S + end_s
    return _covered(spans, start, end) or _covered(spans, start + WEEK_S, end + WEEK_S)


@lru_cache(maxsize=4096)
def _open_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Merged open spans over two consecutive weeks (seconds from Monday 00:00), so that a span
    running from Sunday night into Monday is one piece. Cached: units share few distinct texts."""
    merged = _merged_week_intervals(parse_opening_hours(text))
    return tuple(_merged_week_intervals({0: merged + [(a + WEEK_S, b + WEEK_S) for a, b in merged]}))


# --------------------------------------------------------------------------- reading unit files

def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return str(value).strip()


class _RowChecker:
    """Parses one row, adding a problem per bad value."""

    def __init__(self, label: str, problems: list[Problem]):
        self.label = label
        self.problems = problems
        self.ok = True

    def add(self, column: str, value: Any, key: str, **params: Any) -> None:
        """A problem with ``column`` whose fix text is ``key`` (``problems.*``) in ``planner/locales``."""
        self.problems.append(_problem(f"{self.label} {column}", value, key, **params))
        self.ok = False

    def number(self, row: Mapping[str, Any], column: str, *, minimum: float | None = 0.0,
               integer: bool = False, maximum: float | None = None) -> float | int | None:
        raw = _text(row.get(column))
        if not raw:
            return None
        try:
            value = float(raw.replace(",", ".")) if isinstance(row.get(column), str) else float(row[column])
        except (TypeError, ValueError):
            self.add(column, row.get(column), "problems.units.number_whole" if integer else "problems.units.number")
            return None
        if not math.isfinite(value):
            self.add(column, row.get(column), "problems.units.number_finite")
            return None
        if integer:
            if value != int(value):
                self.add(column, row.get(column), "problems.units.months_whole")
                return None
            value = int(value)
        if minimum is not None and value < minimum:
            self.add(column, row.get(column), "problems.units.number_min", minimum=f"{minimum:g}")
            return None
        if maximum is not None and value > maximum:
            self.add(column, row.get(column), "problems.input.number.range", low=f"{minimum or 0:g}",
                     high=f"{maximum:g}")
            return None
        return value

    def boolean(self, row: Mapping[str, Any], column: str) -> bool:
        raw = row.get(column)
        if isinstance(raw, bool):
            return raw
        text = _text(raw).lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        self.add(column, raw, "problems.units.bool")
        return False


# Plausible ranges (a units file is data a municipality exports, but may be hostile or broken). The
# largest Finnish daycare units have a few hundred places; ECEC ends at school age (~7 years).
MAX_SEATS = 2000.0
MAX_AGE_MONTHS = 120
MAX_ID_CHARS = 100
MAX_NAME_CHARS = 300
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _parse_row(row: Mapping[str, Any], label: str, problems: list[Problem], seen: dict[str, str],
               addresses: "AddressIndex | None", default_source: str) -> Unit | None:
    check = _RowChecker(label, problems)
    unit_id = _text(row.get("unit_id"))
    if not unit_id:
        check.add("unit_id", row.get("unit_id"), "problems.units.id_empty")
    elif _CONTROL_CHARS.search(unit_id) or len(unit_id) > MAX_ID_CHARS:
        check.add("unit_id", unit_id[:MAX_ID_CHARS], "problems.units.id_text", limit=MAX_ID_CHARS)
    elif unit_id in seen:
        check.add("unit_id", unit_id, "problems.units.id_duplicate", unit_id=repr(unit_id), where=seen[unit_id])
    else:
        seen[unit_id] = label
    name = _text(row.get("name"))
    if not name:
        check.add("name", row.get("name"), "problems.units.name")
    elif _CONTROL_CHARS.search(name) or len(name) > MAX_NAME_CHARS:
        check.add("name", name[:MAX_NAME_CHARS], "problems.units.name_text", limit=MAX_NAME_CHARS)

    address = _text(row.get("address")) or None
    lat_raw, lon_raw = _text(row.get("lat")), _text(row.get("lon"))
    lat = lon = None
    if lat_raw or lon_raw:
        lat = check.number(row, "lat", minimum=None)
        lon = check.number(row, "lon", minimum=None)
        if lat is not None and not -90 <= lat <= 90:
            check.add("lat", row.get("lat"), "problems.units.lat")
            lat = None
        if lon is not None and not -180 <= lon <= 180:
            check.add("lon", row.get("lon"), "problems.units.lon")
            lon = None
        if check.ok and (lat is None or lon is None):
            missing = "lat" if lat is None else "lon"
            check.add(missing, row.get(missing), "problems.units.lat_lon_pair")
        elif check.ok and not in_finland(lat, lon):
            check.add("lat", f"{lat}, {lon}", "problems.input.location.finland")
            lat = lon = None
    elif address:
        if addresses is None:
            check.add("address", address, "problems.units.no_address_index")
        else:
            try:
                lat, lon = addresses.resolve(address, field=f"{label} address")
            except InputError as error:
                check.problems.extend(error.problems)
                check.ok = False
    else:
        check.add("lat", row.get("lat"), "problems.units.location_missing")

    provider_raw = _text(row.get("provider"))
    provider = _PROVIDER_SYNONYMS.get(provider_raw.lower(), None) if provider_raw else "municipal"
    if provider is None:
        check.add("provider", provider_raw, "problems.one_of", options=", ".join(PROVIDERS))

    languages: tuple[str, ...] = ("fi",)
    languages_raw = row.get("languages")
    if isinstance(languages_raw, (list, tuple)):
        codes = [_text(code).lower() for code in languages_raw if _text(code)]
    else:
        codes = [code.lower() for code in re.split(r"[;,|/ ]+", _text(languages_raw)) if code]
    if codes:
        bad = [code for code in codes if code not in LANGUAGES]
        if bad:
            check.add("languages", languages_raw, "problems.units.languages")
        else:
            languages = tuple(dict.fromkeys(codes))

    min_age = check.number(row, "min_age_months", integer=True, maximum=MAX_AGE_MONTHS)
    max_age = check.number(row, "max_age_months", integer=True, maximum=MAX_AGE_MONTHS)
    if min_age is not None and max_age is not None and min_age > max_age:
        check.add("max_age_months", row.get("max_age_months"), "problems.units.age_reversed", min_age=str(min_age))

    opening_hours = _text(row.get("opening_hours")) or None
    if opening_hours:
        try:
            parse_opening_hours(opening_hours, field=f"{label} opening_hours")
        except InputError as error:
            check.problems.extend(error.problems)
            check.ok = False

    shift_care = check.boolean(row, "shift_care")
    preschool = check.boolean(row, "preschool")
    capacity_seats = check.number(row, "capacity_seats", maximum=MAX_SEATS)
    caretakers = check.number(row, "caretakers", maximum=MAX_SEATS / 7)
    free_seats = check.number(row, "free_seats", maximum=MAX_SEATS)
    capacity_estimated = check.boolean(row, "capacity_estimated")
    demo = check.boolean(row, "demo")
    if not check.ok:
        return None
    return Unit(
        unit_id=unit_id, name=name, lat=float(lat), lon=float(lon), address=address,
        provider=provider, languages=languages, min_age_months=min_age, max_age_months=max_age,
        opening_hours=opening_hours, shift_care=shift_care, preschool=preschool,
        capacity_seats=capacity_seats, caretakers=caretakers, free_seats=free_seats,
        capacity_estimated=capacity_estimated, demo=demo,
        source=_text(row.get("source")) or default_source,
    )


def _csv_rows(text: str) -> tuple[list[str], Iterable[dict[str, str]]]:
    first_line = text.splitlines()[0] if text.strip() else ""
    delimiter = "," if first_line.count(",") >= first_line.count(";") and "," in first_line else ";"
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    reader.fieldnames = header
    return header, reader


MAX_ROWS = 20_000  # every daycare unit of Finland is ~4 000


def load_units(path: str | Path, *, addresses: "AddressIndex | None" = None,
               field: str = "units") -> tuple[list[Unit], list[Problem]]:
    """Read a units CSV or GeoJSON; return ``(good units, problems)``, one problem per bad value.

    Rows with only an ``address`` are placed with ``addresses`` (the dataset's address index).
    A file that cannot be read at all gives a single problem naming ``field``.
    """
    from planner.readers import read_text

    path = Path(path)
    if not path.exists():   # other non-files: planner.readers says what they are
        return [], [_problem(field, str(path), "problems.units.file_missing")]
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    units: list[Unit] = []
    default_source = f"file:{path.name}"
    try:
        text = read_text(path, field, "units")
    except InputError as error:
        return [], list(error.problems)
    if path.suffix.lower() in (".geojson", ".json") or text.lstrip().startswith("{"):
        rows = _geojson_rows(text, path.name, field, problems)
        if len(rows) > MAX_ROWS:
            return [], [_problem(field, f"{len(rows)} features", "problems.input.rows.too_many", limit=MAX_ROWS)]
        for number, row in enumerate(rows, start=1):
            if isinstance(row, Problem):
                problems.append(row)
                continue
            unit = _parse_row(row, f"{field} feature {number}", problems, seen, addresses, default_source)
            if unit is not None:
                units.append(unit)
        return units, problems
    try:
        header, reader = _csv_rows(text)
    except csv.Error as error:
        return [], list(csv_problem(error, field, path.name, 1).problems)
    missing = [name for name in ("unit_id", "name") if name not in header]
    if missing:
        return [], [_problem(f"{field} columns", ",".join(header), "problems.units.header", missing=", ".join(missing))]
    count = 0
    try:
        for row in reader:
            number = reader.line_num  # line of the file (the header is line 1), blank lines counted
            if not any(_text(value) for value in row.values() if not isinstance(value, list)):
                continue  # a line of only separators
            count += 1
            if count > MAX_ROWS:
                return [], [_problem(field, f"{count}+ rows", "problems.input.rows.too_many", limit=MAX_ROWS)]
            unit = _parse_row(row, f"{field} row {number}", problems, seen, addresses, default_source)
            if unit is not None:
                units.append(unit)
    except csv.Error as error:
        return [], list(csv_problem(error, field, path.name, reader.line_num).problems)
    if not units and not problems:
        problems.append(_problem(field, path.name, "problems.units.no_rows"))
    return units, problems


def _geojson_rows(text: str, name: str, field: str, problems: list[Problem]) -> list[dict[str, Any] | Problem]:
    from planner.readers import loads_json

    try:
        data = loads_json(text, field, name)
    except InputError as error:
        problems.extend(error.problems)
        return []
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" \
            or not isinstance(data.get("features") or [], list):
        problems.append(_problem(field, name, "problems.geojson.type"))
        return []
    crs = data.get("crs") if isinstance(data.get("crs"), dict) else {}
    crs_props = crs.get("properties") if isinstance(crs.get("properties"), dict) else {}
    crs_name = str(crs_props.get("name", ""))
    if crs_name and not re.search(r"(CRS84|4326)$", crs_name):
        problems.append(_problem(f"{field} crs", crs_name, "problems.units.crs"))
        return []
    rows: list[dict[str, Any] | Problem] = []
    for number, feature in enumerate(data.get("features") or [], start=1):
        feature = feature if isinstance(feature, dict) else {}
        props = dict(feature["properties"]) if isinstance(feature.get("properties"), dict) else {}
        geometry = feature.get("geometry")
        if geometry:
            coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
            if not isinstance(geometry, dict) or geometry.get("type") != "Point" or not isinstance(coords, list) \
                    or len(coords) < 2:
                shown = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
                rows.append(_problem(f"{field} feature {number} geometry", shown, "problems.units.geometry"))
                continue
            props.setdefault("lon", coords[0])
            props.setdefault("lat", coords[1])
        rows.append({str(k).lower(): v for k, v in props.items()})
    if not rows:
        problems.append(_problem(field, name, "problems.units.no_features"))
    return rows


def units_to_json(units: Iterable[Unit]) -> list[dict[str, Any]]:
    """Units as a JSON-ready list (the ``units.json`` of a built dataset)."""
    return [unit.to_dict() for unit in units]


def units_from_json(items: Iterable[Mapping[str, Any]]) -> list[Unit]:
    """Units back from :func:`units_to_json` output."""
    return [Unit.from_dict(item) for item in items]
