"""Glue between the Staff page and ``planner.placement`` (no Streamlit here, so it is unit-testable).

One placement round in memory: children CSV or eVaka's future-preschoolers report (text or bytes), the
dataset's units or eVaka's unit list → travel times and catchment units from the dataset
(``planner.placement.commands.travel_inputs``) → ``plan_round`` (kind, municipal preschool rules, sibling
rule, review decisions, method) → the report plus its download texts. Every reason,
table and file comes from the planner; nothing here writes to disk or logs, and the caller keeps the
result in ``st.session_state`` only.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from pages._workbench_core import unit_label as unit_name  # one demo-marking rule for all pages
from planner.errors import InputError
from planner.placement.commands import METHODS, read_round_inputs, rules_for, travel_inputs, walk_distances_m
from planner.placement.preschool import rule_set_for
from planner.placement.report import daycare_offers_csv, evaka_export, offers_to_csv
from planner.placement.review import ACCEPT_REASONS, REASONS, check_decision
from planner.placement.round import KINDS, RoundSettings, plan_round, round_start
from planner.placement.round_report import round_report_csv, round_report_html
from planner.placement.rules import SIBLING_RULES
from planner.progress import Progress

MODES: tuple[str, ...] = ("walk", "bike", "car", "transit")
EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "docs" / "examples"

__all__ = ["EXAMPLES_DIR", "KINDS", "METHODS", "MODES", "REASONS", "SIBLING_RULES", "example_files", "unit_name",
           "read_children_strict", "rule_municipalities", "run_round", "place_from_dataset"]
DECISIONS: tuple[str, ...] = ("accepted", "rejected", "pending")


def example_files(directory: Path | None = None, pattern: str = "children-*.csv") -> list[Path]:
    """The example files shipped in ``docs/examples`` matching ``pattern`` (children files by default;
    ``evaka-esiopetusoppilaat*.csv`` eVaka reports, ``evaka-esiopetusyksikot*.csv`` eVaka unit lists)."""
    directory = directory if directory is not None else EXAMPLES_DIR
    return sorted(directory.glob(pattern)) if directory.is_dir() else []


def read_children_strict(source: str | bytes, addresses: Any = None) -> list:
    """All children of the file, or ``InputError`` with every problem (row and column named)."""
    from planner.placement.children import read_children

    children, problems = read_children(source if isinstance(source, bytes) else str(source), addresses=addresses)
    if problems:
        raise InputError(problems)
    if not children:
        raise InputError.single("children", "", "a CSV with a header row and at least one child")
    return children


def rule_municipalities() -> list[str]:
    """Municipalities with their own preschool rule rows, then ``*`` (the general rule)."""
    from planner.placement.preschool import load_rule_sets

    names = sorted({r.municipality for r in load_rule_sets()} - {"*"})
    return ["*"] + names


def run_round(children: Sequence[Any], units: Sequence[Any], travel_time_s: Any,
              catchment_units: Sequence[str | None] | None, *, method: str, mode: str, max_minutes: float,
              lang: str, seed: int = 0, kind: str = "daycare", municipality: str | None = None,
              siblings: str = "soft", decisions: Sequence[dict] = (), walk_distance_m: Any = None,
              unit_names: dict[str, str] | None = None, progress: Any = None) -> dict[str, Any]:
    """One round on plain inputs: the planner's report (``plan_round``) plus the download texts
    ``offers_csv``, ``daycare_csv`` (daycare rounds) or ``evaka_csv`` (preschool rounds), ``report_csv``,
    ``report_html``, and ``evaka_problems`` (offers eVaka cannot read).

    ``travel_time_s``: (children × units) seconds; ``max_minutes``: longest acceptable trip in minutes;
    ``decisions``: dicts with child_id, unit_id, decision, reason (the review of the previous run)."""
    if method not in METHODS:
        raise InputError.single("method", method, f"one of {', '.join(METHODS)}")
    if mode not in MODES:
        raise InputError.single("mode", mode, f"one of {', '.join(MODES)}")
    rules_for(max_minutes, seed)  # names --max-minutes for a bad trip limit
    problems: list = []
    checked = [check_decision(d, "decision", problems) for d in decisions]
    if problems:
        raise InputError(problems)
    report = plan_round(children, units, travel_time_s, catchment_units,
                        RoundSettings(kind=kind, municipality=None if municipality in (None, "*") else municipality,
                                      method=method, sibling_rule=siblings, max_minutes=max_minutes, seed=seed,
                                      mode=mode, lang=lang),
                        decisions=[d for d in checked if d is not None], walk_distance_m=walk_distance_m,
                        progress=progress)
    names = unit_names or {}
    out = dict(report, offers_csv=offers_to_csv(report), evaka_csv=None, evaka_problems=[], daycare_csv=None,
               unit_names=dict(names),
               report_csv=round_report_csv(report, names), report_html=round_report_html(report, lang, names))
    if kind == "preschool":
        text, skipped = evaka_export(report, children)
        out.update(evaka_csv=text, evaka_problems=[p.to_dict() for p in skipped])
    else:
        out["daycare_csv"] = daycare_offers_csv(report)
    out.pop("review_problems", None)
    return out


def place_from_dataset(dataset: Any, source: str | bytes, *, method: str, mode: str, max_minutes: float,
                       lang: str, seed: int = 0, kind: str = "daycare", source_format: str = "children",
                       units_source: bytes | None = None, municipality: str | None = None, siblings: str = "soft",
                       decisions: Sequence[dict] = (), progress: Any = None) -> dict[str, Any]:
    """Read the children (project CSV or eVaka's report) and units (the dataset's or eVaka's unit list),
    take travel times and catchments from ``dataset`` and run the round. Bad rows of either file are
    ``InputError`` problems (nothing is placed until the files are clean). ``progress``
    (:class:`planner.progress.Progress`): stages reading → routing → solving → report; stops the round
    (``Cancelled``) between steps when it says so."""
    progress = progress or Progress()
    progress.stage("reading", 0.0, 0.1)
    rules_for(max_minutes, seed)  # a bad trip limit is reported before the travel times are computed
    source = source if isinstance(source, bytes) else str(source)
    children, units, problems = read_round_inputs(
        dataset, children=source if source_format == "children" else None,
        evaka_children=source if source_format == "evaka" else None, evaka_units=units_source)
    if problems:
        raise InputError(problems)
    progress.stage("routing", 0.1, 0.4)
    travel, catchment_units = travel_inputs(dataset, children, units, mode, progress=progress)
    walk = None
    if kind == "preschool":
        chosen = None if municipality in (None, "*") else municipality
        if rule_set_for(chosen, round_start(children)).transport_rule != "none":
            walk = walk_distances_m(dataset, children, units)
    return run_round(children, units, travel, catchment_units, method=method, mode=mode, max_minutes=max_minutes,
                     lang=lang, seed=seed, kind=kind, municipality=municipality, siblings=siblings,
                     decisions=decisions, walk_distance_m=walk, progress=progress,
                     unit_names={u.unit_id: getattr(u, "name", "") for u in units})
