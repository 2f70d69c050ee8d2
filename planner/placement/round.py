"""One whole offer round on plain inputs: kind (daycare / preschool), the municipality's preschool rule
set, the sibling rule, the review decisions, the method, and the full report (used by the command and
the Staff page alike).

Daycare rounds keep the project's placement rules (``PlacementRules``: coefficient-weighted seats,
catchment, siblings, current unit, travel). Preschool rounds take the dated rule set of the municipality
(:mod:`planner.placement.preschool`): its own-area rule, transport rule and trip limit; a preschool place
is one place per child (seat weight 1, no part-time or under-3 factor).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Sequence

import numpy as np

from planner.errors import InputError, Problem
from planner.placement.assign import solve_optimal
from planner.placement.deferred import solve_deferred
from planner.placement.preschool import apply_rule_set, rule_set_for, transport_mask
from planner.placement.report import build_report
from planner.placement.review import Decision, apply_decisions, explain_changes
from planner.placement.rules import HARD_RULES, PlacementProblem, PlacementRules, SIBLING_RULES, language_ok
from planner.placement.stability import solve_deferred_agents, solve_stable, stability_figures
from planner.progress import Progress

KINDS: tuple[str, ...] = ("daycare", "preschool")
METHODS: tuple[str, ...] = ("optimal", "deferred-acceptance", "stable")


@dataclass(frozen=True)
class RoundSettings:
    """What staff choose for a round. ``max_minutes`` None: the rule set's limit (preschool) or 60."""

    kind: str = "daycare"
    municipality: str | None = None
    method: str | None = None
    sibling_rule: str = "soft"
    max_minutes: float | None = None
    seed: int = 0
    mode: str = "walk"
    lang: str = "en"
    time_limit_s: float | None = 120.0   # per solver call of the MILP; the status says when it was reached

    def check(self) -> None:
        problems = []
        if self.kind not in KINDS:
            problems.append(Problem("kind", self.kind, "daycare or preschool"))
        if self.method is not None and self.method not in METHODS:
            problems.append(Problem("method", self.method, f"one of {', '.join(METHODS)}"))
        if self.sibling_rule not in SIBLING_RULES:
            problems.append(Problem("siblings", self.sibling_rule, "soft, hard or off"))
        if self.max_minutes is not None and not (0 < float(self.max_minutes) < float("inf")):
            problems.append(Problem("max_minutes", self.max_minutes, "minutes above 0, e.g. 60"))
        if problems:
            raise InputError(problems)


def round_start(children: Sequence[Any], on: date | None = None) -> date:
    """The day the round's rules are taken for: ``on``, else the earliest start date of the children."""
    if on is not None:
        return on
    return min((c.start_date for c in children), default=date.today())


def own_area_units(catchment_units: Sequence[str | None] | None, units: Sequence[Any], travel: np.ndarray
                   ) -> list[str | None] | None:
    """The catchment unit ids, with an id that is not a unit of this round (e.g. the dataset's area unit
    when the units come from eVaka's list) replaced by the child's nearest unit by travel time – the
    same rule as the dataset's derived network-Voronoi areas. ``None`` (no area) stays ``None``."""
    if catchment_units is None:
        return None
    ids = [u.unit_id for u in units]
    known = set(ids)
    out: list[str | None] = []
    for i, area in enumerate(catchment_units):
        if area is None or area in known:
            out.append(area)
        elif len(ids) and np.isfinite(travel[i]).any():
            out.append(ids[int(np.argmin(travel[i]))])
        else:
            out.append(None)
    return out


