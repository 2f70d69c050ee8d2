"""The review loop of a round: staff accept or reject each offer with a reason code; a re-run keeps the
accepted offers fixed, never repeats a rejected offer, and explains what changed.

Decisions file (CSV, ``;`` or ``,``): ``child_id;unit_id;decision;reason`` with ``decision`` one of
``accepted``, ``rejected``, ``pending`` (or empty) and ``reason`` one of :data:`REASONS` (required for a
rejection). ``child_id`` is the id the round shows (a masked identity code for codes). A rejection with
``family_declined`` takes the child out of the re-run (the family does not want a place this round);
any other rejection only forbids that unit for that child. The file lists the previous offers, so the
re-run can say for each child what changed. Decisions live in memory (page session, one command run).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

from planner.errors import Problem
from planner.placement.children import _text_of, table_rows
from planner.placement.csvsafe import id_problem

DECISIONS: tuple[str, ...] = ("accepted", "rejected", "pending")
REASONS: tuple[str, ...] = ("family_accepted", "staff_confirmed", "family_declined", "other_unit_wanted",
                            "language", "special_support", "address_changed", "too_far", "siblings_apart",
                            "other")
ACCEPT_REASONS: tuple[str, ...] = ("family_accepted", "staff_confirmed", "other")


@dataclass(frozen=True)
class Decision:
    """One reviewed offer."""

    child_id: str
    unit_id: str
    decision: str = "pending"
    reason: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"child_id": self.child_id, "unit_id": self.unit_id, "decision": self.decision,
                "reason": self.reason}


def read_decisions(source: str | bytes | Path) -> tuple[list[Decision], list[Problem]]:
    """Decisions from CSV text, bytes or a path: ``(good rows, one problem per bad value)``."""
    text = _text_of(source, "decisions")
    header, rows, problems = table_rows(text, "decisions")
    missing = [c for c in ("child_id", "unit_id", "decision") if c not in header]
    if missing:
        return [], [Problem("decisions columns", ";".join(header)[:200],
                            "the columns child_id;unit_id;decision;reason")]
    out: list[Decision] = []
    for n, cells in rows:
        row = {h: (cells[k].strip() if k < len(cells) else "") for k, h in enumerate(header)}
        out_row = check_decision(row, f"decisions row {n}", problems)
        if out_row is not None:
            out.append(out_row)
    return out, problems


def check_decision(row: dict[str, Any], where: str, problems: list[Problem]) -> Decision | None:
    """One decision row checked (ids, decision, reason code); None and problems when bad."""
    before = len(problems)
    child_id, unit_id = str(row.get("child_id", "")), str(row.get("unit_id", ""))
    decision = str(row.get("decision", "") or "pending").lower()
    reason = str(row.get("reason", "") or "")
    for column, value in (("child_id", child_id), ("unit_id", unit_id)):
        if id_problem(value):
            problems.append(Problem(f"{where} {column}", value[:80], id_problem(value)))
    if decision not in DECISIONS:
        problems.append(Problem(f"{where} decision", decision[:40], "accepted, rejected or pending"))
    elif decision == "rejected" and reason not in REASONS:
        problems.append(Problem(f"{where} reason", reason[:40], f"a reason code: {', '.join(REASONS)}"))
    elif decision == "accepted" and reason and reason not in ACCEPT_REASONS:
        problems.append(Problem(f"{where} reason", reason[:40], f"empty or one of {', '.join(ACCEPT_REASONS)}"))
    if len(problems) > before:
        return None
    return Decision(child_id, unit_id, decision, reason)


def apply_decisions(children: Sequence[Any], units: Sequence[Any], decisions: Iterable[Decision]
                    ) -> tuple[list[str | None], np.ndarray, set[str], list[Problem]]:
    """``(fixed unit id per child, rejected pairs mask, children who declined, problems)``.

    Decisions for children or units not in the round are problems (the row is skipped); a child with two
    accepted offers keeps the first."""
    index = {c.child_id: i for i, c in enumerate(children)}
    unit_index = {u.unit_id: j for j, u in enumerate(units)}
    fixed: list[str | None] = [None] * len(children)
    rejected = np.zeros((len(children), len(units)), dtype=bool)
    declined: set[str] = set()
    problems: list[Problem] = []
    for d in decisions:
        if d.child_id not in index:
            problems.append(Problem("decisions child_id", d.child_id, "a child of this round"))
            continue
        if d.unit_id not in unit_index:
            problems.append(Problem("decisions unit_id", d.unit_id, "a unit of this round"))
            continue
        i, j = index[d.child_id], unit_index[d.unit_id]
        if d.decision == "accepted":
            if fixed[i] is None:
                fixed[i] = d.unit_id
            else:
                problems.append(Problem("decisions child_id", d.child_id, "at most one accepted offer per child"))
        elif d.decision == "rejected":
            rejected[i, j] = True
            if d.reason == "family_declined":
                declined.add(d.child_id)
    return fixed, rejected, declined, problems


def explain_changes(decisions: Sequence[Decision], offers: Sequence[dict], unplaced: Sequence[dict]
                    ) -> list[dict[str, Any]]:
    """Per child of the previous round: ``kept`` (accepted, fixed), ``same`` (pending, same unit again),
    ``moved`` (a new unit: after a rejection, or re-optimised), ``new`` (no previous offer), ``lost``
    (no offer now), ``declined``; with the previous and the new unit and the rejection reason."""
    before = {d.child_id: d for d in decisions}
    now = {o["child_id"]: o["unit_id"] for o in offers}
    rows = []
    for child_id in sorted(set(before) | set(now)):
        d = before.get(child_id)
        after = now.get(child_id)
        if d is None:
            change = "new"
        elif d.decision == "rejected" and d.reason == "family_declined":
            change = "declined"
        elif d.decision == "accepted":
            change = "kept"
        elif after is None:
            change = "lost"
        elif after == d.unit_id:
            change = "same"
        else:
            change = "moved"
        rows.append({"child_id": child_id, "before": d.unit_id if d else None, "after": after, "change": change,
                     "decision": d.decision if d else None, "reason": d.reason if d else None})
    return [r for r in rows if r["child_id"] in now or r["before"] is not None or r["child_id"] in
            {u["child_id"] for u in unplaced}]
