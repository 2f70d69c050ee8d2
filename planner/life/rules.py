"""Dated rules for life changes and timing (``planner/life/tables/timing_rules.csv``).

One row per ``key`` and ``municipality`` (``*`` = the national rule or common practice) and validity
period, with ``value``, ``unit``, ``source`` and ``status`` (``verified`` / ``provisional``). Rows of one
key and municipality must not overlap. :func:`life_rule` looks a value up for a date and a municipality
(the municipality's own row first, then ``*``) and raises :class:`MissingRuleError` naming the key and
the date when no row covers it.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from planner.errors import MissingRuleError, RuleTableError
from planner.rules import RuleBacked, RuleRow

TABLE = Path(__file__).parent / "tables" / "timing_rules.csv"
STATUSES = ("verified", "provisional")
NATIONAL = "*"


@dataclass(frozen=True)
class LifeRule(RuleBacked):
    """One dated parameter: ``value`` in ``unit`` (months, days, percent, month of the year …);
    ``rule`` is its validity, source and status (the money tables' :class:`RuleRow`)."""

    key: str
    municipality: str
    value: Decimal
    unit: str
    rule: RuleRow

    @property
    def int_value(self) -> int:
        return int(self.value)

    def to_dict(self) -> dict[str, Any]:
        number = self.int_value if self.value == self.value.to_integral_value() else float(self.value)
        return {"key": self.key, "municipality": self.municipality, "value": number, "unit": self.unit,
                **self.rule.to_dict()}


def _date(text: str, line: int, column: str, path: Path) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise RuleTableError(f"{path.name} line {line} {column}: got {text!r}; use YYYY-MM-DD") from None


def read_rules(path: Path = TABLE) -> tuple[LifeRule, ...]:
    """Read and validate the table; :class:`RuleTableError` names the file, line and problem."""
    rows: list[LifeRule] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for line, record in enumerate(csv.DictReader(handle), start=2):
            start = _date(record.get("valid_from") or "", line, "valid_from", path)
            if start is None:
                raise RuleTableError(f"{path.name} line {line} valid_from: empty; every row needs a start date")
            end = _date(record.get("valid_to") or "", line, "valid_to", path)
            if end is not None and end < start:
                raise RuleTableError(f"{path.name} line {line} valid_to: {end} is before valid_from {start}")
            try:
                value = Decimal((record.get("value") or "").strip())
            except InvalidOperation:
                raise RuleTableError(f"{path.name} line {line} value: got {record.get('value')!r}; "
                                     "use a number") from None
            if not value.is_finite() or value < 0:
                raise RuleTableError(f"{path.name} line {line} value: got {value}; use a number >= 0")
            status = (record.get("status") or "").strip()
            if status not in STATUSES:
                raise RuleTableError(f"{path.name} line {line} status: got {status!r}; use verified or provisional")
            source = (record.get("source") or "").strip()
            if not source:
                raise RuleTableError(f"{path.name} line {line} source: empty; name where the value comes from")
            rows.append(LifeRule(key=(record.get("key") or "").strip(),
                                 municipality=(record.get("municipality") or NATIONAL).strip() or NATIONAL,
                                 value=value, unit=(record.get("unit") or "").strip(),
                                 rule=RuleRow(path.name, line, start, end, source, status)))
    _check_overlaps(rows, path)
    return tuple(rows)


def _check_overlaps(rows: list[LifeRule], path: Path) -> None:
    by_key: dict[tuple[str, str], list[LifeRule]] = {}
    for row in rows:
        by_key.setdefault((row.key, row.municipality), []).append(row)
    for (key, municipality), group in by_key.items():
        group.sort(key=lambda r: r.rule.valid_from)
        for before, after in zip(group, group[1:]):
            if before.rule.valid_to is None or before.rule.valid_to >= after.rule.valid_from:
                raise RuleTableError(f"{path.name} lines {before.rule.line} and {after.rule.line}: periods of {key!r} "
                                     f"({municipality}) overlap; end the first before the second starts")


@lru_cache(maxsize=1)
def _rules() -> tuple[LifeRule, ...]:
    return read_rules()


def life_rule(key: str, on: date, municipality: str | None = None,
              rules: tuple[LifeRule, ...] | None = None) -> LifeRule:
    """The row of ``key`` in force on ``on``: the municipality's own row, else the national one."""
    rows = rules if rules is not None else _rules()
    for wanted in ((municipality,) if municipality else ()) + (NATIONAL,):
        for row in rows:
            if row.key == key and row.municipality == wanted and row.covers(on):
                return row
    raise MissingRuleError(f"no rule {key!r} covers {on.isoformat()} (planner/life/tables/timing_rules.csv); "
                           "add a dated row with its source")
