"""Placement rules: the child's seat weight, the hard rules and the priorities (all configurable).

Hard rules (a child is never offered a unit that breaks one):

* **language** – the unit teaches in the child's language. A child whose language is not one of the
  municipality's languages of instruction (``instruction_languages``, default fi and sv) may also go to
  a unit teaching in ``fallback_language`` (default fi);
* **shift care** – a child who needs shift (evening, night, weekend) care only goes to a shift-care unit;
* **age** – the child's age in whole months on the start date lies in the unit's
  ``[min_age_months, max_age_months]`` (bounds inclusive; a missing bound does not restrict);
* **distance** – travel time at most ``max_travel_time_s`` (default 60 min) for the family's mode;
* **transport** – (preschool rule sets, e.g. Oulu) a unit that needs municipal transport only if no unit
  reachable without it passes the other rules (:mod:`planner.placement.preschool`);
* **rejected** – staff rejected this offer in the review (:mod:`planner.placement.review`);
* **capacity** – the seat weights of the children placed in a unit add up to at most its available
  seats: ``free_seats`` when known, else its capacity seats (caretakers × 7, else ``capacity_seats``);
  and, per age group, at most ``places_under_3`` children under 3 and ``places_3_plus`` children 3 or
  older on the start date (one child, one place; a missing value does not restrict).

Siblings (``sibling_rule``): ``soft`` – a priority (below the own area); ``hard`` – the children of a
sibling group are offered one unit together or none of them is; ``off`` – ignored.
Accepted offers (``fixed``) are kept as they are: the child's only candidate is the accepted unit.

Seat weight of a child (eVaka occupancy coefficient, same rule as ``planner.siting.occupancy``):
1.75 under 3 years on the start date, else 1.0; × 0.54 when weekly hours ≤ 25 (part-time);
× the child's support coefficient (default 1.0).

Soft rules, in strict priority order: the child's own catchment unit ≫ siblings in the same unit ≫
the child's current unit ≫ the shortest travel time.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from planner.errors import InputError, Problem
from planner.siting.occupancy import PART_TIME_FACTOR, PART_TIME_MAX_WEEKLY_HOURS, UNDER_3_FACTOR

if TYPE_CHECKING:  # pragma: no cover
    from planner.placement.children import Child

HARD_RULES: tuple[str, ...] = ("language", "shift_care", "age", "distance", "transport", "rejected", "capacity")
SIBLING_RULES: tuple[str, ...] = ("soft", "hard", "off")
UNDER_3_MONTHS = 36


@dataclass(frozen=True)
class PlacementRules:
    """The configurable rules; defaults are the documented ones (see docs/placement.md)."""

    max_travel_time_s: float = 3600.0
    k_nearest: int = 30                       # candidate units kept per child (nearest feasible)
    under_three_weight: float = UNDER_3_FACTOR
    part_time_weight: float = PART_TIME_FACTOR
    part_time_max_weekly_hours: float = PART_TIME_MAX_WEEKLY_HOURS
    instruction_languages: tuple[str, ...] = ("fi", "sv")
    fallback_language: str | None = "fi"
    use_catchment: bool = True
    use_siblings: bool = True
    use_current_unit: bool = True
    fallback_after_preferences: bool = True   # deferred acceptance: nearest units after the listed ones
    seed: int = 0                             # tie-break of equal priorities (deferred acceptance)
    sibling_rule: str = "soft"                # soft | hard | off (see module docstring)

    @property
    def siblings_on(self) -> bool:
        """True when sibling groups count at all (``use_siblings`` and the rule not ``off``)."""
        return self.use_siblings and self.sibling_rule != "off"

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        if self.sibling_rule not in SIBLING_RULES:
            problems.append(Problem("siblings", self.sibling_rule, "soft, hard or off"))
        if not (self.max_travel_time_s > 0):
            problems.append(Problem("max_travel_time_s", self.max_travel_time_s, "seconds, more than 0"))
        if self.k_nearest < 1:
            problems.append(Problem("k_nearest", self.k_nearest, "a whole number of units, 1 or more"))
        if problems:
            raise InputError(problems)


@dataclass(frozen=True)
class PlacementUnit:
    """What placement needs to know of a unit; built from a ``planner.units.Unit`` by :func:`to_placement_unit`."""

    unit_id: str
    name: str = ""
    languages: tuple[str, ...] = ("fi",)
    shift_care: bool = False
    min_age_months: int | None = None
    max_age_months: int | None = None
    available_seats: float = 0.0       # seats this round: free seats when known, else capacity seats
    capacity_seats: float | None = None
    lat: float | None = None
    lon: float | None = None
    places_under_3: float | None = None  # children under 3 this round (None: only the seat total limits)
    places_3_plus: float | None = None   # children 3 or older this round
    capacity_assumed: bool = False     # seats are planner.units.ASSUMED_SEATS_WHEN_UNKNOWN (capacity unknown)


def to_placement_unit(unit: Any) -> PlacementUnit:
    """A :class:`PlacementUnit` from any unit-like object (``planner.units.Unit`` or a PlacementUnit)."""
    if isinstance(unit, PlacementUnit):
        return unit
    seats = getattr(unit, "seats", None)
    if seats is None:
        seats = getattr(unit, "capacity_seats", None)
    free = getattr(unit, "free_seats", None)
    available = free if free is not None else seats
    assumed = False
    if available is None and hasattr(unit, "planning_seats"):
        # unknown capacity: the one rule (planner.units.ASSUMED_SEATS_WHEN_UNKNOWN), stated in the report
        available, assumed = unit.planning_seats, True
    return PlacementUnit(
        unit_id=str(unit.unit_id), name=str(getattr(unit, "name", "") or ""),
        languages=tuple(getattr(unit, "languages", ("fi",)) or ("fi",)),
        shift_care=bool(getattr(unit, "shift_care", False)),
        min_age_months=getattr(unit, "min_age_months", None), max_age_months=getattr(unit, "max_age_months", None),
        available_seats=float(max(available, 0.0)) if available is not None else 0.0,
        capacity_seats=float(seats) if seats is not None else None,
        lat=getattr(unit, "lat", None), lon=getattr(unit, "lon", None),
        places_under_3=getattr(unit, "places_under_3", None), places_3_plus=getattr(unit, "places_3_plus", None),
        capacity_assumed=assumed,
    )


def age_months_on(birth_date: date, on: date) -> int:
    """Completed months of age on the day ``on`` (negative before birth)."""
    months = (on.year - birth_date.year) * 12 + (on.month - birth_date.month)
    if on.day < birth_date.day:
        months -= 1
    return months


def seat_weight(child: "Child", rules: PlacementRules = PlacementRules()) -> float:
    """Seats the child takes: age weight (under 3 on the start date) × part-time weight × support coefficient."""
    age_months = age_months_on(child.birth_date, child.start_date)
    weight = rules.under_three_weight if age_months < 36 else 1.0
    if child.weekly_hours <= rules.part_time_max_weekly_hours:
        weight *= rules.part_time_weight
    return weight * float(child.support_coefficient)


def language_ok(child_language: str, unit_languages: Sequence[str], rules: PlacementRules) -> bool:
    """True when the unit may teach a child of this language (see module docstring)."""
    if child_language in unit_languages:
        return True
    if child_language not in rules.instruction_languages and rules.fallback_language:
        return rules.fallback_language in unit_languages
    return False


@dataclass(frozen=True)
class PlacementProblem:
    """Plain inputs of one placement round, with the hard rules evaluated once.

    ``travel_time_s[i, j]`` is the family's travel time from child i's home to unit j in seconds
    (``inf`` when unreachable); ``catchment_units[i]`` the unit id of child i's own catchment (or None).
    """

    children: tuple
    units: tuple[PlacementUnit, ...]
    travel_time_s: np.ndarray
    catchment_units: tuple[str | None, ...]
    rules: PlacementRules
    weights: np.ndarray                  # seat weight per child
    seats: np.ndarray                    # available seats per unit
    first_failed: np.ndarray             # int8 (n, m): index into HARD_RULES of the first failing rule, -1 ok
    catchment_index: np.ndarray          # unit index of own catchment, -1 none
    current_index: np.ndarray            # unit index of current unit, -1 none
    sibling_units: tuple[frozenset[int], ...]  # units where a sibling currently is (per child)
    groups: tuple[tuple[int, ...], ...]  # sibling groups of 2+ children in this round
    unit_index: dict = field(default_factory=dict)
    under3: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # per child, on the start date
    places_u3: np.ndarray = field(default_factory=lambda: np.zeros(0))  # per unit, inf = no own limit
    places_3p: np.ndarray = field(default_factory=lambda: np.zeros(0))
    fixed_index: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))  # accepted unit, -1 none

    def fits(self, j: int, members) -> bool:
        """True when the children ``members`` together fit in unit j (seat weights and age-group places)."""
        members = list(members)
        if not members:
            return True
        if float(self.weights[members].sum()) > self.seats[j] + 1e-9:
            return False
        young = int(self.under3[members].sum())
        return young <= self.places_u3[j] + 1e-9 and len(members) - young <= self.places_3p[j] + 1e-9

    def group_of(self, i: int) -> tuple[int, ...] | None:
        """The sibling group (2+ children of this round) child i belongs to, or None."""
        return self._group_of.get(i) if hasattr(self, "_group_of") else None

    @classmethod
    def from_cost_matrix(cls, children: Sequence["Child"], units: Sequence[Any], travel_time_s: Any,
                         catchment_units: Sequence[str | None] | None = None,
                         rules: PlacementRules | None = None, *,
                         forbidden: dict[str, Any] | None = None,
                         fixed: Sequence[str | None] | None = None) -> "PlacementProblem":
        """Check shapes and evaluate the hard rules for every child–unit pair.

        ``forbidden``: boolean (children × units) masks of pairs a rule set or the review forbids, keyed
        ``transport`` or ``rejected``; ``fixed``: per child the unit id of an accepted offer (or None)."""
        rules = rules or PlacementRules()
        units_p = tuple(to_placement_unit(u) for u in units)
        n, m = len(children), len(units_p)
        times = np.asarray(travel_time_s, dtype=float).reshape(n, m) if n * m else np.zeros((n, m))
        if times.shape != (n, m):
            raise InputError.single("travel_time_s", times.shape, f"a matrix of {n} children × {m} units")
        if np.isnan(times).any() or (times < 0).any():
            raise InputError.single("travel_time_s", "negative or NaN", "seconds ≥ 0, inf when unreachable")
        catchment_units = list(catchment_units) if catchment_units is not None else [None] * n
        if len(catchment_units) != n:
            raise InputError.single("catchment_units", len(catchment_units), f"one entry per child ({n})")
        index = {u.unit_id: j for j, u in enumerate(units_p)}
        weights = np.array([seat_weight(c, rules) for c in children], dtype=float)
        seats = np.array([u.available_seats for u in units_p], dtype=float)

        # vectorised hard rules: the first failing rule per pair, in HARD_RULES order
        failed = np.full((n, m), -1, dtype=np.int8)
        ages = np.array([age_months_on(c.birth_date, c.start_date) for c in children], dtype=float)
        langs = sorted({c.language for c in children})
        lang_ok = {lang: np.array([language_ok(lang, u.languages, rules) for u in units_p], dtype=bool)
                   for lang in langs}
        unit_shift = np.array([u.shift_care for u in units_p], dtype=bool)
        min_age = np.array([u.min_age_months if u.min_age_months is not None else -1 for u in units_p], float)
        max_age = np.array([u.max_age_months if u.max_age_months is not None else 10_000 for u in units_p], float)
        ok_lang = np.array([lang_ok[c.language] for c in children], dtype=bool).reshape(n, m)
        needs_shift = np.array([c.shift_care for c in children], dtype=bool)
        ok_shift = ~needs_shift[:, None] | unit_shift[None, :]
        ok_age = (ages[:, None] >= min_age[None, :]) & (ages[:, None] <= max_age[None, :])
        ok_dist = times <= rules.max_travel_time_s
        under3 = ages < UNDER_3_MONTHS
        places_u3 = np.array([np.inf if u.places_under_3 is None else float(u.places_under_3) for u in units_p])
        places_3p = np.array([np.inf if u.places_3_plus is None else float(u.places_3_plus) for u in units_p])
        group_places = np.where(under3[:, None], places_u3[None, :], places_3p[None, :])
        ok_cap = (weights[:, None] <= seats[None, :] + 1e-9) & (group_places >= 1 - 1e-9)
        forbidden = forbidden or {}
        extra = {}
        for name in ("transport", "rejected"):
            mask = forbidden.get(name)
            extra[name] = np.ones((n, m), dtype=bool) if mask is None else ~np.asarray(mask, dtype=bool).reshape(n, m)
        checks = (ok_lang, ok_shift, ok_age, ok_dist, extra["transport"], extra["rejected"], ok_cap)
        for code, ok in reversed(list(enumerate(checks))):
            failed[~ok] = code
        fixed_index = np.full(n, -1, dtype=int)
        for i, unit_id in enumerate(fixed or [None] * n):
            if unit_id is not None:
                if unit_id not in index:
                    raise InputError.single("accepted unit_id", unit_id, "a unit of this round")
                fixed_index[i] = index[unit_id]
                failed[i, :] = HARD_RULES.index("rejected")  # an accepted child keeps its unit
                failed[i, fixed_index[i]] = -1

        catchment_index = np.array([index.get(u, -1) if (u and rules.use_catchment) else -1
                                    for u in catchment_units], dtype=int)
        current_index = np.array([index.get(c.current_unit, -1) if (c.current_unit and rules.use_current_unit)
                                  else -1 for c in children], dtype=int)
        members: dict[str, list[int]] = {}
        for i, c in enumerate(children):
            if c.sibling_group:
                members.setdefault(c.sibling_group, []).append(i)
        sibling_units: list[frozenset[int]] = []
        for i, c in enumerate(children):
            units_here = set()
            if rules.siblings_on and c.sibling_group:
                for k in members[c.sibling_group]:
                    if k != i and children[k].current_unit in index:
                        units_here.add(index[children[k].current_unit])
                    if k != i and fixed_index[k] >= 0:  # a sibling's accepted offer counts as its unit
                        units_here.add(int(fixed_index[k]))
            sibling_units.append(frozenset(units_here))
        groups = tuple(tuple(g) for g in members.values() if len(g) > 1) if rules.siblings_on else ()
        problem = cls(children=tuple(children), units=units_p, travel_time_s=times,
                      catchment_units=tuple(catchment_units), rules=rules, weights=weights, seats=seats,
                      first_failed=failed, catchment_index=catchment_index, current_index=current_index,
                      sibling_units=tuple(sibling_units), groups=groups, unit_index=index, under3=under3,
                      places_u3=places_u3, places_3p=places_3p, fixed_index=fixed_index)
        object.__setattr__(problem, "_group_of", {i: g for g in groups for i in g})
        return problem

    @property
    def feasible(self) -> np.ndarray:
        """Boolean (n, m): the pair passes every hard rule (a unit may still fill up)."""
        return self.first_failed < 0

    def candidates(self, i: int) -> np.ndarray:
        """Unit indices child i may be offered: the ``k_nearest`` feasible units by travel time, plus the
        child's own catchment unit, current unit, sibling units and listed preferences when feasible."""
        if self.fixed_index.size and self.fixed_index[i] >= 0:
            return np.array([int(self.fixed_index[i])], dtype=int)
        feasible = np.flatnonzero(self.feasible[i])
        if feasible.size > self.rules.k_nearest:
            order = np.argsort(self.travel_time_s[i, feasible], kind="stable")
            keep = set(feasible[order[: self.rules.k_nearest]].tolist())
            extra = {int(self.catchment_index[i]), int(self.current_index[i]), *self.sibling_units[i]}
            extra |= {self.unit_index[u] for u in self.children[i].preferences if u in self.unit_index}
            keep |= {j for j in extra if j >= 0 and self.feasible[i, j]}
            feasible = np.array(sorted(keep), dtype=int)
        return feasible

    def priority_key(self, i: int, j: int) -> tuple:
        """Unit j's priority of child i, smaller is better: an accepted offer there, own catchment, sibling
        in the unit, current unit, travel time (the random tie-break is added by deferred acceptance)."""
        return (0 if self.fixed_index.size and self.fixed_index[i] == j else 1,
                0 if self.catchment_index[i] == j else 1,
                0 if j in self.sibling_units[i] else 1,
                0 if self.current_index[i] == j else 1,
                float(self.travel_time_s[i, j]))
