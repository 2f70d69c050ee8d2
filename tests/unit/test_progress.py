"""planner.progress: cancelling, deadlines and solver time limits; the solvers and the routing check it
between steps (hand-made: a fake clock, a compute function that counts its calls, a recording milp)."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from planner.i18n import LANGUAGES
from planner.progress import MIN_SOLVER_LIMIT_S, REASONS, Cancelled, Progress

sys.path.insert(0, str(Path(__file__).parent / "placement"))
from placement_helpers import random_instance  # noqa: E402


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_cancel_stops_at_the_next_check_and_keeps_the_first_reason():
    progress = Progress()
    progress.check()
    progress.cancel("session_ended")
    progress.cancel("stopped")
    with pytest.raises(Cancelled) as caught:
        progress.check()
    assert caught.value.reason == "session_ended" and progress.cancelled


def test_stages_map_steps_onto_the_whole_run():
    seen = []
    progress = Progress(on_update=lambda fraction, stage: seen.append((round(fraction, 3), stage)))
    progress.stage("routing", 0.0, 0.7)
    progress.update(1, 2)
    progress.stage("solving", 0.7, 1.0)
    progress.update(1, 3)
    fraction, stage = progress.snapshot()
    assert fraction == pytest.approx(0.8) and stage == "solving"
    assert seen == [(0.0, "routing"), (0.35, "routing"), (0.7, "solving"), (0.8, "solving")]


def test_the_deadline_stops_the_work_and_caps_solver_time_limits():
    clock = Clock()
    progress = Progress(deadline_s=300, clock=clock)
    assert progress.time_limit_s(120.0) == 120.0          # plenty left: the solver's own limit
    assert progress.time_limit_s(None) == 300.0           # no limit of its own: what is left
    clock.now += 250
    assert progress.time_limit_s(120.0) == 50.0
    clock.now += 49.9
    assert progress.time_limit_s(120.0) == MIN_SOLVER_LIMIT_S
    clock.now += 0.1
    with pytest.raises(Cancelled) as caught:
        progress.check()
    assert caught.value.reason == "deadline" and caught.value.limit_s == 300


def test_without_a_deadline_limits_pass_through():
    assert Progress().time_limit_s(None) is None and Progress().time_limit_s(7.0) == 7.0
    with pytest.raises(ValueError):
        Progress(deadline_s=0)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_reason_has_a_sentence(lang):
    texts = {Cancelled(reason, limit_s=300).text(lang) for reason in REASONS}
    assert len(texts) == len(REASONS) and all(texts)
    assert "5" in Cancelled("deadline", limit_s=300).text(lang)


def test_routing_stops_between_blocks_and_keeps_the_blocks_done():
    from planner.siting.scenario import ROUTE_BLOCK, TravelTimes
    from planner.units import Unit

    progress = Progress()
    calls = []

    def compute(points, locations):
        calls.append(len(locations))
        progress.cancel("stopped")                       # the user presses Stop during the first block
        return np.ones((len(points), len(locations)))

    times = TravelTimes(np.array([[60.17, 24.94], [60.18, 24.95]]), compute)
    units = [Unit(unit_id=f"u{i}", name="", lat=60.1 + i * 1e-4, lon=24.9) for i in range(3 * ROUTE_BLOCK)]
    with pytest.raises(Cancelled):
        times.matrix(units, progress=progress)
    assert calls == [ROUTE_BLOCK]                         # the other two blocks were never routed
    assert times.matrix(units[:ROUTE_BLOCK]).shape == (2, ROUTE_BLOCK)   # the first block is kept


def _record_milp_time_limits(monkeypatch) -> list:
    """Wrap scipy's milp so each call's ``time_limit`` option is recorded (the list returned)."""
    import scipy.optimize

    seen: list = []
    real = scipy.optimize.milp

    def recording_milp(*args, options=None, **kwargs):
        seen.append((options or {}).get("time_limit"))
        return real(*args, options=options, **kwargs)

    monkeypatch.setattr(scipy.optimize, "milp", recording_milp)
    return seen


def test_site_solver_time_limit_is_capped_by_the_deadline(monkeypatch):
    import planner.siting.optimiser as optimiser

    seen = _record_milp_time_limits(monkeypatch)
    clock = Clock()
    cost = np.array([[60.0, 300.0, 900.0], [900.0, 300.0, 60.0]])
    model = optimiser.SiteModel.from_cost_matrix(cost, [100, 10], [50], [200, 200], 1, "coverage", max_s=600)
    model.solve(progress=Progress(deadline_s=42, clock=clock), time_limit_s=120)
    assert seen and all(limit == 42 for limit in seen)
    with pytest.raises(Cancelled):
        model.solve(progress=_cancelled())


def _cancelled() -> Progress:
    progress = Progress()
    progress.cancel("session_ended")
    return progress


@pytest.mark.parametrize("method", ["optimal", "deferred-acceptance", "stable"])
def test_a_cancelled_round_raises_and_a_deadline_caps_the_milp(method, monkeypatch):
    from planner.placement.round import RoundSettings, plan_round

    children, units, travel, catchment = random_instance(3, 12, 3)
    with pytest.raises(Cancelled):
        plan_round(children, units, travel, catchment, RoundSettings(method=method), progress=_cancelled())
    seen = _record_milp_time_limits(monkeypatch)
    report = plan_round(children, units, travel, catchment, RoundSettings(method=method),
                        progress=Progress(deadline_s=30, clock=Clock()))
    assert report["offers"] or report["unplaced"]
    if method != "deferred-acceptance":
        assert seen and all(limit == 30 for limit in seen)   # the round's 120 s, capped at the 30 s left
