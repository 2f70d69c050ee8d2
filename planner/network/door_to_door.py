"""Car door to door: the time a car trip takes besides driving (walking to the car, finding a parking
place, walking from it to the door), from the dated table ``tables/car_door_to_door.csv``.

The value is an ESTIMATE (``status`` = ``estimate``): one constant fitted against the Helsinki Region
Travel Time Matrix 2015 (see the row's ``source``). It is applied in one place, the car
:class:`~planner.network.engine.TravelTimeEngine` of a dataset (``Dataset.engine("car")``), which adds it
once to every door-to-door car time: routes (a ``parking`` leg), one-to-many, many-to-one and matrices,
so ``rank``, ``route``, ``whatif``, ``site``, ``offers``, ``matrix`` and the pages all include it.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from planner.errors import MissingRuleError, RuleTableError

from planner.rules.tables import RuleBacked, RuleRow

TABLE = Path(__file__).parent / "tables" / "car_door_to_door.csv"
STATUSES = ("verified", "estimate")


@dataclass(frozen=True)
class DoorToDoor(RuleBacked):
    """Seconds a car trip takes besides driving, for ``area``; ``rule`` is its validity, source and
    status (the rule tables' :class:`~planner.rules.RuleRow`)."""

    area: str
    door_to_door_s: float
    rule: RuleRow

    def to_dict(self) -> dict[str, Any]:
        return {"door_to_door_s": self.door_to_door_s, "area": self.area, **self.rule.to_dict(),
                "estimate": self.status == "estimate"}


def _parse(path: Path) -> tuple[DoorToDoor, ...]:
    rows: list[DoorToDoor] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for values in reader:
            line = reader.line_num
            try:
                valid_to = (values["valid_to"] or "").strip()
                rule = RuleRow(path.name, line, date.fromisoformat(values["valid_from"].strip()),
                               date.fromisoformat(valid_to) if valid_to else None,
                               values["source"].strip(), values["status"].strip())
                row = DoorToDoor(area=values["area"].strip(), door_to_door_s=float(values["door_to_door_s"]),
                                 rule=rule)
            except (KeyError, ValueError, AttributeError) as error:
                raise RuleTableError(f"{path.name}, line {line}: {error}") from None
            if not (0 <= row.door_to_door_s <= 3600):
                raise RuleTableError(f"{path.name}, line {line}: door_to_door_s {row.door_to_door_s} outside 0-3600")
            if row.status not in STATUSES or not row.source:
                raise RuleTableError(f"{path.name}, line {line}: needs a source and a status in {STATUSES}")
            if row.valid_to is not None and row.valid_to < row.valid_from:
                raise RuleTableError(f"{path.name}, line {line}: valid_to is before valid_from")
            rows.append(row)
    if not rows:
        raise RuleTableError(f"{path.name}: the table has no rows")
    return tuple(rows)


@lru_cache(maxsize=4)
def _rows(path: Path = TABLE) -> tuple[DoorToDoor, ...]:
    return _parse(path)


def car_door_to_door(on: date | None = None, area: str = "*", *, path: Path = TABLE) -> DoorToDoor:
    """The row in force on ``on`` (default today) for ``area`` (``*`` = everywhere); fails loudly
    (:class:`MissingRuleError`) for a date no row covers."""
    on = on or date.today()
    rows = [r for r in _rows(path) if r.area in (area, "*") and r.covers(on)]
    if not rows:
        raise MissingRuleError(f"{path.name}: no car door-to-door row covers {on.isoformat()} (area {area}); "
                               "add a row with valid_from/valid_to, source and status")
    return sorted(rows, key=lambda r: (r.area == "*", r.valid_from))[0]


def car_estimate_of(dataset: Any, mode: str) -> dict[str, Any] | None:
    """What the car times of a run include besides driving (the row of :func:`car_door_to_door`, marked
    ``estimate``), for a command's output; None for other modes."""
    if mode != "car" or dataset is None or not hasattr(dataset, "engine"):
        return None
    return getattr(dataset.engine("car"), "trip_end", None)
