"""Glue between the Staff page and ``planner.placement`` (no Streamlit here, so it is unit-testable).

One placement round in memory: children CSV (text or bytes) → travel times and catchment units from the
dataset (``planner.placement.commands.travel_inputs``) → ``plan_offers`` (optimal MILP or deferred
acceptance) → the report of ``planner.placement.report`` plus its two download texts. Every reason,
table and file comes from the planner; nothing here writes to disk or logs, and the caller keeps the
result in ``st.session_state`` only.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from pages._workbench_core import unit_label as unit_name  # one demo-marking rule for all pages
from planner.errors import InputError
from planner.placement.commands import METHODS, plan_offers, rules_for, travel_inputs
from planner.placement.report import daycare_offers_csv, evaka_csv, offers_to_csv

MODES: tuple[str, ...] = ("walk", "bike", "car", "transit")
EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "docs" / "examples"

__all__ = ["EXAMPLES_DIR", "METHODS", "MODES", "example_files", "unit_name", "read_children_strict", "run_round",
           "place_from_dataset"]


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


def run_round(children: Sequence[Any], units: Sequence[Any], travel_time_s: Any,
              catchment_units: Sequence[str | None] | None, *, method: str, mode: str, max_minutes: float,
              lang: str, seed: int = 0) -> dict[str, Any]:
    """One placement round on plain inputs: the planner's report (see ``build_report``) plus
    ``offers_csv`` and ``evaka_csv``, the two download texts.

    ``travel_time_s``: (children × units) seconds; ``max_minutes``: longest acceptable trip in minutes;
    ``method``: ``optimal`` or ``deferred-acceptance``."""
    if method not in METHODS:
        raise InputError.single("method", method, f"one of {', '.join(METHODS)}")
    if mode not in MODES:
        raise InputError.single("mode", mode, f"one of {', '.join(MODES)}")
    report = plan_offers(children, units, travel_time_s, catchment_units, method=method,
                         rules=rules_for(max_minutes, seed), lang=lang, mode=mode)
    return dict(report, offers_csv=offers_to_csv(report), evaka_csv=evaka_csv(report, children)
                if report.get("kind") == "preschool" else None, daycare_csv=daycare_offers_csv(report))


def place_from_dataset(dataset: Any, source: str | bytes, *, method: str, mode: str, max_minutes: float,
                       lang: str, seed: int = 0) -> dict[str, Any]:
    """Read the children CSV, take travel times and catchments from ``dataset`` and run the round."""
    children = read_children_strict(source, addresses=dataset.addresses)
    rules_for(max_minutes, seed)  # a bad trip limit is reported before the travel times are computed
    units = list(dataset.units)
    travel, catchment_units = travel_inputs(dataset, children, units, mode)
    return run_round(children, units, travel, catchment_units, method=method, mode=mode,
                     max_minutes=max_minutes, lang=lang, seed=seed)
