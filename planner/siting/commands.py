"""``python -m planner site``: propose K new daycare sites for a dataset (p-median or coverage).

Candidates file (read by :func:`planner.siting.candidates.parse_candidates_text`): CSV
``id,lat,lon[,capacity_seats]`` (``,`` or ``;``) or a GeoJSON FeatureCollection of points with the same
properties. The model is :func:`planner.siting.sites.optimise_sites`, shared with the Planner page. Every bad row is reported (``candidates row N <column>``, the header is
row 1; ``candidates feature N <property>`` for GeoJSON). A missing capacity means no seat limit; so does
an existing unit without known capacity.

Expected demand = children × the share of each age group taking up ECEC (``--participation P0,P1,P2``
for ages 0–2, 3–5, 6; default the assumed national shares, reported as ``participation_assumed: true``).
"""
from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from planner.errors import DataError, InputError, Problem, ProblemCollector
from planner.i18n import translate
from planner.siting.candidates import Candidate, parse_candidates_text
from planner.siting.occupancy import parse_participation
from planner.siting.sites import optimise_sites, participation_text

__all__ = ["Candidate", "load_candidates", "check_candidates_reachable", "site_for_dataset",
           "participation_text", "site_command"]

_problem = Problem.keyed  # a Problem whose fix text is an i18n key (planner/locales)


def load_candidates(path: str | Path, field: str = "candidates") -> list[Candidate]:
    """Read a candidates CSV or GeoJSON (:func:`~planner.siting.candidates.parse_candidates_text`);
    ``InputError`` with one problem per bad row or value."""
    from planner.readers import read_text

    path = Path(path)
    if not path.exists():   # other non-files: planner.readers says what they are
        raise InputError(_problem(field, str(path), "problems.candidates.file_missing"))
    text = read_text(path, field, "candidates")   # size limit, UTF-8, unreadable files: InputError
    kind = "geojson" if path.suffix.lower() in (".geojson", ".json") or text.lstrip().startswith("{") else "csv"
    return parse_candidates_text(text, field=field, source=path.name, kind=kind)


def check_candidates_reachable(engine: Any, candidates: Sequence[Candidate], field: str = "candidates") -> None:
    """InputError naming each candidate outside the routing network's area."""
    problems = ProblemCollector()
    snaps = engine.snap_many([(c.lat, c.lon) for c in candidates], field=field, on_outside="none")
    for candidate, snap in zip(candidates, snaps):
        if snap is None:
            problems.add_keyed(f"{field} {candidate.candidate_id}", f"{candidate.lat}, {candidate.lon}",
                 "problems.candidates.outside")
    problems.raise_if_any()


