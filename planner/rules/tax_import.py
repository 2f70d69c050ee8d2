"""Import the official yearly table of municipal income tax rates from a local file.

Vero (Verohallinto) publishes "Kuntien ja seurakuntien tuloveroprosentit <year>" every year: one row per
municipality with its number, name, income tax percent and parish rates. This project never downloads
it (no internet at run time); a deployment saves the file and runs::

    python -m planner rules import-tax-rates FILE.csv --year 2026 --source "Vero: Kuntien ja seurakuntien tuloveroprosentit 2026"

The file: comma, semicolon or tab separated; UTF-8 or Windows-1252 (latin-1); any title lines before a
header row holding a municipality name column (``Kunta``, ``Kunnan nimi``, ``Kommun``, ``municipality``)
and a percent column (``Tuloveroprosentti``, ``Kunnallisveroprosentti``, ``Veroprosentti``, ``percent``;
a year or ``%`` after the word is fine), optionally a number column (``Kuntanumero``, ``Kuntakoodi``,
``Kunta nro``, ``code``); decimal comma or point, an optional ``%``. Other columns (parish rates) are ignored.

Every row is checked (a known municipality, the number matching the name, 0 <= percent <= 15, no
municipality twice); every bad row is one problem naming its line, the value and the fix, and nothing
is written. Rows that sum up the table (``Koko maa``, ``Manner-Suomi``, ``Hela landet`` ...) are skipped
and listed in the summary (``rows_skipped``). A good file's rows replace that year's rows in ``<data dir>/rules/municipal_tax_rates.csv``
(:func:`planner.rules.tax.overlay_path`; other years stay), status ``verified``, which
:func:`planner.rules.tax.tax_book` reads on top of the shipped table.
"""
from __future__ import annotations

import csv
import io
import os
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from planner.errors import InputError, Problem
from planner.readers import csv_problem, read_bytes

FIELD = "FILE"
MAX_PERCENT = Decimal(15)
OVERLAY_COLUMNS = ("municipality", "valid_from", "valid_to", "percent", "source", "status")
NAME_HEADERS = ("kunta", "kunnan nimi", "kuntanimi", "kunnan nimi suomeksi", "kommun", "municipality", "name")
PERCENT_HEADERS = ("tuloveroprosentti", "kunnallisveroprosentti", "kunnan tuloveroprosentti", "veroprosentti",
                   "inkomstskattesats", "kommunalskattesats", "percent", "income tax percent", "tax rate")
CODE_HEADERS = ("kuntanumero", "kuntakoodi", "kunta nro", "kuntanro", "kunnan numero", "kunnan koodi", "nro",
                "kommunnummer", "code", "municipality code")
HEADER_SEARCH_LINES = 15
# rows that sum up the table instead of naming a municipality (Vero's file ends with the country's
# average): skipped and listed in the summary, not refused (folded with _norm, compared by first words)
SUMMARY_ROW_NAMES = ("koko maa", "manner suomi", "hela landet", "fasta finland", "keskimaarin", "keskimäärin",
                     "yhteensa", "yhteensä", "totalt", "genomsnitt", "whole country", "average", "total")


def _norm(header: str) -> str:
    """``'Tuloveroprosentti 2026 (%)'`` -> ``'tuloveroprosentti'``: case, year, ``%``, brackets, dots dropped."""
    text = header.replace("\ufeff", "").casefold()
    for char in "%().:-_":
        text = text.replace(char, " ")
    words = [w for w in text.split() if not (w.isdigit() and len(w) == 4)]
    return " ".join(words)


def decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else Windows-1252, else latin-1 (never fails)."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (";", "\t", ",")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _find_columns(cells: list[str]) -> dict[str, int] | None:
    names = [_norm(c) for c in cells]
    found: dict[str, int] = {}
    for role, headers in (("name", NAME_HEADERS), ("percent", PERCENT_HEADERS), ("code", CODE_HEADERS)):
        for index, name in enumerate(names):
            if name in headers and index not in found.values():
                found[role] = index
                break
    return found if "name" in found and "percent" in found else None


