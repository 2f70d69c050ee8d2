"""Glue between the Staff page and ``planner.placement`` (no Streamlit here, so it is unit-testable).

Runs one placement round in memory: children (CSV text or bytes) → travel times in the dataset →
``PlacementProblem`` → optimal (MILP) or deferred-acceptance assignment → the tables the page shows
(offers with an explanation per child, unplaced with reasons, occupancy per unit, justified-envy pairs,
travel-time distribution by area and by language) and the two download files. Nothing here writes to
disk or logs; the caller keeps the result in ``st.session_state`` only.
Times in seconds (``*_s``) or minutes (``*_min``); seats are coefficient-weighted.
"""
from __future__ import annotations

import csv
import io
import math
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from planner.errors import InputError
from planner.i18n import translate

METHODS: tuple[str, ...] = ("optimal", "deferred")
MODES: tuple[str, ...] = ("walk", "bike", "car", "transit")
EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "docs" / "examples"


def example_files(directory: Path | None = None) -> list[Path]:
    """The example children files shipped in ``docs/examples`` (``children-*.csv``), sorted by name."""
    directory = directory if directory is not None else EXAMPLES_DIR
    return sorted(directory.glob("children-*.csv")) if directory.is_dir() else []


def read_children_strict(source: str | bytes, addresses: Any = None) -> list:
    """All children of the file, or ``InputError`` with every problem (row and column named)."""
    from planner.placement.children import read_children

    children, problems = read_children(source if isinstance(source, bytes) else str(source), addresses=addresses)
    if problems:
        raise InputError(problems)
    if not children:
        raise InputError.single("children", "", "a CSV with a header row and at least one child")
    return children


def _tr(key: str, lang: str, **params: Any) -> str:
    return translate(f"app_staff.{key}", lang, **params)


def _minutes(seconds: float) -> float | None:
    return round(float(seconds) / 60.0, 1) if math.isfinite(float(seconds)) else None


def unit_label(unit: Any, lang: str) -> str:
    """The unit's name, marked ``(demo)`` for invented demo units."""
    name = getattr(unit, "name", "") or unit.unit_id
    return f"{name} ({_tr('demo', lang)})" if getattr(unit, "demo", False) else name


def travel_times(dataset: Any, mode: str, homes: np.ndarray, places: np.ndarray,
                 depart: datetime | None = None) -> np.ndarray:
    """(children × units) seconds from home to unit, inf unreachable. Street modes use the dataset's
    engine; ``transit`` its timetable router, leaving at ``depart`` (default next Tue–Thu 07:30)."""
    homes = np.asarray(homes, dtype=float).reshape(-1, 2)
    places = np.asarray(places, dtype=float).reshape(-1, 2)
    if mode != "transit":
        return np.asarray(dataset.engine(mode).matrix(homes, places), dtype=float)
    router = dataset.transit()
    if router is None:
        raise InputError.single("mode", mode, "walk, bike or car: this dataset has no public transport timetable")
    if depart is None:
        day = date.today()
        while day.weekday() not in (1, 2, 3):
            day += timedelta(days=1)
        depart = datetime.combine(day, time(7, 30))
    rows = [np.asarray(router.one_to_many((float(lat), float(lon)), places, depart, on_outside="none"), dtype=float)
            for lat, lon in homes]
    return np.vstack(rows) if rows else np.zeros((0, len(places)))


