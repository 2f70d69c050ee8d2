"""``python -m planner route``: travel time, distance and legs between two points."""
from __future__ import annotations

import argparse
import math
from typing import Any

from planner.errors import InputError, Problem

STREET_MODES = ("walk", "bike", "car")


_problem = Problem.keyed  # a Problem whose fix text is an i18n key (planner/locales)


def parse_point(text: Any, field: str) -> tuple[float, float]:
    """``"LAT,LON"`` (WGS84 degrees) -> ``(lat, lon)``; ``InputError`` naming ``field`` otherwise."""
    if not isinstance(text, str):
        raise InputError(_problem(field, text, "problems.point.text"))
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 2:
        raise InputError(_problem(field, text, "problems.point.text"))
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        raise InputError(_problem(field, text, "problems.point.text")) from None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise InputError(_problem(field, text, "problems.point.text_range"))
    return lat, lon


def route_command(args: argparse.Namespace) -> dict[str, Any]:
    """Handler of ``route``: ``travel_time_s``, ``distance_m``, ``mode``, ``legs``, ``reachable``, ``path``.

    Unreachable gives ``reachable: false`` and ``travel_time_s: null`` (exit 0): it is an answer.
    """
    problems: list[Problem] = []
    points = []
    for value, field in ((getattr(args, "origin", None), "--from"), (getattr(args, "destination", None), "--to")):
        try:
            points.append(parse_point(value, field))
        except InputError as error:
            problems.extend(error.problems)
    mode = getattr(args, "mode", None)
    if mode not in (*STREET_MODES, "transit"):
        problems.append(_problem("--mode", mode, "problems.mode.route"))
    if problems:
        raise InputError(problems)
    from planner.datasets import load_dataset

    dataset = load_dataset(getattr(args, "dataset", None))
    if mode == "transit":
        from planner.network.transit import parse_depart, route_command_transit
        from planner.plans.store import dataset_on

        # the network in force on the service date, with the dataset's plans (planner/plans)
        day = parse_depart(getattr(args, "depart", None), getattr(args, "date", None)).date()
        return route_command_transit(args, dataset_on(dataset, day))
    route = dataset.engine(mode).route(points[0], points[1], origin_field="--from", destination_field="--to")
    result = {"dataset": getattr(dataset, "name", None), "from": list(points[0]), "to": list(points[1])}
    result.update(route.to_dict())
    return result
