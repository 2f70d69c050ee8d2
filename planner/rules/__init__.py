"""Dated rule tables and their lookups.

The tables (``planner/rules/tables/*.csv``) are read and validated once, at first use
(:func:`rule_book`). Lookups take a date (and a municipality) and return the parameter object of the
row covering it; a date no row covers raises :class:`MissingRuleError` naming the date.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Sequence, TypeVar

from planner.errors import MissingRuleError, RuleTableError
from planner.municipalities import canonical_name
from planner.rules.tables import (
    COVERAGE_START, DEFAULT_KEY, TABLES_DIR, FeePeriod, FreeHours, KelaPeriod, MunicipalSettings, MunicipalSupplement,
    PartTimeBand, PartTimeBands, RuleBacked, RuleRow, check_keyed_periods, check_periods, parse_band_rows,
    parse_fee_row, parse_free_hours_row, parse_kela_row, parse_settings_row, parse_supplement_row, read_rows,
)

__all__ = [
    "COVERAGE_START", "FeePeriod", "FreeHours", "KelaPeriod", "MunicipalSettings", "MunicipalSupplement", "PartTimeBand",
    "PartTimeBands", "RuleBacked", "RuleBook", "RuleRow", "load_rule_book", "rule_book", "fee_period_on", "kela_period_on",
    "settings_on", "supplement_on", "part_time_bands_on", "free_hours_on",
]

T = TypeVar("T")


@dataclass(frozen=True)
class RuleBook:
    """Every validated rule table."""

    fees: tuple[FeePeriod, ...]
    kela: tuple[KelaPeriod, ...]
    settings: tuple[MunicipalSettings, ...]
    supplements: tuple[MunicipalSupplement, ...]
    part_time: tuple[PartTimeBands, ...]
    free_hours: tuple[FreeHours, ...] = ()

    def free_hours_on(self, municipality: str, on: date) -> FreeHours:
        return _covering(_for_municipality(self.free_hours, municipality), on,
                         f"free hours for 5-year-olds of {municipality} (free_hours.csv)")

    def fee_period_on(self, on: date) -> FeePeriod:
        return _covering(self.fees, on, "ECEC fee (fee_periods.csv)")

    def kela_period_on(self, on: date) -> KelaPeriod:
        return _covering(self.kela, on, "Kela childcare allowances (kela_allowances.csv)")

    def settings_on(self, municipality: str, on: date) -> MunicipalSettings:
        return _covering(_for_municipality(self.settings, municipality), on,
                         f"municipal settings of {municipality} (municipal_settings.csv)")

    def supplement_on(self, municipality: str, on: date) -> MunicipalSupplement:
        return _covering(_for_municipality(self.supplements, municipality), on,
                         f"municipal supplement of {municipality} (municipal_supplements.csv)")

    def part_time_bands_on(self, municipality: str, on: date) -> PartTimeBands:
        return _covering(_for_municipality(self.part_time, municipality), on,
                         f"part-time bands of {municipality} (part_time_bands.csv)")


def _for_municipality(items: Sequence[T], municipality: str) -> list[T]:
    """The rows of ``municipality`` if it has any, else the law's defaults (``*``)."""
    own = [item for item in items if item.municipality == municipality]  # type: ignore[attr-defined]
    return own or [item for item in items if item.municipality == DEFAULT_KEY]  # type: ignore[attr-defined]


def _covering(items: Sequence[T], on: date, what: str) -> T:
    for item in items:
        if item.rule.covers(on):  # type: ignore[attr-defined]
            return item
    starts = [item.rule.valid_from for item in items]  # type: ignore[attr-defined]
    ends = [item.rule.valid_to for item in items]  # type: ignore[attr-defined]
    last = "open" if None in ends else max(e for e in ends if e is not None).isoformat()
    raise MissingRuleError(f"no rule row covers {on.isoformat()} for {what}; the data covers "
                           f"{min(starts).isoformat()} – {last}")


def load_rule_book(directory: Path = TABLES_DIR) -> RuleBook:
    """Read and validate every table in ``directory`` (raises RuleTableError naming file, line, problem)."""
    def known(name: str) -> str | None:
        return canonical_name(name)

    fees = tuple(parse_fee_row(row) for row in read_rows(directory / "fee_periods.csv"))
    check_periods("fee_periods.csv", "", [f.rule for f in fees])
    kela = tuple(parse_kela_row(row) for row in read_rows(directory / "kela_allowances.csv"))
    check_periods("kela_allowances.csv", "", [k.rule for k in kela], start=kela_start(kela))
    settings = tuple(parse_settings_row(row, known) for row in read_rows(directory / "municipal_settings.csv"))
    check_keyed_periods("municipal_settings.csv", settings)
    supplements = tuple(parse_supplement_row(row, known)
                        for row in read_rows(directory / "municipal_supplements.csv"))
    check_keyed_periods("municipal_supplements.csv", supplements)
    part_time = tuple(parse_band_rows(read_rows(directory / "part_time_bands.csv"), known))
    check_keyed_periods("part_time_bands.csv", part_time)
    free = tuple(parse_free_hours_row(row, known) for row in read_rows(directory / "free_hours.csv"))
    check_keyed_periods("free_hours.csv", free)
    return RuleBook(fees, kela, settings, supplements, part_time, free)


def kela_start(kela: Sequence[KelaPeriod]) -> date:
    """Kela amounts are kept from their first row on (earlier dates are a MissingRuleError)."""
    if not kela:
        raise RuleTableError("kela_allowances.csv: no rows")
    return min(k.rule.valid_from for k in kela)


@lru_cache(maxsize=1)
def rule_book() -> RuleBook:
    """The project's rule tables, validated once per process."""
    return load_rule_book()


def fee_period_on(on: date) -> FeePeriod:
    return rule_book().fee_period_on(on)


def kela_period_on(on: date) -> KelaPeriod:
    return rule_book().kela_period_on(on)


def settings_on(municipality: str, on: date) -> MunicipalSettings:
    return rule_book().settings_on(municipality, on)


def supplement_on(municipality: str, on: date) -> MunicipalSupplement:
    return rule_book().supplement_on(municipality, on)


def part_time_bands_on(municipality: str, on: date) -> PartTimeBands:
    return rule_book().part_time_bands_on(municipality, on)


def free_hours_on(municipality: str, on: date) -> FreeHours:
    return rule_book().free_hours_on(municipality, on)
