"""Dated rule tables: read the CSV files in ``planner/rules/tables/`` and validate them.

Every row has ``valid_from``, ``valid_to`` (empty = open ended), its parameters, ``source`` and
``status`` (``verified`` or ``provisional``). Money is read into integer cents, percentages and
shares into ``Decimal``. Any problem raises :class:`RuleTableError` naming the file, the row (the
line number in the file, header = line 1) and the problem.

Validation (run once at first use):

- periods of one key (the fee law, Kela, or one municipality) neither overlap nor leave a gap, and
  the first starts on :data:`COVERAGE_START` (2018-08-01);
- fee rows: 0 < percentage < 100, thresholds strictly rise with family size, increment > 0,
  0 < minimum fee < maximum fee, 0 < third-child share <= second-child share <= 1;
- fee rows with published *incomes at which the maximum fee is reached*: for each family size,
  ``percent x (income - threshold)`` must equal the maximum fee to within one euro of income
  (``percent x 1 EUR``, i.e. 0.107 EUR: publishers round that income up to whole euros). Rows with
  status ``provisional`` are allowed 5 % of the maximum fee instead (their figures are estimates);
- Kela rows: every amount > 0, limits rise with family size, rates in (0, 100);
- part-time bands of one period: upper bounds rise, coefficients in (0, 1] never fall, the last band
  is open (no upper bound) with coefficient 1.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from planner.errors import RuleTableError

TABLES_DIR = Path(__file__).parent / "tables"
COVERAGE_START = date(2018, 8, 1)
STATUSES = ("verified", "provisional")
DEFAULT_KEY = "*"


@dataclass(frozen=True)
class RuleRow:
    """Where a parameter set comes from: validity, source, status, and the file/line it was read from."""

    table: str
    line: int
    valid_from: date
    valid_to: date | None
    source: str
    status: str

    def covers(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    def to_dict(self) -> dict[str, Any]:
        return {"table": self.table, "valid_from": self.valid_from, "valid_to": self.valid_to,
                "source": self.source, "status": self.status}


class RuleBacked:
    """For a dated value kept with its :class:`RuleRow` in a field ``rule``: validity, source and status
    read through to that row (used by the life-event rules and the car door-to-door table)."""

    def covers(self, on: date) -> bool:
        return self.rule.covers(on)  # type: ignore[attr-defined]

    @property
    def valid_from(self) -> date:
        return self.rule.valid_from  # type: ignore[attr-defined]

    @property
    def valid_to(self) -> date | None:
        return self.rule.valid_to  # type: ignore[attr-defined]

    @property
    def source(self) -> str:
        return self.rule.source  # type: ignore[attr-defined]

    @property
    def status(self) -> str:
        return self.rule.status  # type: ignore[attr-defined]


@dataclass(frozen=True)
class FeePeriod:
    """The fee law's parameters for one period (euros whole, shares as Decimal)."""

    rule: RuleRow
    fee_percent: Decimal
    thresholds_eur: tuple[int, ...]        # family sizes 2..6
    threshold_increment_eur: int           # per person above 6
    max_fee_eur: int
    min_fee_eur: int
    sibling_2_share: Decimal
    sibling_3_share: Decimal
    max_fee_incomes_eur: tuple[int, ...]   # published, sizes 2.. (may be empty)
    # thresholds not published: (low, high) % rise applied to ``thresholds_eur`` (the last published ones)
    threshold_rise_percent: tuple[Decimal, Decimal] | None = None

    @property
    def thresholds_published(self) -> bool:
        return self.threshold_rise_percent is None

    def with_rise(self, percent: Decimal) -> "FeePeriod":
        """This period with every threshold and the increment raised by ``percent`` % (whole euros, half up);
        used to show a range while the thresholds are not published."""
        factor = 1 + percent / 100

        def up(value: int) -> int:
            return int((Decimal(value) * factor).quantize(Decimal(1), rounding=ROUND_HALF_UP))

        return replace(self, thresholds_eur=tuple(up(t) for t in self.thresholds_eur),
                       threshold_increment_eur=up(self.threshold_increment_eur), threshold_rise_percent=None)

    def threshold_eur(self, family_size: int) -> int:
        """Income threshold for a family of ``family_size`` persons (>= 2; grows above 6)."""
        size = max(2, family_size)
        if size <= 6:
            return self.thresholds_eur[size - 2]
        return self.thresholds_eur[-1] + self.threshold_increment_eur * (size - 6)


