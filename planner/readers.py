"""Reading files and text that users supply, safely: one place for sizes, encodings and JSON limits.

Every reader here turns whatever can go wrong with a hostile or broken input into an
:class:`~planner.errors.InputError` naming the field and the fix, never a traceback:

- the path is not a readable regular file (missing, a folder, a device, a pipe, no permission, a file
  under /proc, /sys or /dev or on another pseudo file system): one problem, and nothing is opened;
- the file is larger than the limit of its kind (:data:`MAX_BYTES`), counted by the bytes read;
- the bytes are not UTF-8 (a byte-order mark is accepted);
- JSON that is not valid, nests deeper than :data:`MAX_JSON_DEPTH` levels, holds an integer of more
  than :data:`MAX_INT_DIGITS` digits, ``NaN``/``Infinity`` or a number too large for a float.

Values are never logged; problem messages quote at most the file name.
"""
from __future__ import annotations

import csv
import json
import math
import os
import stat
import sys
from pathlib import Path
from typing import Any

from planner.errors import InputError, Problem

# Largest accepted input per kind of file, bytes. A family file is a few kB; a units file of every
# daycare in Finland (~4 000 units) is under 2 MB; candidates and scenarios are typed or small.
MAX_BYTES: dict[str, int] = {
    "family": 200_000,       # the Family page's upload limit too (pages read it from here)
    "scenario": 2_000_000,
    "candidates": 5_000_000,
    "units": 20_000_000,
    "catchments": 100_000_000,
    "plan": 20_000_000,
    "children": 20_000_000,  # a round's children CSV (20 000 rows of ~200 bytes with room to spare)
    "points": 100_000_000,   # a matrix job's origin/destination grid (a population grid of Finland)
    "tax_rates": 1_000_000,  # Vero's yearly municipal income tax table: ~310 rows, ~20 kB
    "json": 20_000_000,
}
# Rows per file (every unit of Finland is ~4 000; candidates go to an exact optimiser).
MAX_ROWS: dict[str, int] = {"units": 20_000, "candidates": 5_000}
MAX_JSON_DEPTH = 64          # our files nest at most ~6 levels (GeoJSON polygons ~5)
MAX_INT_DIGITS = 30          # no count or amount of ours needs more
# One CSV cell: an address or an opening-hours text is < 1 kB. Python's default is 128 kB.
CSV_FIELD_LIMIT = 100_000

_problem = Problem.keyed


class _BadNumber(ValueError):
    def __init__(self, text: str, key: str):
        super().__init__(key)
        self.text = text[:40]
        self.key = key


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _BadNumber(text, "problems.input.json.long_integer")
    return int(text)


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _BadNumber(text, "problems.input.json.not_finite")
    return value


def _parse_constant(text: str) -> float:
    raise _BadNumber(text, "problems.input.json.not_finite")


def json_depth(value: Any, limit: int = MAX_JSON_DEPTH) -> int:
    """Nesting depth of a JSON value (iterative; stops counting past ``limit``)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def loads_json(text: str | bytes, field: str, source: str | None = None) -> Any:
    """Parse JSON text from a user; ``InputError`` (naming ``field`` and ``source``) for anything that is
    not plain JSON within our limits. ``source`` is what the message quotes (a file name), default the field."""
    shown = source if source is not None else field
    if isinstance(text, bytes):
        text = decode_text(text, field, shown)
    try:
        data = json.loads(text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_parse_constant)
    except _BadNumber as error:
        raise InputError(_problem(field, error.text, error.key, digits=MAX_INT_DIGITS)) from None
    except json.JSONDecodeError as error:
        raise InputError(_problem(field, shown, "problems.input.json.invalid", line=error.lineno, column=error.colno,
                                  message=error.msg)) from None
    except RecursionError:
        raise InputError(_problem(field, shown, "problems.input.json.too_deep", limit=MAX_JSON_DEPTH)) from None
    except (ValueError, OverflowError, MemoryError) as error:
        raise InputError(_problem(field, shown, "problems.input.json.invalid", line="?", column="?",
                                  message=type(error).__name__)) from None
    if json_depth(data) > MAX_JSON_DEPTH:
        raise InputError(_problem(field, shown, "problems.input.json.too_deep", limit=MAX_JSON_DEPTH))
    return data


def decode_text(data: bytes, field: str, source: str | None = None) -> str:
    """UTF-8 text (a byte-order mark is dropped); ``InputError`` naming the first bad byte otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(_problem(field, source if source is not None else field, "problems.input.file.not_utf8",
                                  position=error.start)) from None