def parse_percent(raw: str) -> Decimal | None:
    """``'7,50'``, ``'7.5 %'``, ``' 8,4'`` -> Decimal; None when not a number."""
    text = raw.replace("\u00a0", " ").replace("%", "").strip().replace(" ", "").replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def is_summary_row(name: str) -> bool:
    """``'Koko maa'``, ``'KOKO MAA keskimäärin'``, ``'Hela landet'``: a row summing up the table."""
    folded = _norm(name)
    return any(folded == label or folded.startswith(label + " ") for label in SUMMARY_ROW_NAMES)


def read_table(path: str | Path, year: int) -> tuple[list[dict[str, Any]], list[Problem], list[dict[str, Any]]]:
    """The rows of a Vero-style file (``{"line", "municipality", "code", "percent"}``), the problems
    of its bad rows (one per row; line numbers as in the file, the first line is 1) and the rows
    summing up the table (:func:`is_summary_row`), skipped: ``{"line", "name", "why"}``."""
    from planner.municipalities import find_municipality, suggest

    name = Path(path).name
    text = decode(read_bytes(path, FIELD, "tax_rates"))
    lines = text.splitlines()
    header_line = None
    for number, line in enumerate(lines[:HEADER_SEARCH_LINES], start=1):
        if not line.strip():
            continue
        delimiter = _delimiter(line)
        cells = next(csv.reader([line], delimiter=delimiter), [])
        columns = _find_columns(cells)
        if columns is not None:
            header_line = number
            break
    if header_line is None:
        raise InputError([Problem(FIELD, name, "a header row with a municipality name column (Kunta, Kunnan nimi) "
                                               "and a percent column (Tuloveroprosentti, Kunnallisveroprosentti) "
                                               f"in the first {HEADER_SEARCH_LINES} lines; save the table as CSV "
                                               "with its header row")])
    problems: list[Problem] = []
    rows: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    body = "\n".join(lines[header_line:])
    reader = csv.reader(io.StringIO(body), delimiter=delimiter)
    try:
        for cells in reader:
            line = header_line + reader.line_num
            if not any(c.strip() for c in cells):
                continue
            where = f"{FIELD} {name} line {line}"

            def cell(role: str) -> str:
                index = columns.get(role)
                return cells[index].strip() if index is not None and index < len(cells) else ""

            raw_name, raw_percent, raw_code = cell("name"), cell("percent"), cell("code")
            if raw_name and is_summary_row(raw_name):
                skipped.append({"line": line, "name": raw_name, "why": "a summary row (not a municipality)"})
                continue
            municipality = find_municipality(raw_name) if raw_name else None
            if municipality is None and not raw_name and raw_code:
                municipality = find_municipality(raw_code.zfill(3))
            if municipality is None:
                hints = suggest(raw_name) if raw_name else []
                hint = f" (did you mean {', '.join(hints)}?)" if hints else ""
                problems.append(Problem(f"{where} municipality", raw_name or raw_code,
                                        "a municipality of Finland by its Finnish or Swedish name"
                                        f"{hint}; correct the name or delete the row (not a municipality)"))
                continue
            if raw_code and raw_name:
                code = raw_code.zfill(3) if raw_code.isdigit() else raw_code
                if code != municipality.code:
                    problems.append(Problem(f"{where} municipality number", raw_code,
                                            f"{municipality.code} for {municipality.name_fi} (Statistics Finland); "
                                            "correct the number or the name"))
                    continue
            percent = parse_percent(raw_percent)
            if percent is None or not Decimal(0) <= percent <= MAX_PERCENT:
                problems.append(Problem(f"{where} percent ({municipality.name_fi})", raw_percent,
                                        f"the {year} income tax percent as a number between 0 and {MAX_PERCENT} "
                                        "(e.g. 7,50 or 7.50)"))
                continue
            if municipality.name_fi in seen:
                problems.append(Problem(f"{where} municipality", raw_name or raw_code,
                                        f"each municipality once; {municipality.name_fi} is already on line "
                                        f"{seen[municipality.name_fi]}: delete one of the rows"))
                continue
            seen[municipality.name_fi] = line
            rows.append({"line": line, "municipality": municipality.name_fi, "code": municipality.code,
                         "percent": percent.quantize(Decimal("0.01"))})
    except csv.Error as error:
        raise csv_problem(error, FIELD, name, header_line + reader.line_num) from None
    if not rows and not problems:
        problems.append(Problem(FIELD, name, "at least one municipality row below the header"))
    return rows, problems, skipped