@dataclass(frozen=True)
class KelaPeriod:
    """Kela childcare allowance amounts for one period (integer cents)."""

    rule: RuleRow
    care_allowance_cents: int
    sibling_under_3_cents: int
    sibling_3_to_school_cents: int
    care_supplement_max_cents: int
    supplement_limits_eur: tuple[int, int, int]        # family sizes 2, 3, 4
    supplement_rates_percent: tuple[Decimal, Decimal, Decimal]
    private_care_allowance_cents: int
    private_care_supplement_max_cents: int
    flexible_high_cents: int
    flexible_high_max_hours: Decimal
    flexible_low_cents: int
    flexible_low_max_hours: Decimal
    partial_care_allowance_cents: int
    partial_max_hours: Decimal


@dataclass(frozen=True)
class MunicipalSettings:
    """Municipal choices: holiday-pay factor, whether home care allowance counts as income."""

    rule: RuleRow
    municipality: str
    holiday_pay_factor: Decimal
    home_care_allowance_counts_as_income: bool
    july_rule: str = "unknown"          # free_if_started_by | half_if_started_after | unknown
    july_start_month: int | None = None  # month of the previous year by which the place must have started
    absence_rule: str = "unknown"        # evaka (whole sick month free, 11+ sick days 50 %, planned month 50 %)


@dataclass(frozen=True)
class MunicipalSupplement:
    """Municipal home care supplement by the youngest child's age.

    ``tiers``: ((under_months, amount_cents), ...) youngest age limit first; None means the rule is
    unknown (say so); an empty tuple means the municipality pays none.
    """

    rule: RuleRow
    municipality: str
    tiers: tuple[tuple[int, int], ...] | None
    siblings_in_ecec_allowed: bool | None   # None: condition not known

    @property
    def amount_cents(self) -> int | None:
        """The first (youngest-age) tier's amount; 0 when none is paid, None when unknown."""
        if self.tiers is None:
            return None
        return self.tiers[0][1] if self.tiers else 0

    @property
    def youngest_under_months(self) -> int | None:
        """The oldest age limit (months) up to which any tier is paid."""
        if not self.tiers:
            return None
        return self.tiers[-1][0]

    def tier_for(self, age_months: int) -> tuple[int, int] | None:
        """(under_months, amount_cents) of the tier for a youngest child of ``age_months`` completed
        months, or None when no tier applies."""
        for under, amount in self.tiers or ():
            if age_months < under:
                return under, amount
        return None


@dataclass(frozen=True)
class FreeHours:
    """Free ECEC hours a day for 5-year-olds (the year before preschool) in one municipality."""

    rule: RuleRow
    municipality: str
    free_hours_per_day: Decimal
    born_from_year: int | None      # only children born this year or later (None: every child)


@dataclass(frozen=True)
class PartTimeBand:
    max_hours: Decimal | None   # None: no upper bound; hours a week or a day (PartTimeBands.per)
    inclusive: bool
    coefficient: Decimal

    @property
    def max_weekly_hours(self) -> Decimal | None:   # kept for callers of the week-based tables
        return self.max_hours

    def contains(self, hours: Decimal) -> bool:
        if self.max_hours is None:
            return True
        return hours <= self.max_hours if self.inclusive else hours < self.max_hours


