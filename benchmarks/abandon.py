"""Abandoned long runs: browser tabs start the Planner page's site search and close mid-solve.

Run: ``.venv/bin/python benchmarks/abandon.py [--tabs 3] [--window 20] [--compare]``. Starts
``streamlit run app.py`` on loopback (real default dataset), opens N Chromium tabs, starts in each the
site search over residential buildings (K = 3: a HiGHS solve of several seconds), waits until every
tab shows "Solving", then closes the tabs. Prints the server's CPU seconds (its own and its live
children's) in the ``--window`` seconds after the close — work left running after its session ended
would show as up to one CPU-second per second — and how many solver child processes are still alive.
``--compare`` runs it again with the solver child turned off (``PLANNER_ISOLATE_MIN_VARS`` huge): then a
solve already running can only end at its own time limit. Prints the load average (shared machine).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from planner.i18n import translate  # noqa: E402
from tests.browser.conftest import ARGS, CHROMIUM, streamlit_app  # noqa: E402


def _ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15])      # utime stime cutime cstime


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return out


def _cpu_s(pid: int) -> float:
    """CPU seconds of the server, its reaped children and its live children."""
    total = _ticks(pid)
    for child in _children(pid):
        try:
            total += _ticks(child)
        except OSError:
            pass
    return total / os.sysconf("SC_CLK_TCK")


def _server_pid(port: int) -> int:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"streamlit" in b" ".join(command[:2]) and str(port).encode() in command:
                return int(entry.name)
    raise SystemExit("server process not found")


def run(tabs: int, window_s: float, env: dict[str, str]) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    text = {k: translate(k, "fi") for k in ("app_planner.tab.optimiser", "app_planner.opt.source_name.buildings",
                                             "app_planner.opt.k", "app_planner.opt.run", "progress.stop")}
    solving = translate("progress.stage.solving", "fi")
    with streamlit_app(env) as url, sync_playwright() as playwright:
        pid = _server_pid(int(url.rsplit(":", 1)[1]))
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        pages = []
        warm = browser.new_page()
        warm.goto(url)                       # the first request of a fresh server goes to the default page
        warm.get_by_role("heading").first.wait_for(timeout=120_000)
        warm.close()
        for _ in range(tabs):
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(180_000)
            page.goto(url + "/planner")
            page.get_by_role("tab", name=text["app_planner.tab.optimiser"]).click()
            page.get_by_text(text["app_planner.opt.source_name.buildings"]).click()
            k = page.get_by_label(text["app_planner.opt.k"])
            k.fill("3")
            k.press("Enter")
            time.sleep(1.0)
            page.get_by_role("button", name=text["app_planner.opt.run"]).click()
            pages.append(page)
        for page in pages:
            page.get_by_text(solving).first.wait_for()
        time.sleep(1.0)
        for page in pages:
            page.close()
        closed_cpu, closed_at = _cpu_s(pid), time.monotonic()
        time.sleep(5.0)
        solvers_5s = sum(1 for child in _children(pid)
                         if b"-c" in Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0"))
        time.sleep(max(window_s - 5.0, 0.0))
        cpu = _cpu_s(pid) - closed_cpu
        elapsed = time.monotonic() - closed_at
        browser.close()
    return {"cpu_s": cpu, "window_s": elapsed, "solver_children_after_5s": solvers_5s}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tabs", type=int, default=3)
    parser.add_argument("--window", type=float, default=20.0, help="seconds measured after the tabs close")
    parser.add_argument("--compare", action="store_true", help="also run without the solver child")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print(f"skipped: {CHROMIUM} is absent")
        return 0
    runs = [("solver child (default)", {})]
    if args.compare:
        runs.append(("no solver child", {"PLANNER_ISOLATE_MIN_VARS": str(10**12)}))
    for title, env in runs:
        load = " ".join(f"{x:.1f}" for x in os.getloadavg())
        figures = run(args.tabs, args.window, env)
        print(f"{title}: {args.tabs} tabs closed mid-solve -> server CPU {figures['cpu_s']:.1f} s in the "
              f"{figures['window_s']:.0f} s after; solver children alive after 5 s: "
              f"{figures['solver_children_after_5s']}; load average before {load}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
