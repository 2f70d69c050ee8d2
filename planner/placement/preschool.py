"""Preschool rounds: the municipality's assignment rule as a dated rule set (``tables/preschool_rules.csv``).

Each row: ``municipality`` (``*`` = any municipality without its own rows), ``valid_from``, ``valid_to``
(inclusive, empty = open), ``area_rule``, ``transport_rule``, ``transport_distance_m``,
``max_travel_minutes``, ``mode``, ``source``, ``status`` (verified / provisional), ``notes``.
The rule set is looked up for the round's preschool start date; a date no row covers is an error
(``MissingRuleError``), never a silent fallback to another municipality's rules.

``area_rule`` – which unit counts as the child's own area unit (the first soft priority):

* ``catchment`` – the unit of the child's preschool area (the dataset's catchment areas; Tampere's
  preschool areas / school paths are imported as catchments);
* ``language_areas`` – separate areas per language of instruction (Helsinki fi/sv): the child's area unit
  when it teaches the child's language, else the nearest unit (by travel time) that does;
* ``nearest`` – no area priority: short trips first (Hyvinkää: short and safe trips).

``transport_rule``: ``none``, or ``avoid_transport`` (Oulu) – a unit the child would need municipal
transport to reach (walking route over ``transport_distance_m``, Perusopetuslaki § 32: over 5 km) may be
offered only if no unit reachable without transport passes the other hard rules for the child.

Daycare rounds do not use this table: they keep the project's placement rules (``PlacementRules``).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from planner.errors import MissingRuleError, RuleTableError

TABLE = Path(__file__).resolve().parent / "tables" / "preschool_rules.csv"
AREA_RULES: tuple[str, ...] = ("catchment", "language_areas", "nearest")
TRANSPORT_RULES: tuple[str, ...] = ("none", "avoid_transport")
STATUSES: tuple[str, ...] = ("verified", "provisional")


@dataclass(frozen=True)
class PreschoolRuleSet:
    """One dated row of the preschool rule table."""

    municipality: str
    valid_from: date
    valid_to: date | None
    area_rule: str
    transport_rule: str
    transport_distance_m: float
    max_travel_minutes: float
    mode: str
    source: str
    status: str
    notes: str = ""

    def covers(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    def to_dict(self) -> dict[str, Any]:
        return {"municipality": self.municipality, "valid_from": self.valid_from.isoformat(),
                "valid_to": self.valid_to.isoformat() if self.valid_to else None, "area_rule": self.area_rule,
                "transport_rule": self.transport_rule, "transport_distance_m": self.transport_distance_m,
                "max_travel_minutes": self.max_travel_minutes, "mode": self.mode, "source": self.source,
                "status": self.status, "notes": self.notes}


def load_rule_sets(path: Path = TABLE) -> tuple[PreschoolRuleSet, ...]:
    """Every row of the table, checked (known rules, numbers, no overlapping periods per municipality)."""
    rows: list[PreschoolRuleSet] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for n, row in enumerate(csv.DictReader(handle), start=2):
            where = f"{path.name} row {n}"
            try:
                item = PreschoolRuleSet(
                    municipality=row["municipality"].strip(), valid_from=date.fromisoformat(row["valid_from"]),
                    valid_to=date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
                    area_rule=row["area_rule"], transport_rule=row["transport_rule"],
                    transport_distance_m=float(row["transport_distance_m"]),
                    max_travel_minutes=float(row["max_travel_minutes"]), mode=row["mode"], source=row["source"],
                    status=row["status"], notes=row.get("notes", "") or "")
            except (KeyError, ValueError) as error:
                raise RuleTableError(f"{where}: {error}") from None
            if item.area_rule not in AREA_RULES or item.transport_rule not in TRANSPORT_RULES:
                raise RuleTableError(f"{where}: area_rule {item.area_rule!r} / transport_rule {item.transport_rule!r}")
            if item.status not in STATUSES or not item.source:
                raise RuleTableError(f"{where}: status must be verified or provisional and source given")
            rows.append(item)
    for a in rows:
        for b in rows:
            if a is not b and a.municipality == b.municipality and a.covers(b.valid_from):
                raise RuleTableError(f"{path.name}: overlapping periods for {a.municipality}")
    return tuple(rows)


def rule_set_for(municipality: str | None, on: date, rule_sets: Sequence[PreschoolRuleSet] | None = None
                 ) -> PreschoolRuleSet:
    """The municipality's rule set on ``on`` (its own rows when it has any, else the ``*`` rows)."""
    rule_sets = rule_sets if rule_sets is not None else load_rule_sets()
    name = (municipality or "*").strip()
    own = [r for r in rule_sets if r.municipality.lower() == name.lower()]
    rows = own or [r for r in rule_sets if r.municipality == "*"]
    for row in rows:
        if row.covers(on):
            return row
    raise MissingRuleError(f"no preschool rule set for {name} on {on.isoformat()}: "
                           f"the table {TABLE.name} has rows from "
                           f"{min((r.valid_from for r in rows), default=on).isoformat()}; add a dated row")


def apply_rule_set(rule_set: PreschoolRuleSet, children: Sequence[Any], units: Sequence[Any],
                   travel_time_s: np.ndarray, catchment_units: Sequence[str | None] | None,
                   walk_distance_m: np.ndarray | None = None, *, language_ok=None
                   ) -> tuple[list[str | None], dict[str, np.ndarray]]:
    """The round's own-area unit per child and the pairs the rule set forbids (``{"transport": mask}``).

    ``language_ok(child_language, unit_languages) -> bool`` decides who may teach whom (default: the
    unit lists the child's language); ``walk_distance_m`` is needed for ``avoid_transport``."""
    n, m = len(children), len(units)
    times = np.asarray(travel_time_s, dtype=float).reshape(n, m)
    areas = list(catchment_units) if catchment_units is not None else [None] * n
    teaches = language_ok or (lambda lang, langs: lang in langs)
    if rule_set.area_rule == "nearest":
        areas = [None] * n
    elif rule_set.area_rule == "language_areas":
        by_id = {u.unit_id: j for j, u in enumerate(units)}
        for i, child in enumerate(children):
            j = by_id.get(areas[i]) if areas[i] else None
            if j is not None and teaches(child.language, units[j].languages):
                continue
            ok = np.array([teaches(child.language, u.languages) for u in units], dtype=bool) & np.isfinite(times[i])
            areas[i] = units[int(np.flatnonzero(ok)[np.argmin(times[i, ok])])].unit_id if ok.any() else None
    forbidden: dict[str, np.ndarray] = {}
    if rule_set.transport_rule == "avoid_transport":
        if walk_distance_m is None:
            raise MissingRuleError("the transport rule needs walking distances (walk_distance_m)")
        needs = np.asarray(walk_distance_m, dtype=float).reshape(n, m) > rule_set.transport_distance_m
        forbidden["transport"] = needs
    return areas, forbidden


def transport_mask(needs_transport: np.ndarray, other_rules_ok: np.ndarray) -> np.ndarray:
    """Pairs forbidden by ``avoid_transport``: the unit needs transport and the child has some unit that
    passes the other hard rules without it."""
    alternative = (other_rules_ok & ~needs_transport).any(axis=1)
    return needs_transport & alternative[:, None]