def run_round(children: Sequence[Any], units: Sequence[Any], times_s: Any, catchments: Any, *, method: str,
              mode: str, max_minutes: float, lang: str) -> dict[str, Any]:
    """One placement round; returns plain rows (lists of dicts) and the two download texts.

    ``times_s`` is the (children × units) travel-time matrix in seconds (see :func:`travel_times`) or a
    ``TravelTimeEngine`` for ``mode``; ``catchments`` finds each child's own catchment unit.
    ``method``: ``optimal`` (lexicographic MILP) or ``deferred`` (child-proposing deferred acceptance).
    """
    from planner.placement.assign import objective_levels, solve_optimal
    from planner.placement.deferred import justified_envy, solve_deferred
    from planner.placement.rules import HARD_RULES, PlacementProblem, PlacementRules

    if method not in METHODS:
        raise InputError.single("method", method, f"one of {', '.join(METHODS)}")
    if not (max_minutes and max_minutes > 0):
        raise InputError.single("max_minutes", max_minutes, "minutes above 0")
    if hasattr(times_s, "matrix"):
        homes = np.array([[c.lat, c.lon] for c in children], dtype=float)
        places = np.array([[u.lat, u.lon] for u in units], dtype=float)
        times_s = times_s.matrix(homes, places)
    times = np.asarray(times_s, dtype=float)
    catchment = [catchments.unit_for(c.lat, c.lon) if catchments is not None else None for c in children]
    rules = PlacementRules(max_travel_time_s=float(max_minutes) * 60.0)
    problem = PlacementProblem.from_cost_matrix(children, units, times, catchment, rules)
    assignment = solve_optimal(problem) if method == "optimal" else solve_deferred(problem)
    unit_of = np.asarray(assignment.unit_of, dtype=int)
    mode_name = _tr(f"mode_name.{mode}", lang)

    offers, unplaced = [], []
    for i, child in enumerate(children):
        j = int(unit_of[i])
        if j >= 0:
            offers.append({"child_id": child.child_id, "unit_id": units[j].unit_id,
                           "unit": unit_label(units[j], lang), "travel_time_s": float(times[i, j]),
                           "travel_min": _minutes(times[i, j]), "seats": round(float(problem.weights[i]), 3),
                           "language": child.language, "area": catchment[i] or "-",
                           "reason": _offer_reason(problem, child, i, j, times[i, j], mode_name, lang)})
        else:
            unplaced.append({"child_id": child.child_id, "language": child.language, "area": catchment[i] or "-",
                             "reason": _unplaced_reason(problem, i, HARD_RULES, max_minutes, lang)})

    occupancy = []
    for j, unit in enumerate(units):
        members = np.flatnonzero(unit_of == j)
        used = float(problem.weights[members].sum())
        available = float(problem.seats[j])
        occupancy.append({"unit_id": unit.unit_id, "unit": unit_label(unit, lang), "children": int(members.size),
                          "used_seats": round(used, 2), "available_seats": round(available, 2),
                          "capacity_seats": getattr(unit, "seats", None),
                          "use_percent": round(100.0 * used / available, 1) if available > 0 else None,
                          "capacity_estimated": bool(getattr(unit, "capacity_estimated", False))})

    envy = []
    for i, j, displaced in justified_envy(problem, unit_of):
        own = int(unit_of[i])
        envy.append({"child_id": children[i].child_id, "has": units[own].unit_id if own >= 0 else "-",
                     "envies": units[j].unit_id,
                     "displaced": ", ".join(children[k].child_id for k in displaced) or "-"})

    offers_csv = offers_to_csv(offers)
    return {"method": method, "mode": mode, "status": assignment.status, "children": len(children),
            "offers": offers, "unplaced": unplaced, "occupancy": occupancy, "envy": envy,
            "by_area": distribution(offers, "area"), "by_language": distribution(offers, "language"),
            "objective": objective_levels(problem, unit_of),
            "offers_csv": offers_csv, "evaka_csv": evaka_csv(offers)}


def _offer_reason(problem: Any, child: Any, i: int, j: int, time_s: float, mode_name: str, lang: str) -> str:
    parts = []
    if problem.catchment_index[i] == j:
        parts.append(_tr("reason.catchment", lang))
    if j in problem.sibling_units[i]:
        parts.append(_tr("reason.sibling", lang))
    if problem.current_index[i] == j:
        parts.append(_tr("reason.current", lang))
    unit_id = problem.units[j].unit_id
    if unit_id in child.preferences:
        parts.append(_tr("reason.preference", lang, rank=child.preferences.index(unit_id) + 1))
    parts.append(_tr("reason.time", lang, minutes=_minutes(time_s), mode=mode_name))
    parts.append(_tr("reason.rules", lang))
    return "; ".join(parts)


def _unplaced_reason(problem: Any, i: int, hard_rules: Sequence[str], max_minutes: float, lang: str) -> str:
    failed = problem.first_failed[i]
    feasible = int((failed < 0).sum())
    if feasible:
        return _tr("unplaced.full", lang, units=feasible)
    counts = {rule: int((failed == code).sum()) for code, rule in enumerate(hard_rules)}
    parts = [_tr(f"unplaced.rule.{rule}", lang, units=n, minutes=f"{max_minutes:g}")
             for rule, n in counts.items() if n]
    return _tr("unplaced.none", lang, total=len(problem.units)) + " " + "; ".join(parts)


def distribution(offers: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """Travel minutes of the offers per group (``area`` or ``language``): count, mean, median, p90, max."""
    groups: dict[str, list[float]] = {}
    for offer in offers:
        if offer["travel_min"] is not None:
            groups.setdefault(str(offer[key]), []).append(offer["travel_min"])
    rows = []
    for name in sorted(groups):
        values = np.array(groups[name], dtype=float)
        rows.append({"group": name, "children": int(values.size), "mean_min": round(float(values.mean()), 1),
                     "median_min": round(float(np.median(values)), 1),
                     "p90_min": round(float(np.quantile(values, 0.9)), 1), "max_min": round(float(values.max()), 1)})
    return rows


def offers_to_csv(offers: list[dict[str, Any]]) -> str:
    """The offers file: ``child_id,unit_id,travel_time_s,reason`` (seconds rounded to whole seconds)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["child_id", "unit_id", "travel_time_s", "reason"])
    for offer in offers:
        writer.writerow([offer["child_id"], offer["unit_id"], int(round(offer["travel_time_s"])), offer["reason"]])
    return buffer.getvalue()


def evaka_csv(offers: list[dict[str, Any]]) -> str:
    """The eVaka-style placement file ``lapsen_id;esiopetusyksikon_id``, one row per offer."""
    lines = ["lapsen_id;esiopetusyksikon_id"] + [f"{o['child_id']};{o['unit_id']}" for o in offers]
    return "\n".join(lines) + "\n"
