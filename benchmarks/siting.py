"""Siting benchmarks: prints figures (run on demand, never in the test run).

    .venv/bin/python benchmarks/siting.py [--skip-synthetic] [--skip-dataset]

1. Optimiser on seeded synthetic data: 2,000 demand points × (40 existing units + 200 candidates),
   p-median and maximal coverage (10 min at 1.2 m/s straight-line walking), K = 5; then p-median
   with no existing units and no seat limits (2,000 × 200, and 300 × 40 beside spopt).
2. Optimiser on the default dataset (its demand points, units, and 200 candidates on a grid over the
   demand area), walking.
3. What-if recomputation on the default dataset: add one unit and close one, evaluate and compare,
   with the baseline's travel times already computed (as in the app).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.siting.optimiser import SiteModel  # noqa: E402


def synthetic(n_demand: int = 2000, n_existing: int = 40, n_candidates: int = 200, seed: int = 7):
    """Demand clustered in a 6 × 6 km city; capacities leave about 10 % room with K = 5."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(500, 5500, size=(12, 2))
    points = centres[rng.integers(0, 12, n_demand)] + rng.normal(0, 700, size=(n_demand, 2))
    sites = rng.uniform(0, 6000, size=(n_existing + n_candidates, 2))
    cost_s = np.linalg.norm(points[:, None, :] - sites[None, :, :], axis=2) * 1.3 / 1.2  # detour 1.3, 1.2 m/s
    demand = rng.integers(1, 8, n_demand) * 1.3
    existing = np.full(n_existing, round(demand.sum() * 1.1 / n_existing))
    candidate = np.full(n_candidates, 100.0)
    return cost_s, demand, existing, candidate


def bench_optimiser(k: int = 5) -> None:
    cost_s, demand, existing, candidate = synthetic()
    print(f"synthetic: {cost_s.shape[0]} demand points ({demand.sum():.0f} seats), {existing.size} existing "
          f"({existing.sum():.0f} seats), {candidate.size} candidates, K = {k}")
    for objective in ("p-median", "coverage"):
        start = time.perf_counter()
        result = SiteModel.from_cost_matrix(cost_s, demand, existing, candidate, k, objective, max_s=600).solve()
        elapsed = time.perf_counter() - start
        print(f"  {objective:9s} {elapsed:6.1f} s  status={result.status}  chosen={result.chosen}  "
              f"mean {result.before['mean_travel_s']:.0f} -> {result.after['mean_travel_s']:.0f} s  "
              f"within 10 min {result.before['coverage_share']:.1%} -> {result.after['coverage_share']:.1%}  "
              f"model: {result.details['model']}")


def bench_no_existing(k: int = 5, time_limit_s: float = 60.0) -> None:
    """Issue 16, goal 3: p-median without existing units and without seat limits, beside spopt.

    The large case (2,000 x 200) runs with a solver time limit per MILP (it is not solved to proven
    optimality within the 30 s target yet: the status line says so); spopt (CBC) is compared on a
    smaller instance of the same kind, where both are exact and must give the same objective."""
    cost_s, demand, existing, _candidate = synthetic()
    cost = cost_s[:, existing.size:]
    start, cpu = time.perf_counter(), time.process_time()
    result = SiteModel.from_cost_matrix(cost, demand, np.zeros(0), np.full(cost.shape[1], np.inf), k).solve(
        time_limit_s=time_limit_s)
    print(f"  p-median {cost.shape[0]} x {cost.shape[1]}, K = {k}, no existing units, no seat limits: "
          f"{time.perf_counter() - start:.1f} s wall, {time.process_time() - cpu:.1f} s CPU (target < 30 s) "
          f"status={result.status} objective={result.objective_value:.0f} model: {result.details['model']}")
    small, w = cost[:300, :40], demand[:300]
    start = time.perf_counter()
    ours = SiteModel.from_cost_matrix(small, w, np.zeros(0), np.full(40, np.inf), k).solve()
    ours_s = time.perf_counter() - start
    try:
        import pulp
        from spopt.locate import PMedian
    except ImportError:
        print(f"  small 300 x 40: ours {ours_s:.1f} s objective {ours.objective_value:.1f}; spopt not installed")
        return
    start = time.perf_counter()
    model = PMedian.from_cost_matrix(small, w, p_facilities=k, name="bench").solve(pulp.PULP_CBC_CMD(msg=False))
    spopt_s = time.perf_counter() - start
    theirs = float(pulp.value(model.problem.objective))
    print(f"  p-median 300 x 40, K = {k}, no existing units: ours {ours_s:.1f} s, spopt (CBC) {spopt_s:.1f} s, "
          f"ratio {ours_s / spopt_s:.2f}; objectives {ours.objective_value:.1f} vs {theirs:.1f} "
          f"({'equal' if abs(ours.objective_value - theirs) <= 1e-6 * theirs else 'DIFFERENT'})")


