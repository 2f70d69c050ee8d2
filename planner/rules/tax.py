"""Income tax rule tables: ``income_tax.csv`` (one row per tax year) and ``municipal_tax_rates.csv``.

Money in ``Decimal`` euros (cents exact), percentages as ``Decimal``. Validation (RuleTableError naming
file, line and problem; every problem of a table is listed, one line each):

- years neither overlap nor leave a gap; ``valid_from`` <= ``valid_to``; status and source present;
- the state scale ``lower:tax_at_lower:rate;...`` starts at 0 with tax 0, lower limits rise, rates are
  in [0, 100) and each ``tax_at_lower`` equals the previous one + rate x width (to the cent), so a typo
  in the published table is refused;
- every percentage is in [0, 100); every amount >= 0; ``work_reduction_to_eur`` (optional; empty = the
  work income deduction's reduction has no end) lies above ``work_reduction_from_eur``;
- municipal rates: 0 <= percent < 30, rows of one municipality do not overlap, and the ``*`` rows (an
  estimate used for municipalities without a row) cover every tax year of ``income_tax.csv``.

A deployment adds the official yearly table of every municipality with ``python -m planner rules
import-tax-rates`` (:mod:`planner.rules.tax_import`): an overlay ``<data dir>/rules/municipal_tax_rates.csv``
in the same format, validated the same way. An imported row wins over the shipped row of the same
municipality and year and over the ``*`` estimate; outside the imported years nothing changes.

A date no tax row covers raises MissingRuleError naming the date.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Callable

from planner.errors import MissingRuleError, RuleTableError
from planner.rules.tables import DEFAULT_KEY, TABLES_DIR, RuleRow, _Row, read_rows

MONEY_COLUMNS = ("income_acquisition_deduction_eur", "eid_low_eur", "eid_mid_eur", "eid_max_eur",
                 "eid_reduction_from_eur", "basic_deduction_max_eur", "work_floor_eur", "work_max_eur",
                 "work_child_eur", "work_reduction_from_eur", "daily_allowance_min_income_eur", "yle_threshold_eur",
                 "yle_max_eur")
PERCENT_COLUMNS = ("eid_rate_1_percent", "eid_rate_2_percent", "eid_reduction_percent", "basic_deduction_rate_percent",
                   "work_rate_percent", "work_reduction_percent", "pension_percent", "unemployment_percent",
                   "daily_allowance_percent", "medical_care_percent", "yle_percent")


@dataclass(frozen=True)
class Bracket:
    lower_eur: Decimal
    tax_at_lower_eur: Decimal
    rate_percent: Decimal


@dataclass(frozen=True)
class TaxYear:
    """One tax year's parameters (euros a year, percentages)."""

    rule: RuleRow
    state_scale: tuple[Bracket, ...]
    values: dict[str, Decimal]

    def __getattr__(self, name: str) -> Decimal:
        try:
            return self.__dict__["values"][name]
        except KeyError:
            raise AttributeError(name) from None

    def state_tax_eur(self, taxable_eur: Decimal) -> Decimal:
        """State income tax on ``taxable_eur`` by the progressive scale (not rounded)."""
        if taxable_eur <= 0:
            return Decimal(0)
        bracket = [b for b in self.state_scale if b.lower_eur <= taxable_eur][-1]
        return bracket.tax_at_lower_eur + bracket.rate_percent / 100 * (taxable_eur - bracket.lower_eur)


@dataclass(frozen=True)
class MunicipalTaxRate:
    rule: RuleRow
    municipality: str
    percent: Decimal


@dataclass(frozen=True)
class TaxBook:
    years: tuple[TaxYear, ...]
    rates: tuple[MunicipalTaxRate, ...]
    imported: tuple[MunicipalTaxRate, ...] = ()

    def year_on(self, on: date) -> TaxYear:
        for year in self.years:
            if year.rule.covers(on):
                return year
        first = min(y.rule.valid_from for y in self.years)
        last = max(y.rule.valid_to or date.max for y in self.years)
        raise MissingRuleError(f"no income tax row covers {on.isoformat()} (income_tax.csv); the data covers "
                               f"{first.isoformat()} – {last.isoformat()}")

    def rate_on(self, municipality: str, on: date) -> MunicipalTaxRate:
        """The imported official row for ``on``, else the municipality's own shipped row, else the ``*``
        estimate row."""
        for rate in self.imported:
            if rate.municipality == municipality and rate.rule.covers(on):
                return rate
        for key in (municipality, DEFAULT_KEY):
            for rate in self.rates:
                if rate.municipality == key and rate.rule.covers(on):
                    return rate
        raise MissingRuleError(f"no municipal tax rate covers {on.isoformat()} for {municipality} "
                               f"(municipal_tax_rates.csv)")