@dataclass(frozen=True)
class PartTimeBands:
    """A municipality's part-time coefficients for one period, lowest band first."""

    rule: RuleRow
    municipality: str
    bands: tuple[PartTimeBand, ...]
    statuses: tuple[str, ...]
    per: str = "week"      # "week" by weekly hours; "day" by daily hours (Helsinki); "month" by hours a month

    DAYS_PER_MONTH = Decimal(21)   # convention for monthly hour steps: 21 working days (h/week x 21/5)

    def hours_for(self, weekly_hours: float | Decimal | None, daily_hours: float | Decimal | None = None
                  ) -> Decimal | None:
        """The hours the bands are read with: weekly hours, daily hours (given, else weekly / 5) or hours
        a month (weekly x 21/5, else daily x 21)."""
        if self.per == "month":
            if weekly_hours is not None:
                return Decimal(str(weekly_hours)) * self.DAYS_PER_MONTH / 5
            return None if daily_hours is None else Decimal(str(daily_hours)) * self.DAYS_PER_MONTH
        if self.per == "day":
            if daily_hours is not None:
                return Decimal(str(daily_hours))
            if weekly_hours is None:
                return None
            return Decimal(str(weekly_hours)) / 5
        return None if weekly_hours is None else Decimal(str(weekly_hours))

    def _band_index(self, weekly_hours: float | Decimal | None, daily_hours: float | Decimal | None) -> int:
        hours = self.hours_for(weekly_hours, daily_hours)
        if hours is None:
            return len(self.bands) - 1
        for index, band in enumerate(self.bands):
            if band.contains(hours):
                return index
        return len(self.bands) - 1  # unreachable: last band is open

    def coefficient(self, weekly_hours: float | Decimal | None, daily_hours: float | Decimal | None = None
                    ) -> Decimal:
        """Share of the full-time fee for ``weekly_hours`` / ``daily_hours`` (both None = full time)."""
        if weekly_hours is None and daily_hours is None:
            return Decimal(1)
        return self.bands[self._band_index(weekly_hours, daily_hours)].coefficient

    def band_status(self, weekly_hours: float | Decimal | None, daily_hours: float | Decimal | None = None) -> str:
        if weekly_hours is None and daily_hours is None:
            return self.statuses[-1]
        return self.statuses[self._band_index(weekly_hours, daily_hours)]


# --------------------------------------------------------------------------------------- reading

class _Row:
    """One CSV row with typed getters that raise RuleTableError naming file, line and column."""

    def __init__(self, table: str, line: int, values: dict[str, str]):
        self.table, self.line, self.values = table, line, values

    def fail(self, problem: str) -> RuleTableError:
        return RuleTableError(f"{self.table}, line {self.line}: {problem}")

    def text(self, column: str) -> str:
        if column not in self.values or self.values[column] is None:
            raise self.fail(f"column {column!r} missing")
        return self.values[column].strip()

    def date(self, column: str, *, optional: bool = False) -> date | None:
        raw = self.text(column)
        if not raw and optional:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise self.fail(f"{column} {raw!r} is not a date YYYY-MM-DD") from None

    def decimal(self, column: str, *, optional: bool = False) -> Decimal | None:
        raw = self.text(column)
        if not raw and optional:
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise self.fail(f"{column} {raw!r} is not a number") from None
        if not value.is_finite():
            raise self.fail(f"{column} {raw!r} is not a finite number")
        return value

    def integer(self, column: str, *, optional: bool = False) -> int | None:
        value = self.decimal(column, optional=optional)
        if value is None:
            return None
        if value != value.to_integral_value():
            raise self.fail(f"{column} {value} must be a whole number")
        return int(value)

    def cents(self, column: str, *, optional: bool = False) -> int | None:
        value = self.decimal(column, optional=optional)
        if value is None:
            return None
        cents = value * 100
        if cents != cents.to_integral_value():
            raise self.fail(f"{column} {value} has more than two decimals")
        return int(cents)

    def boolean(self, column: str, *, optional: bool = False) -> bool | None:
        raw = self.text(column).lower()
        if not raw and optional:
            return None
        if raw in ("true", "yes", "1"):
            return True
        if raw in ("false", "no", "0"):
            return False
        raise self.fail(f"{column} {raw!r} must be true or false")

    def rule(self) -> RuleRow:
        valid_from = self.date("valid_from")
        valid_to = self.date("valid_to", optional=True)
        if valid_to is not None and valid_to < valid_from:
            raise self.fail(f"valid_to {valid_to} is before valid_from {valid_from}")
        status = self.text("status")
        if status not in STATUSES:
            raise self.fail(f"status {status!r} must be one of {', '.join(STATUSES)}")
        source = self.text("source")
        if not source:
            raise self.fail("source is empty: every rule row must name its source")
        return RuleRow(self.table, self.line, valid_from, valid_to, source, status)


def read_rows(path: Path) -> list[_Row]:
    """The rows of one CSV table (line numbers as in the file)."""
    if not path.is_file():
        raise RuleTableError(f"{path.name}: rule table missing at {path}")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = []
        for values in reader:
            if not any((v or "").strip() for v in values.values()):
                continue
            rows.append(_Row(path.name, reader.line_num, values))
    if not rows:
        raise RuleTableError(f"{path.name}: the table has no rows")
    return rows


