"""Solver calls a Stop can end: HiGHS (``scipy.optimize.milp``) in a child process when asked.

scipy's HiGHS cannot be interrupted from outside: a call runs to its own time limit. When a run's
:class:`~planner.progress.Progress` has ``isolate_solvers`` set (the pages' long runs do; the command
line does not) and the model has at least :data:`ISOLATE_MIN_VARS` variables, :func:`milp` solves it in
a child process and, while it waits, checks the Progress every :data:`POLL_S` seconds: on a Stop, the
session's end or the deadline the child is killed at once and ``Cancelled`` raised. Smaller models
(well under a second) and command-line runs call scipy directly, as before.

The child is a fresh Python (``sys.executable -c``) that imports only scipy: it gets the model's numbers
on stdin and answers on stdout (nothing on disk, no names or ids, no fork of the threaded server).
"""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from typing import Any

import numpy as np

from planner.errors import DataError

# Such a model takes seconds; a child costs ~1 s to start (Python + scipy). $PLANNER_ISOLATE_MIN_VARS
# overrides it (e.g. a huge number turns the child off; benchmarks/abandon.py compares both).
ISOLATE_MIN_VARS = int(os.environ.get("PLANNER_ISOLATE_MIN_VARS", "10000"))
POLL_S = 0.2                # how often the waiting parent checks the Progress
KILL_WAIT_S = 5.0


# What the child runs: read (target, args, kwargs) pickled on stdin, call it, write ("ok", result) or
# ("error", exception) pickled on stdout. It imports only the target's module (never the parent's script).
_CHILD = """
import importlib, pickle, sys
target, args, kwargs = pickle.load(sys.stdin.buffer)
try:
    module, name = target.split(":")
    answer = ("ok", getattr(importlib.import_module(module), name)(*args, **kwargs))
except BaseException as error:
    answer = ("error", error)
try:
    data = pickle.dumps(answer)
except Exception:
    data = pickle.dumps(("error", RuntimeError(type(answer[1]).__name__)))
sys.stdout.buffer.write(data)
sys.stdout.buffer.flush()
"""


def run_isolated(target: str, args: tuple, kwargs: dict, progress: Any) -> Any:
    """``module:function(*args, **kwargs)`` in a child Python process, killed as soon as ``progress`` says
    stop (``Cancelled`` then). The child's exception is raised here; a child that dies (out of memory)
    is a ``DataError``. Nothing is written to disk: the data goes through the child's stdin/stdout."""
    progress.check()
    payload = pickle.dumps((target, args, kwargs))
    process = subprocess.Popen([sys.executable, "-c", _CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
    answer: dict[str, Any] = {}

    def talk() -> None:   # writes the model and reads the answer without filling a pipe
        try:
            answer["out"], _ = process.communicate(payload)
        except Exception as error:  # noqa: BLE001 - the child was killed while we wrote
            answer["failed"] = error

    talker = threading.Thread(target=talk, name="planner-solver-pipe", daemon=True)
    talker.start()
    try:
        while talker.is_alive():
            talker.join(POLL_S)
            progress.check()          # Cancelled: the finally below kills the child
    finally:
        if process.poll() is None:
            process.kill()
        talker.join(KILL_WAIT_S)
    out = answer.get("out")
    if process.returncode != 0 or not out:
        raise DataError(f"the solver process ended without an answer (exit {process.returncode}; out of memory?)")
    status, result = pickle.loads(out)
    if status == "error":
        raise result
    return result


def milp(c: Any, *, progress: Any = None, **kwargs: Any) -> Any:
    """``scipy.optimize.milp(c, **kwargs)``; in a child process that a Stop kills when ``progress`` asks
    for it (``progress.isolate_solvers``) and the model is big enough (see the module docstring)."""
    if progress is None or not getattr(progress, "isolate_solvers", False) or np.size(c) < ISOLATE_MIN_VARS:
        from scipy.optimize import milp as scipy_milp

        return scipy_milp(c, **kwargs)
    return run_isolated("scipy.optimize:milp", (c,), kwargs, progress)