def _check_arguments(year: Any, source: Any) -> tuple[int, str]:
    problems = []
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        problems.append(Problem("--year", year, "the tax year the table is for, e.g. 2026"))
    text = " ".join(str(source or "").split())
    if not text:
        problems.append(Problem("--source", source, 'where the table comes from, e.g. "Vero: Kuntien ja seurakuntien '
                                                     'tuloveroprosentit 2026, vero.fi, downloaded 2025-12-01"'))
    elif len(text) > 500:
        problems.append(Problem("--source", text[:40] + "...", "at most 500 characters"))
    if problems:
        raise InputError(problems)
    return year, text


def _write_overlay(path: Path, rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with temporary.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=OVERLAY_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    os.replace(temporary, path)


def import_tax_rates(path: str | Path, year: int, source: str) -> dict[str, Any]:
    """Validate the file and write its rows into the overlay for ``year`` (other years kept).

    Returns the summary printed by the command. ``InputError`` (nothing written) for any bad row."""
    from planner.municipalities import load_municipalities
    from planner.rules.tables import DEFAULT_KEY
    from planner.rules.tax import load_tax_book, overlay_path

    year, source = _check_arguments(year, source)
    rows, problems, skipped = read_table(path, year)
    if problems:
        raise InputError(problems)
    target = overlay_path()
    start, end = date(year, 1, 1), date(year, 12, 31)
    kept: list[dict[str, str]] = []
    if target.is_file():
        with target.open(encoding="utf-8", newline="") as handle:
            for values in csv.DictReader(handle):
                if (values.get("valid_from") or "")[:4] != str(year):
                    kept.append({k: values.get(k) or "" for k in OVERLAY_COLUMNS})
    new = [{"municipality": r["municipality"], "valid_from": start.isoformat(), "valid_to": end.isoformat(),
            "percent": f"{r['percent']:.2f}", "source": source, "status": "verified"} for r in rows]
    shipped = load_tax_book()   # the shipped table alone
    disagreements = []
    for row in rows:
        for rate in shipped.rates:
            if (rate.municipality == row["municipality"] and rate.rule.status == "verified"
                    and rate.rule.covers(start) and rate.percent != row["percent"]):
                disagreements.append({
                    "municipality": row["municipality"], "line": row["line"],
                    "imported_percent": row["percent"], "shipped_percent": rate.percent,
                    "shipped_source": rate.rule.source, "kept": "imported",
                    "note": "the imported official table is used; tell the project so the shipped row is corrected"})
    replaced = sum(1 for r in rows for rate in shipped.rates
                   if rate.municipality == r["municipality"] and rate.rule.covers(start)
                   and rate.rule.status == "provisional")
    _write_overlay(target, sorted(kept + new, key=lambda r: (r["municipality"], r["valid_from"])))
    load_tax_book(overlay=target)   # the written overlay must read back (fails loudly otherwise)
    have = {r["municipality"] for r in rows} | {
        rate.municipality for rate in shipped.rates if rate.municipality != DEFAULT_KEY and rate.rule.covers(start)}
    missing = [m.name_fi for m in load_municipalities() if m.name_fi not in have]
    return {
        "year": year, "rows_imported": len(rows), "municipalities": len(rows),
        "overlay_path": str(target), "source": source, "status": "verified",
        "valid_from": start, "valid_to": end,
        "provisional_shipped_rows_replaced": replaced,
        "rows_skipped": skipped,
        "disagreements": disagreements,
        "without_rate": {"count": len(missing), "municipalities": missing,
                         "note": "these use the '*' ESTIMATE row (municipal_tax_rates.csv) for this year" if missing else ""},
    }


def import_command(args: Any) -> dict[str, Any]:
    """``python -m planner rules import-tax-rates FILE --year YYYY --source TEXT``."""
    return import_tax_rates(args.file, args.year, args.source)