def check_periods(table: str, key: str, rules: Sequence[RuleRow], *, start: date = COVERAGE_START) -> None:
    """Refuse overlapping or gapped periods of one key, and a first period not starting on ``start``."""
    ordered = sorted(rules, key=lambda r: r.valid_from)
    label = "" if key == "" else f" ({key})"
    if ordered[0].valid_from != start:
        raise RuleTableError(f"{table}, line {ordered[0].line}{label}: the first period starts "
                             f"{ordered[0].valid_from}, expected {start} (every date from {start} must be covered)")
    for previous, current in zip(ordered, ordered[1:]):
        if previous.valid_to is None or current.valid_from <= previous.valid_to:
            raise RuleTableError(f"{table}, line {current.line}{label}: period from {current.valid_from} "
                                 f"overlaps the period of line {previous.line} ({previous.valid_from} – "
                                 f"{previous.valid_to or 'open'})")
        if current.valid_from != previous.valid_to + timedelta(days=1):
            raise RuleTableError(f"{table}, line {current.line}{label}: gap between {previous.valid_to} "
                                 f"(line {previous.line}) and {current.valid_from}")


# ------------------------------------------------------------------------------------- fee table

FEE_TOLERANCE_PROVISIONAL = Decimal("0.05")   # share of the max fee allowed for estimated rows


def parse_fee_row(row: _Row) -> FeePeriod:
    rule = row.rule()
    percent = row.decimal("fee_percent")
    thresholds = tuple(row.integer(f"threshold_{n}_eur") for n in range(2, 7))
    incomes_raw = row.text("max_fee_incomes_eur")
    try:
        incomes = tuple(int(part) for part in incomes_raw.split(";") if part.strip())
    except ValueError:
        raise row.fail(f"max_fee_incomes_eur {incomes_raw!r} must be whole euros separated by ';'") from None
    rise = _rise_range(row)
    period = FeePeriod(rule, percent, thresholds, row.integer("threshold_increment_eur"),
                       row.integer("max_fee_eur"), row.integer("min_fee_eur"),
                       row.decimal("sibling_2_share"), row.decimal("sibling_3_share"), incomes, rise)
    check_fee_period(period, row)
    return period


def _rise_range(row: _Row) -> tuple[Decimal, Decimal] | None:
    """``threshold_rise_percent`` "low;high" (thresholds not published) or empty."""
    raw = row.values.get("threshold_rise_percent", "") or ""
    if not raw.strip():
        return None
    try:
        low, high = (Decimal(part.strip()) for part in raw.split(";"))
    except (ValueError, InvalidOperation):
        raise row.fail(f"threshold_rise_percent {raw!r} must be two percentages 'low;high'") from None
    if not Decimal(0) <= low <= high <= Decimal(50):
        raise row.fail(f"threshold_rise_percent {raw!r}: need 0 <= low <= high <= 50")
    if row.text("status") != "provisional":
        raise row.fail("a row whose thresholds are not published (threshold_rise_percent) must be provisional")
    if row.text("max_fee_incomes_eur"):
        raise row.fail("max_fee_incomes_eur cannot be given while the thresholds are not published")
    return low, high


def check_fee_period(period: FeePeriod, row: _Row) -> None:
    """The consistency rules of one fee row (see the module docstring)."""
    if not Decimal(0) < period.fee_percent < Decimal(100):
        raise row.fail(f"fee_percent {period.fee_percent} must be between 0 and 100")
    if any(t <= 0 for t in period.thresholds_eur) or list(period.thresholds_eur) != sorted(set(period.thresholds_eur)):
        raise row.fail(f"thresholds {period.thresholds_eur} must be positive and rise strictly with family size")
    if period.threshold_increment_eur <= 0:
        raise row.fail("threshold_increment_eur must be positive")
    if not 0 < period.min_fee_eur < period.max_fee_eur:
        raise row.fail(f"need 0 < min_fee_eur ({period.min_fee_eur}) < max_fee_eur ({period.max_fee_eur})")
    if not Decimal(0) < period.sibling_3_share <= period.sibling_2_share <= Decimal(1):
        raise row.fail("need 0 < sibling_3_share <= sibling_2_share <= 1")
    if len(period.max_fee_incomes_eur) > len(period.thresholds_eur):
        raise row.fail("more max-fee incomes than family sizes 2..6")
    rate = period.fee_percent / 100
    if period.rule.status == "verified":
        tolerance = rate * 1
    else:
        tolerance = FEE_TOLERANCE_PROVISIONAL * period.max_fee_eur
    for size, income in enumerate(period.max_fee_incomes_eur, start=2):
        reached = rate * (income - period.threshold_eur(size))
        if abs(reached - period.max_fee_eur) > tolerance:
            raise row.fail(
                f"contradictory values: {period.fee_percent} % x ({income} - {period.threshold_eur(size)}) = "
                f"{reached:.2f} EUR, but the maximum fee is {period.max_fee_eur} EUR (family size {size}; "
                f"allowed difference {tolerance:.3f} EUR for a {period.rule.status} row)")


