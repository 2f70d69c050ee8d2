"""Test fixture (not a page of the app): one deterministic slow run through ``pages/longrun.py``.

The work first spends SOLVER_S seconds in a step that cannot be interrupted (like a HiGHS call), then
takes STEPS steps of STEP_S seconds (a minute in all), reporting each to its
``planner.progress.Progress``, which stops it with ``Cancelled`` when asked. The worker thread appends
what happened to the file named by $PLANNER_TEST_RUN_LOG: ``started``, ``cancelled <reason> <step>``
or ``finished``. Used by tests/browser/test_long_runs.py.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import streamlit as st  # noqa: E402

from pages import longrun  # noqa: E402
from planner.progress import Cancelled  # noqa: E402

STEPS = 600
STEP_S = 0.1
SOLVER_S = 3.0
LOG = Path(os.environ["PLANNER_TEST_RUN_LOG"])


def _log(line: str) -> None:
    with LOG.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def work(progress) -> str:
    progress.stage("solving", 0.0, 1.0)
    _log("started")
    time.sleep(SOLVER_S)   # no check in here: a Stop waits for it to end
    step = 0
    try:
        for step in range(1, STEPS + 1):
            time.sleep(STEP_S)
            progress.update(step, STEPS)
    except Cancelled as error:
        _log(f"cancelled {error.reason} {step}")
        raise
    _log("finished")
    return "finished"


if st.button("Start", key="start"):
    try:
        st.write(longrun.run(work, key="slow", lang="en", deadline_s=300))
    except Cancelled as error:
        st.write(error.text("en"))
if longrun.stopped("slow"):
    st.write("The run was stopped (flag).")
