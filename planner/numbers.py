"""Numbers inside user-visible texts, written the way each language writes them.

Finnish and Swedish (as in CLDR and the Finnish/Swedish language boards' advice):

- decimal comma: ``10,7``;
- digit groups of three separated by a **no-break space U+00A0** (``1 145,75``; also in four-digit
  numbers, as CLDR does). U+00A0 rather than the narrow U+202F: it renders in every font and terminal,
  and a line never breaks inside the number;
- a no-break space U+00A0 between the number and its unit: ``1 145,75 €``, ``10,7 %``;
- the minus sign U+2212: ``−5``.

English keeps the planner's historical style, which existing outputs and tests rely on: decimal point,
no digit grouping, a plain space before the unit (``1145.75 €``, ``10.7 %``).

Money is given in integer cents; other values as ``int``, ``float`` or ``Decimal``. Rounding to a fixed
number of decimals is half up (away from zero), like the money rules.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"
MINUS = "\u2212"

# lang -> (decimal mark, digit group separator, unit separator, minus sign)
_STYLES: dict[str, tuple[str, str, str, str]] = {
    "fi": (",", NBSP, NBSP, MINUS),
    "sv": (",", NBSP, NBSP, MINUS),
    "en": (".", "", " ", "-"),
}


def _style(lang: str) -> tuple[str, str, str, str]:
    """The number style of ``lang``; an unknown language is a bug (``KeyError`` naming it)."""
    try:
        return _STYLES[lang]
    except KeyError:
        raise KeyError(f"no number style for language {lang!r} (use one of {', '.join(_STYLES)})") from None


def _to_decimal(value: int | float | Decimal) -> Decimal:
    if isinstance(value, bool):
        raise TypeError("a bool is not a number to format")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(repr(float(value)))   # the shortest decimal that reads back as the float: 22.5, 0.1


def format_number(value: int | float | Decimal, lang: str, decimals: int | None = None) -> str:
    """``value`` as text in ``lang``: ``format_number(1145.75, "fi")`` -> ``"1 145,75"`` (U+00A0).

    ``decimals``: None writes the digits the value has, without trailing zeros (``22.5``, ``40``);
    a number rounds half up to that many decimals and always shows them (``format_number(2, "fi", 2)``
    -> ``"2,00"``).
    """
    decimal_mark, group, _, minus = _style(lang)
    number = _to_decimal(value)
    if decimals is None:
        number = number.normalize() if number else Decimal(0)
    else:
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    digits = f"{abs(number):f}"
    whole, _, fraction = digits.partition(".")
    if group:
        head = len(whole) % 3 or 3
        whole = group.join([whole[:head]] + [whole[i:i + 3] for i in range(head, len(whole), 3)])
    text = whole + (decimal_mark + fraction if fraction else "")
    return (minus + text) if number < 0 else text


def with_unit(number_text: str, unit: str, lang: str) -> str:
    """``number_text`` followed by ``unit`` with the language's separator (U+00A0 in fi/sv)."""
    return f"{number_text}{_style(lang)[2]}{unit}"


def format_eur(cents: int, lang: str, *, decimals: int | None = None) -> str:
    """Money in euros with the sign, from integer cents.

    ``decimals`` None: whole euros without decimals, else two (``16500`` -> ``165 €``, ``114575`` ->
    ``1 145,75 €`` in fi/sv, ``1145.75 €`` in en); 2 always shows the cents (``60000`` -> ``600,00 €``).
    """
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise TypeError(f"format_eur takes integer cents, got {cents!r}")
    if decimals is None:
        decimals = 0 if cents % 100 == 0 else 2
    return with_unit(format_number(Decimal(cents).scaleb(-2), lang, decimals), "€", lang)


def format_percent(value: int | float | Decimal, lang: str, decimals: int | None = None) -> str:
    """A percentage (``value`` in percent units, not a share): ``10.7`` -> ``10,7 %`` (fi/sv), ``10.7 %`` (en)."""
    return with_unit(format_number(value, lang, decimals), "%", lang)
