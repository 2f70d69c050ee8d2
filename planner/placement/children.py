"""The children file of a placement round: read and validate, in memory only.

CSV (``,`` or ``;`` separated, UTF-8, optional BOM), one row per child. Required columns
``child_id,lat,lon,birth_date,start_date,weekly_hours,language,shift_care,sibling_group``; ``address``
may replace ``lat``/``lon``; optional ``current_unit``, ``preferences`` (unit ids best first, separated
by ``;`` – or by ``|`` in a ``;``-separated file) and ``support_coefficient`` (default 1.0).

``child_id`` is a pseudonymous id, an eVaka child UUID or a personal identity code (henkilötunnus,
validated with its check character, see :mod:`planner.placement.identity`): a code is kept in memory
only (``Child.identity_code``) and the child is shown by the masked code (``010120A****``).
Ids with control characters or beginning with ``=``, ``+``, ``-``, ``@`` are refused. A file holds at
most ``MAX_ROWS`` rows and ``MAX_FILE_BYTES`` bytes; text that is not UTF-8 or a broken CSV row is one
problem. Pasted text (a ``str``) is always CSV text, never a path; only a ``Path`` is read from disk.

Every bad value becomes one :class:`~planner.errors.Problem` named ``children row N <column>`` where N is
the row as a spreadsheet shows it (the header is row 1); good rows are kept. Nothing read here is ever
written to disk or logged.
"""
from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from planner.errors import InputError, Problem
from planner.placement.csvsafe import csv_rows, id_problem
from planner.placement.identity import hetu_birth_date, hetu_problem, looks_like_hetu, mask_hetu
from planner.readers import MAX_BYTES, read_bytes

REQUIRED_COLUMNS: tuple[str, ...] = ("child_id", "birth_date", "start_date", "weekly_hours", "language",
                                     "shift_care", "sibling_group")
OPTIONAL_COLUMNS: tuple[str, ...] = ("lat", "lon", "address", "current_unit", "preferences",
                                     "support_coefficient")
MAX_ROWS = 20_000            # children per file (a city-size preschool round is about 6,000; 20,000 children
                             # in 150 units took 155 s on the loaded 2-core machine)
MAX_FILE_BYTES = MAX_BYTES["children"]  # 20 MB: the one limit in planner/readers.py
MAX_AGE_MONTHS_AT_START = 96  # ECEC ends when school starts (about 7 years)
_TRUE = {"true", "1", "yes", "y", "kyllä", "k", "ja", "x"}
_FALSE = {"false", "0", "no", "n", "ei", "nej", ""}
_LANG_RE = re.compile(r"^[a-z]{2,3}$")
_ID_RE = re.compile(r"^[A-Za-z0-9_.:\-]{1,64}$")


@dataclass(frozen=True)
class Child:
    """One child of the round. ``lat``/``lon`` WGS84 degrees; ``weekly_hours`` agreed care hours per week."""

    child_id: str
    lat: float
    lon: float
    birth_date: date
    start_date: date
    weekly_hours: float = 40.0
    language: str = "fi"
    shift_care: bool = False
    sibling_group: str | None = None
    current_unit: str | None = None
    preferences: tuple[str, ...] = ()
    support_coefficient: float = 1.0
    row: int = 0
    identity_code: str | None = field(default=None, repr=False)  # full henkilötunnus, memory only


def _text_of(source: str | bytes | Path, field: str = "children") -> str:
    """The CSV text of ``source``: ``bytes`` (an upload) are decoded as UTF-8, a ``str`` is always CSV
    text itself (never opened as a path: pasted text on the Staff page must not read server files) and
    only a :class:`~pathlib.Path` (the command line's ``--children F``) is read from disk."""
    if isinstance(source, Path):   # regular files only (no /proc, /dev, pipes), at most MAX_FILE_BYTES read
        source = read_bytes(source, field, "children")
    if isinstance(source, (bytes, bytearray)):
        if len(source) > MAX_FILE_BYTES:
            raise InputError.single(field, f"{len(source)} bytes", _too_big())
        try:
            return bytes(source).decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise InputError.single(field, f"byte {error.start + 1}",
                                    "a UTF-8 text file (save it as 'CSV UTF-8' in Excel)") from None
    if not isinstance(source, str):
        raise InputError.single(field, type(source).__name__, "CSV text, uploaded bytes or a file path")
    if len(source) > MAX_FILE_BYTES:
        raise InputError.single(field, f"{len(source)} characters", _too_big())
    return source.lstrip("\ufeff")


