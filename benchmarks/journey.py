"""Server time of the family's interactions on the default dataset (prints figures; not a test).

    .venv/bin/python benchmarks/journey.py [--repeat 5]

Each interaction is one script run as the server does it (Streamlit's AppTest runs the same script
with the same session state; the browser's own drawing time is not included): a typed income
committed on the Family page, a page switch (Family → Costs → Units → Summary → Family) and a
language switch (fi → sv → fi), all warm (the dataset and the family's results cached, as after the
first visit). Median and max in milliseconds, with the load average (the machine is shared).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
PAGES = ["pages/costs.py", "pages/units.py", "pages/summary.py", "pages/family.py"]


def _ms(function) -> float:
    start = time.perf_counter()
    function()
    return (time.perf_counter() - start) * 1000.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=300)
    at.session_state["lang"] = "fi"
    at.run()
    for page in PAGES:  # warm every page once (dataset, routing engines, the family's results)
        at.switch_page(page).run()
    times: dict[str, list[float]] = {"field commit (Family, income typed)": [],
                                     "page switch (mean of 4 pages)": [], "language switch (Family)": []}
    for i in range(args.repeat):
        income = "3 100,50" if i % 2 else "3 200"
        times["field commit (Family, income typed)"].append(
            _ms(lambda: at.text_input(key="f.adults.0.income").input(income).run()))
        for page in PAGES:
            times["page switch (mean of 4 pages)"].append(_ms(lambda: at.switch_page(page).run()))
        for lang in ("sv", "fi"):
            def switch(lang=lang):
                at.session_state["lang"] = lang
                at.session_state["_lang_changed"] = True
                at.run()
            times["language switch (Family)"].append(_ms(switch))
        assert not at.exception, at.exception
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} (shared machine: figures are upper bounds)")
    print(f"{'interaction':40s} {'median ms':>10s} {'max ms':>10s}  runs")
    for name, values in times.items():
        print(f"{name:40s} {statistics.median(values):10.0f} {max(values):10.0f}  {len(values)}")


if __name__ == "__main__":
    main()
