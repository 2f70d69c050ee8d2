"""Proactive placement offers: children file, hard and soft rules, exact MILP assignment, deferred
acceptance, reports (see docs/placement.md). Children's data stays in memory.

The names below load on first use (PEP 562), so importing one light submodule (``options``,
``children``) does not import the solvers."""
from __future__ import annotations

from importlib import import_module
from typing import Any

_WHERE = {
    "Assignment": "assign", "objective_levels": "assign", "solve_optimal": "assign",
    "Child": "children", "read_children": "children",
    "justified_envy": "deferred", "preference_lists": "deferred", "solve_deferred": "deferred",
    "build_report": "report", "evaka_csv": "report", "offers_to_csv": "report",
    "PlacementProblem": "rules", "PlacementRules": "rules", "PlacementUnit": "rules", "seat_weight": "rules",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f"planner.placement.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'planner.placement' has no attribute {name!r}")
