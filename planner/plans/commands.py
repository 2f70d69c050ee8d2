"""``python -m planner data plan`` (import / list / remove plan layers) and ``plan compare``.

``data plan --dataset D --name N [--units F] [--changes F] [--line F ...] [--gtfs-version F --gtfs-from DATE]
[--housing F] [--example] [--description TEXT]`` validates every file against the dataset (every bad row
named; nothing is imported while any problem remains, exit 2), stores the layer with its provenance
(file names, sha256, import time) and prepares the transit network of each plan period.

``plan compare --date D [--today D0] [--mode walk|bike|car|transit] [--max-minutes M]`` compares
accessibility and occupancy of the units (and network) in force today with those in force on ``D``.
"""
from __future__ import annotations

import argparse
import math
import threading
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from planner.errors import InputError, Problem

_TIMES: dict[tuple, Any] = {}
_TIMES_LOCK = threading.RLock()


def _today() -> date:
    return date.today()


def parse_day(text: str | None, flag: str, default: date | None = None) -> date | None:
    """``YYYY-MM-DD`` from the command line (InputError naming ``flag``)."""
    if text is None or text == "":
        return default
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise InputError.single(flag, text, "a date YYYY-MM-DD, e.g. 2028-03-01") from None


def import_layer(dataset: Any, name: str, *, units: str | None = None, changes: str | None = None,
                 lines: list[str] | None = None, gtfs_version: str | None = None, gtfs_from: str | None = None,
                 housing: str | None = None, example: bool = False, description: str = "") -> dict[str, Any]:
    """Validate and store one plan layer for ``dataset``; its summary and events."""
    from planner.datasets.build import sha256_of
    from planner.plans.model import GtfsVersion, PlanLayer
    from planner.plans.parse import parse_changes, parse_housing, parse_line, parse_planned_units
    from planner.plans.store import check_layer_name, load_plans, prepare_transit, save_layer

    check_layer_name(name)
    problems: list[Problem] = []
    if not any([units, changes, lines, gtfs_version, housing]):
        raise InputError.single("--units", None, "at least one of --units, --changes, --line, --gtfs-version, "
                                                 "--housing")
    planned, closures, parsed_lines, housing_rows, versions = [], [], [], [], []
    files: dict[str, Path] = {}
    provenance = []
    imported_at = datetime.now(timezone.utc).replace(microsecond=0).isoformat()

    def record(role: str, path: str) -> None:
        p = Path(path)
        if p.exists():
            stored = f"{role}-{p.name}"
            files[stored] = p
            provenance.append({"role": role, "file": p.name, "stored_as": stored, "sha256": sha256_of(p),
                               "imported_at": imported_at, "example": example})

    if units:
        planned, found = parse_planned_units(units, dataset)
        problems += found
        record("units", units)
    if changes:
        closures, found = parse_changes(changes, dataset, planned)
        problems += found
        record("changes", changes)
    for path in lines or []:
        line, found = parse_line(path, dataset)
        problems += found
        if line is not None:
            if any(x.line_id == line.line_id for x in parsed_lines):
                problems.append(Problem(f"--line {Path(path).name} line_id", line.line_id, "a line_id used once"))
            parsed_lines.append(line)
        record("line", path)
    if housing:
        housing_rows, found = parse_housing(housing, dataset)
        problems += found
        record("housing", housing)
    if gtfs_version or gtfs_from:
        start = parse_day(gtfs_from, "--gtfs-from")
        if not gtfs_version:
            problems.append(Problem("--gtfs-version", None, "a GTFS feed (.zip or folder) to go with --gtfs-from"))
        elif start is None:
            problems.append(Problem("--gtfs-from", None, "the date YYYY-MM-DD from which the GTFS version is in force"))
        else:
            from planner.network.gtfs import load_feed
            try:
                load_feed(gtfs_version)
            except InputError as error:
                problems += [Problem(f"--gtfs-version {p.field}", p.value, p.expected) for p in error.problems]
            else:
                record("gtfs", gtfs_version)
                versions.append(GtfsVersion(f"gtfs-{Path(gtfs_version).name}", start))
    # lines and units of other layers must not clash with this one
    others = [layer for layer in load_plans(dataset).layers if layer.name != name]
    other_units = {p.unit.unit_id for layer in others for p in layer.units}
    for p in planned:
        if p.unit.unit_id in other_units:
            problems.append(Problem("--units unit_id", p.unit.unit_id, "an id not used by another plan layer"))
    other_lines = {x.line_id for layer in others for x in layer.lines}
    for line in parsed_lines:
        if line.line_id in other_lines:
            problems.append(Problem("--line line_id", line.line_id, "a line_id not used by another plan layer"))
    has_feed = getattr(dataset, "transit_feed_path", lambda: None)() is not None or versions or \
        any(layer.gtfs_versions for layer in others)
    if parsed_lines and not has_feed:
        problems.append(Problem("--line", ", ".join(x.line_id for x in parsed_lines),
                                f"a dataset with public transport: {dataset.name} has no GTFS feed (build it with "
                                "--gtfs, or give the plan a --gtfs-version)"))
    if problems:
        raise InputError(problems)
    if example:
        from dataclasses import replace

        planned = [replace(p, unit=replace(p.unit, demo=True)) for p in planned]
    layer = PlanLayer(name=name, dataset=dataset.name, example=example, description=description,
                      units=tuple(planned), changes=tuple(closures), lines=tuple(parsed_lines),
                      gtfs_versions=tuple(versions), housing=tuple(housing_rows), provenance=tuple(provenance),
                      imported_at=imported_at)
    save_layer(layer, files, dataset)
    prepared = prepare_transit(dataset, load_plans(dataset))
    return {"dataset": dataset.name, "imported": layer.summary(), "transit_versions": prepared,
            "events": load_plans(dataset).events()}