def _too_big() -> str:
    return (f"a file of at most {MAX_FILE_BYTES // 1_000_000} MB and {MAX_ROWS} rows; "
            "split the round by area")


def sniff_delimiter(text: str) -> str:
    """``;`` when the header line has more semicolons than commas, else ``,``."""
    first_line = text.split("\n", 1)[0]
    return ";" if first_line.count(";") > first_line.count(",") else ","


def table_rows(text: str, field: str) -> tuple[list[str], list[tuple[int, list[str]]], list[Problem]]:
    """Header (lower case, stripped) and the non-empty rows numbered as a spreadsheet shows them, of CSV
    text; a CSV error (an unclosed quote, a cell over the size limit) or more than ``MAX_ROWS`` rows ends
    reading with one problem naming the row."""
    delimiter = sniff_delimiter(text)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] = []
    number = 0
    try:
        for number, cells in enumerate(csv_rows(text, delimiter), start=1):
            if number == 1:
                header = [h.strip().lower() for h in cells]
                continue
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= MAX_ROWS:
                return header, [], [Problem(f"{field} row {number}", f"more than {MAX_ROWS} rows", _too_big())]
            rows.append((number, cells))
    except csv.Error as error:
        return header, rows, [Problem(f"{field} row {number + 1}", str(error).split(":")[0][:80],
                                      "a CSV row with closed quotes and cells under 10,000 characters")]
    return header, rows, []


def _parse_date(text: str) -> date:
    text = text.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        return datetime.strptime(text, "%d.%m.%Y").date()  # Finnish style 1.8.2025


def _number(text: str) -> float:
    value = float(text.strip().replace(",", "."))
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def read_children(source: str | bytes | Path, *, addresses: Any = None,
                  on: date | None = None) -> tuple[list[Child], list[Problem]]:
    """Children from a CSV path, CSV text or uploaded bytes: ``(good children, one problem per bad value)``.

    ``addresses`` (an ``AddressIndex``) resolves the ``address`` column; ``on`` (default today) is the
    day the file is checked on: birth dates after it are rejected.
    """
    text = _text_of(source)
    on = on or date.today()
    header, rows, read_problems = table_rows(text, "children")
    delimiter = sniff_delimiter(text)
    if not header:
        return [], read_problems or [Problem("children", "", "a CSV with a header row and one row per child")]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if not (("lat" in header and "lon" in header) or "address" in header):
        missing.append("lat,lon (or address)")
    if missing:
        return [], [Problem("children columns", ",".join(header)[:200],
                            f"the columns {', '.join(missing)} are missing; required: "
                            f"{','.join(REQUIRED_COLUMNS)} and lat,lon or address (separated by , or ;)")]
    children: list[Child] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    shown: set[str] = set()
    pref_split = re.compile(r"[|]" if delimiter == ";" else r"[;|]")
    for row_number, cells in rows:
        row = {h: (cells[k].strip(" \u00a0") if k < len(cells) else "") for k, h in enumerate(header)}
        child = _parse_row(row, row_number, addresses, on, seen, pref_split, problems)
        if child is not None:
            seen[child.identity_code or child.child_id] = row_number
            if child.child_id in shown:  # two masked identity codes alike: number the later ones
                k = 2
                while f"{child.child_id}#{k}" in shown:
                    k += 1
                child = replace(child, child_id=f"{child.child_id}#{k}")
            shown.add(child.child_id)
            children.append(child)
    problems.extend(read_problems)
    return children, problems


