"""Real browser: a long run shows progress, stops on its Stop button and when the tab closes (issue 17).

A fixture page (tests/browser/slow_run_app.py) runs a deterministic one-minute job through the same
helper the Planner and Staff pages use (pages/longrun.py). The job logs each start and how it ended.
Bounds are generous (the job would run 60 s; we allow 30 s for the stop to arrive) and nothing is
timed against the machine's speed: the assertion is that the job was cancelled, with the right
reason, long before its last step.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.browser.conftest import ARGS, CHROMIUM, WAIT_MS, need_chromium, streamlit_app

pytestmark = pytest.mark.browser

STOP_WITHIN_S = 30.0
STEPS = 600   # tests/browser/slow_run_app.py: 600 steps of 0.1 s


def _wait_for_line(log: Path, prefix: str, count: int = 1) -> str:
    """The ``count``-th line of ``log`` starting with ``prefix``, waiting up to STOP_WITHIN_S."""
    end = time.monotonic() + STOP_WITHIN_S
    while time.monotonic() < end:
        lines = [line for line in (log.read_text().splitlines() if log.exists() else []) if line.startswith(prefix)]
        if len(lines) >= count:
            return lines[count - 1]
        time.sleep(0.1)
    raise AssertionError(f"no {prefix!r} line #{count} in {STOP_WITHIN_S} s; log: "
                         f"{log.read_text() if log.exists() else '(none)'}")


def test_a_long_run_stops_on_stop_and_when_the_session_ends(tmp_path):
    need_chromium()
    from playwright.sync_api import sync_playwright

    log = tmp_path / "run.log"
    with streamlit_app({"PLANNER_TEST_RUN_LOG": str(log)}, script="tests/browser/slow_run_app.py") as url, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(WAIT_MS)
            page.goto(url)
            # 1. the Stop button: the run ends as "stopped", the page says so; pressed during the step that
            #    cannot be interrupted, and Start pressed again at once: the new run waits for the old one
            page.get_by_role("button", name="Start").click()
            _wait_for_line(log, "started", 1)
            page.get_by_text("Solving (").first.wait_for()          # the bar with its stage and percent
            page.get_by_role("button", name="Stop").click()
            page.get_by_text("The run was stopped (flag).").wait_for()
            page.get_by_role("button", name="Start").click()
            _wait_for_line(log, "started", 2)
            lines = log.read_text().splitlines()
            assert lines[0] == "started" and lines[1].startswith("cancelled stopped") and lines[2] == "started", lines
            assert int(lines[1].split()[2]) < STEPS
            # 2. the tab closes mid-run: the session ends and so does the work
            page.get_by_text("Solving (").first.wait_for()
            page.close()
            _, reason, step = _wait_for_line(log, "cancelled", 2).split()   # after its uninterruptible step
            assert reason == "session_ended" and int(step) < STEPS
        finally:
            browser.close()
    assert "finished" not in log.read_text()