def check_size(size: int, field: str, kind: str, source: str | None = None) -> None:
    """``InputError`` when ``size`` bytes is over the limit of ``kind`` (:data:`MAX_BYTES`)."""
    limit = MAX_BYTES.get(kind, MAX_BYTES["json"])
    if size > limit:
        raise InputError(_problem(field, source if source is not None else field, "problems.input.file.too_large",
                                  size_mb=f"{size / 1e6:.1f}", limit_mb=f"{limit / 1e6:g}"))


# File systems whose "files" the kernel makes up on reading (sizes say 0 or 4096, contents are the
# process's environment, endless zeros, ...): never a user's document.
PSEUDO_FILESYSTEMS = frozenset({
    "proc", "sysfs", "devtmpfs", "devpts", "debugfs", "tracefs", "securityfs", "cgroup", "cgroup2",
    "configfs", "bpf", "pstore", "efivarfs", "fusectl", "mqueue", "binfmt_misc", "autofs", "hugetlbfs",
    "rpc_pipefs", "nsfs", "selinuxfs"})
PSEUDO_ROOTS = ("/proc", "/sys", "/dev")   # also refused where /proc/self/mountinfo cannot be read
_READ_CHUNK = 1 << 16


def _filesystem_type(device: int) -> str | None:
    """Type of the mounted file system holding device ``device`` (``st_dev``), from /proc/self/mountinfo;
    None where that is not available (not Linux) or the device is not listed."""
    wanted = f"{os.major(device)}:{os.minor(device)}"
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                fields = line.split()
                if len(fields) > 2 and fields[2] == wanted and "-" in fields:
                    after = fields[fields.index("-") + 1:]
                    return after[0] if after else None
    except OSError:
        return None
    return None


def file_problem(path: str | Path, field: str) -> Problem | None:
    """Why ``path`` cannot be a user's file, as one problem (None when it is a regular file on a real
    file system): missing, a folder, a device/pipe/socket, a file under /proc, /sys or /dev or on
    another pseudo file system, or not readable. Never opens the file (a FIFO would block)."""
    text = str(path)
    try:
        info = os.stat(path)
        resolved = os.path.realpath(path)
    except FileNotFoundError:
        return _problem(field, text, "problems.input.file.missing")
    except (OSError, ValueError) as error:   # permission, a loop of links, a name with a NUL byte ...
        return _problem(field, text, "problems.input.file.unreadable", reason=type(error).__name__)
    if stat.S_ISDIR(info.st_mode):
        return _problem(field, text, "problems.input.file.folder")
    if not stat.S_ISREG(info.st_mode):
        return _problem(field, text, "problems.input.file.special")
    in_root = any(resolved == root or resolved.startswith(root + "/") for root in PSEUDO_ROOTS)
    if in_root or _filesystem_type(info.st_dev) in PSEUDO_FILESYSTEMS:
        return _problem(field, text, "problems.input.file.system")
    return None


def check_file(path: str | Path, field: str, kind: str) -> None:
    """``InputError`` unless ``path`` is a regular file on a real file system of at most
    :data:`MAX_BYTES` [kind] bytes (for files a library opens itself, e.g. a GeoPackage through GDAL)."""
    problem = file_problem(path, field)
    if problem is not None:
        raise InputError(problem)
    try:
        size = os.stat(path).st_size
    except OSError as error:
        raise InputError(_problem(field, str(path), "problems.input.file.unreadable", reason=type(error).__name__)) from None
    check_size(size, field, kind, Path(path).name)


