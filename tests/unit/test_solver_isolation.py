"""planner.solver: a big MILP of a page's run goes to a child process that a stop kills at once; the
command line and small models call scipy directly. The slow fixture is ``time.sleep(60)`` in the child
(deterministic); the bound below is generous and only says "killed, not waited for"."""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint

from planner import solver
from planner.progress import Cancelled, Progress

KILLED_WITHIN_S = 20.0


def _knapsack():
    # max 5a + 4b + 3c with 2a + 3b + c <= 5, binaries: {a,b} weighs 5 and gives 9 ({a,c}: 8, {b,c}: 7;
    # all three weigh 6) -> a = b = 1, c = 0, worked by hand
    return np.array([-5.0, -4.0, -3.0]), dict(constraints=LinearConstraint(np.array([[2.0, 3.0, 1.0]]), -np.inf, 5.0),
                                              integrality=np.ones(3), bounds=Bounds(0, 1))


def _recording_popen(monkeypatch) -> list:
    started = []
    real = solver.subprocess.Popen

    def popen(*args, **kwargs):
        process = real(*args, **kwargs)
        started.append(process)
        return process

    monkeypatch.setattr(solver.subprocess, "Popen", popen)
    return started


def test_an_isolated_milp_gives_the_hand_worked_answer(monkeypatch):
    started = _recording_popen(monkeypatch)
    monkeypatch.setattr(solver, "ISOLATE_MIN_VARS", 0)
    c, kwargs = _knapsack()
    result = solver.milp(c, progress=Progress(isolate_solvers=True), **kwargs)
    assert len(started) == 1 and started[0].returncode == 0
    assert np.allclose(result.x, [1, 1, 0]) and result.fun == pytest.approx(-9.0)


def test_the_command_line_and_small_models_solve_in_this_process(monkeypatch):
    started = _recording_popen(monkeypatch)
    c, kwargs = _knapsack()
    for progress in (None, Progress(), Progress(isolate_solvers=True)):   # the last: 3 variables < the minimum
        assert solver.milp(c, progress=progress, **kwargs).fun == pytest.approx(-9.0)
    assert started == []


def test_a_stop_kills_the_child_instead_of_waiting_for_it(monkeypatch):
    started = _recording_popen(monkeypatch)
    progress = Progress(isolate_solvers=True)
    timer = threading.Timer(0.5, progress.cancel, args=("session_ended",))
    began = time.monotonic()
    timer.start()
    with pytest.raises(Cancelled) as caught:
        solver.run_isolated("time:sleep", (60,), {}, progress)   # a solver call that would take a minute
    assert caught.value.reason == "session_ended"
    assert time.monotonic() - began < KILLED_WITHIN_S
    assert len(started) == 1 and started[0].poll() is not None   # the child is gone, not left running


def test_the_childs_error_is_raised_here():
    with pytest.raises(ValueError):
        solver.run_isolated("math:sqrt", (-1.0,), {}, Progress())
