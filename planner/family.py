"""The family file: parse and validate a dict (from JSON) into frozen dataclasses.

:func:`parse_family` checks every field and raises one :class:`InputError` listing every problem
with a dotted field path (``children[0].birth_date``). ``Family.to_dict()`` gives back a dict that
parses to the same family. Addresses stay unresolved here (the routing code resolves them).
Nothing is logged or written.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from datetime import date, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from planner.errors import InputError, ProblemCollector
from planner.municipalities import canonical_name, suggest

EARLIEST_DATE = date(2018, 8, 1)
CARE_TYPES = ("municipal", "voucher", "private", "home", "preschool", "none")
COMMUTE_MODES = ("walk", "bike", "car", "transit")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_WEEKLY_HOURS = 60.0
MAX_ADULTS = 2


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
        return out


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
        for key, value in self.extra.items():
            out.setdefault(key, value)
        return out


KNOWN_KEYS = {"municipality", "date", "holiday_pay", "home", "adults", "children", "private_fee_eur",
              "part_time_hours", "carer"}


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


# ------------------------------------------------------------------------------------ parsing

def _date(value: Any, path: str, problems: ProblemCollector) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    problems.add(path, value, "a date YYYY-MM-DD, e.g. 2023-05-01")
    return None


def _money(value: Any, path: str, problems: ProblemCollector, *, nullable: bool) -> Decimal | None:
    if value is None:
        if not nullable:
            problems.add(path, value, "a number of euros (0 or more)")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        problems.add(path, value, "a number of euros (0 or more), or null when not reported")
        return None
    if isinstance(value, str):  # JSON text such as "3200" is a type mistake: say so rather than guess
        problems.add(path, value, "a number of euros without quotes, e.g. 3200 or 3200.50 "
                                  "(or null when not reported)")
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        problems.add(path, value, "a number of euros (0 or more), e.g. 3200 or 3200.50")
        return None
    if not amount.is_finite() or amount < 0:
        problems.add(path, value, "a number of euros that is 0 or more (monthly gross, before tax)")
        return None
    if amount > Decimal(10_000_000):
        problems.add(path, value, "a monthly amount below 10 000 000 euros")
        return None
    return amount.quantize(Decimal("0.01"))


def _hours(value: Any, path: str, problems: ProblemCollector, what: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        problems.add(path, value, f"{what}: a number of hours per week between 0 and {MAX_WEEKLY_HOURS:g}")
        return None
    if not 0 < value <= MAX_WEEKLY_HOURS:
        problems.add(path, value, f"{what}: more than 0 and at most {MAX_WEEKLY_HOURS:g} hours per week")
        return None
    return float(value)


def _bool(value: Any, path: str, problems: ProblemCollector, default: bool = False) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        problems.add(path, value, "true or false")
        return default
    return value


def _location(value: Any, path: str, problems: ProblemCollector) -> Location | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        problems.add(path, value, 'an object {"lat": 60.17, "lon": 24.94} or {"address": "street 1, town"}')
        return None
    if "address" in value and "lat" not in value and "lon" not in value:
        address = value["address"]
        if not isinstance(address, str) or not address.strip():
            problems.add(f"{path}.address", address, "a non-empty street address, e.g. 'Mannerheimintie 1, Helsinki'")
            return None
        return Location(address=address.strip())
    lat, lon = value.get("lat"), value.get("lon")
    ok = True
    for key, number, low, high in (("lat", lat, -90, 90), ("lon", lon, -180, 180)):
        if isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number) \
                or not low <= number <= high:
            problems.add(f"{path}.{key}", number, f"a WGS84 {'latitude' if key == 'lat' else 'longitude'} "
                                                   f"between {low} and {high} (or give an address instead)")
            ok = False
    return Location(lat=float(lat), lon=float(lon)) if ok else None


def _clock(value: Any, path: str, problems: ProblemCollector) -> time | None:
    if isinstance(value, str):
        try:
            hours, minutes = value.strip().split(":")
            return time(int(hours), int(minutes))
        except ValueError:
            pass
    problems.add(path, value, "a time HH:MM, e.g. 08:00")
    return None


def _schedule(value: Any, path: str, problems: ProblemCollector) -> Schedule | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        problems.add(path, value, 'an object {"days": ["mon", ...], "start": "08:00", "end": "16:00"}')
        return None
    days = value.get("days", list(DAYS[:5]))
    day_list: list[str] = []
    if not isinstance(days, list) or not days:
        problems.add(f"{path}.days", days, f"a non-empty list of days from {', '.join(DAYS)}")
    else:
        for i, day in enumerate(days):
            if not isinstance(day, str) or day.strip().lower() not in DAYS:
                problems.add(f"{path}.days[{i}]", day, f"one of {', '.join(DAYS)}")
            else:
                day_list.append(day.strip().lower())
    start = _clock(value.get("start"), f"{path}.start", problems)
    end = _clock(value.get("end"), f"{path}.end", problems)
    if start is not None and end is not None and end <= start:
        problems.add(f"{path}.end", value.get("end"), f"a time after the start {value.get('start')} "
                                                      "(shifts over midnight are not supported)")
        return None
    if start is None or end is None or len(day_list) != len(days if isinstance(days, list) else []):
        return None
    return Schedule(tuple(day_list), start, end)


def _id(value: Any, path: str, problems: ProblemCollector, seen: set[str], default: str) -> str:
    if value is None:
        value = default
    if not isinstance(value, (str, int)) or isinstance(value, bool) or not str(value).strip():
        problems.add(path, value, "a short non-empty id, e.g. 'a' or 'parent1'")
        return default
    text = str(value).strip()
    if text in seen:
        problems.add(path, value, "an id not used by another person in the family")
    seen.add(text)
    return text


def _adult(data: Any, i: int, problems: ProblemCollector, seen: set[str]) -> Adult | None:
    path = f"adults[{i}]"
    if not isinstance(data, dict):
        problems.add(path, data, 'an object with at least "gross_monthly_income_eur" (a number or null)')
        return None
    adult_id = _id(data.get("id"), f"{path}.id", problems, seen, f"adult{i + 1}")
    income = _money(data.get("gross_monthly_income_eur"), f"{path}.gross_monthly_income_eur", problems,
                    nullable=True)
    mode = data.get("commute_mode")
    if mode is not None and mode not in COMMUTE_MODES:
        problems.add(f"{path}.commute_mode", mode, f"one of {'|'.join(COMMUTE_MODES)}")
        mode = None
    return Adult(
        id=adult_id, gross_monthly_income_eur=income,
        work=_location(data.get("work"), f"{path}.work", problems),
        schedule=_schedule(data.get("schedule"), f"{path}.schedule", problems),
        commute_mode=mode,
        drops_off=_bool(data.get("drops_off"), f"{path}.drops_off", problems),
        picks_up=_bool(data.get("picks_up"), f"{path}.picks_up", problems),
        weekly_work_hours=_hours(data.get("weekly_work_hours"), f"{path}.weekly_work_hours", problems,
                                 "working time"),
    )


def _child(data: Any, i: int, problems: ProblemCollector, seen: set[str], today: date, on: date) -> Child | None:
    path = f"children[{i}]"
    if not isinstance(data, dict):
        problems.add(path, data, 'an object with "birth_date" and "care"')
        return None
    child_id = _id(data.get("id"), f"{path}.id", problems, seen, f"child{i + 1}")
    birth = _date(data.get("birth_date"), f"{path}.birth_date", problems)
    if birth is not None:
        if birth > today:
            problems.add(f"{path}.birth_date", data.get("birth_date"),
                         f"a birth date on or before today ({today.isoformat()}); list a child once born")
            birth = None
        elif Child("x", birth).age_on(on) >= 18:
            problems.add(f"{path}.birth_date", data.get("birth_date"),
                         f"a child under 18 on the family's date {on.isoformat()} (adults are listed under adults)")
            birth = None
    care = data.get("care", "none")
    if care not in CARE_TYPES:
        problems.add(f"{path}.care", care, f"one of {'|'.join(CARE_TYPES)}")
        care = None
    hours = _hours(data.get("weekly_hours"), f"{path}.weekly_hours", problems, "ECEC hours")
    start = data.get("start_date")
    start_date = _date(start, f"{path}.start_date", problems) if start is not None else None
    if start_date is not None and birth is not None and start_date < birth:
        problems.add(f"{path}.start_date", start, "a date after the birth date")
    language = data.get("language")
    if language is not None and (not isinstance(language, str) or not language.strip()):
        problems.add(f"{path}.language", language, "a language code such as fi, sv or en")
        language = None
    shift = _bool(data.get("shift_care"), f"{path}.shift_care", problems)
    support = _bool(data.get("support"), f"{path}.support", problems)
    if birth is None or care is None:
        return None
    return Child(child_id, birth, care, hours, language, shift, start_date, support)


def parse_family(data: dict, *, today: date | None = None) -> Family:
    """Validate a family dict; raise one InputError with every problem (dotted field paths)."""
    today = today or date.today()
    problems = ProblemCollector()
    if not isinstance(data, dict):
        raise InputError.single("family", data, "a JSON object with municipality, adults and children")

    raw_municipality = data.get("municipality")
    municipality = canonical_name(raw_municipality) if isinstance(raw_municipality, str) else None
    if municipality is None:
        close = suggest(raw_municipality) if isinstance(raw_municipality, str) else []
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        problems.add("municipality", raw_municipality,
                     f"the name of a Finnish municipality in Finnish or Swedish, e.g. Espoo or Esbo{hint}")

    on = today
    if data.get("date") is not None:
        parsed = _date(data.get("date"), "date", problems)
        if parsed is not None and parsed < EARLIEST_DATE:
            problems.add("date", data.get("date"),
                         f"a date on or after {EARLIEST_DATE.isoformat()} (the rule tables start there)")
        elif parsed is not None:
            on = parsed

    holiday_pay = _bool(data.get("holiday_pay"), "holiday_pay", problems)
    home = _location(data.get("home"), "home", problems)

    adults: list[Adult] = []
    raw_adults = data.get("adults")
    seen: set[str] = set()
    if not isinstance(raw_adults, list) or not 1 <= len(raw_adults) <= MAX_ADULTS:
        problems.add("adults", raw_adults if not isinstance(raw_adults, list) else f"{len(raw_adults)} adults",
                     "a list of 1 or 2 adults (the parent and a spouse or partner living in the household)")
    else:
        for i, item in enumerate(raw_adults):
            adult = _adult(item, i, problems, seen)
            if adult is not None:
                adults.append(adult)

    children: list[Child] = []
    raw_children = data.get("children")
    if not isinstance(raw_children, list) or not raw_children:
        problems.add("children", raw_children, "a non-empty list of every child under 18 in the household")
    else:
        for i, item in enumerate(raw_children):
            child = _child(item, i, problems, seen, today, on)
            if child is not None:
                children.append(child)

    private_fee = _money(data.get("private_fee_eur"), "private_fee_eur", problems, nullable=True)
    part_time = _hours(data.get("part_time_hours"), "part_time_hours", problems, "part-time working hours")
    carer = data.get("carer")
    if carer is not None and carer not in {a.id for a in adults}:
        problems.add("carer", carer, f"the id of one of the adults ({', '.join(a.id for a in adults) or 'none'})")
        carer = None

    problems.raise_if_any()
    extra = {k: v for k, v in data.items() if k not in KNOWN_KEYS}
    return Family(municipality=municipality or "", date=on, adults=tuple(adults), children=tuple(children),
                  holiday_pay=holiday_pay, home=home, private_fee_eur=private_fee, part_time_hours=part_time,
                  carer=carer, extra=extra)


def load_family(path: str | Path, *, today: date | None = None) -> Family:
    """Read and validate a family JSON file (missing file / bad JSON → InputError naming the file)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError.single("family", str(path), "an existing family JSON file (file not found)") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError.single("family", str(path), f"a readable UTF-8 JSON file ({error.__class__.__name__})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError.single("family", str(path),
                                f"valid JSON (line {error.lineno}, column {error.colno}: {error.msg})") from None
    return parse_family(data, today=today)
