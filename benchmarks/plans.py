"""Plans benchmark: a plan-year accessibility comparison on the default dataset (target < 2 s).

    .venv/bin/python benchmarks/plans.py [--repeat 5]

Copies the built default dataset into a temporary data folder, imports the EXAMPLE plan
(docs/examples/plan-example: one planned unit, one tram line, new housing) and times
``plan compare`` (planner.plans.commands.compare_years): the units and network in force today and in
the plan year, evaluated side by side (coverage, mean / p90 travel time, 2SFCA, occupancy), for walking
and public transport. "cold" is the first call in the process (routers, catchments and travel times
built); "warm" the median of the next calls. Also times the occupancy forecast (5 years). Prints the
load average: the machine may be shared.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from planner.datasets import load_dataset

    source = load_dataset(None)
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(source.path, Path(tmp) / source.name)
        os.environ["PLANNER_DATA_DIR"] = tmp
        from planner.plans.commands import compare_years, import_layer
        from planner.siting.forecast import occupancy_forecast

        dataset = load_dataset(None)
        sample = REPO / "docs" / "examples" / "plan-example"
        start = time.perf_counter()
        import_layer(dataset, "example", units=str(sample / "planned-units.csv"),
                     lines=[str(sample / "line-tram-15-example.json")], housing=str(sample / "housing.csv"),
                     example=True)
        print(f"import the EXAMPLE plan (validate, store, merged feed + walk cache): "
              f"{time.perf_counter() - start:.2f} s")
        today, plan_day = date(2026, 12, 1), date(2028, 9, 1)
        for mode in ("walk", "transit"):
            times = []
            for _ in range(args.repeat + 1):
                start = time.perf_counter()
                result = compare_years(dataset, plan_day, today=today, mode=mode)
                times.append(time.perf_counter() - start)
            added = sum(1 for u in result["comparison"]["units"] if u["status"] == "added")
            print(f"plan compare {today} vs {plan_day}, {mode:7s} ({len(dataset.units)} units today, +{added}): "
                  f"cold {times[0]:.2f} s, warm median {statistics.median(times[1:]):.3f} s  (target < 2 s)")
        start = time.perf_counter()
        forecast = occupancy_forecast(dataset, base_date=today, years=5)
        print(f"occupancy forecast, 5 years, {len(forecast['occupancy'])} units × "
              f"{len(forecast['occupancy'][0]['horizons'])} horizons: {time.perf_counter() - start:.2f} s")
    print(f"load average: {open('/proc/loadavg').read().split()[:3]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