# ------------------------------------------------------------------------------------ Kela table

def parse_kela_row(row: _Row) -> KelaPeriod:
    rule = row.rule()
    period = KelaPeriod(
        rule,
        row.cents("care_allowance_eur"), row.cents("sibling_under_3_eur"), row.cents("sibling_3_to_school_eur"),
        row.cents("care_supplement_max_eur"),
        tuple(row.integer(f"supplement_limit_{n}_eur") for n in (2, 3, 4)),  # type: ignore[arg-type]
        tuple(row.decimal(f"supplement_rate_{n}_percent") for n in (2, 3, 4)),  # type: ignore[arg-type]
        row.cents("private_care_allowance_eur"), row.cents("private_care_supplement_max_eur"),
        row.cents("flexible_high_eur"), row.decimal("flexible_high_max_hours"),
        row.cents("flexible_low_eur"), row.decimal("flexible_low_max_hours"),
        row.cents("partial_care_allowance_eur"), row.decimal("partial_max_hours"),
    )
    amounts = [period.care_allowance_cents, period.sibling_under_3_cents, period.sibling_3_to_school_cents,
               period.care_supplement_max_cents, period.private_care_allowance_cents,
               period.private_care_supplement_max_cents, period.flexible_high_cents, period.flexible_low_cents,
               period.partial_care_allowance_cents]
    if any(a <= 0 for a in amounts):
        raise row.fail("every allowance amount must be positive")
    if list(period.supplement_limits_eur) != sorted(set(period.supplement_limits_eur)):
        raise row.fail("supplement limits must rise strictly with family size")
    if any(not Decimal(0) < r < Decimal(100) for r in period.supplement_rates_percent):
        raise row.fail("supplement rates must be between 0 and 100 %")
    if not period.flexible_high_max_hours < period.flexible_low_max_hours:
        raise row.fail("flexible_high_max_hours must be below flexible_low_max_hours")
    if not period.flexible_low_cents < period.flexible_high_cents:
        raise row.fail("the flexible allowance for fewer hours must be the larger one")
    return period


# ------------------------------------------------------------------------------ municipal tables

def _municipality(row: _Row, known: Callable[[str], str | None]) -> str:
    name = row.text("municipality")
    if name == DEFAULT_KEY:
        return name
    canonical = known(name)
    if canonical is None:
        raise row.fail(f"municipality {name!r} is not in municipalities.csv")
    return canonical


def parse_settings_row(row: _Row, known: Callable[[str], str | None]) -> MunicipalSettings:
    settings = MunicipalSettings(row.rule(), _municipality(row, known), row.decimal("holiday_pay_factor"),
                                 row.boolean("home_care_allowance_counts_as_income"),
                                 row.text("july_rule") or "unknown", row.integer("july_start_month", optional=True),
                                 row.text("absence_rule") or "unknown")
    if not Decimal(1) <= settings.holiday_pay_factor <= Decimal("1.2"):
        raise row.fail(f"holiday_pay_factor {settings.holiday_pay_factor} must be between 1 and 1.2")
    if settings.july_rule not in ("free_if_started_by", "half_if_started_after", "unknown"):
        raise row.fail(f"july_rule {settings.july_rule!r} must be free_if_started_by, half_if_started_after or unknown")
    if settings.july_rule != "unknown" and settings.july_start_month not in (8, 9):
        raise row.fail("july_start_month must be 8 or 9 when a July rule is given")
    if settings.absence_rule not in ("evaka", "unknown"):
        raise row.fail(f"absence_rule {settings.absence_rule!r} must be evaka or unknown")
    return settings


