"""``python -m planner offers``: proactive placement offers for a children file.

The children file is read into memory, placed and reported; it is never copied, cached or logged.
The only file written is the eVaka import file, and only when ``--evaka-csv`` asks for it.
"""
from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np

from planner.errors import InputError, Problem
from planner.placement.assign import solve_optimal
from planner.placement.children import Child, check_unit_ids, read_children
from planner.placement.deferred import solve_deferred
from planner.placement.report import build_report, daycare_offers_csv, evaka_csv, evaka_export, offers_to_csv
from planner.placement.options import KINDS, METHODS, add_offers_arguments  # noqa: F401 (importable from here too)
from planner.placement.rules import PlacementProblem, PlacementRules

__all__ = ["METHODS", "offers_command", "offers_to_csv", "evaka_csv", "plan_offers", "choose_method",
           "travel_inputs", "matrix_travel_inputs", "rules_for", "quiet_native_output", "next_school_morning"]


def choose_method(children: Sequence[Child], method: str | None) -> str:
    """The given method, else deferred acceptance when any child has preferences, else optimal."""
    if method is None:
        return "deferred-acceptance" if any(c.preferences for c in children) else "optimal"
    if method not in METHODS:
        raise InputError.single("method", method, f"one of {', '.join(METHODS)}")
    return method


def plan_offers(children: Sequence[Child], units: Sequence[Any], travel_time_s: Any,
                catchment_units: Sequence[str | None] | None = None, *, method: str | None = None,
                rules: PlacementRules | None = None, lang: str = "en", mode: str = "walk",
                kind: str = "daycare") -> dict[str, Any]:
    """Place the children on plain inputs and return the full report (see ``build_report``)."""
    problem = PlacementProblem.from_cost_matrix(children, units, travel_time_s, catchment_units, rules)
    method = choose_method(children, method)
    assignment = solve_deferred(problem) if method == "deferred-acceptance" else solve_optimal(problem)
    return build_report(problem, assignment, lang=lang, mode=mode, kind=kind)


def next_school_morning(today: date | None = None) -> datetime:
    """07:30 on the next Tuesday, Wednesday or Thursday (today included): a typical daycare morning."""
    day = today or date.today()
    while day.weekday() not in (1, 2, 3):
        day += timedelta(days=1)
    return datetime.combine(day, time(7, 30))


def travel_inputs(dataset: Any, children: Sequence[Child], units: Sequence[Any], mode: str = "walk", *,
                  depart: datetime | None = None, progress: Any = None) -> tuple[np.ndarray, list[str | None]]:
    """The (children × units) travel times in seconds (``inf`` unreachable or outside the network) and
    each child's own catchment unit id, from the dataset.

    ``walk``, ``bike``, ``car`` use the dataset's street engine; ``transit`` its timetable router, leaving
    home at ``depart`` (default: :func:`next_school_morning`). ``progress``
    (:class:`planner.progress.Progress`, optional) hears of each child routed by transit and may stop it."""
    origins = [(c.lat, c.lon) for c in children]
    destinations = [(u.lat, u.lon) for u in units]
    if mode == "transit":
        router = dataset.transit()
        if router is None:
            raise InputError.single("mode", mode, "walk, bike or car: this dataset has no public transport timetable")
        depart = depart or next_school_morning()
        rows = []
        for done, origin in enumerate(origins, start=1):
            rows.append(np.asarray(router.one_to_many(origin, destinations, depart, on_outside="none"), dtype=float))
            if progress is not None:
                progress.update(done, len(origins))
        travel = np.vstack(rows) if rows else np.zeros((0, len(destinations)))
    else:
        engine = dataset.engine(mode)
        travel = np.asarray(engine.matrix(origins, destinations, origins_field="children",
                                          destinations_field="units", on_outside="none"), dtype=float)
    catchments = dataset.catchments
    catchment_units = [catchments.unit_for(c.lat, c.lon, language=getattr(c, "language", None))
                       if catchments is not None else None for c in children]
    return travel.reshape(len(children), len(destinations)), catchment_units


