"""Benchmark: place 5,000 children in 300 units (seeded synthetic round with a travel-time matrix), and
(``placement.py preschool``) a city-size preschool round of 6,000 children in 150 units under municipal rules.

Run: ``.venv/bin/python benchmarks/placement.py [children] [units]``. Prints figures; never run in tests.
Homes and units are spread over a 20 km × 20 km square; travel time = 1.3 × straight-line distance at
1.2 m/s (walking); 80 % Finnish, 10 % Swedish, 5 % English, 5 % other languages; every 10th unit Swedish,
every 15th with shift care; 10–29 free seats per unit; 30 % of children in sibling pairs sharing a home.
"""
from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.placement.assign import solve_optimal  # noqa: E402
from planner.placement.children import Child  # noqa: E402
from planner.placement.deferred import solve_deferred  # noqa: E402
from planner.placement.report import build_report  # noqa: E402
from planner.placement.rules import PlacementProblem, PlacementUnit  # noqa: E402


def synthetic_round(n: int, m: int, seed: int = 1):
    rng = np.random.default_rng(seed)
    home = rng.uniform(0, 20_000, (n, 2))
    for i in range(1, n, 2):  # sibling pairs share a home
        if rng.random() < 0.3:
            home[i] = home[i - 1]
    site = rng.uniform(0, 20_000, (m, 2))
    distance_m = np.hypot(home[:, None, 0] - site[None, :, 0], home[:, None, 1] - site[None, :, 1])
    travel_time_s = distance_m * 1.3 / 1.2
    langs = rng.choice(["fi", "sv", "en", "ar"], n, p=[0.8, 0.1, 0.05, 0.05])
    children = []
    for i in range(n):
        sibling = f"g{i // 2}" if (i % 2 == 1 and np.array_equal(home[i], home[i - 1])) or (
            i % 2 == 0 and i + 1 < n and np.array_equal(home[i], home[i + 1])) else None
        born = date(2026 - int(rng.integers(1, 7)), int(rng.integers(1, 13)), 1)
        children.append(Child(f"c{i}", 60.0, 25.0, born, date(2027, 8, 1), float(rng.choice([20, 40])),
                              str(langs[i]), bool(rng.random() < 0.03), sibling,
                              f"u{int(rng.integers(m))}" if rng.random() < 0.2 else None))
    units = [PlacementUnit(f"u{j}", languages=("sv",) if j % 10 == 0 else ("fi",), shift_care=j % 15 == 0,
                           available_seats=float(rng.integers(10, 30))) for j in range(m)]
    catchment = [f"u{int(np.argmin(distance_m[i]))}" for i in range(n)]
    return children, units, travel_time_s, catchment


def main(n: int = 5000, m: int = 300) -> None:
    children, units, travel, catchment = synthetic_round(n, m)
    t0 = time.perf_counter()
    problem = PlacementProblem.from_cost_matrix(children, units, travel, catchment)
    t1 = time.perf_counter()
    print(f"placement benchmark: {n} children x {m} units, {problem.seats.sum():.0f} seats, "
          f"{problem.weights.sum():.0f} seats demanded (weighted)")
    print(f"  hard rules for {n * m} pairs: {t1 - t0:.2f} s")
    for name, solve in (("optimal (MILP, HiGHS)", solve_optimal), ("deferred acceptance", solve_deferred)):
        t0 = time.perf_counter()
        result = solve(problem)
        t1 = time.perf_counter()
        report = build_report(problem, result)
        t2 = time.perf_counter()
        o = result.objective
        gap = ""
        if "lower_bound" in o and o["weighted"]:
            gap = f", gap to LP bound {abs(o['weighted'] - o['lower_bound']) / abs(o['weighted']) * 100:.2f} %"
        print(f"  {name}: solve {t1 - t0:.2f} s, report {t2 - t1:.2f} s, status {result.status}{gap}")
        print(f"    placed {o['placed']}/{n}, own catchment {o['in_catchment']}, sibling pairs together "
              f"{o['siblings_together']}/{len(problem.groups)}, current unit kept {o['current_unit_kept']}, "
              f"mean travel {o['total_travel_time_s'] / max(o['placed'], 1) / 60:.1f} min, "
              f"justified-envy pairs {len(report['justified_envy'])}")




def preschool_round(n: int = 6000, m: int = 150, seed: int = 2):
    """A city-size preschool round: children turning 6, 150 units with 40-50 places, 10 % Swedish speakers
    and every 10th unit Swedish, 3 % twins (sibling pairs at one home)."""
    rng = np.random.default_rng(seed)
    home = rng.uniform(0, 20_000, (n, 2))
    twins = rng.random(n) < 0.03
    for i in range(1, n):
        if twins[i]:
            home[i] = home[i - 1]
    site = rng.uniform(0, 20_000, (m, 2))
    distance_m = np.hypot(home[:, None, 0] - site[None, :, 0], home[:, None, 1] - site[None, :, 1]) * 1.3
    travel_time_s = distance_m / 1.3
    langs = rng.choice(["fi", "sv", "en"], n, p=[0.85, 0.1, 0.05])
    children = [Child(f"c{i}", 60.0, 25.0, date(2020, int(rng.integers(1, 13)), 1), date(2026, 8, 1), 20.0,
                      str(langs[i]), bool(rng.random() < 0.02), f"t{i}" if twins[min(i + 1, n - 1)] and i + 1 < n
                      else (f"t{i - 1}" if twins[i] else None)) for i in range(n)]
    units = [PlacementUnit(f"u{j}", languages=("sv",) if j % 10 == 0 else ("fi",), shift_care=j % 15 == 0,
                           available_seats=float(rng.integers(40, 51))) for j in range(m)]
    catchment = [f"u{int(np.argmin(distance_m[i]))}" for i in range(n)]
    return children, units, travel_time_s, catchment, distance_m


def preschool_main(n: int = 6000, m: int = 150) -> None:
    from planner.placement.round import RoundSettings, plan_round

    children, units, travel, catchment, walk_m = preschool_round(n, m)
    for municipality, method, siblings in (("Helsinki", "optimal", "soft"), ("Oulu", "optimal", "hard"),
                                           ("Helsinki", "stable", "soft")):
        t0 = time.perf_counter()
        report = plan_round(children, units, travel, catchment,
                            RoundSettings(kind="preschool", municipality=municipality, method=method,
                                          sibling_rule=siblings), walk_distance_m=walk_m)
        t1 = time.perf_counter()
        s = report["stability"]
        print(f"preschool round {n} children x {m} units, {municipality} rules, {method}, siblings {siblings}: "
              f"{t1 - t0:.1f} s (rules + solve + report + stability), status {report['status']}, "
              f"placed {len(report['offers'])}/{n}, blocking pairs {s['blocking_pairs']}, "
              f"coalitions {s['blocking_group_coalitions'] + s['blocking_sibling_coalitions']}")


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "preschool":
    preschool_main(*(int(a) for a in sys.argv[2:4]))
    sys.exit(0)


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
