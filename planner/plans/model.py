"""The municipality's plans as dated layers: planned units, closures and moves, transit changes, housing.

A :class:`PlanLayer` is one imported set of decisions (or an EXAMPLE, ``example=True``, never a real
decision). Every record carries the date from which it is in force; :class:`Plans` holds every layer of a
dataset and answers "what is in force on day D": the units (:meth:`Plans.units_on`) and, through
:mod:`planner.plans.transit`, the public transport network.

Dates are ``datetime.date``; a record is in force from its date (inclusive) on.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, Mapping, Sequence

from planner.units import Unit

FAR_FUTURE = date(2099, 12, 31)
ROUTE_TYPES: dict[str, int] = {"tram": 0, "metro": 1, "subway": 1, "rail": 2, "train": 2, "bus": 3, "ferry": 4,
                               "trolleybus": 11}
DAY_KEYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class PlannedUnit:
    """A unit that opens on ``opens`` (and, optionally, closes again on ``closes``)."""

    unit: Unit
    opens: date
    closes: date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"unit": self.unit.to_dict(), "opens": self.opens.isoformat(),
                "closes": self.closes.isoformat() if self.closes else None}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "PlannedUnit":
        return cls(Unit.from_dict({k: v for k, v in data["unit"].items() if k != "seats"}),
                   date.fromisoformat(data["opens"]),
                   date.fromisoformat(data["closes"]) if data.get("closes") else None)


@dataclass(frozen=True)
class UnitChange:
    """An existing (or planned) unit closes, or moves to ``lat``/``lon``, on ``on``."""

    action: str            # "close" | "move"
    unit_id: str
    on: date
    lat: float | None = None
    lon: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"action": self.action, "unit_id": self.unit_id, "on": self.on.isoformat(), "lat": self.lat,
                "lon": self.lon}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "UnitChange":
        return cls(data["action"], data["unit_id"], date.fromisoformat(data["on"]), data.get("lat"), data.get("lon"))


@dataclass(frozen=True)
class LineStop:
    """One stop of a planned line; ``minutes`` = run time from the previous stop (None: estimated)."""

    name: str
    lat: float
    lon: float
    minutes: float | None = None


@dataclass(frozen=True)
class Headway:
    """Departures every ``minutes`` from ``start_s`` to ``end_s`` (seconds after midnight)."""

    start_s: int
    end_s: int
    minutes: float


@dataclass(frozen=True)
class PlannedLine:
    """A new or changed public-transport line (the simple line file), in service from ``start_date``.

    ``replaces``: the ``route_short_name`` of an existing line that stops running on ``start_date``.
    ``run_times_estimated``: True when some stop-to-stop minutes came from ``speed_kmh`` (an estimate).
    """

    line_id: str
    name: str
    mode: str
    start_date: date
    stops: tuple[LineStop, ...]
    headways: tuple[Headway, ...]
    days: tuple[str, ...] = DAY_KEYS[:5]
    end_date: date | None = None
    replaces: str | None = None
    both_directions: bool = True
    speed_kmh: float = 18.0
    run_times_estimated: bool = False
    service_start_s: int = 5 * 3600 + 30 * 60
    service_end_s: int = 23 * 3600 + 30 * 60

    @property
    def route_type(self) -> int:
        return ROUTE_TYPES[self.mode]

    def run_minutes(self) -> list[float]:
        """Minutes from the previous stop for each stop (first = 0): given, else distance / ``speed_kmh``."""
        out = [0.0]
        for prev, stop in zip(self.stops, self.stops[1:]):
            if stop.minutes is not None:
                out.append(float(stop.minutes))
            else:
                out.append(_straight_m(prev.lat, prev.lon, stop.lat, stop.lon) * 1.2 / (self.speed_kmh / 3.6) / 60.0)
        return out

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["start_date"] = self.start_date.isoformat()
        data["end_date"] = self.end_date.isoformat() if self.end_date else None
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "PlannedLine":
        values = dict(data)
        values["start_date"] = date.fromisoformat(values["start_date"])
        values["end_date"] = date.fromisoformat(values["end_date"]) if values.get("end_date") else None
        values["stops"] = tuple(LineStop(**s) for s in values["stops"])
        values["headways"] = tuple(Headway(**h) for h in values["headways"])
        values["days"] = tuple(values.get("days") or DAY_KEYS[:5])
        return cls(**values)


@dataclass(frozen=True)
class GtfsVersion:
    """A whole GTFS feed (copied into the plan store as ``file``) in force from ``start_date``."""

    file: str
    start_date: date

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "start_date": self.start_date.isoformat()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "GtfsVersion":
        return cls(data["file"], date.fromisoformat(data["start_date"]))


@dataclass(frozen=True)
class Housing:
    """New dwellings completed on ``completes`` at ``lat``/``lon``.

    ``persons_per_dwelling`` None: the forecast's stated assumption is used.
    """

    housing_id: str
    lat: float
    lon: float
    dwellings: int
    completes: date
    persons_per_dwelling: float | None = None

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["completes"] = self.completes.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Housing":
        values = dict(data)
        values["completes"] = date.fromisoformat(values["completes"])
        return cls(**values)


@dataclass(frozen=True)
class PlanLayer:
    """One imported plan layer with its provenance; ``example`` marks a sample that is not a decision."""

    name: str
    dataset: str
    example: bool = False
    description: str = ""
    units: tuple[PlannedUnit, ...] = ()
    changes: tuple[UnitChange, ...] = ()
    lines: tuple[PlannedLine, ...] = ()
    gtfs_versions: tuple[GtfsVersion, ...] = ()
    housing: tuple[Housing, ...] = ()
    provenance: tuple[Mapping[str, Any], ...] = ()
    imported_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"format": "planner-plan-layer", "version": 1, "name": self.name, "dataset": self.dataset,
                "example": self.example, "description": self.description, "imported_at": self.imported_at,
                "provenance": [dict(p) for p in self.provenance],
                "units": [u.to_dict() for u in self.units], "changes": [c.to_dict() for c in self.changes],
                "lines": [line.to_dict() for line in self.lines],
                "gtfs_versions": [g.to_dict() for g in self.gtfs_versions],
                "housing": [h.to_dict() for h in self.housing]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "PlanLayer":
        return cls(name=data["name"], dataset=data["dataset"], example=bool(data.get("example")),
                   description=data.get("description", ""), imported_at=data.get("imported_at", ""),
                   provenance=tuple(data.get("provenance", [])),
                   units=tuple(PlannedUnit.from_dict(u) for u in data.get("units", [])),
                   changes=tuple(UnitChange.from_dict(c) for c in data.get("changes", [])),
                   lines=tuple(PlannedLine.from_dict(x) for x in data.get("lines", [])),
                   gtfs_versions=tuple(GtfsVersion.from_dict(g) for g in data.get("gtfs_versions", [])),
                   housing=tuple(Housing.from_dict(h) for h in data.get("housing", [])))

    def summary(self) -> dict[str, Any]:
        """Counts and dates, for ``data plan --list``."""
        dates = sorted(e["date"] for e in events_of(self))
        return {"name": self.name, "dataset": self.dataset, "example": self.example,
                "description": self.description, "imported_at": self.imported_at,
                "units": len(self.units), "changes": len(self.changes), "lines": len(self.lines),
                "gtfs_versions": len(self.gtfs_versions), "housing": len(self.housing),
                "first_date": dates[0] if dates else None, "last_date": dates[-1] if dates else None,
                "provenance": [dict(p) for p in self.provenance]}


def events_of(layer: PlanLayer) -> list[dict[str, Any]]:
    """Every dated event of a layer: ``date`` (ISO), ``kind``, ids, ``layer`` and ``example``."""
    out: list[dict[str, Any]] = []
    base = {"layer": layer.name, "example": layer.example}
    for planned in layer.units:
        u = planned.unit
        out.append({**base, "date": planned.opens.isoformat(), "kind": "unit_opens", "unit_id": u.unit_id,
                    "name": u.name, "lat": u.lat, "lon": u.lon, "seats": u.seats})
        if planned.closes:
            out.append({**base, "date": planned.closes.isoformat(), "kind": "unit_closes", "unit_id": u.unit_id,
                        "name": u.name, "lat": u.lat, "lon": u.lon})
    for change in layer.changes:
        out.append({**base, "date": change.on.isoformat(), "kind": f"unit_{change.action}s",
                    "unit_id": change.unit_id, "lat": change.lat, "lon": change.lon})
    for line in layer.lines:
        out.append({**base, "date": line.start_date.isoformat(), "kind": "line_starts", "line_id": line.line_id,
                    "name": line.name, "mode": line.mode, "replaces": line.replaces})
        if line.end_date:
            out.append({**base, "date": line.end_date.isoformat(), "kind": "line_ends", "line_id": line.line_id,
                        "name": line.name, "mode": line.mode})
    for version in layer.gtfs_versions:
        out.append({**base, "date": version.start_date.isoformat(), "kind": "gtfs_version", "file": version.file})
    for home in layer.housing:
        out.append({**base, "date": home.completes.isoformat(), "kind": "housing", "housing_id": home.housing_id,
                    "dwellings": home.dwellings, "lat": home.lat, "lon": home.lon})
    return sorted(out, key=lambda e: (e["date"], e["kind"]))


@dataclass(frozen=True)
class Plans:
    """Every plan layer of one dataset (possibly none)."""

    dataset: str
    layers: tuple[PlanLayer, ...] = field(default_factory=tuple)

    def __bool__(self) -> bool:
        return bool(self.layers)

    @property
    def example(self) -> bool:
        """True when any layer is an EXAMPLE (not a real decision)."""
        return any(layer.example for layer in self.layers)

    @property
    def lines(self) -> list[PlannedLine]:
        return [line for layer in self.layers for line in layer.lines]

    @property
    def housing(self) -> list[Housing]:
        return [h for layer in self.layers for h in layer.housing]

    @property
    def gtfs_versions(self) -> list[GtfsVersion]:
        return sorted((g for layer in self.layers for g in layer.gtfs_versions), key=lambda g: g.start_date)

    def events(self, since: date | None = None, until: date | None = None) -> list[dict[str, Any]]:
        """Dated events of every layer, in date order (``since`` <= date <= ``until`` when given)."""
        out = [e for layer in self.layers for e in events_of(layer)]
        if since:
            out = [e for e in out if e["date"] >= since.isoformat()]
        if until:
            out = [e for e in out if e["date"] <= until.isoformat()]
        return sorted(out, key=lambda e: (e["date"], e["kind"]))

    def units_on(self, base_units: Sequence[Unit], day: date) -> list[Unit]:
        """The units in force on ``day``: the dataset's units, plus planned units opened by then, minus
        closures, with moves applied (each change in date order)."""
        current: dict[str, Unit] = {u.unit_id: u for u in base_units}
        steps: list[tuple[date, int, Any]] = []
        for layer in self.layers:
            for planned in layer.units:
                steps.append((planned.opens, 0, ("open", planned.unit)))
                if planned.closes:
                    steps.append((planned.closes, 1, ("close", planned.unit.unit_id)))
            for change in layer.changes:
                steps.append((change.on, 2, (change.action, change)))
        for on, _order, (action, item) in sorted(steps, key=lambda s: (s[0], s[1])):
            if on > day:
                continue
            if action == "open":
                current[item.unit_id] = item
            elif action == "close":
                unit_id = item if isinstance(item, str) else item.unit_id
                current.pop(unit_id, None)
            elif action == "move" and item.unit_id in current:
                current[item.unit_id] = dataclasses.replace(current[item.unit_id], lat=float(item.lat),
                                                            lon=float(item.lon))
        return list(current.values())

    def lines_on(self, day: date) -> list[PlannedLine]:
        """Planned lines in service on ``day`` (by date range; weekdays are in the timetable)."""
        return [line for line in self.lines
                if line.start_date <= day and (line.end_date is None or day < line.end_date)]


def _straight_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle metres between two WGS84 points."""
    r = 6371008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(min(a, 1.0)))


def straight_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle metres between ``a`` and ``b`` (lat, lon)."""
    return _straight_m(a[0], a[1], b[0], b[1])


def merge_layers(dataset: str, layers: Iterable[PlanLayer]) -> Plans:
    return Plans(dataset, tuple(sorted(layers, key=lambda layer: layer.name)))
