"""Numbers and dates as Finnish (and Swedish and English) users type them.

``parse_money_eur("3 100,50 €")`` -> ``Decimal("3100.50")``; ``parse_date("1.8.2026")`` ->
``date(2026, 8, 1)``. Each function raises :class:`~planner.errors.InputError` with one keyed
:class:`~planner.errors.Problem` (texts in ``planner/locales/*/parse.json``) naming the field, the
text as typed and what to type instead. :func:`question_income` returns a question (not an error)
for values that parse but look implausible as a gross monthly income. No Streamlit, no I/O.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from planner.errors import InputError, Problem

# Spaces people and programs put between thousands: space, no-break space, narrow no-break space,
# thin space; an apostrophe is the Swiss habit, seen in pasted figures.
_GROUP_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")
_CURRENCY = re.compile(r"(€|eur(?:oa|o|os)?|e)\s*$|^\s*€", re.IGNORECASE)
_MONEY_LIMIT_EUR = Decimal(10_000_000)
# Below or above these a gross monthly income is possible but worth a question next to the field.
INCOME_LOW_EUR = Decimal(300)
INCOME_HIGH_EUR = Decimal(20_000)


def parse_money_eur(text: str | int | float | Decimal | None, field: str = "amount") -> Decimal | None:
    """Euros typed as ``3100``, ``3 100,50``, ``3100.50``, ``3.100,50``, ``3,100.50``, ``3 100 €``.

    Returns the amount rounded half up to cents, or ``None`` for an empty text. With both a comma
    and a dot, the later one is the decimal mark. A single comma or dot followed by exactly three
    digits (``3,100``, ``3.100``) could be thousands or decimals: refused with a question, never
    guessed. Negative amounts are refused.
    """
    if text is None:
        return None
    if isinstance(text, bool):
        raise InputError(Problem.keyed(field, text, "parse.money.invalid"))
    raw = str(text)
    cleaned = _CURRENCY.sub("", raw.strip()).strip()
    if not cleaned:
        return None
    cleaned = _GROUP_SPACES.sub("", cleaned)
    if cleaned.startswith("-") or cleaned.startswith("\u2212"):
        raise InputError(Problem.keyed(field, text, "parse.money.negative"))
    if not re.fullmatch(r"[0-9.,]+", cleaned) or not re.search(r"[0-9]", cleaned):
        raise InputError(Problem.keyed(field, text, "parse.money.invalid"))
    commas, dots = cleaned.count(","), cleaned.count(".")
    if commas and dots:
        # the later mark is the decimal mark, the other one groups thousands
        decimal_mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        group_mark = "." if decimal_mark == "," else ","
        whole, _, fraction = cleaned.rpartition(decimal_mark)
        groups = whole.split(group_mark)
        if decimal_mark in whole or len(fraction) > 2 or not 1 <= len(groups[0]) <= 3 \
                or any(len(g) != 3 for g in groups[1:]):
            raise InputError(Problem.keyed(field, text, "parse.money.invalid"))
        cleaned = cleaned.replace(group_mark, "").replace(decimal_mark, ".")
    elif commas + dots > 1:
        mark = "," if commas else "."
        groups = cleaned.split(mark)
        if all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3:
            cleaned = "".join(groups)  # 1.234.567 or 1,234,567
        else:
            raise InputError(Problem.keyed(field, text, "parse.money.invalid"))
    elif commas + dots == 1:
        mark = "," if commas else "."
        whole, fraction = cleaned.split(mark)
        if len(fraction) == 3 and whole and whole != "0":
            raise InputError(Problem.keyed(field, text, "parse.money.ambiguous", whole=whole, fraction=fraction))
        if len(fraction) > 2 or not whole and not fraction:
            raise InputError(Problem.keyed(field, text, "parse.money.invalid"))
        cleaned = f"{whole or '0'}.{fraction or '0'}"
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise InputError(Problem.keyed(field, text, "parse.money.invalid")) from None
    if amount > _MONEY_LIMIT_EUR:
        raise InputError(Problem.keyed(field, text, "parse.money.too_large", limit="10 000 000"))
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def question_income(amount: Decimal | None, field: str = "gross_monthly_income_eur") -> Problem | None:
    """A question (shown as a warning, not an error) when a monthly gross income looks implausible:
    above 20 000 € (a yearly sum? a decimal comma lost?) or between 0 and 300 € (an hourly wage?)."""
    if amount is None or amount == 0:
        return None
    if amount > INCOME_HIGH_EUR:
        return Problem.keyed(field, amount, "parse.income.high", limit="20 000")
    if amount < INCOME_LOW_EUR:
        return Problem.keyed(field, amount, "parse.income.low", limit="300")
    return None


_NUMBER = re.compile(r"([0-9]+)(?:[.,]([0-9]+))?")


def parse_number(text: str | int | float | Decimal | None, field: str = "number", *, low: float | None = None,
                 high: float | None = None, decimals: int | None = None) -> Decimal | None:
    """A number typed ``22,5`` or ``22.5`` (hours, minutes, seats, metres; spaces between thousands
    allowed: ``1 000``), checked against ``low``..``high`` (inclusive). ``decimals`` 0 asks for a whole
    number; ``None`` for an empty text. Negative numbers are refused (no field of ours takes one)."""
    if text is None or isinstance(text, bool):
        return None if text is None else _number_problem(field, text, "parse.number.invalid")
    raw = str(text).strip()
    if not raw:
        return None
    cleaned = _GROUP_SPACES.sub("", raw)
    if cleaned.startswith("-") or cleaned.startswith("\u2212"):
        _number_problem(field, text, "parse.number.negative")
    match = _NUMBER.fullmatch(cleaned)
    if not match:
        _number_problem(field, text, "parse.number.invalid")
    number = Decimal(f"{match.group(1)}.{match.group(2) or '0'}")
    if decimals == 0 and number != number.to_integral_value():
        _number_problem(field, text, "parse.number.whole")
    if (low is not None and number < Decimal(str(low))) or (high is not None and number > Decimal(str(high))):
        _number_problem(field, text, "parse.number.range", low=_plain_number(low), high=_plain_number(high))
    return number


def _plain_number(value: float | None) -> str:
    return "" if value is None else f"{value:g}".replace(".", ",")


def _number_problem(field: str, text: object, key: str, **params: str):
    raise InputError(Problem.keyed(field, text, key, **params))


_DATE_DOTS = re.compile(r"(\d{1,2})\s*\.\s*(\d{1,2})\s*\.\s*(\d{4})\.?")
_DATE_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DATE_SLASH = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def parse_date(text: str | date | None, field: str = "date") -> date | None:
    """A date typed the Finnish way ``1.8.2026`` / ``01.08.2026``, or ``2026-08-01`` (ISO), or
    ``1/8/2026`` (day first, as in Finland and Sweden). ``None`` for an empty text."""
    if text is None:
        return None
    if isinstance(text, date):
        return text
    raw = str(text).strip()
    if not raw:
        return None
    for pattern, order in ((_DATE_DOTS, "dmy"), (_DATE_ISO, "ymd"), (_DATE_SLASH, "dmy")):
        match = pattern.fullmatch(raw)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups())))
            try:
                return date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                raise InputError(Problem.keyed(field, text, "parse.date.no_such_day")) from None
    raise InputError(Problem.keyed(field, text, "parse.date.format"))


def format_date(value: date | None, lang: str) -> str:
    """A date as people of ``lang`` write it: ``1.8.2026`` (fi, sv) or ``2026-08-01`` (en)."""
    if value is None:
        return ""
    if lang == "en":
        return value.isoformat()
    return f"{value.day}.{value.month}.{value.year}"


def format_money_input(amount: Decimal | int | float | None, lang: str) -> str:
    """An amount for an input box: ``3 100,50`` (fi, sv) or ``3100.50`` (en); whole euros without
    decimals. The inverse of :func:`parse_money_eur`."""
    if amount is None:
        return ""
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    whole = value == value.to_integral_value()
    if lang == "en":  # no thousands comma: "3,900" alone is ambiguous to a Finnish reader
        return f"{value:.0f}" if whole else f"{value:.2f}"
    text = f"{value:,.0f}" if whole else f"{value:,.2f}"
    return text.replace(",", "\u00a0").replace(".", ",")


_OSM_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_DAY_NAMES = {"fi": ("ma", "ti", "ke", "to", "pe", "la", "su"), "sv": ("må", "ti", "on", "to", "fr", "lö", "sö"),
              "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}
_OPENING_WORDS = {
    "fi": {"PH off": "arkipyhinä suljettu", "24/7": "aina auki", "off": "suljettu", "closed": "suljettu",
           "PH": "arkipyhät"},
    "sv": {"PH off": "stängt på helgdagar", "24/7": "alltid öppet", "off": "stängt", "closed": "stängt",
           "PH": "helgdagar"},
    "en": {"PH off": "closed on public holidays", "24/7": "always open", "off": "closed", "closed": "closed",
           "PH": "public holidays"},
}
_OPENING_TOKEN = re.compile(r"PH off|24/7|\b(?:Mo|Tu|We|Th|Fr|Sa|Su|PH|off|closed)\b|\d{1,2}:\d{2}|-|,|;")


def format_opening_hours(text: str | None, lang: str) -> str:
    """OSM ``opening_hours`` as people of ``lang`` read them: ``Mo-Fr 07:00-16:30`` ->
    ``ma–pe 7.00–16.30`` (fi), ``må–fr 7.00–16.30`` (sv), ``Mon–Fri 07:00–16:30`` (en). Parts it does
    not know stay as written; ``None`` or empty gives an empty text."""
    if not text:
        return ""
    days = _DAY_NAMES.get(lang, _DAY_NAMES["en"])
    words = _OPENING_WORDS.get(lang, _OPENING_WORDS["en"])

    def replace(match: re.Match) -> str:
        token = match.group(0)
        if token in _OSM_DAYS:
            return days[_OSM_DAYS.index(token)]
        if token in words:
            return words[token]
        if ":" in token:
            hours, minutes = token.split(":")
            return f"{hours}:{minutes}" if lang == "en" else f"{int(hours)}.{minutes}"
        return {"-": "–", ",": ", ", ";": ";"}[token]

    return re.sub(r"\s+", " ", _OPENING_TOKEN.sub(replace, str(text))).replace(" ,", ",").strip()