def site_for_dataset(dataset: Any, candidates: Sequence[Candidate], *, k: int = 1, objective: str = "p-median",
                     max_minutes: float = 10.0, mode: str = "walk", lang: str = "en",
                     field: str = "candidates", participation: Sequence[float] | str | None = None,
                     matrix: str | Path | None = None, day: Any = None, depart: Any = None) -> dict[str, Any]:
    """Run the optimiser on a dataset's demand and units plus ``candidates``; the ``site`` output dict.
    ``day``/``depart`` (``--date``/``--depart``): the one time model for public transport.

    ``participation``: shares 0..1 of children aged 0–2, 3–5, 6 expected in ECEC (a sequence or the text
    ``"P0,P1,P2"``); None = the assumed national shares (``participation_assumed`` in the output).
    ``matrix``: a folder written by ``python -m planner matrix`` whose times replace routing (see
    :func:`use_matrix`).
    """
    from planner.siting.scenario import SitingInputs

    rates = parse_participation(participation, "--participation" if isinstance(participation, str) else "participation")
    problems = ProblemCollector()
    if isinstance(k, bool) or not isinstance(k, int) or k < 0:
        problems.add_keyed("--add", k, "problems.siting.add")
    if not isinstance(max_minutes, (int, float)) or not math.isfinite(max_minutes) or max_minutes <= 0:
        problems.add_keyed("--max-minutes", max_minutes, "problems.siting.minutes")
    problems.raise_if_any()
    demand = dataset.demand
    if demand is None or len(demand) == 0:
        raise DataError(translate("siting.infeasible.no_demand", lang) + f" ({dataset.name})")
    from planner.datasets.reach import _engine_for, split_reachable, usable_units

    from planner.network.timemodel import parse_date

    timing = _transit_timing(dataset, mode, parse_date(day, "--date"), depart, lang)
    inputs = SitingInputs.from_dataset(dataset, modes=(mode,), participation=rates,
                                       arrive_by=timing.moment if timing else None)
    matrix_info = use_matrix(inputs, dataset, matrix, mode, [(c.lat, c.lon) for c in candidates]) if matrix else None
    units, left_out = usable_units(dataset, mode, lang=lang)
    all_candidates = list(candidates)
    candidates, candidates_left_out = split_reachable(_engine_for(dataset, mode), all_candidates, lang=lang,
                                                      kind="candidate", mode=mode)
    if not candidates and all_candidates:  # none is usable: the optimiser's own error names each one
        candidates, candidates_left_out = all_candidates, []
    left_out = left_out + candidates_left_out
    outcome = optimise_sites(inputs, units, candidates, k=k, objective=objective, mode=mode,
                             max_minutes=max_minutes, lang=lang, field=field, k_field="--add",
                             minutes_field="--max-minutes")
    result = outcome.result
    chosen = [{"id": row["id"], "lat": row["lat"], "lon": row["lon"], "capacity_seats": row["capacity_seats"],
               "assigned_seats": round(row["assigned_seats"], 2)} for row in outcome.chosen]
    keys = ("coverage_share", "mean_travel_s", "p90_travel_s", "unreachable_share", "children")
    rename = {"children": "demand_seats"}
    return {
        "dataset": dataset.name, "objective": objective, "mode": mode, "max_minutes": max_minutes, "add": k,
        "candidates": len(candidates), "existing_units": len(units),
        "chosen": chosen,
        "before": {rename.get(key, key): result.before[key] for key in keys},
        "after": {rename.get(key, key): result.after[key] for key in keys},
        "status": result.status, "explanation": outcome.explanation,
        "objective_value": result.objective_value, "assigned_mean_travel_s": result.assigned_mean_travel_s,
        "unreachable_seats": result.unreachable_seats, "unmet_seats": round(result.unmet_seats, 2),
        "demand_estimated": outcome.demand_estimated,
        "participation": list(outcome.participation), "participation_assumed": outcome.participation_assumed,
        "model": result.details.get("model"),
        **({"travel_times": matrix_info} if matrix_info else {}),
        "left_out": left_out,
        **({"time": timing.to_dict()} if timing else {}),
        **_car_estimate(dataset, mode),
    }


def site_command(args: argparse.Namespace) -> dict[str, Any]:
    """Handler of ``python -m planner site`` (see the module docstring)."""
    lang = getattr(args, "lang", "en") or "en"
    participation = parse_participation(getattr(args, "participation", None), "--participation")
    candidates = load_candidates(args.candidates, field="--candidates")
    try:
        from planner.datasets import load_dataset
    except ImportError as error:  # pragma: no cover - only while the datasets package is missing
        raise DataError(f"datasets are not available: {error}") from error
    dataset = load_dataset(args.dataset)
    return site_for_dataset(dataset, candidates, k=args.add, objective=args.objective,
                            max_minutes=args.max_minutes, mode=args.mode, lang=lang, field="--candidates",
                            participation=participation, matrix=getattr(args, "matrix", None),
                            day=getattr(args, "date", None), depart=getattr(args, "depart", None))