def _scale(row: _Row, problems: list[str]) -> tuple[Bracket, ...]:
    raw = row.text("state_scale")
    brackets = []
    try:
        for part in raw.split(";"):
            lower, tax, rate = (Decimal(x.strip()) for x in part.split(":"))
            brackets.append(Bracket(lower, tax, rate))
    except (ValueError, InvalidOperation):
        problems.append(f"{row.table}, line {row.line}: state_scale {raw!r} must be 'lower:tax_at_lower:rate;...'")
        return ()
    if not brackets or brackets[0].lower_eur != 0 or brackets[0].tax_at_lower_eur != 0:
        problems.append(f"{row.table}, line {row.line}: state_scale must start with 0:0:rate")
    for previous, current in zip(brackets, brackets[1:]):
        if current.lower_eur <= previous.lower_eur:
            problems.append(f"{row.table}, line {row.line}: state_scale lower limits must rise "
                            f"({previous.lower_eur} then {current.lower_eur})")
            continue
        expected = previous.tax_at_lower_eur + previous.rate_percent / 100 * (current.lower_eur - previous.lower_eur)
        if abs(expected - current.tax_at_lower_eur) > Decimal("0.005"):
            problems.append(f"{row.table}, line {row.line}: state_scale tax at {current.lower_eur} is "
                            f"{current.tax_at_lower_eur}, but {previous.tax_at_lower_eur} + {previous.rate_percent} % x "
                            f"{current.lower_eur - previous.lower_eur} = {expected:.2f}")
    for bracket in brackets:
        if not Decimal(0) <= bracket.rate_percent < Decimal(100):
            problems.append(f"{row.table}, line {row.line}: state_scale rate {bracket.rate_percent} must be 0-100 %")
    return tuple(brackets)


def _number(row: _Row, column: str, problems: list[str]) -> Decimal:
    try:
        value = row.decimal(column)
    except RuleTableError as error:
        problems.append(str(error))
        return Decimal(0)
    assert value is not None
    return value


def parse_tax_years(rows: list[_Row]) -> tuple[TaxYear, ...]:
    problems: list[str] = []
    years = []
    for row in rows:
        try:
            rule = row.rule()
        except RuleTableError as error:
            problems.append(str(error))
            continue
        scale = _scale(row, problems)
        values = {}
        for column in MONEY_COLUMNS:
            value = values[column] = _number(row, column, problems)
            if value < 0:
                problems.append(f"{row.table}, line {row.line}: {column} {value} must not be negative")
        for column in PERCENT_COLUMNS:
            value = values[column] = _number(row, column, problems)
            if not Decimal(0) <= value < Decimal(100):
                problems.append(f"{row.table}, line {row.line}: {column} {value} must be between 0 and 100 %")
        try:
            reduction_to = row.decimal("work_reduction_to_eur", optional=True)
        except RuleTableError as error:
            problems.append(str(error))
            reduction_to = None
        values["work_reduction_to_eur"] = reduction_to or Decimal(0)   # 0 = the reduction has no end
        if reduction_to is not None and reduction_to and reduction_to <= values["work_reduction_from_eur"]:
            problems.append(f"{row.table}, line {row.line}: work_reduction_to_eur {reduction_to} must be above "
                            f"work_reduction_from_eur {values['work_reduction_from_eur']} (or empty: no end)")
        years.append(TaxYear(rule, scale, values))
    ordered = sorted(years, key=lambda y: y.rule.valid_from)
    for previous, current in zip(ordered, ordered[1:]):
        end = previous.rule.valid_to
        if end is None or current.rule.valid_from <= end:
            problems.append(f"{current.rule.table}, line {current.rule.line}: period from {current.rule.valid_from} "
                            f"overlaps the period of line {previous.rule.line}")
        elif current.rule.valid_from != end + timedelta(days=1):
            problems.append(f"{current.rule.table}, line {current.rule.line}: gap between {end} and "
                            f"{current.rule.valid_from}")
    if problems:
        raise RuleTableError("\n".join(problems))
    return tuple(ordered)