def matrix_travel_inputs(dataset: Any, children: Sequence[Child], units: Sequence[Any], mode: str,
                         matrix: str | Path, max_offset_m: float = 0.0
                         ) -> tuple[np.ndarray, list[str | None], dict[str, Any]]:
    """:func:`travel_inputs` with times read from a matrix folder (``python -m planner matrix``).

    A child takes the row of the matrix origin at the home's coordinates, or with ``max_offset_m`` > 0
    the nearest origin within that many metres (e.g. the 250 m grid cell of the home: an approximation
    the output states); units are matched by coordinates. Children and units not in the matrix are routed
    as without it. The children's data is only read, never written."""
    from planner.matrix.store import MatrixStore, matrix_times

    if not (isinstance(max_offset_m, (int, float)) and 0 <= max_offset_m <= 5000):
        raise InputError.single("--matrix-max-offset-m", max_offset_m, "metres from 0 to 5000 (0 = exact match)")
    store = MatrixStore.open(matrix)
    store.check(dataset.name, mode)

    def compute(origins: np.ndarray, destinations: np.ndarray) -> np.ndarray:
        fake = [_Point(float(a), float(b)) for a, b in origins]
        return travel_inputs(dataset, fake, [_Point(float(a), float(b)) for a, b in destinations], mode)[0]

    origins = np.array([(c.lat, c.lon) for c in children], dtype=float).reshape(-1, 2)
    destinations = np.array([(u.lat, u.lon) for u in units], dtype=float).reshape(-1, 2)
    travel, info = matrix_times(store, mode, origins, destinations, compute=compute, max_offset_m=float(max_offset_m))
    catchments = dataset.catchments
    catchment_units = [catchments.unit_for(c.lat, c.lon, language=getattr(c, "language", None))
                       if catchments is not None else None for c in children]
    info["source"] = "matrix"
    return travel, catchment_units, info


class _Point:
    """A bare location for :func:`travel_inputs` (it reads ``lat`` and ``lon`` only)."""

    def __init__(self, lat: float, lon: float):
        self.lat, self.lon = lat, lon


def rules_for(max_minutes: float | None = 60.0, seed: int | None = 0) -> PlacementRules:
    """The default rules with the longest acceptable trip (minutes) and the tie-break seed set;
    ``InputError`` naming ``--max-minutes`` when it is not a number of minutes above 0."""
    minutes = 60.0 if max_minutes is None else max_minutes
    try:
        minutes = float(minutes)
    except (TypeError, ValueError):
        minutes = float("nan")
    if not (minutes > 0) or minutes == float("inf"):
        raise InputError.single("--max-minutes", max_minutes, "minutes above 0, e.g. 60")
    return PlacementRules(max_travel_time_s=minutes * 60.0, seed=int(seed or 0))