def _parse_row(row: dict[str, str], n: int, addresses: Any, on: date, seen: dict[str, int],
               pref_split: re.Pattern, problems: list[Problem]) -> Child | None:
    before = len(problems)

    def bad(column: str, value: Any, expected: str) -> None:
        problems.append(Problem(f"children row {n} {column}", value, expected))

    child_id = row["child_id"]
    identity_code = None
    if looks_like_hetu(child_id):
        why = hetu_problem(child_id)
        if why:
            bad("child_id", mask_hetu(child_id), why)
        elif child_id in seen:
            bad("child_id", mask_hetu(child_id), f"a unique child (already on row {seen[child_id]})")
        else:
            identity_code, child_id = child_id, mask_hetu(child_id)
    elif id_problem(child_id) or not _ID_RE.fullmatch(child_id):
        bad("child_id", child_id[:80], id_problem(child_id) or
            "a pseudonymous id of letters, digits, '-', '_', '.' or ':' (max 64), or a personal identity code")
    elif child_id in seen:
        bad("child_id", child_id, f"a unique id (already used on row {seen[child_id]})")
    for column in ("sibling_group", "current_unit"):
        if row.get(column) and id_problem(row[column]):
            bad(column, row[column][:80], id_problem(row[column]))

    lat = lon = math.nan
    if row.get("lat") or row.get("lon"):
        try:
            lat, lon = _number(row.get("lat", "")), _number(row.get("lon", ""))
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError
        except ValueError:
            bad("lat", f"{row.get('lat', '')},{row.get('lon', '')}",
                "WGS84 degrees: lat between -90 and 90 and lon between -180 and 180 (e.g. 60.17, 24.94)")
    elif row.get("address"):
        if addresses is None:
            bad("address", row["address"], "lat and lon (no address index is available to look it up)")
        else:
            try:
                lat, lon = addresses.resolve(row["address"], f"children row {n} address")
            except InputError as error:
                problems.extend(error.problems)
    else:
        bad("lat", "", "the home location: lat and lon, or an address")

    dates: dict[str, date] = {}
    for column in ("birth_date", "start_date"):
        try:
            dates[column] = _parse_date(row[column])
        except ValueError:
            bad(column, row[column], "a date as YYYY-MM-DD (e.g. 2024-08-01) or D.M.YYYY")
    if identity_code and "birth_date" in dates and dates["birth_date"] != hetu_birth_date(identity_code):
        bad("birth_date", row["birth_date"], "the birth date the personal identity code holds")
    if "birth_date" in dates and dates["birth_date"] > on:
        bad("birth_date", row["birth_date"], f"a birth date on or before {on.isoformat()}")
    elif len(dates) == 2:
        from planner.placement.rules import age_months_on

        age = age_months_on(dates["birth_date"], dates["start_date"])
        if age < 0:
            bad("start_date", row["start_date"], "a start date on or after the birth date")
        elif age > MAX_AGE_MONTHS_AT_START:
            bad("start_date", row["start_date"],
                f"a start date before school age (the child is {age // 12} y {age % 12} m then)")

    weekly_hours = math.nan
    try:
        weekly_hours = _number(row["weekly_hours"])
        if not 0 < weekly_hours <= 168:
            raise ValueError
    except ValueError:
        bad("weekly_hours", row["weekly_hours"], "agreed care hours per week, more than 0 and at most 168")

    language = row["language"].lower()
    if not _LANG_RE.match(language):
        bad("language", row["language"], "a language code such as fi, sv or en")

    shift = row["shift_care"].lower()
    if shift not in _TRUE | _FALSE:
        bad("shift_care", row["shift_care"], "true or false (also 1/0, yes/no, kyllä/ei, ja/nej)")

    support = 1.0
    if row.get("support_coefficient"):
        try:
            support = _number(row["support_coefficient"])
            if not 1.0 <= support <= 10.0:
                raise ValueError
        except ValueError:
            bad("support_coefficient", row["support_coefficient"],
                "a support coefficient between 1.0 and 10 (empty means 1.0)")

    current = row.get("current_unit") or None
    preferences = tuple(p.strip() for p in pref_split.split(row.get("preferences", "")) if p.strip())
    if any(id_problem(p) for p in preferences):
        bad("preferences", row.get("preferences", "")[:80], "unit ids without control characters, best first")
    elif len(set(preferences)) != len(preferences):
        bad("preferences", row.get("preferences"), "each unit id at most once, best first")

    if len(problems) > before:
        return None
    return Child(child_id=child_id, lat=lat, lon=lon, birth_date=dates["birth_date"],
                 start_date=dates["start_date"], weekly_hours=weekly_hours, language=language,
                 shift_care=shift in _TRUE, sibling_group=row["sibling_group"] or None, current_unit=current,
                 preferences=preferences, support_coefficient=support, row=n, identity_code=identity_code)


def check_unit_ids(children: list[Child], unit_ids: set[str]) -> list[Problem]:
    """Problems for current units and preferences that name no known unit (rows stay usable)."""
    problems: list[Problem] = []
    for c in children:
        if c.current_unit and c.current_unit not in unit_ids:
            problems.append(Problem(f"children row {c.row} current_unit", c.current_unit,
                                    "the unit_id of a unit in the dataset (or leave empty)"))
        for p in c.preferences:
            if p not in unit_ids:
                problems.append(Problem(f"children row {c.row} preferences", p,
                                        "unit ids of units in the dataset, best first"))
    return problems
