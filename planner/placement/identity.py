"""Finnish personal identity codes (henkilötunnus) and eVaka UUIDs as child ids, in memory only.

A henkilötunnus is ``DDMMYY C NNN T``: birth date, century sign, individual number, check character
(Digital and Population Data Services Agency DVV, "Henkilötunnus"; Government Decree 128/2010 as amended
by 690/2022, in force 1 Jan 2023, which added the century signs Y X W V U and B C D E F):

* century sign ``+`` 1800s; ``-`` ``Y`` ``X`` ``W`` ``V`` ``U`` 1900s; ``A`` ``B`` ``C`` ``D`` ``E`` ``F`` 2000s;
* individual number 002–899 (900–999: temporary codes, accepted here too; 000 and 001 are never given);
* check character: the nine digits ``DDMMYYNNN`` read as one number, modulo 31, indexed into
  ``0123456789ABCDEFHJKLMNPRSTUVWXY`` (DVV's example 131052-308T: 131052308 mod 31 = 25 → T).

A code is shown masked everywhere (``131052-****``: birth date part and century sign kept, the
individual number and check character hidden), and only the eVaka import file holds it in full.
"""
from __future__ import annotations

import re
import uuid
from datetime import date

CHECK_CHARS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
CENTURY: dict[str, int] = {"+": 1800, "-": 1900, "Y": 1900, "X": 1900, "W": 1900, "V": 1900, "U": 1900,
                           "A": 2000, "B": 2000, "C": 2000, "D": 2000, "E": 2000, "F": 2000}
_HETU_SHAPE = re.compile(r"^(\d{2})(\d{2})(\d{2})([-+A-FU-Y])(\d{3})([0-9A-Y])$")
_HETU_LIKE = re.compile(r"^\d{6}[-+A-Za-z]\d{3}[0-9A-Za-z]$")
_UUID_SHAPE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def looks_like_hetu(text: str) -> bool:
    """True for text shaped like a henkilötunnus (6 digits, a letter or sign, 3 digits, 1 character),
    valid or not: such ids are checked as identity codes, never taken as pseudonyms."""
    return bool(_HETU_LIKE.match(text))


def hetu_problem(text: str) -> str | None:
    """Why ``text`` is not a valid henkilötunnus (an English phrase naming the fix), or None when valid."""
    match = _HETU_SHAPE.match(text)
    if not match:
        return "a personal identity code DDMMYYCNNNT (e.g. 010120A123D) with an upper-case century sign"
    day, month, yy, sign, individual, check = match.groups()
    try:
        date(CENTURY[sign] + int(yy), int(month), int(day))
    except ValueError:
        return "a personal identity code whose first six digits are a real date (DDMMYY)"
    if int(individual) < 2:
        return "a personal identity code with an individual number 002–999"
    expected = CHECK_CHARS[int(day + month + yy + individual) % 31]
    if check != expected:
        return "a personal identity code with the right check character (the last one; check for a typo)"
    return None


def hetu_birth_date(code: str) -> date:
    """The birth date a valid henkilötunnus holds."""
    return date(CENTURY[code[6]] + int(code[4:6]), int(code[2:4]), int(code[0:2]))


def mask_hetu(code: str) -> str:
    """``131052-308T`` → ``131052-****`` (the form shown on pages, in reports and JSON)."""
    return code[:7] + "****"


def is_uuid(text: str) -> bool:
    """True for an eVaka-style UUID (8-4-4-4-12 hex digits)."""
    if not _UUID_SHAPE.match(text):
        return False
    try:
        uuid.UUID(text)
    except ValueError:  # pragma: no cover - the shape check already guarantees it
        return False
    return True