def list_layers(dataset: Any) -> dict[str, Any]:
    from planner.plans.store import load_plans

    plans = load_plans(dataset)
    return {"dataset": dataset.name, "example": plans.example, "layers": [layer.summary() for layer in plans.layers],
            "events": plans.events()}


def plan_data_command(args: argparse.Namespace) -> dict[str, Any]:
    """Handler of ``data plan``."""
    from planner.datasets import load_dataset
    from planner.plans.store import check_layer_name, remove_layer

    dataset = load_dataset(getattr(args, "dataset", None))
    if getattr(args, "list", False):
        return list_layers(dataset)
    if getattr(args, "remove", None):
        name = check_layer_name(args.remove, "--remove")
        if not remove_layer(dataset, name):
            raise InputError.single("--remove", name, "the name of a plan layer of this dataset (see --list)")
        return {**list_layers(dataset), "removed": name}
    if not getattr(args, "name", None):
        raise InputError.single("--name", None, "a name for the plan layer (letters, digits, '-'), or --list")
    return import_layer(dataset, args.name, units=args.units, changes=args.changes, lines=args.line or [],
                        gtfs_version=args.gtfs_version, gtfs_from=args.gtfs_from, housing=args.housing,
                        example=bool(args.example), description=args.description or "")


# --------------------------------------------------------------------------- plan compare
def compare_years(dataset: Any, day: date, *, today: date | None = None, mode: str = "walk",
                  max_minutes: float = 10.0, assignment: str = "nearest", lang: str = "en",
                  arrive: time = time(8, 0)) -> dict[str, Any]:
    """Accessibility and occupancy of the units in force ``today`` and on ``day``, side by side.

    Same demand both times (the change shown is that of the units and the network); with transit the
    trips arrive at the unit by ``arrive`` on the same weekday of each period.
    """
    from planner.plans.store import dataset_on, load_plans, units_in_reach
    from planner.siting.scenario import SitingInputs, compare, evaluate

    today = today or _today()
    left_out: set[str] = set()
    plans = load_plans(dataset)
    views = {"today": dataset_on(dataset, today, plans), "plan": dataset_on(dataset, day, plans)}
    evaluations = {}
    for key, view in views.items():
        on = today if key == "today" else day
        arrive_by = datetime.combine(working_day(on), arrive)
        inputs = SitingInputs.from_dataset(view, modes=(mode,), arrive_by=arrive_by if mode == "transit" else None)
        # travel-time columns are kept per network (street graph, or transit router + arrival time), so a
        # second comparison only routes unit locations it has not seen
        network = view.transit() if mode == "transit" else dataset.engine(mode)
        cache_key = (str(getattr(dataset, "path", dataset.name)), mode, id(network),
                     arrive_by if mode == "transit" else None)
        with _TIMES_LOCK:
            cached = _TIMES.get(cache_key)
            if cached is not None and cached.points.shape == inputs.times[mode].points.shape \
                    and (cached.points == inputs.times[mode].points).all():
                inputs.times[mode] = cached
            else:
                if len(_TIMES) > 16:
                    _TIMES.pop(next(iter(_TIMES)))
                _TIMES[cache_key] = inputs.times[mode]
        units, outside = units_in_reach(dataset, list(view.units), mode)
        left_out.update(outside)
        evaluations[key] = (inputs, evaluate(inputs, units, mode, max_minutes, assignment))
    inputs, before = evaluations["today"]
    _inputs, after = evaluations["plan"]
    comparison = compare(before, after, inputs, lang=lang)
    return {"dataset": dataset.name, "today": today.isoformat(), "date": day.isoformat(), "mode": mode,
            "max_minutes": max_minutes, "assignment": assignment, "example": plans.example,
            "events": plans.events(since=today + timedelta(days=1), until=day),
            "today_metrics": before.to_dict()["overall"], "plan_metrics": after.to_dict()["overall"],
            "comparison": {"overall": comparison.to_dict()["overall"],
                           "units": comparison.to_dict()["units"]},
            "units_left_out": sorted(left_out),
            "demand_estimated": before.estimated, "participation": list(before.participation),
            "participation_assumed": before.participation_assumed}


def working_day(day: date) -> date:
    """``day`` or the next Tuesday–Thursday (a typical working day)."""
    while day.weekday() not in (1, 2, 3):
        day += timedelta(days=1)
    return day


def compare_command(args: argparse.Namespace) -> dict[str, Any]:
    """Handler of ``plan compare``."""
    from planner.datasets import load_dataset

    day = parse_day(args.date, "--date")
    today = parse_day(getattr(args, "today", None), "--today", _today())
    if day is None:
        raise InputError.single("--date", None, "the plan date YYYY-MM-DD to compare with today")
    if not (isinstance(args.max_minutes, (int, float)) and math.isfinite(args.max_minutes) and args.max_minutes > 0):
        raise InputError.single("--max-minutes", args.max_minutes, "minutes greater than 0")
    dataset = load_dataset(getattr(args, "dataset", None))
    return compare_years(dataset, day, today=today, mode=args.mode, max_minutes=float(args.max_minutes),
                         assignment=args.assignment, lang=getattr(args, "lang", "en") or "en")