@contextlib.contextmanager
def quiet_native_output() -> Iterator[None]:
    """Silence what native code (the HiGHS solver's debug ``printf`` lines) writes to stdout and stderr
    while the block runs; Python's own output before and after is kept. For the single-threaded CLI."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    try:
        saved = [os.dup(1), os.dup(2)]
    except OSError:  # no real file descriptors (embedded interpreter): nothing to silence
        yield
        return
    libc = None
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        yield
    finally:
        if libc is not None:
            with contextlib.suppress(Exception):
                libc.fflush(None)
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, devnull):
            os.close(fd)


def read_round_inputs(dataset: Any, *, children: Any = None, evaka_children: Any = None, units: Any = None,
                      evaka_units: Any = None) -> tuple[list[Child], list[Any], list[Problem]]:
    """Children (project CSV or eVaka report) and units (dataset, a units file or eVaka's unit list) of a
    round, with one problem per bad row; ``InputError`` when no child or no unit is left."""
    from planner.placement.evaka import read_evaka_children, read_evaka_units

    problems: list[Problem] = []
    if evaka_units is not None:
        unit_list, unit_problems = read_evaka_units(evaka_units, addresses=dataset.addresses)
    elif units is not None:
        from planner.units import load_units

        unit_list, unit_problems = load_units(units, addresses=dataset.addresses)
    else:
        unit_list, unit_problems = list(dataset.units), []
    problems.extend(unit_problems)
    if not unit_list:
        raise InputError(unit_problems or [Problem("units", "", "a units file with at least one unit")])
    if evaka_children is not None:
        kids, child_problems = read_evaka_children(evaka_children, addresses=dataset.addresses)
    elif children is not None:
        kids, child_problems = read_children(children, addresses=dataset.addresses)
    else:
        raise InputError.single("--children", "", "a children CSV (--children F.csv) or eVaka's report "
                                "(--evaka-children F.csv)")
    problems.extend(child_problems)
    if not kids:
        raise InputError(child_problems or [Problem("children", "", "a children CSV with at least one row")])
    problems.extend(check_unit_ids(kids, {u.unit_id for u in unit_list}))
    return kids, unit_list, problems


def walk_distances_m(dataset: Any, children: Sequence[Child], units: Sequence[Any]) -> np.ndarray:
    """Walking route lengths in metres (walking time × the walking speed), for transport rules."""
    from planner.network.graph import WALK_SPEED_KMH

    times = np.asarray(dataset.engine("walk").matrix([(c.lat, c.lon) for c in children],
                                                     [(u.lat, u.lon) for u in units], origins_field="children",
                                                     destinations_field="units", on_outside="none"), dtype=float)
    return times * WALK_SPEED_KMH / 3.6


def offers_command(args: argparse.Namespace) -> dict[str, Any]:
    """Read the children and units, place with the dataset's travel times and the round's rules, report;
    write only the files the flags ask for."""
    from planner.datasets import load_dataset
    from planner.placement.preschool import rule_set_for
    from planner.placement.review import read_decisions
    from planner.placement.round import RoundSettings, plan_round, round_start
    from planner.placement.round_report import round_report_csv, round_report_html

    kind = getattr(args, "kind", None) or ("preschool" if getattr(args, "evaka_children", None) else "daycare")
    max_minutes = getattr(args, "max_minutes", None)
    rules_for(max_minutes if max_minutes is not None else 60.0, getattr(args, "seed", 0))  # bad flags first
    settings = RoundSettings(kind=kind, municipality=getattr(args, "municipality", None),
                             method=getattr(args, "method", None), sibling_rule=getattr(args, "siblings", "soft"),
                             max_minutes=max_minutes, seed=int(getattr(args, "seed", 0) or 0),
                             mode=getattr(args, "mode", "walk") or "walk", lang=getattr(args, "lang", "en") or "en")
    settings.check()
    if getattr(args, "evaka_csv", None) and kind != "preschool":
        raise InputError.single("--evaka-csv", args.evaka_csv, "--kind preschool: eVaka's import file is for "
                                "preschool places; a daycare round writes --daycare-csv")
    dataset = load_dataset(getattr(args, "dataset", None))
    as_path = lambda value: Path(value) if value else None  # noqa: E731
    children, units, problems = read_round_inputs(
        dataset, children=as_path(getattr(args, "children", None)),
        evaka_children=as_path(getattr(args, "evaka_children", None)), units=getattr(args, "units", None),
        evaka_units=as_path(getattr(args, "evaka_units", None)))
    decisions = []
    if getattr(args, "decisions", None):
        decisions, decision_problems = read_decisions(Path(args.decisions))
        problems.extend(decision_problems)
    mode = settings.mode
    matrix_dir = getattr(args, "matrix", None)
    matrix_info = None
    if matrix_dir:
        travel, catchment_units, matrix_info = matrix_travel_inputs(
            dataset, children, units, mode, matrix_dir, getattr(args, "matrix_max_offset_m", 0.0) or 0.0)
    else:
        timing = None
        if mode == "transit" and dataset.transit() is not None:  # the one time model (planner.network.timemodel)
            from planner.network.timemodel import parse_clock, parse_date, transit_time

            timing = transit_time(dataset.transit(), parse_date(getattr(args, "date", None), "--date"),
                                  parse_clock(getattr(args, "depart", None), "--depart") or time(7, 30),
                                  lang=getattr(args, "lang", "en") or "en")
        travel, catchment_units = travel_inputs(dataset, children, units, mode,
                                                depart=timing.moment if timing else None)
    walk = None
    if kind == "preschool" and rule_set_for(settings.municipality, round_start(children)).transport_rule != "none":
        walk = walk_distances_m(dataset, children, units)
    with quiet_native_output():
        report = plan_round(children, units, travel, catchment_units, settings, decisions=decisions,
                            walk_distance_m=walk)
    report["dataset"] = dataset.name
    if not matrix_dir and timing is not None:
        report["time"] = timing.to_dict()
    from planner.network.door_to_door import car_estimate_of

    if car_estimate_of(dataset, mode):   # car times include parking and walking (an estimate): say so
        report["car_door_to_door"] = car_estimate_of(dataset, mode)
    report["problems"] = [p.to_dict() for p in problems] + report.pop("review_problems", [])
    if matrix_info:
        report["travel_times"] = matrix_info
    names = {u.unit_id: getattr(u, "name", "") for u in units}
    if getattr(args, "evaka_csv", None):  # the user's explicit export of the offers
        text, skipped = evaka_export(report, children)
        _write(args.evaka_csv, text, "--evaka-csv")
        report["evaka_csv"] = str(args.evaka_csv)
        report["problems"].extend(p.to_dict() for p in skipped)
    if getattr(args, "daycare_csv", None):
        _write(args.daycare_csv, daycare_offers_csv(report), "--daycare-csv")
        report["daycare_csv"] = str(args.daycare_csv)
    if getattr(args, "report_csv", None):
        _write(args.report_csv, round_report_csv(report, names), "--report-csv")
        report["report_csv"] = str(args.report_csv)
    if getattr(args, "report_html", None):
        _write(args.report_html, round_report_html(report, settings.lang, names), "--report-html")
        report["report_html"] = str(args.report_html)
    return report


def _write(path: str, text: str, flag: str) -> None:
    """Write an export the user asked for; an OS error is an input problem naming the flag."""
    try:
        Path(path).write_text(text, encoding="utf-8", newline="")
    except OSError as error:
        raise InputError.single(flag, path, f"a file path that can be written ({error.strerror})") from None
