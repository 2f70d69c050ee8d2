"""Speed of what the app calls for one family on the default dataset (prints figures; not a test).

    .venv/bin/python benchmarks/app.py [--repeat 20]

Figures: dataset load, ranking (first call incl. graph loading, then warm), each money function,
and a full AppTest run of every page (script time as the server would see it, cache warm).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _timed(function, repeat: int) -> tuple[float, float]:
    """Median and max wall time in milliseconds over ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    from pages.ui import default_family
    from planner.datasets import load_dataset
    from planner.family import parse_family
    from planner.money.allowances import calculate_allowances
    from planner.money.compare import compare_scenarios
    from planner.money.fees import calculate_fees
    from planner.money.timeline import fee_timeline
    from planner.ranking import rank_units

    start = time.perf_counter()
    dataset = load_dataset()
    print(f"dataset {dataset.name}: load {1000 * (time.perf_counter() - start):.0f} ms, "
          f"{len(dataset.units)} units")
    family = parse_family(default_family())
    start = time.perf_counter()
    for mode in dataset.modes:
        if mode != "transit":
            dataset.engine(mode)
    dataset.transit()
    print(f"warm-up (graphs, engines, transit; once per process, as the app does): "
          f"{1000 * (time.perf_counter() - start):.0f} ms")
    start = time.perf_counter()
    rank_units(family, dataset, lang="en")
    print(f"rank_units first family: {1000 * (time.perf_counter() - start):.0f} ms")
    median, worst = _timed(lambda: rank_units(family, dataset, lang="en"), args.repeat)
    print(f"rank_units warm: median {median:.1f} ms, max {worst:.1f} ms (x{args.repeat})")
    for name, function in (("calculate_fees", calculate_fees), ("calculate_allowances", calculate_allowances),
                           ("compare_scenarios", compare_scenarios), ("fee_timeline (24 months)", fee_timeline)):
        median, worst = _timed(lambda f=function: f(family, lang="en"), args.repeat)
        print(f"{name}: median {median:.1f} ms, max {worst:.1f} ms")

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=300)
    at.run()
    pages = ["pages/family.py", "pages/costs.py", "pages/units.py", "pages/summary.py", "pages/changes.py",
             "pages/planner_workbench.py", "pages/staff_offers.py"]
    print("warm reruns per page (AppTest; script time as the server sees it, caches warm; target < 300 ms;")
    print("  AppTest also recompiles the page scripts every run, which a running server caches):")
    for page in pages:
        if not (REPO / page).is_file():
            continue
        at.switch_page(page).run()  # warm the caches for this page
        walls, cpus = [], []
        for _ in range(3):
            start, cpu = time.perf_counter(), time.process_time()
            at.run()
            walls.append(1000 * (time.perf_counter() - start))
            cpus.append(1000 * (time.process_time() - cpu))
        print(f"  {page:<28} median {statistics.median(walls):6.0f} ms wall, {statistics.median(cpus):6.0f} ms CPU")

if __name__ == "__main__":
    main()
