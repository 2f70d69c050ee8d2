"""One entry point for choosing new sites on evaluation inputs: :func:`optimise_sites`.

Used by ``python -m planner site`` (:func:`planner.siting.commands.site_for_dataset`) and by the
Planner page, so both solve the same model on the same numbers: demand = expected coefficient-weighted
seats of :class:`~planner.siting.scenario.SitingInputs` (participation included), travel times from its
cache for one mode (public transport arrives by :func:`~planner.siting.scenario.default_arrival`),
capacities in seats (existing units: caretakers × 7 or ``capacity_seats``, unknown = the assumed
``planner.units.ASSUMED_SEATS_WHEN_UNKNOWN``;
candidates: their own capacity, else ``candidate_capacity``, else no limit).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Sequence

import numpy as np

from planner.errors import InputError, Problem, ProblemCollector
from planner.i18n import translate
from planner.progress import Progress
from planner.siting.candidates import Candidate
from planner.siting.occupancy import is_assumed_participation
from planner.siting.optimiser import OBJECTIVES, SiteModel, SiteResult
from planner.units import Unit


@dataclass(frozen=True)
class SiteOutcome:
    """The solved model and what a reader needs to show it.

    ``chosen``: one row per opened candidate in solver order: ``rank`` (1, 2 …), ``id``, ``lat``, ``lon``,
    ``capacity_seats`` (the capacity used; None = no limit) and ``assigned_seats`` (demand seats it serves).
    ``explanation``: the model's sentence plus, when so, "demand is estimated" and the participation used.
    """

    result: SiteResult
    candidates: tuple[Candidate, ...]
    existing_units: int
    chosen: tuple[dict[str, Any], ...]
    explanation: str
    demand_estimated: bool
    participation: tuple[float, float, float]
    participation_assumed: bool

    @property
    def before(self) -> dict[str, float]:
        return self.result.before

    @property
    def after(self) -> dict[str, float]:
        return self.result.after

    @property
    def status(self) -> str:
        return self.result.status

    @property
    def model(self) -> str:
        return str(self.result.details.get("model", ""))


def optimise_sites(inputs: Any, units: Sequence[Unit], candidates: Sequence[Candidate], *, k: int,
                   objective: str = "p-median", mode: str = "walk", max_minutes: float = 10.0,
                   candidate_capacity: float | None = None, lang: str = "en", field: str = "candidates",
                   k_field: str = "k", minutes_field: str = "max_minutes",
                   progress: Progress | None = None, time_limit_s: float | None = None) -> SiteOutcome:
    """Choose ``k`` of ``candidates`` keeping every unit of ``units``, on ``inputs.times[mode]``.

    ``candidate_capacity`` (seats) applies to candidates without their own; None or 0 = no limit.
    ``InputError`` names ``k_field``, ``minutes_field``, ``objective``, ``candidate_capacity`` or
    ``<field> <candidate id>`` (outside the network); ``InfeasibleError`` explains an impossible target
    with its numbers. ``progress`` (:class:`planner.progress.Progress`) hears of the routing (one block of
    candidate locations at a time) and the solving, and stops the run (``Cancelled``) when it says so;
    ``time_limit_s`` caps each solver call (None: none, the command line's default).
    """
    progress = progress or Progress()
    problems = ProblemCollector()
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 0:
        problems.add_keyed(k_field, k, "problems.siting.add")
    if isinstance(max_minutes, bool) or not isinstance(max_minutes, (int, float)) \
            or not math.isfinite(max_minutes) or max_minutes <= 0:
        problems.add_keyed(minutes_field, max_minutes, "problems.siting.minutes")
    if objective not in OBJECTIVES:
        problems.add_keyed("objective", objective, "problems.one_of", options=", ".join(OBJECTIVES))
    if mode not in inputs.times:
        problems.add_keyed("mode", mode, "problems.siting.mode_prepared", modes=", ".join(sorted(inputs.times)))
    default = 0.0 if candidate_capacity is None else candidate_capacity
    if isinstance(default, bool) or not isinstance(default, (int, float)) or not math.isfinite(default) \
            or default < 0:
        problems.add_keyed("candidate_capacity", candidate_capacity, "problems.number_nonnegative")
    if not candidates:
        problems.add_keyed(field, 0, "problems.candidates.none")
    problems.raise_if_any()
    times = inputs.times[mode]
    outside = times.outside([(c.lat, c.lon) for c in candidates])
    if outside.any():
        raise InputError([Problem.keyed(f"{field} {c.candidate_id}", f"{c.lat}, {c.lon}",
                                        "problems.candidates.outside")
                          for c, out in zip(candidates, outside) if out])
    progress.stage("routing", 0.0, 0.7)
    cost = times.matrix(list(units) + list(candidates), progress=progress)
    # unknown capacity: the one rule (planner.units.ASSUMED_SEATS_WHEN_UNKNOWN), never "no limit"
    existing = np.array([getattr(u, "planning_seats", u.seats) for u in units], dtype=float)
    fallback = float(default) if default else np.inf
    capacity = np.array([c.capacity_seats if c.capacity_seats is not None else fallback for c in candidates],
                        dtype=float)
    model = SiteModel.from_cost_matrix(cost, inputs.seats, existing, capacity, int(k), objective,
                                       max_s=float(max_minutes) * 60.0)
    progress.stage("solving", 0.7, 1.0)
    result = model.solve(lang=lang, progress=progress, time_limit_s=time_limit_s)
    progress.check()   # stopped during the last solver call: no result
    served = np.asarray(result.assignment.sum(axis=0)).ravel()
    chosen = []
    for rank, j in enumerate(result.chosen, start=1):
        c = candidates[j]
        chosen.append({"rank": rank, "id": c.candidate_id, "lat": c.lat, "lon": c.lon,
                       "capacity_seats": float(capacity[j]) if math.isfinite(capacity[j]) else None,
                       "assigned_seats": float(served[len(units) + j])})
    rates = tuple(inputs.participation)
    assumed = is_assumed_participation(rates)
    explanation = result.explanation
    if inputs.estimated:
        explanation += " " + translate("siting.demand.estimated", lang)
    explanation += " " + participation_text(rates, assumed, lang)
    return SiteOutcome(result=result, candidates=tuple(candidates), existing_units=len(units),
                       chosen=tuple(chosen), explanation=explanation, demand_estimated=bool(inputs.estimated),
                       participation=rates, participation_assumed=assumed)


def participation_text(participation: Sequence[float], assumed: bool, lang: str = "en") -> str:
    """One sentence stating the participation shares behind the expected demand (as whole %)."""
    p0, p1, p2 = (_percent_text(share) for share in participation)
    key = "siting.participation.assumed" if assumed else "siting.participation.given"
    return translate(key, lang, p0=p0, p1=p1, p2=p2)


def _percent_text(share: float) -> str:
    """0.39 → "39", 0.905 → "90.5" (at most one decimal, half-up)."""
    value = (Decimal(repr(float(share))) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value:f}".rstrip("0").rstrip(".")