def parse_supplement_row(row: _Row, known: Callable[[str], str | None]) -> MunicipalSupplement:
    """``tiers``: empty = unknown, ``none`` = no supplement, else ``months:amount;...`` (rising months)."""
    rule = row.rule()
    raw = row.text("tiers")
    tiers: tuple[tuple[int, int], ...] | None
    if not raw:
        tiers = None
        if rule.status != "provisional":
            raise row.fail("an unknown supplement (empty tiers) must have status provisional")
    elif raw.lower() == "none":
        tiers = ()
    else:
        parsed = []
        for part in raw.split(";"):
            try:
                months_text, amount_text = part.split(":")
                months, amount = int(months_text), Decimal(amount_text)
            except (ValueError, InvalidOperation):
                raise row.fail(f"tiers {raw!r} must be 'months:amount' separated by ';' (e.g. 18:264;24:218.64)") from None
            cents = amount * 100
            if months <= 0 or amount <= 0 or cents != cents.to_integral_value():
                raise row.fail(f"tier {part!r}: months and amount must be positive, amount in whole cents")
            parsed.append((months, int(cents)))
        if [m for m, _ in parsed] != sorted({m for m, _ in parsed}):
            raise row.fail(f"tiers {raw!r}: the age limits must rise")
        tiers = tuple(parsed)
    return MunicipalSupplement(rule, _municipality(row, known), tiers,
                               row.boolean("siblings_in_ecec_allowed", optional=True))


def parse_free_hours_row(row: _Row, known: Callable[[str], str | None]) -> FreeHours:
    free = FreeHours(row.rule(), _municipality(row, known), row.decimal("free_hours_per_day"),
                     row.integer("born_from_year", optional=True))
    if not Decimal(0) <= free.free_hours_per_day <= Decimal(12):
        raise row.fail(f"free_hours_per_day {free.free_hours_per_day} must be between 0 and 12")
    return free


def parse_band_rows(rows: Iterable[_Row], known: Callable[[str], str | None]) -> list[PartTimeBands]:
    """Group band rows by (municipality, period) and validate each group."""
    groups: dict[tuple[str, date, date | None], list[tuple[_Row, RuleRow, PartTimeBand]]] = {}
    pers: dict[tuple[str, date, date | None], set[str]] = {}
    for row in rows:
        rule = row.rule()
        per = row.text("per").lower()
        if per not in ("week", "day", "month"):
            raise row.fail(f"per {per!r} must be week, day or month")
        band = PartTimeBand(row.decimal("max_hours", optional=True),
                            bool(row.boolean("inclusive", optional=True)), row.decimal("coefficient"))
        key = (_municipality(row, known), rule.valid_from, rule.valid_to)
        groups.setdefault(key, []).append((row, rule, band))
        pers.setdefault(key, set()).add(per)
    result = []
    for key, members in groups.items():
        municipality = key[0]
        bands = [band for _, _, band in members]
        first_row = members[0][0]
        if len(pers[key]) != 1:
            raise first_row.fail(f"{municipality}: the bands of one period must all be per week or all per day")
        bounds = [b.max_hours for b in bands[:-1]]
        if bands[-1].max_hours is not None or any(b is None for b in bounds):
            raise first_row.fail(f"{municipality}: only the last band (and exactly it) must have no upper bound")
        if bounds != sorted(set(bounds)) or any(b <= 0 for b in bounds):
            raise first_row.fail(f"{municipality}: band upper bounds must be positive and rise")
        coefficients = [b.coefficient for b in bands]
        if coefficients != sorted(coefficients) or not all(Decimal(0) < c <= 1 for c in coefficients):
            raise first_row.fail(f"{municipality}: coefficients must be in (0, 1] and never fall as hours rise")
        if coefficients[-1] != 1:
            raise first_row.fail(f"{municipality}: the open last band must be the full fee (coefficient 1)")
        rule = members[0][1]
        statuses = tuple(r.status for _, r, _ in members)
        overall = "verified" if all(s == "verified" for s in statuses) else "provisional"
        rule = RuleRow(rule.table, rule.line, rule.valid_from, rule.valid_to,
                       "; ".join(dict.fromkeys(r.source for _, r, _ in members)), overall)
        result.append(PartTimeBands(rule, municipality, tuple(bands), statuses, pers[key].pop()))
    return result


def check_keyed_periods(table: str, items: Sequence[Any]) -> None:
    by_key: dict[str, list[RuleRow]] = {}
    for item in items:
        by_key.setdefault(item.municipality, []).append(item.rule)
    if DEFAULT_KEY not in by_key:
        raise RuleTableError(f"{table}: no '*' rows (the law's defaults for any other municipality)")
    for key, rules in by_key.items():
        check_periods(table, key, rules)
