"""Proactive placement offers: children file, hard and soft rules, exact MILP assignment, deferred
acceptance, reports (see docs/placement.md). Children's data stays in memory."""
from __future__ import annotations

from planner.placement.assign import Assignment, objective_levels, solve_optimal
from planner.placement.children import Child, read_children
from planner.placement.deferred import justified_envy, preference_lists, solve_deferred
from planner.placement.report import build_report, evaka_csv, offers_to_csv
from planner.placement.rules import PlacementProblem, PlacementRules, PlacementUnit, seat_weight

__all__ = ["Assignment", "Child", "PlacementProblem", "PlacementRules", "PlacementUnit", "build_report",
           "evaka_csv", "justified_envy", "objective_levels", "offers_to_csv", "preference_lists",
           "read_children", "seat_weight", "solve_deferred", "solve_optimal"]
