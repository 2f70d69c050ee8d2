"""Run every benchmark script in turn and print their figures (on demand; never part of the tests).

    .venv/bin/python benchmarks/run_all.py [--quick]

Each script also runs on its own; see its docstring. Figures depend on the machine and its load:
the README quotes a run on an idle 2-core machine.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [
    ("money", ["money.py"]),
    ("datasets", ["datasets.py"]),
    ("real data proof (walking and car vs the Travel Time Matrix 2015, transit vs a connection scan)",
     ["realdata.py"]),
    ("routing (incl. transit one-to-all and the SYNTHETIC 250,000-node grid)", ["routing.py"]),
    ("street engine beside igraph and networkit (every graph: one-to-all, 1,000 x 100 matrix)", ["baselines.py"]),
    ("transit (RAPTOR beside the plain-Python CSA; default feed and Tampere)", ["transit.py"]),
    ("start-up and memory (cold `rank`, Tampere loaded)", ["startup.py"]),
    ("app (ranking for a family, warm reruns of every page with AppTest)", ["app.py"]),
    ("app in the browser (page switches, Chromium + Playwright)", ["app_browser.py"]),
    ("journey (field commit, page switch, language switch: server time)", ["journey.py"]),
    ("siting (what-if, optimiser 200 candidates x 2,000 demand points)", ["siting.py"]),
    ("placement (5,000 children x 300 units)", ["placement.py"]),
    ("plans (plan-year accessibility comparison, occupancy forecast)", ["plans.py"]),
    ("preschool round (6,000 children x 150 units)", ["placement.py", "preschool"]),
    ("matrix (cells x units on Tampere and the SYNTHETIC grid, 1 vs 2 Dask workers, region projection)",
     ["matrix.py"]),
    ("load (20 concurrent sessions on loopback walk the pages; p95 server time, errors)", ["load.py"]),
    ("abandoned long runs (tabs closed mid-solve: server CPU afterwards, with and without the solver child)",
     ["abandon.py", "--compare"]),
    ("fuzz (10,000 hostile inputs per file format; uncaught exceptions)", ["fuzz.py"]),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="pass --quick to routing.py and matrix.py")
    args = parser.parse_args()
    import os

    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores "
          "(other work on the machine slows the wall times; the scripts also print CPU times)")
    failures = 0
    for title, command in SCRIPTS:
        extra = ["--quick"] if args.quick and command[0] in ("routing.py", "matrix.py") else []
        print(f"\n######## {title}", flush=True)
        start = time.perf_counter()
        code = subprocess.call([sys.executable, str(HERE / command[0]), *command[1:], *extra])
        print(f"######## {title}: exit {code}, {time.perf_counter() - start:.1f} s", flush=True)
        failures += code != 0
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
