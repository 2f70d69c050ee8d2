"""Where a rule comes from, told in the reader's language.

The rule tables' ``source`` column (``planner/rules/tables/*.csv``, ``planner/life/tables/*.csv``) is
the maintainers' research note, in English: which page or notice gave which figure. It stays as it
is (it is the evidence). A Finnish or Swedish reader gets :func:`describe_source` instead: what kind of
rule it is (by table), the law and notice numbers and the web sites the note names, exactly as written,
and a remark when the note says some values are estimated, inferred or carried over. English readers
get the note itself. Texts: ``planner/locales/<lang>/sources.json``.
"""
from __future__ import annotations

import re
from typing import Any

from planner.i18n import translate

# table file -> text key of what the table holds
KINDS = {
    "fee_periods.csv": "sources.kind.fee_periods",
    "kela_allowances.csv": "sources.kind.kela_allowances",
    "municipal_settings.csv": "sources.kind.municipal_settings",
    "municipal_supplements.csv": "sources.kind.municipal_supplements",
    "part_time_bands.csv": "sources.kind.part_time_bands",
    "free_hours.csv": "sources.kind.free_hours",
    "income_tax.csv": "sources.kind.income_tax",
    "municipal_tax_rates.csv": "sources.kind.municipal_tax_rates",
    "timing_rules.csv": "sources.kind.timing_rules",
}

# A statute or notice number as Finlex writes it (1503/2016), with the act's Finnish name and the
# section when the note gives them ("Varhaiskasvatuslaki 540/2018 17 §"); a government bill (HE 98/2025).
# A number of 1-12 before the year is a month ("9/2020"), not a statute.
_STATUTE = re.compile(r"(?:\b[A-ZÄÖÅa-zäöå-]*laki\s+)?\b(\d{1,4})/(?:19|20)\d{2}\b(?:\s+\d+\s*(?:[a-z]\s*)?§)?")
_BILL = re.compile(r"\bHE\s+\d{1,4}/(?:19|20)\d{2}\b")
_URL = re.compile(r"https?://[^\s;,()]+")
_SITE = re.compile(r"\b(?:[a-z0-9-]+\.)+(?:fi|se|eu|com|org|net)\b(?:/[^\s;,()]*)?", re.IGNORECASE)
_NAMED = ("eVaka", "Kuntaliitto", "OKM", "Kela", "Finlex")
_UNSURE = re.compile(r"\b(?:estimate[ds]?|inferred|assumed|carried|not found|not published|provisional)\b",
                     re.IGNORECASE)


def references(source: str) -> list[str]:
    """The law and notice numbers, bills, web addresses and named bodies of a source note, in the order
    they first appear, each once (``"kerava.fi; kokkola.fi (OKM notice for 1.8.2024)"`` ->
    ``["kerava.fi", "kokkola.fi", "OKM"]``)."""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []

    def add(match: re.Match) -> None:
        start, end = match.span()
        if match.re is _STATUTE and int(match.group(1)) <= 12 and "laki" not in match.group(0):
            return  # "yle.fi 9/2020" is a month, not a statute
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            return
        taken.append((start, end))
        found.append((start, re.sub(r"\s+", " ", match.group(0)).rstrip(".")))

    for pattern in (_URL, _BILL, _STATUTE, _SITE):
        for match in pattern.finditer(source):
            add(match)
    for name in _NAMED:
        for match in re.finditer(rf"\b{re.escape(name)}\b", source):
            add(match)
    seen: dict[str, None] = {}
    for _, text in sorted(found):
        key = text.lower()
        if key not in {k.lower() for k in seen}:
            seen[text] = None
    return list(seen)


def describe_source(table: str | None, source: str | None, lang: str) -> str:
    """A rule row's source for a reader of ``lang``: the note as written in English; in Finnish and
    Swedish the kind of rule, the references the note names and whether some values are estimates.
    ``"–"`` when there is no source."""
    if not source:
        return "–"
    if lang == "en":
        return source
    kind = translate(KINDS.get(str(table or ""), "sources.kind.other"), lang)
    parts = [kind]
    refs = references(source)
    if refs:
        parts.append(translate("sources.references", lang, refs=", ".join(refs)))
    if _UNSURE.search(source):
        parts.append(translate("sources.unsure", lang))
    return " ".join(parts)


def describe_rule(rule: dict[str, Any] | None, lang: str) -> str:
    """:func:`describe_source` of a rule dict as the money commands give it (``table``, ``source``)."""
    rule = rule or {}
    return describe_source(rule.get("table"), rule.get("source"), lang)
