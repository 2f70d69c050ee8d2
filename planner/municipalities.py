"""The Finnish municipalities (data: ``planner/rules/tables/municipalities.csv``).

Statistics Finland municipality codes with Finnish and Swedish names (309 municipalities since the
2021 merger of Honkajoki into Kankaanpää). ``canonical_name`` accepts either language, any case.
"""
from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from planner.errors import RuleTableError

MUNICIPALITIES_CSV = Path(__file__).parent / "rules" / "tables" / "municipalities.csv"


@dataclass(frozen=True)
class Municipality:
    code: str
    name_fi: str
    name_sv: str

    def name(self, lang: str = "fi") -> str:
        return self.name_sv if lang == "sv" and self.name_sv else self.name_fi


def _key(name: str) -> str:
    return unicodedata.normalize("NFC", " ".join(name.split())).casefold()


@lru_cache(maxsize=1)
def load_municipalities(path: Path = MUNICIPALITIES_CSV) -> tuple[Municipality, ...]:
    """All municipalities, validated (3-digit unique codes, unique non-empty Finnish names)."""
    if not path.is_file():
        raise RuleTableError(f"{path.name}: missing at {path}")
    items: list[Municipality] = []
    seen_codes: set[str] = set()
    seen_names: set[str] = set()
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for values in reader:
            code = (values.get("code") or "").strip()
            name_fi = (values.get("name_fi") or "").strip()
            name_sv = (values.get("name_sv") or "").strip()
            where = f"{path.name}, line {reader.line_num}"
            if len(code) != 3 or not code.isdigit():
                raise RuleTableError(f"{where}: code {code!r} must be three digits")
            if not name_fi:
                raise RuleTableError(f"{where}: name_fi is empty")
            if code in seen_codes or _key(name_fi) in seen_names:
                raise RuleTableError(f"{where}: duplicate municipality {code} {name_fi}")
            seen_codes.add(code)
            seen_names.add(_key(name_fi))
            items.append(Municipality(code, name_fi, name_sv))
    return tuple(items)


@lru_cache(maxsize=1)
def _index() -> dict[str, Municipality]:
    index: dict[str, Municipality] = {}
    for m in load_municipalities():
        index[_key(m.name_fi)] = m
        if m.name_sv:
            index.setdefault(_key(m.name_sv), m)
        index.setdefault(m.code, m)
    return index


def find_municipality(name: str) -> Municipality | None:
    """The municipality called ``name`` (Finnish or Swedish name, or code), else None."""
    if not isinstance(name, str) or not name.strip():
        return None
    return _index().get(_key(name))


def canonical_name(name: str) -> str | None:
    """The Finnish name of the municipality called ``name``, else None."""
    found = find_municipality(name)
    return found.name_fi if found else None


def municipality_names(lang: str = "fi") -> list[str]:
    """Names for a select box, sorted in the given language."""
    return sorted((m.name(lang) for m in load_municipalities()), key=_key)


def suggest(name: str, limit: int = 3) -> list[str]:
    """Close Finnish names for a misspelt municipality (for error messages)."""
    import difflib

    names = [m.name_fi for m in load_municipalities()]
    return difflib.get_close_matches(str(name), names, n=limit, cutoff=0.6)