def bench_dataset() -> None:
    from planner.datasets import load_dataset
    from planner.siting.commands import Candidate, site_for_dataset
    from planner.siting.scenario import Change, Scenario, SitingInputs, compare, evaluate

    start = time.perf_counter()
    dataset = load_dataset()
    inputs = SitingInputs.from_dataset(dataset, modes=("walk",))
    baseline = evaluate(inputs, dataset.units, "walk", 10, "catchment")
    print(f"default dataset {dataset.name}: {len(inputs.demand)} demand points, {len(dataset.units)} units; "
          f"baseline (routing every unit) {time.perf_counter() - start:.2f} s")
    full = float(inputs.seats_for((1.0, 1.0, 1.0)).sum())
    print(f"  expected demand {baseline.overall['demand_seats']:.1f} seats with participation "
          f"{inputs.participation} (assumed={inputs.participation_assumed}), {full:.1f} seats counting every "
          f"child; capacity of the units {baseline.overall['capacity_seats']:.0f} seats")
    lat, lon = inputs.demand["lat"].to_numpy(), inputs.demand["lon"].to_numpy()
    timings = []
    for step in range(5):
        scenario = Scenario("bench", (Change("add", f"new-{step}", lat=float(lat.mean()) + 0.001 * step,
                                             lon=float(lon.mean()), capacity_seats=84),
                                      Change("close", dataset.units[0].unit_id)))
        start = time.perf_counter()
        after = evaluate(inputs, scenario.apply(dataset.units), "walk", 10, "catchment")
        compare(baseline, after, inputs)
        timings.append(time.perf_counter() - start)
    print(f"  what-if (add one unit + close one, evaluate + compare): median {np.median(timings):.3f} s, "
          f"max {max(timings):.3f} s over {len(timings)} runs")
    # 200 candidates on a grid over the demand area (those off the street network are skipped)
    engine = dataset.engine("walk")
    lats = np.linspace(lat.min(), lat.max(), 20)
    lons = np.linspace(lon.min(), lon.max(), 10)
    grid = [(a, b) for a in lats for b in lons]
    snaps = engine.snap_many(grid, on_outside="none")
    candidates = [Candidate(f"g{i}", a, b, 84.0) for i, ((a, b), s) in enumerate(zip(grid, snaps)) if s is not None]
    unlimited = [Candidate(c.candidate_id, c.lat, c.lon, None) for c in candidates]
    for label, objective, cands in (("p-median, 84 seats each", "p-median", candidates),
                                    ("p-median, no seat limit", "p-median", unlimited),
                                    ("coverage 5 min, 84 seats each", "coverage", candidates)):
        start = time.perf_counter()
        try:
            out = site_for_dataset(dataset, cands, k=5, objective=objective, max_minutes=5)
            summary = (f"status={out['status']} chosen={[c['id'] for c in out['chosen']]} "
                       f"within 5 min {out['before']['coverage_share']:.1%} -> {out['after']['coverage_share']:.1%}")
        except Exception as error:  # an infeasible target is a real answer: print its explanation
            summary = f"{type(error).__name__}: {error}"
        print(f"  site {label} ({len(cands)} candidates): {time.perf_counter() - start:.1f} s  {summary}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-dataset", action="store_true")
    parser.add_argument("--skip-synthetic", action="store_true")
    args = parser.parse_args(argv)
    if not args.skip_synthetic:
        bench_optimiser()
        bench_no_existing()
    if not args.skip_dataset:
        bench_dataset()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
