"""Safe text in and out of placement files: ids without control characters, export cells that a
spreadsheet never runs as a formula, CSV written only by the ``csv`` module.

Export rule (OWASP "CSV Injection"): a text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is prefixed with a single quote ``'`` so Excel and LibreOffice show it as text; every
cell is quoted by the ``csv`` module when it holds the separator, a quote or a line break, so no value
can start a new row. Numbers the planner computed (``int``/``float``) are written as they are.

Input rule: ids (children, units, sibling groups) may not hold control characters (C0, DEL, C1, the
Unicode line and paragraph separators) and may not begin with a formula character; such rows are refused
when the file is read, naming the row.
"""
from __future__ import annotations

import csv
import io
import re
from typing import Any, Iterable, Sequence

FORMULA_START: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
MAX_FIELD_CHARS = 10_000         # longest cell read from a placement CSV (csv module's own default is 131,072)


def has_control_chars(text: str) -> bool:
    """True when ``text`` holds a control character (incl. tab, CR, LF, NUL, U+2028/2029, BOM)."""
    return bool(_CONTROL_RE.search(text))


def id_problem(text: str) -> str | None:
    """Why ``text`` cannot be an id (English phrase), or None when it can. Refuses empty ids, control
    characters and a formula character at the start (``-1-1``, ``=HYPERLINK(…)``, ``@SUM(…)``)."""
    if not text:
        return "an id that is not empty"
    if has_control_chars(text):
        return "an id without control characters, tabs or line breaks"
    if text[0] in FORMULA_START:
        return "an id that begins with a letter or a digit (not =, +, -, @)"
    return None


def neutralise(value: Any) -> Any:
    """The cell as written to an export: text starting with a formula character gets a leading ``'``;
    numbers and None (empty) stay as they are."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    if text and text[0] in FORMULA_START:
        return "'" + text
    return text


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]], *, delimiter: str = ",",
              bom: bool = False) -> str:
    """CSV text written by the ``csv`` module with every cell neutralised (see the module docstring).
    ``bom`` adds a UTF-8 byte-order mark so Excel opens Finnish letters right."""
    out = io.StringIO()
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n" if bom else "\n",
                        quoting=csv.QUOTE_MINIMAL)
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return out.getvalue()


def csv_rows(text: str, delimiter: str) -> Iterable[list[str]]:
    """Rows of CSV text; a cell longer than ``MAX_FIELD_CHARS`` raises ``csv.Error`` (the ``csv`` module's
    own process-wide limit is left alone: the Streamlit server reads files in several threads)."""
    for row in csv.reader(io.StringIO(text), delimiter=delimiter, strict=False):
        if any(len(cell) > MAX_FIELD_CHARS for cell in row):
            raise csv.Error(f"field larger than field limit ({MAX_FIELD_CHARS})")
        yield row
