"""The family file: parse and validate a dict (from JSON) into frozen dataclasses.

:func:`parse_family` checks every field and raises one :class:`InputError` listing every problem
with a dotted field path (``children[0].birth_date``). ``Family.to_dict()`` gives back a dict that
parses to the same family. Addresses stay unresolved here (the routing code resolves them).
Nothing is logged or written.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from planner.errors import InputError, Problem, ProblemCollector
from planner.municipalities import canonical_name, suggest

EARLIEST_DATE = date(2018, 8, 1)
CARE_TYPES = ("municipal", "voucher", "private", "home", "preschool", "none")
COMMUTE_MODES = ("walk", "bike", "car", "transit")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_WEEKLY_HOURS = 60.0
MAX_ADULTS = 2
MAX_DUE_DAYS = 300   # an expected baby's due date at most this many days ahead


@dataclass(frozen=True)
class Location:
    """WGS84 point or an unresolved address."""

    lat: float | None = None
    lon: float | None = None
    address: str | None = None

    def to_dict(self) -> dict[str, Any]:
        if self.address is not None:
            return {"address": self.address}
        return {"lat": self.lat, "lon": self.lon}


@dataclass(frozen=True)
class Schedule:
    days: tuple[str, ...]
    start: time
    end: time

    def to_dict(self) -> dict[str, Any]:
        return {"days": list(self.days), "start": self.start.strftime("%H:%M"), "end": self.end.strftime("%H:%M")}


@dataclass(frozen=True)
class Adult:
    id: str
    gross_monthly_income_eur: Decimal | None = None   # None: not reported (maximum fee)
    work: Location | None = None
    schedule: Schedule | None = None
    commute_mode: str | None = None
    drops_off: bool = False
    picks_up: bool = False
    weekly_work_hours: float | None = None
    church_tax_percent: Decimal | None = None   # optional: the parish's church tax rate (tax module)

    @property
    def income_cents(self) -> int | None:
        if self.gross_monthly_income_eur is None:
            return None
        return int((self.gross_monthly_income_eur * 100).to_integral_value())

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "gross_monthly_income_eur": _number(self.gross_monthly_income_eur)}
        if self.work is not None:
            out["work"] = self.work.to_dict()
        if self.schedule is not None:
            out["schedule"] = self.schedule.to_dict()
        if self.commute_mode is not None:
            out["commute_mode"] = self.commute_mode
        out["drops_off"] = self.drops_off
        out["picks_up"] = self.picks_up
        if self.weekly_work_hours is not None:
            out["weekly_work_hours"] = self.weekly_work_hours
        if self.church_tax_percent is not None:
            out["church_tax_percent"] = _number(self.church_tax_percent)
        return out


@dataclass(frozen=True)
class ParentalLeave:
    """A period when ``adult`` receives Kela parental allowance for ``child`` (both ids), both days included."""

    adult: str
    child: str
    start: date
    end: date

    def covers(self, on: date) -> bool:
        return self.start <= on <= self.end

    def to_dict(self) -> dict[str, Any]:
        return {"adult": self.adult, "child": self.child, "from": self.start.isoformat(), "to": self.end.isoformat()}


@dataclass(frozen=True)
class Child:
    id: str
    birth_date: date
    care: str = "none"
    weekly_hours: float | None = None     # agreed ECEC hours per week; None = full time
    language: str | None = None
    shift_care: bool = False
    start_date: date | None = None        # first day in the care given (None: already there)
    support: bool = False
    daily_hours: float | None = None      # agreed ECEC hours per day (municipalities with daily bands)
    private_fee_eur: Decimal | None = None   # monthly fee of the child's private day care provider
    own_income_eur: Decimal | None = None    # child's own monthly income (maintenance support, child's pension)
    expected: bool = False                # not born yet: birth_date is the due date (counted from then on)

    def age_on(self, on: date) -> int:
        """Completed years on ``on``."""
        return on.year - self.birth_date.year - ((on.month, on.day) < (self.birth_date.month, self.birth_date.day))

    def birthday(self, years: int) -> date:
        """The day the child turns ``years`` (29 February → 1 March)."""
        try:
            return self.birth_date.replace(year=self.birth_date.year + years)
        except ValueError:
            return date(self.birth_date.year + years, 3, 1)

    def school_start(self) -> date:
        """1 August of the year the child turns 7 (compulsory school starts)."""
        return date(self.birth_date.year + 7, 8, 1)

    def preschool_start(self) -> date:
        return date(self.birth_date.year + 6, 8, 1)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "birth_date": self.birth_date.isoformat(), "care": self.care}
        if self.weekly_hours is not None:
            out["weekly_hours"] = self.weekly_hours
        if self.language is not None:
            out["language"] = self.language
        out["shift_care"] = self.shift_care
        if self.start_date is not None:
            out["start_date"] = self.start_date.isoformat()
        if self.support:
            out["support"] = True
        if self.expected:
            out["expected"] = True
        if self.daily_hours is not None:
            out["daily_hours"] = self.daily_hours
        if self.private_fee_eur is not None:
            out["private_fee_eur"] = _number(self.private_fee_eur)
        if self.own_income_eur is not None:
            out["own_income_eur"] = _number(self.own_income_eur)
        return out


@dataclass(frozen=True)
class Family:
    municipality: str
    date: date
    adults: tuple[Adult, ...]
    children: tuple[Child, ...]
    holiday_pay: bool = False
    home: Location | None = None
    private_fee_eur: Decimal | None = None   # monthly private day care fee per child (compare)
    part_time_hours: float | None = None     # weekly work hours of the carer in the part-time scenario
    carer: str | None = None                 # adult id who stays home / works part-time (compare)
    # parental allowance periods; None: not given (the default period is assumed, see planner/money)
    parental_leave: tuple[ParentalLeave, ...] | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def with_date(self, on: date) -> "Family":
        return replace(self, date=on)

    def with_children(self, children: tuple[Child, ...]) -> "Family":
        return replace(self, children=children)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"municipality": self.municipality, "date": self.date.isoformat(),
                               "holiday_pay": self.holiday_pay}
        if self.home is not None:
            out["home"] = self.home.to_dict()
        out["adults"] = [a.to_dict() for a in self.adults]
        out["children"] = [c.to_dict() for c in self.children]
        if self.private_fee_eur is not None:
            out["private_fee_eur"] = _number(self.private_fee_eur)
        if self.part_time_hours is not None:
            out["part_time_hours"] = self.part_time_hours
        if self.carer is not None:
            out["carer"] = self.carer
        if self.parental_leave is not None:
            out["parental_leave"] = [p.to_dict() for p in self.parental_leave]
        for key, value in self.extra.items():
            out.setdefault(key, value)
        return out


KNOWN_KEYS = {"municipality", "date", "holiday_pay", "home", "adults", "children", "private_fee_eur",
              "part_time_hours", "carer", "parental_leave"}
MAX_DAILY_HOURS = 24.0
MAX_CHURCH_TAX_PERCENT = Decimal(3)


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


# ------------------------------------------------------------------------------------ parsing

_problem = Problem.keyed  # a Problem whose fix text is an i18n key (planner/locales)


def _date(value: Any, path: str, problems: ProblemCollector) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    problems.add_keyed(path, value, "problems.date.format")
    return None


def _money(value: Any, path: str, problems: ProblemCollector, *, nullable: bool) -> Decimal | None:
    if value is None:
        if not nullable:
            problems.add_keyed(path, value, "problems.money.missing")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        problems.add_keyed(path, value, "problems.money.type")
        return None
    if isinstance(value, str):  # JSON text such as "3200" is a type mistake: say so rather than guess
        problems.add_keyed(path, value, "problems.money.quoted")
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        problems.add_keyed(path, value, "problems.money.invalid")
        return None
    if not amount.is_finite() or amount < 0:
        problems.add_keyed(path, value, "problems.money.negative")
        return None
    if amount > Decimal(10_000_000):
        problems.add_keyed(path, value, "problems.money.too_large", limit="10 000 000")
        return None
    return amount.quantize(Decimal("0.01"))


def _finite(value: int | float) -> bool:
    """A finite number that converts to float (an int of 400 digits does not: OverflowError)."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _hours(value: Any, path: str, problems: ProblemCollector, what: str) -> float | None:
    """Weekly hours; ``what`` is ``ecec``, ``work`` or ``part_time`` (names the problem texts)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not _finite(value):
        problems.add_keyed(path, value, f"problems.hours.{what}.type", max_hours=f"{MAX_WEEKLY_HOURS:g}")
        return None
    if not 0 < value <= MAX_WEEKLY_HOURS:
        problems.add_keyed(path, value, f"problems.hours.{what}.range", max_hours=f"{MAX_WEEKLY_HOURS:g}")
        return None
    return float(value)


def _bool(value: Any, path: str, problems: ProblemCollector, default: bool = False) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        problems.add_keyed(path, value, "problems.bool")
        return default
    return value


def _location(value: Any, path: str, problems: ProblemCollector) -> Location | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        problems.add_keyed(path, value, "problems.location.type", point='{"lat": 60.17, "lon": 24.94}',
             address='{"address": "street 1, town"}')
        return None
    if "address" in value and "lat" not in value and "lon" not in value:
        address = value["address"]
        if not isinstance(address, str) or not address.strip():
            problems.add_keyed(f"{path}.address", address, "problems.location.address_empty")
            return None
        return Location(address=address.strip())
    lat, lon = value.get("lat"), value.get("lon")
    ok = True
    for key, number, low, high in (("lat", lat, -90, 90), ("lon", lon, -180, 180)):
        if isinstance(number, bool) or not isinstance(number, (int, float)) or not _finite(number) \
                or not low <= number <= high:
            problems.add_keyed(f"{path}.{key}", number, f"problems.location.{key}")
            ok = False
    return Location(lat=float(lat), lon=float(lon)) if ok else None


def _clock(value: Any, path: str, problems: ProblemCollector) -> time | None:
    if isinstance(value, str):
        try:
            hours, minutes = value.strip().split(":")
            return time(int(hours), int(minutes))
        except ValueError:
            pass
    problems.add_keyed(path, value, "problems.clock.format")
    return None


def _schedule(value: Any, path: str, problems: ProblemCollector) -> Schedule | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        problems.add_keyed(path, value, "problems.schedule.type",
             example='{"days": ["mon", ...], "start": "08:00", "end": "16:00"}')
        return None
    days = value.get("days", list(DAYS[:5]))
    day_list: list[str] = []
    if not isinstance(days, list) or not days:
        problems.add_keyed(f"{path}.days", days, "problems.schedule.days_empty", days=", ".join(DAYS))
    else:
        for i, day in enumerate(days):
            if not isinstance(day, str) or day.strip().lower() not in DAYS:
                problems.add_keyed(f"{path}.days[{i}]", day, "problems.one_of", options=", ".join(DAYS))
            else:
                day_list.append(day.strip().lower())
    start = _clock(value.get("start"), f"{path}.start", problems)
    end = _clock(value.get("end"), f"{path}.end", problems)
    if start is not None and end is not None and end == start:  # end < start: a shift over midnight
        problems.add_keyed(f"{path}.end", value.get("end"), "problems.schedule.end_before_start",
             start=str(value.get("start")))
        return None
    if start is None or end is None or len(day_list) != len(days if isinstance(days, list) else []):
        return None
    return Schedule(tuple(day_list), start, end)


def _id(value: Any, path: str, problems: ProblemCollector, seen: set[str], default: str) -> str:
    if value is None:
        value = default
    if not isinstance(value, (str, int)) or isinstance(value, bool) or not str(value).strip():
        problems.add_keyed(path, value, "problems.id.empty")
        return default
    text = str(value).strip()
    if text in seen:
        problems.add_keyed(path, value, "problems.id.duplicate")
    seen.add(text)
    return text


def _adult(data: Any, i: int, problems: ProblemCollector, seen: set[str]) -> Adult | None:
    path = f"adults[{i}]"
    if not isinstance(data, dict):
        problems.add_keyed(path, data, "problems.adult.type")
        return None
    adult_id = _id(data.get("id"), f"{path}.id", problems, seen, f"adult{i + 1}")
    income = _money(data.get("gross_monthly_income_eur"), f"{path}.gross_monthly_income_eur", problems,
                    nullable=True)
    mode = data.get("commute_mode")
    if mode is not None and mode not in COMMUTE_MODES:
        problems.add_keyed(f"{path}.commute_mode", mode, "problems.one_of", options="|".join(COMMUTE_MODES))
        mode = None
    return Adult(
        id=adult_id, gross_monthly_income_eur=income,
        work=_location(data.get("work"), f"{path}.work", problems),
        schedule=_schedule(data.get("schedule"), f"{path}.schedule", problems),
        commute_mode=mode,
        drops_off=_bool(data.get("drops_off"), f"{path}.drops_off", problems),
        picks_up=_bool(data.get("picks_up"), f"{path}.picks_up", problems),
        weekly_work_hours=_hours(data.get("weekly_work_hours"), f"{path}.weekly_work_hours", problems, "work"),
        church_tax_percent=_church(data.get("church_tax_percent"), f"{path}.church_tax_percent", problems),
    )


def _church(value: Any, path: str, problems: ProblemCollector) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not _finite(value) \
            or not 0 <= value <= MAX_CHURCH_TAX_PERCENT:
        problems.add_keyed(path, value, "problems.church_tax", max_percent=f"{MAX_CHURCH_TAX_PERCENT}")
        return None
    return Decimal(str(value))


def _daily_hours(value: Any, path: str, problems: ProblemCollector) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not _finite(value) \
            or not 0 < value <= MAX_DAILY_HOURS:
        problems.add_keyed(path, value, "problems.hours.daily", max_hours=f"{MAX_DAILY_HOURS:g}")
        return None
    return float(value)


def _parental_leave(value: Any, problems: ProblemCollector, adults: list[Adult], children: list[Child]
                    ) -> tuple[ParentalLeave, ...] | None:
    """``parental_leave``: a list of {"adult", "child", "from", "to"}; dates must fit the child's birth:
    from at most 60 days before the birth (pregnancy allowance), to not before the birth and not after
    the child's 2nd birthday (the 2022 reform's days are used by then), from <= to."""
    if value is None:
        return None
    if not isinstance(value, list):
        problems.add_keyed("parental_leave", value, "problems.leave.type")
        return None
    adult_ids = {a.id for a in adults}
    by_id = {c.id: c for c in children}
    periods = []
    for i, item in enumerate(value):
        path = f"parental_leave[{i}]"
        if not isinstance(item, dict):
            problems.add_keyed(path, item, "problems.leave.type")
            continue
        adult_id, child_id = item.get("adult"), item.get("child")
        ok = True
        if not isinstance(adult_id, str) or adult_id not in adult_ids:
            problems.add_keyed(f"{path}.adult", adult_id, "problems.leave.adult", ids=", ".join(sorted(adult_ids)))
            ok = False
        if not isinstance(child_id, str) or child_id not in by_id:
            problems.add_keyed(f"{path}.child", child_id, "problems.leave.child", ids=", ".join(sorted(by_id)))
            ok = False
        start = _date(item.get("from"), f"{path}.from", problems)
        end = _date(item.get("to"), f"{path}.to", problems)
        if start is None or end is None or not ok:
            continue
        if end < start:
            problems.add_keyed(f"{path}.to", item.get("to"), "problems.leave.order", start=start.isoformat())
            continue
        child = by_id[child_id]
        earliest = child.birth_date - timedelta(days=60)
        if start < earliest:
            problems.add_keyed(f"{path}.from", item.get("from"), "problems.leave.before_birth",
                               birth=child.birth_date.isoformat(), earliest=earliest.isoformat())
            continue
        if end < child.birth_date:
            problems.add_keyed(f"{path}.to", item.get("to"), "problems.leave.ends_before_birth",
                               birth=child.birth_date.isoformat())
            continue
        if end > child.birthday(2):
            problems.add_keyed(f"{path}.to", item.get("to"), "problems.leave.after_2",
                               limit=child.birthday(2).isoformat())
            continue
        periods.append(ParentalLeave(adult_id, child_id, start, end))
    return tuple(periods)


def _child(data: Any, i: int, problems: ProblemCollector, seen: set[str], today: date, on: date) -> Child | None:
    path = f"children[{i}]"
    if not isinstance(data, dict):
        problems.add_keyed(path, data, "problems.child.type")
        return None
    child_id = _id(data.get("id"), f"{path}.id", problems, seen, f"child{i + 1}")
    expected = _bool(data.get("expected"), f"{path}.expected", problems)
    birth = _date(data.get("birth_date"), f"{path}.birth_date", problems)
    if birth is not None:
        if birth > today and not expected:
            problems.add_keyed(f"{path}.birth_date", data.get("birth_date"), "problems.child.birth_future",
                 today=today.isoformat())
            birth = None
        elif expected and birth > today + timedelta(days=MAX_DUE_DAYS):
            problems.add_keyed(f"{path}.birth_date", data.get("birth_date"), "problems.child.due_far",
                               days=MAX_DUE_DAYS)
            birth = None
        elif Child("x", birth).age_on(on) >= 18:
            problems.add_keyed(f"{path}.birth_date", data.get("birth_date"), "problems.child.birth_adult",
                 on=on.isoformat())
            birth = None
    care = data.get("care", "none")
    if care not in CARE_TYPES:
        problems.add_keyed(f"{path}.care", care, "problems.one_of", options="|".join(CARE_TYPES))
        care = None
    hours = _hours(data.get("weekly_hours"), f"{path}.weekly_hours", problems, "ecec")
    start = data.get("start_date")
    start_date = _date(start, f"{path}.start_date", problems) if start is not None else None
    if start_date is not None and birth is not None and start_date < birth:
        problems.add_keyed(f"{path}.start_date", start, "problems.child.start_before_birth")
    language = data.get("language")
    if language is not None and (not isinstance(language, str) or not language.strip()):
        problems.add_keyed(f"{path}.language", language, "problems.child.language")
        language = None
    shift = _bool(data.get("shift_care"), f"{path}.shift_care", problems)
    support = _bool(data.get("support"), f"{path}.support", problems)
    daily = _daily_hours(data.get("daily_hours"), f"{path}.daily_hours", problems)
    private_fee = _money(data.get("private_fee_eur"), f"{path}.private_fee_eur", problems, nullable=True)
    own_income = _money(data.get("own_income_eur"), f"{path}.own_income_eur", problems, nullable=True)
    if birth is None or care is None:
        return None
    return Child(child_id, birth, care, hours, language, shift, start_date, support, daily, private_fee, own_income,
                 expected)


def parse_family(data: dict, *, today: date | None = None) -> Family:
    """Validate a family dict; raise one InputError with every problem (dotted field paths)."""
    today = today or date.today()
    problems = ProblemCollector()
    if not isinstance(data, dict):
        raise InputError(_problem("family", data, "problems.family.type"))

    raw_municipality = data.get("municipality")
    municipality = canonical_name(raw_municipality) if isinstance(raw_municipality, str) else None
    if municipality is None:
        close = suggest(raw_municipality) if isinstance(raw_municipality, str) else []
        if close:
            problems.add_keyed("municipality", raw_municipality, "problems.municipality.suggest",
                 suggestions=", ".join(close))
        else:
            problems.add_keyed("municipality", raw_municipality, "problems.municipality.unknown")

    on = today
    if data.get("date") is not None:
        parsed = _date(data.get("date"), "date", problems)
        if parsed is not None and parsed < EARLIEST_DATE:
            problems.add_keyed("date", data.get("date"), "problems.date.too_early", earliest=EARLIEST_DATE.isoformat())
        elif parsed is not None:
            on = parsed

    holiday_pay = _bool(data.get("holiday_pay"), "holiday_pay", problems)
    home = _location(data.get("home"), "home", problems)

    adults: list[Adult] = []
    raw_adults = data.get("adults")
    seen: set[str] = set()
    if not isinstance(raw_adults, list) or not 1 <= len(raw_adults) <= MAX_ADULTS:
        problems.add_keyed("adults", raw_adults if not isinstance(raw_adults, list) else f"{len(raw_adults)} adults",
             "problems.adults.count")
    else:
        for i, item in enumerate(raw_adults):
            adult = _adult(item, i, problems, seen)
            if adult is not None:
                adults.append(adult)

    children: list[Child] = []
    raw_children = data.get("children")
    if not isinstance(raw_children, list) or not raw_children:
        problems.add_keyed("children", raw_children, "problems.children.empty")
    else:
        for i, item in enumerate(raw_children):
            child = _child(item, i, problems, seen, today, on)
            if child is not None:
                children.append(child)

    private_fee = _money(data.get("private_fee_eur"), "private_fee_eur", problems, nullable=True)
    part_time = _hours(data.get("part_time_hours"), "part_time_hours", problems, "part_time")
    carer = data.get("carer")
    if carer is not None and (not isinstance(carer, str) or carer not in {a.id for a in adults}):
        if adults:
            problems.add_keyed("carer", carer, "problems.carer.unknown", ids=", ".join(a.id for a in adults))
        else:
            problems.add_keyed("carer", carer, "problems.carer.no_adults")
        carer = None

    leave = _parental_leave(data.get("parental_leave"), problems, adults, children)

    problems.raise_if_any()
    extra = {k: v for k, v in data.items() if k not in KNOWN_KEYS}
    return Family(municipality=municipality or "", date=on, adults=tuple(adults), children=tuple(children),
                  holiday_pay=holiday_pay, home=home, private_fee_eur=private_fee, part_time_hours=part_time,
                  carer=carer, parental_leave=leave, extra=extra)


def load_family(path: str | Path, *, today: date | None = None) -> Family:
    """Read and validate a family JSON file (missing, unreadable, too large or bad JSON → InputError
    naming the file; see :mod:`planner.readers`)."""
    from planner.readers import read_json

    return parse_family(read_json(path, "family", "family"), today=today)
