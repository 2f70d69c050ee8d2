"""``python -m planner offers``: proactive placement offers for a children file.

The children file is read into memory, placed and reported; it is never copied, cached or logged.
The only file written is the eVaka import file, and only when ``--evaka-csv`` asks for it.
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from planner.errors import InputError, Problem
from planner.placement.assign import solve_optimal
from planner.placement.children import Child, check_unit_ids, read_children
from planner.placement.deferred import solve_deferred
from planner.placement.report import build_report, evaka_csv, offers_to_csv
from planner.placement.rules import PlacementProblem, PlacementRules

METHODS: tuple[str, ...] = ("optimal", "deferred-acceptance")

__all__ = ["METHODS", "offers_command", "offers_to_csv", "evaka_csv", "plan_offers", "choose_method"]


def choose_method(children: Sequence[Child], method: str | None) -> str:
    """The given method, else deferred acceptance when any child has preferences, else optimal."""
    if method is None:
        return "deferred-acceptance" if any(c.preferences for c in children) else "optimal"
    if method not in METHODS:
        raise InputError.single("method", method, f"one of {', '.join(METHODS)}")
    return method


def plan_offers(children: Sequence[Child], units: Sequence[Any], travel_time_s: Any,
                catchment_units: Sequence[str | None] | None = None, *, method: str | None = None,
                rules: PlacementRules | None = None, lang: str = "en", mode: str = "walk") -> dict[str, Any]:
    """Place the children on plain inputs and return the full report (see ``build_report``)."""
    problem = PlacementProblem.from_cost_matrix(children, units, travel_time_s, catchment_units, rules)
    method = choose_method(children, method)
    assignment = solve_deferred(problem) if method == "deferred-acceptance" else solve_optimal(problem)
    return build_report(problem, assignment, lang=lang, mode=mode)


def offers_command(args: argparse.Namespace) -> dict[str, Any]:
    """Read the children (and optional units) file, place with the dataset's travel times, report."""
    from planner.datasets import load_dataset

    dataset = load_dataset(getattr(args, "dataset", None))
    lang = getattr(args, "lang", "en") or "en"
    mode = getattr(args, "mode", "walk") or "walk"
    problems: list[Problem] = []
    if getattr(args, "units", None):
        from planner.units import load_units

        units, unit_problems = load_units(args.units, addresses=dataset.addresses)
        problems.extend(unit_problems)
        if not units:
            raise InputError(unit_problems or [Problem("--units", args.units, "a units file with at least one unit")])
    else:
        units = list(dataset.units)
    children, child_problems = read_children(Path(args.children), addresses=dataset.addresses)
    problems.extend(child_problems)
    if not children:
        raise InputError(child_problems or [Problem("--children", args.children, "a children CSV with at least one row")])
    problems.extend(check_unit_ids(children, {u.unit_id for u in units}))

    engine = dataset.engine(mode)
    origins = [(c.lat, c.lon) for c in children]
    destinations = [(u.lat, u.lon) for u in units]
    travel = np.asarray(engine.matrix(origins, destinations, origins_field="children",
                                      destinations_field="units", on_outside="none"), dtype=float)
    catchments = dataset.catchments
    catchment_units = [catchments.unit_for(c.lat, c.lon) for c in children]
    report = plan_offers(children, units, travel, catchment_units, method=getattr(args, "method", None),
                         lang=lang, mode=mode)
    report["dataset"] = dataset.name
    report["mode"] = mode
    report["problems"] = [p.to_dict() for p in problems]
    if getattr(args, "evaka_csv", None):  # the user's explicit export of the offers
        Path(args.evaka_csv).write_text(evaka_csv(report), encoding="utf-8")
        report["evaka_csv"] = str(args.evaka_csv)
    return report
