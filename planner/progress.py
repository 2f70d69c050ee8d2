"""Progress and cooperative cancellation for long runs (site optimiser, placement rounds, big what-ifs).

A :class:`Progress` is handed to the work. The work says where it is (:meth:`Progress.stage`,
:meth:`Progress.update`) and, between steps, asks whether to go on (:meth:`Progress.check`): it raises
:class:`Cancelled` once someone called :meth:`Progress.cancel` (the page's Stop button, the browser
session ending) or the run's deadline passed. Solver calls that cannot be interrupted from outside
(HiGHS through ``scipy.optimize.milp``) get a time limit of at most what is left
(:meth:`Progress.time_limit_s`), so even they end by the deadline; with ``isolate_solvers`` the big ones
run in a child process that a stop kills at once (:mod:`planner.solver`).

Thread-safe: the work runs in one thread, another reads :meth:`Progress.snapshot` and may cancel.
Plain Python (no Streamlit); the command line runs without one (``Progress()`` never stops anything).
"""
from __future__ import annotations

import math
import threading
import time
from typing import Callable

from planner.errors import PlannerError
from planner.i18n import translate

REASONS = ("stopped", "session_ended", "deadline")
# Shortest time limit handed to a solver: HiGHS needs a moment to return its best answer so far.
MIN_SOLVER_LIMIT_S = 1.0


class Cancelled(PlannerError):
    """The run was stopped before it finished: ``reason`` is one of :data:`REASONS`. Nothing of a
    cancelled run is a result."""

    def __init__(self, reason: str, stage: str | None = None, limit_s: float | None = None):
        self.reason = reason if reason in REASONS else "stopped"
        self.stage = stage
        self.limit_s = limit_s
        super().__init__(self.text("en"))

    def text(self, lang: str) -> str:
        """One sentence in ``lang`` saying why the run stopped and what to do."""
        minutes = "" if self.limit_s is None else f"{self.limit_s / 60:g}"
        return translate(f"progress.cancelled.{self.reason}", lang, minutes=minutes)


class Progress:
    """How far a run is (0..1 and a stage name) and whether it should stop.

    ``deadline_s``: seconds from now after which :meth:`check` raises ``Cancelled("deadline")`` (None:
    no deadline). ``on_update(fraction, stage)`` is called from the working thread on every change.
    ``clock``: monotonic seconds (tests pass a fake). ``isolate_solvers``: big MILPs run in a child
    process that a stop kills at once (:mod:`planner.solver`; the pages ask for it, the CLI does not)."""

    def __init__(self, *, deadline_s: float | None = None,
                 on_update: Callable[[float, str], None] | None = None,
                 clock: Callable[[], float] = time.monotonic, isolate_solvers: bool = False):
        if deadline_s is not None and not (isinstance(deadline_s, (int, float)) and deadline_s > 0):
            raise ValueError(f"deadline_s must be a positive number of seconds, got {deadline_s!r}")
        self._clock = clock
        self.isolate_solvers = bool(isolate_solvers)
        self._limit_s = None if deadline_s is None else float(deadline_s)
        self._deadline = None if deadline_s is None else clock() + float(deadline_s)
        self._on_update = on_update
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._reason = "stopped"
        self._fraction = 0.0
        self._stage = ""
        self._span = (0.0, 1.0)
        self.checks = 0   # how often the work asked (tests use it to prove the work checks between steps)

    # ------------------------------------------------------------------ controller side (any thread)
    def cancel(self, reason: str = "stopped") -> None:
        """Ask the work to stop at its next :meth:`check` (the first reason given is kept)."""
        with self._lock:
            if not self._stop.is_set():
                self._reason = reason if reason in REASONS else "stopped"
                self._stop.set()

    @property
    def cancelled(self) -> bool:
        """True once :meth:`cancel` was called or the deadline passed."""
        return self._stop.is_set() or self._past_deadline()

    def snapshot(self) -> tuple[float, str]:
        """``(fraction done 0..1, stage name)`` as last reported by the work."""
        with self._lock:
            return self._fraction, self._stage

    # ------------------------------------------------------------------ work side
    def check(self) -> None:
        """Raise :class:`Cancelled` when the run should stop; call it between steps."""
        self.checks += 1
        if self._stop.is_set():
            raise Cancelled(self._reason, self._stage, self._limit_s)
        if self._past_deadline():
            self.cancel("deadline")
            raise Cancelled("deadline", self._stage, self._limit_s)

    def stage(self, name: str, start: float, end: float) -> None:
        """Enter stage ``name`` covering fractions ``start..end`` of the whole run; checks first."""
        self.check()
        with self._lock:
            self._stage = name
            self._span = (float(start), float(end))
            self._fraction = max(self._fraction, float(start))
        self._notify()

    def update(self, done: float, total: float) -> None:
        """``done`` of ``total`` steps of the current stage are finished; checks afterwards."""
        with self._lock:
            start, end = self._span
            share = 1.0 if total <= 0 else min(max(done / total, 0.0), 1.0)
            self._fraction = max(self._fraction, start + (end - start) * share)
        self._notify()
        self.check()

    def time_limit_s(self, limit_s: float | None) -> float | None:
        """The time limit for an uninterruptible solver call: ``limit_s`` (None = none) but at most the
        time left before the deadline (and at least :data:`MIN_SOLVER_LIMIT_S`); checks first."""
        self.check()
        if self._deadline is None:
            return limit_s
        left = max(self._deadline - self._clock(), MIN_SOLVER_LIMIT_S)
        return left if limit_s is None or not math.isfinite(limit_s) else min(float(limit_s), left)

    def _past_deadline(self) -> bool:
        return self._deadline is not None and self._clock() >= self._deadline

    def _notify(self) -> None:
        if self._on_update is not None:
            fraction, stage = self.snapshot()
            self._on_update(fraction, stage)


def steps(progress: Progress | None, items, total: int | None = None):
    """Yield ``items`` calling ``progress.update(i, total)`` after each (a no-op without ``progress``)."""
    total = len(items) if total is None else total
    for done, item in enumerate(items, start=1):
        yield item
        if progress is not None:
            progress.update(done, total)