def whatif_command(args: argparse.Namespace) -> dict[str, Any]:
    """Handler of ``python -m planner whatif``: the baseline metrics of the dataset's units and, with
    ``--scenario F.json``, the scenario's metrics and the comparison (the Planner page's What-if tab)."""
    from planner.datasets import load_dataset
    from planner.siting.scenario import Scenario, SitingInputs, load_scenario, run_what_if

    lang = getattr(args, "lang", "en") or "en"
    participation = parse_participation(getattr(args, "participation", None), "--participation")
    if not (isinstance(args.max_minutes, (int, float)) and math.isfinite(args.max_minutes) and args.max_minutes > 0):
        raise InputError(Problem.keyed("--max-minutes", args.max_minutes, "problems.siting.minutes"))
    scenario = load_scenario(args.scenario) if args.scenario else Scenario(name="baseline", changes=())
    dataset = load_dataset(args.dataset)
    from planner.datasets.reach import usable_units

    arrive_by = None
    if getattr(args, "date", None):  # the units and network in force that day (planner/plans)
        from datetime import datetime, time

        from planner.plans.commands import parse_day, working_day
        from planner.plans.store import dataset_on

        day = parse_day(args.date, "--date")
        dataset = dataset_on(dataset, day)
        arrive_by = datetime.combine(working_day(day), time(8, 0))
    timing = _transit_timing(dataset, args.mode, arrive_by.date() if arrive_by else None,
                             getattr(args, "depart", None), lang)
    if timing is not None:
        arrive_by = timing.moment
    inputs = SitingInputs.from_dataset(dataset, modes=(args.mode,), participation=participation,
                                       arrive_by=arrive_by)
    matrix_dir = getattr(args, "matrix", None)
    matrix_info = use_matrix(inputs, dataset, matrix_dir, args.mode) if matrix_dir else None
    units, left_out = usable_units(dataset, args.mode, lang=lang)
    baseline, planned, comparison = run_what_if(
        inputs, units, scenario, mode=args.mode, max_minutes=float(args.max_minutes),
        assignment=args.assignment, lang=lang, resolve=dataset.addresses.resolve)
    result: dict[str, Any] = {"dataset": dataset.name, "scenario": scenario.to_dict(),
                              "baseline": baseline.to_dict(), "left_out": left_out}
    if timing is not None:
        result["time"] = timing.to_dict()
    result.update(_car_estimate(dataset, args.mode))
    if getattr(args, "date", None):
        result["date"] = args.date
        result["plans_example"] = bool(getattr(getattr(dataset, "plans", None), "example", False))
    if scenario.changes:
        result["after"] = planned.to_dict()
        result["comparison"] = comparison.to_dict()
    if matrix_info:
        result["travel_times"] = matrix_info
    return result


def _transit_timing(dataset: Any, mode: str, day: Any, depart: Any, lang: str) -> Any:
    """The one time model (planner.network.timemodel) for a transit run: the day (given, else the feed's
    representative weekday) and the time to arrive at the unit (``--depart``, default 08:00)."""
    if mode != "transit":
        return None
    from planner.network.timemodel import parse_clock, transit_time

    router = dataset.transit()
    if router is None:
        return None
    return transit_time(router, day, parse_clock(depart, "--depart"), lang=lang)


def use_matrix(inputs: Any, dataset: Any, matrix: str | Path, mode: str,
               locations: Sequence[tuple[float, float]] | None = None) -> dict[str, Any]:
    """Fill ``inputs.times[mode]`` from a matrix folder (``python -m planner matrix --origins demand``):
    the dataset's units and ``locations`` (e.g. candidates) found among its destinations become known
    columns, so they are not routed again; other locations (a unit added in a scenario) are routed. InputError naming
    ``--matrix`` when it is of another dataset, lacks the mode or misses demand points. Transit: the
    matrix's times leave at its (first) departure time, whereas without a matrix transit arrives by
    08:00; the output says which."""
    from planner.matrix.store import MatrixStore

    store = MatrixStore.open(matrix)
    store.check(dataset.name, mode)
    rows = store.match(inputs.points, "origins")
    missing = int((rows < 0).sum())
    if missing:
        raise InputError.single("--matrix", str(matrix), f"a matrix whose origins are the dataset's demand points "
                                                         f"({missing} of {len(rows)} are not in it): compute it with "
                                                         "--origins demand")
    wanted = [(u.lat, u.lon) for u in dataset.units] + [tuple(p) for p in (locations or [])]
    found = store.match(np.asarray(wanted, dtype=float).reshape(-1, 2), "destinations")
    columns = np.unique(found[found >= 0])
    if len(columns):
        inputs.times[mode].add_columns(store.destination_xy[columns], store.columns(mode, columns)[rows])
    return {"source": "matrix", "dir": str(matrix), "mode": mode,
            "depart": store.departs[0] if mode == "transit" and store.departs else None,
            "locations_from_matrix": int(len(columns)), "locations_routed": int((found < 0).sum())}


def _car_estimate(dataset: Any, mode: str) -> dict[str, Any]:
    """``{"car_door_to_door": ...}`` when car times include the door-to-door estimate (else empty)."""
    from planner.network.door_to_door import car_estimate_of

    row = car_estimate_of(dataset, mode)
    return {"car_door_to_door": row} if row else {}