def plan_round(children: Sequence[Any], units: Sequence[Any], travel_time_s: Any,
               catchment_units: Sequence[str | None] | None, settings: RoundSettings = RoundSettings(), *,
               decisions: Sequence[Decision] = (), walk_distance_m: Any = None, on: date | None = None,
               progress: Progress | None = None) -> dict[str, Any]:
    """The round's report (``build_report`` plus ``kind``, ``rule_set``, ``sibling_rule``, ``stability``,
    ``review`` and ``changes``). ``walk_distance_m`` (children × units metres) is needed by transport rules.
    ``progress`` (:class:`planner.progress.Progress`) hears of the stages and stops the round (``Cancelled``)
    between steps when it says so; every solver call's time limit is at most the time it has left."""
    settings.check()
    progress = progress or Progress()
    children = list(children)
    units = list(units)
    n, m = len(children), len(units)
    travel = np.asarray(travel_time_s, dtype=float).reshape(n, m) if n * m else np.zeros((n, m))
    walk = None if walk_distance_m is None else np.asarray(walk_distance_m, dtype=float).reshape(n, m)
    catchment_units = own_area_units(catchment_units, units, travel)
    fixed, rejected, declined, problems = apply_decisions(children, units, decisions)
    if declined:  # the family said no: the child leaves this round
        keep = [i for i, c in enumerate(children) if c.child_id not in declined]
        children = [children[i] for i in keep]
        travel, rejected = travel[keep], rejected[keep]
        walk = walk[keep] if walk is not None else None
        fixed = [fixed[i] for i in keep]
        catchment_units = [catchment_units[i] for i in keep] if catchment_units is not None else None
    rule_set = None
    forbidden: dict[str, np.ndarray] = {"rejected": rejected}
    minutes = settings.max_minutes
    base = PlacementRules(seed=int(settings.seed), sibling_rule=settings.sibling_rule)
    if settings.kind == "preschool":
        rule_set = rule_set_for(settings.municipality, round_start(children, on))
        minutes = minutes if minutes is not None else rule_set.max_travel_minutes
        base = replace(base, under_three_weight=1.0, part_time_weight=1.0)
        rules = replace(base, max_travel_time_s=float(minutes) * 60.0)
        catchment_units, extra = apply_rule_set(
            rule_set, children, units, travel, catchment_units, walk,
            language_ok=lambda lang, langs: language_ok(lang, langs, rules))
        if "transport" in extra:
            first = PlacementProblem.from_cost_matrix(children, units, travel, catchment_units, rules,
                                                      forbidden=forbidden, fixed=fixed).first_failed
            other_ok = (first < 0) | (first >= HARD_RULES.index("transport"))
            forbidden["transport"] = transport_mask(extra["transport"], other_ok)
    else:
        rules = replace(base, max_travel_time_s=float(minutes if minutes is not None else 60.0) * 60.0)
    problem = PlacementProblem.from_cost_matrix(children, units, travel, catchment_units, rules,
                                                forbidden=forbidden, fixed=fixed)
    method = settings.method or ("deferred-acceptance" if any(c.preferences for c in children) else "optimal")
    progress.stage("solving", 0.4, 0.85)
    if method == "optimal":
        assignment = solve_optimal(problem, time_limit_s=settings.time_limit_s, progress=progress)
    elif method == "stable":
        assignment = solve_stable(problem, progress=progress)
    elif rules.sibling_rule == "hard":
        assignment = solve_deferred_agents(problem)
    else:
        assignment = solve_deferred(problem, progress=progress)
    progress.stage("checking", 0.85, 0.95)
    report = build_report(problem, assignment, lang=settings.lang, mode=settings.mode, kind=settings.kind)
    report["sibling_rule"] = rules.sibling_rule
    report["rule_set"] = rule_set.to_dict() if rule_set else None
    report["rules"] = {"max_minutes": rules.max_travel_time_s / 60.0, "seed": rules.seed}
    report["stability"] = stability_figures(problem, assignment.unit_of)
    progress.stage("report", 0.95, 1.0)
    decided = [d for d in decisions if d.decision in ("accepted", "rejected")]
    report["review"] = {
        "accepted": [d.to_dict() for d in decided if d.decision == "accepted"],
        "rejected": [d.to_dict() for d in decided if d.decision == "rejected"],
        "declined": sorted(declined)}
    report["changes"] = explain_changes(list(decisions), report["offers"], report["unplaced"]) if decisions else []
    report["review_problems"] = [p.to_dict() for p in problems]
    return report