def parse_rates(rows: list[_Row], known: Callable[[str], str | None], years: tuple[TaxYear, ...],
                *, require_default: bool = True) -> tuple[MunicipalTaxRate, ...]:
    problems: list[str] = []
    rates = []
    for row in rows:
        try:
            rule = row.rule()
        except RuleTableError as error:
            problems.append(str(error))
            continue
        name = row.text("municipality")
        municipality = name if name == DEFAULT_KEY else known(name)
        if municipality is None:
            problems.append(f"{row.table}, line {row.line}: municipality {name!r} is not in municipalities.csv")
            continue
        percent = _number(row, "percent", problems)
        if not Decimal(0) <= percent < Decimal(30):
            problems.append(f"{row.table}, line {row.line}: percent {percent} must be between 0 and 30 "
                            f"(a municipal income tax rate)")
        rates.append(MunicipalTaxRate(rule, municipality, percent))
    by_key: dict[str, list[MunicipalTaxRate]] = {}
    for rate in rates:
        by_key.setdefault(rate.municipality, []).append(rate)
    for key, items in by_key.items():
        items.sort(key=lambda r: r.rule.valid_from)
        for previous, current in zip(items, items[1:]):
            end = previous.rule.valid_to
            if end is None or current.rule.valid_from <= end:
                problems.append(f"{current.rule.table}, line {current.rule.line} ({key}): period from "
                                f"{current.rule.valid_from} overlaps the period of line {previous.rule.line}")
    for year in years if require_default else ():
        if not any(r.municipality == DEFAULT_KEY and r.rule.covers(year.rule.valid_from)
                   and (year.rule.valid_to is None or r.rule.covers(year.rule.valid_to)) for r in rates):
            problems.append(f"municipal_tax_rates.csv: no '*' row covers the tax year from {year.rule.valid_from}")
    if problems:
        raise RuleTableError("\n".join(problems))
    return tuple(rates)


def read_overlay(path: Path, years: tuple[TaxYear, ...] = ()) -> tuple[MunicipalTaxRate, ...]:
    """The imported rates at ``path`` (none when the file does not exist), validated like the shipped
    table except that no ``*`` row is needed; problems name the overlay's full path."""
    from planner.municipalities import canonical_name

    if not path.is_file():
        return ()
    rows = read_rows(path)
    for row in rows:
        row.table = f"{path} (imported tax rates; re-run `python -m planner rules import-tax-rates`)"
    return parse_rates(rows, canonical_name, years, require_default=False)


def overlay_path() -> Path:
    """Where ``rules import-tax-rates`` writes: ``<data dir>/rules/municipal_tax_rates.csv``."""
    from planner.datasets.store import data_dir

    return data_dir() / "rules" / "municipal_tax_rates.csv"


def load_tax_book(directory: Path = TABLES_DIR, overlay: Path | None = None) -> TaxBook:
    from planner.municipalities import canonical_name

    years = parse_tax_years(read_rows(directory / "income_tax.csv"))
    rates = parse_rates(read_rows(directory / "municipal_tax_rates.csv"), canonical_name, years)
    imported = read_overlay(overlay, years) if overlay is not None else ()
    return TaxBook(years, rates, imported)


@lru_cache(maxsize=4)
def _cached_book(overlay: Path, stamp: tuple[int, int] | None) -> TaxBook:
    return load_tax_book(overlay=overlay)


def tax_book() -> TaxBook:
    """The project's tax tables plus the imported overlay, validated once per version of the overlay
    (a new import is seen without a restart)."""
    path = overlay_path()
    try:
        info = path.stat()
        stamp: tuple[int, int] | None = (info.st_mtime_ns, info.st_size)
    except OSError:
        stamp = None
    return _cached_book(path, stamp)