def read_bytes(path: str | Path, field: str, kind: str) -> bytes:
    """The bytes of a user's file; ``InputError`` when it is not a regular file on a real file system
    (:func:`file_problem`) or holds more than :data:`MAX_BYTES` [kind] bytes. The limit counts the bytes
    actually read (a /proc file reports size 0; a file may grow while it is read), never ``st_size`` alone."""
    path = Path(path)
    problem = file_problem(path, field)
    if problem is not None:
        raise InputError(problem)
    limit = MAX_BYTES.get(kind, MAX_BYTES["json"])
    try:
        size = path.stat().st_size
        check_size(size, field, kind, path.name)            # early and exact for an honest big file
        # O_NONBLOCK: if the path was swapped for a pipe since the check, opening does not wait for a writer
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        with os.fdopen(descriptor, "rb") as handle:
            opened = os.fstat(handle.fileno())
            if not stat.S_ISREG(opened.st_mode) or _filesystem_type(opened.st_dev) in PSEUDO_FILESYSTEMS:
                raise InputError(_problem(field, str(path), "problems.input.file.special"))
            chunks: list[bytes] = []
            total = 0
            while total <= limit:
                chunk = handle.read(min(_READ_CHUNK, limit + 1 - total))
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
    except InputError:
        raise
    except (OSError, ValueError) as error:  # permission, a name with a NUL byte, ...
        raise InputError(_problem(field, str(path), "problems.input.file.unreadable", reason=type(error).__name__)) from None
    if total > limit:
        raise InputError(_problem(field, path.name, "problems.input.file.too_large",
                                  size_mb=f"> {limit / 1e6:g}", limit_mb=f"{limit / 1e6:g}"))
    return b"".join(chunks)


def read_text(path: str | Path, field: str, kind: str) -> str:
    """UTF-8 text of a user's file (:func:`read_bytes` + :func:`decode_text`)."""
    return decode_text(read_bytes(path, field, kind), field, Path(path).name)


def read_json(path: str | Path, field: str, kind: str) -> Any:
    """A user's JSON file (:func:`read_bytes` + :func:`loads_json`)."""
    return loads_json(read_text(path, field, kind), field, Path(path).name)


def set_csv_field_limit() -> None:
    """Cap one CSV cell at :data:`CSV_FIELD_LIMIT` characters (``csv.Error`` beyond, which the CSV
    readers report as a problem)."""
    csv.field_size_limit(min(CSV_FIELD_LIMIT, sys.maxsize))


def csv_problem(error: csv.Error, field: str, source: str, line: int | None) -> InputError:
    """A CSV reader's error (a cell over the limit, a NUL byte, a bad quote) as one problem."""
    return InputError(_problem(field if line is None else f"{field} row {line}", source, "problems.input.csv.broken",
                               reason=str(error)[:80], limit=CSV_FIELD_LIMIT))


def check_rows(count: int, field: str, kind: str) -> None:
    """``InputError`` when a file has more rows than :data:`MAX_ROWS` [kind]."""
    limit = MAX_ROWS[kind]
    if count > limit:
        raise InputError(_problem(field, f"{count}+ rows", "problems.input.rows.too_many", limit=limit))


# Coordinates a Finnish service can mean: mainland Finland and Åland with a margin (WGS84).
FINLAND_LAT = (59.3, 70.2)
FINLAND_LON = (19.0, 31.7)


def in_finland(lat: float, lon: float) -> bool:
    """True when (lat, lon) lies in Finland's bounding box (with a margin)."""
    return FINLAND_LAT[0] <= lat <= FINLAND_LAT[1] and FINLAND_LON[0] <= lon <= FINLAND_LON[1]


set_csv_field_limit()
