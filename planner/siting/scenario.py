"""What-if scenarios: add, move, resize or close units; evaluate and compare with the baseline.

A :class:`Scenario` is a list of :class:`Change` records applied in order to a dataset's units.
:func:`evaluate` computes, for one set of units, the per-unit table (catchment demand, coefficient-
weighted expected seats = children × ECEC participation (assumed national shares unless given),
occupancy %, 2SFCA supply ratio) and the area metrics (share of children within
N minutes, mean and p90 travel time, 2SFCA access). :func:`compare` puts a baseline and a scenario side
by side and lists the demand points whose nearest unit or catchment unit changes.

Speed: :class:`TravelTimes` keeps one travel-time column per unit location, so a what-if only routes
the added or moved units (one many-to-one search each); everything else is array arithmetic.

Scenario files are JSON::

    {"format": "planner-scenario", "version": 1, "name": "...", "description": "...",
     "changes": [{"action": "add", "unit_id": "new-1", "name": "...", "lat": 60.17, "lon": 24.94,
                  "capacity_seats": 84},
                 {"action": "move", "unit_id": "u3", "lat": ..., "lon": ...},
                 {"action": "resize", "unit_id": "u4", "capacity_seats": 120},
                 {"action": "close", "unit_id": "u5"}]}

``add`` and ``move`` take ``lat``/``lon`` or an ``address`` (resolved in the dataset);
``resize`` takes ``capacity_seats`` and/or ``caretakers`` (seats = caretakers × 7).
"""
from __future__ import annotations

import dataclasses
import json
import math
import numbers
import re
from datetime import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from planner.errors import DataError, InputError, Problem, ProblemCollector
from planner.i18n import translate
from planner.siting.accessibility import area_metrics, nearest, travel_metrics, two_step_fca
from planner.siting.demand import AGE_COLUMNS, validate_demand
from planner.siting.occupancy import (ASSUMED_PARTICIPATION, demand_seats, is_assumed_participation,
                                      occupancy_percent, validate_participation)
from planner.progress import Progress
from planner.readers import in_finland
from planner.units import Unit

ACTIONS: tuple[str, ...] = ("add", "move", "resize", "close")
ASSIGNMENTS: tuple[str, ...] = ("catchment", "nearest")
FORMAT = "planner-scenario"
VERSION = 1
_FIELDS = ("action", "unit_id", "name", "lat", "lon", "address", "capacity_seats", "caretakers")
MAX_CHANGES = 1000                  # a scenario is typed by a planner: a few dozen changes at most
MAX_CAPACITY_SEATS = 2000.0         # the largest Finnish units have a few hundred places
MAX_TEXT_CHARS = 300
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


_problem = Problem.keyed  # a Problem whose fix text is an i18n key (planner/locales)


# --------------------------------------------------------------------------- scenario records
@dataclass(frozen=True)
class Change:
    """One change to the units; which fields are needed depends on ``action`` (see module docstring)."""

    action: str
    unit_id: str
    name: str | None = None
    lat: float | None = None
    lon: float | None = None
    address: str | None = None
    capacity_seats: float | None = None
    caretakers: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in dataclasses.asdict(self).items() if v is not None}

    def describe(self, lang: str = "en", label: str | None = None) -> str:
        """One line saying what the change does, in ``lang``; the unit is called ``label`` (e.g. its name
        on a page) when given, else by its id."""
        unit = label or self.unit_id
        if self.action in ("add", "move"):
            return translate(f"siting.change.{self.action}", lang, unit_id=unit,
                             lat=self.lat if self.lat is not None else float("nan"),
                             lon=self.lon if self.lon is not None else float("nan"))
        if self.action == "resize":
            seats = self.caretakers * 7 if self.caretakers is not None else self.capacity_seats
            return translate("siting.change.resize", lang, unit_id=unit, seats=f"{seats:g}")
        return translate("siting.change.close", lang, unit_id=unit)


@dataclass(frozen=True)
class Scenario:
    """A named, ordered list of changes."""

    name: str = "scenario"
    changes: tuple[Change, ...] = ()
    description: str = ""

    def with_change(self, change: Change) -> "Scenario":
        """A new scenario with ``change`` appended (after validating it)."""
        return Scenario.from_dict({**self.to_dict(), "changes": [*(c.to_dict() for c in self.changes),
                                                                  change.to_dict()]})

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, "version": VERSION, "name": self.name, "description": self.description,
                "changes": [c.to_dict() for c in self.changes]}

    @classmethod
    def from_dict(cls, data: Any) -> "Scenario":
        """Validate a scenario document; every problem names ``changes[i].field``."""
        problems = ProblemCollector()
        if not isinstance(data, Mapping):
            raise InputError(_problem("scenario", type(data).__name__, "problems.scenario.type"))
        if data.get("format", FORMAT) != FORMAT:
            problems.add_keyed("format", data.get("format"), "problems.scenario.format", format=FORMAT)
        if data.get("version", VERSION) != VERSION:
            problems.add_keyed("version", data.get("version"), "problems.scenario.version", version=str(VERSION))
        name = data.get("name", "scenario")
        if not isinstance(name, str) or not name.strip():
            problems.add_keyed("name", name, "problems.text_nonempty")
        description = data.get("description", "")
        if not isinstance(description, str):
            problems.add_keyed("description", description, "problems.text")
        raw_changes = data.get("changes", [])
        if not isinstance(raw_changes, list):
            problems.add_keyed("changes", type(raw_changes).__name__, "problems.scenario.changes")
            raw_changes = []
        if len(raw_changes) > MAX_CHANGES:
            raise InputError(_problem("changes", f"{len(raw_changes)} changes", "problems.input.rows.too_many",
                                      limit=MAX_CHANGES))
        changes = []
        for index, raw in enumerate(raw_changes):
            change = _parse_change(raw, f"changes[{index}]", problems)
            if change is not None:
                changes.append(change)
        problems.raise_if_any()
        return cls(name=str(name), changes=tuple(changes), description=str(description))

    def apply(self, units: Sequence[Unit], *, resolve: Callable[[str, str], tuple[float, float]] | None = None
              ) -> list[Unit]:
        """The units after the changes, in order; ``resolve(address, field)`` turns addresses into (lat, lon).

        Unknown or duplicate unit ids raise ``InputError`` naming ``changes[i].unit_id``.
        """
        problems = ProblemCollector()
        current: dict[str, Unit] = {u.unit_id: u for u in units}
        for index, change in enumerate(self.changes):
            where = f"changes[{index}]"
            lat, lon = change.lat, change.lon
            if change.action in ("add", "move") and (lat is None or lon is None):
                if resolve is None:
                    problems.add_keyed(f"{where}.address", change.address, "problems.scenario.no_address_index")
                    continue
                try:
                    lat, lon = resolve(change.address or "", f"{where}.address")
                except InputError as error:
                    problems.extend(error)
                    continue
            if change.action == "add":
                if change.unit_id in current:
                    problems.add_keyed(f"{where}.unit_id", change.unit_id, "problems.scenario.unit_exists")
                    continue
                current[change.unit_id] = Unit(
                    unit_id=change.unit_id, name=change.name or change.unit_id, lat=float(lat), lon=float(lon),
                    address=change.address, capacity_seats=change.capacity_seats, caretakers=change.caretakers,
                    source=f"scenario {self.name}")
                continue
            if change.unit_id not in current:
                problems.add_keyed(f"{where}.unit_id", change.unit_id, "problems.scenario.unit_unknown")
                continue
            unit = current[change.unit_id]
            if change.action == "move":
                current[change.unit_id] = dataclasses.replace(unit, lat=float(lat), lon=float(lon),
                                                              address=change.address or unit.address)
            elif change.action == "resize":
                current[change.unit_id] = dataclasses.replace(
                    unit, capacity_seats=change.capacity_seats if change.capacity_seats is not None else unit.capacity_seats,
                    caretakers=change.caretakers if change.caretakers is not None else
                    (None if change.capacity_seats is not None else unit.caretakers),
                    free_seats=None, capacity_estimated=False)
            else:
                del current[change.unit_id]
        problems.raise_if_any()
        return list(current.values())


def _parse_change(raw: Any, where: str, problems: ProblemCollector) -> Change | None:
    if not isinstance(raw, Mapping):
        problems.add_keyed(where, type(raw).__name__, "problems.scenario.change_type")
        return None
    before = len(problems.problems)
    unknown = sorted(set(raw) - set(_FIELDS))
    for key in unknown:
        problems.add_keyed(f"{where}.{key}", raw[key], "problems.scenario.unknown_field", fields=", ".join(_FIELDS))
    action = raw.get("action")
    if action not in ACTIONS:
        problems.add_keyed(f"{where}.action", action, "problems.one_of", options=", ".join(ACTIONS))
    unit_id = raw.get("unit_id")
    if not isinstance(unit_id, str) or not unit_id.strip():
        problems.add_keyed(f"{where}.unit_id", unit_id, "problems.scenario.unit_id_empty")
    elif _CONTROL_CHARS.search(unit_id) or len(unit_id) > 100:
        problems.add_keyed(f"{where}.unit_id", unit_id[:100], "problems.units.id_text", limit=100)
    values: dict[str, Any] = {}
    for key, low, high in (("lat", -90, 90), ("lon", -180, 180)):
        value = raw.get(key)
        if value is not None and not (_number(value) and low <= value <= high):
            problems.add_keyed(f"{where}.{key}", value, f"problems.scenario.{key}")
        values[key] = float(value) if _number(value) else None
    if values["lat"] is not None and values["lon"] is not None and len(problems.problems) == before \
            and not in_finland(values["lat"], values["lon"]):
        problems.add_keyed(f"{where}.lat", f"{values['lat']}, {values['lon']}", "problems.input.location.finland")
    for key, high in (("capacity_seats", MAX_CAPACITY_SEATS), ("caretakers", MAX_CAPACITY_SEATS / 7)):
        value = raw.get(key)
        if value is not None and not (_number(value) and value >= 0):
            problems.add_keyed(f"{where}.{key}", value, "problems.number_nonnegative")
        elif value is not None and value > high:
            problems.add_keyed(f"{where}.{key}", value, "problems.input.number.range", low="0", high=f"{high:g}")
        values[key] = float(value) if _number(value) else None
    for key in ("name", "address"):
        value = raw.get(key)
        if value is not None and not isinstance(value, str):
            problems.add_keyed(f"{where}.{key}", value, "problems.text")
        elif isinstance(value, str) and (_CONTROL_CHARS.search(value) or len(value) > MAX_TEXT_CHARS):
            problems.add_keyed(f"{where}.{key}", value[:MAX_TEXT_CHARS], "problems.units.name_text",
                               limit=MAX_TEXT_CHARS)
        values[key] = value if isinstance(value, str) else None
    has_place = (raw.get("lat") is not None and raw.get("lon") is not None) or bool(values["address"])
    if action in ("add", "move") and not has_place:
        problems.add_keyed(f"{where}.lat", raw.get("lat"), "problems.scenario.place_missing", action=str(action))
    if action == "resize" and raw.get("capacity_seats") is None and raw.get("caretakers") is None:
        problems.add_keyed(f"{where}.capacity_seats", None, "problems.scenario.resize_missing")
    if len(problems.problems) > before:
        return None
    return Change(action=action, unit_id=unit_id.strip(), **values)


def _number(value: Any) -> bool:
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


def save_scenario(scenario: Scenario, path: str | Path) -> Path:
    """Write the scenario as JSON (UTF-8); returns the path."""
    path = Path(path)
    path.write_text(json.dumps(scenario.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file (InputError naming ``changes[i].field`` per problem)."""
    from planner.readers import read_json

    path = Path(path)
    if not path.exists():   # other non-files: planner.readers says what they are
        raise InputError(_problem("scenario", str(path), "problems.scenario.file_missing"))
    return Scenario.from_dict(read_json(path, "scenario", "scenario"))


def apply_scenario(units: Sequence[Unit], scenario: Scenario, **kwargs: Any) -> list[Unit]:
    """Same as :meth:`Scenario.apply`."""
    return scenario.apply(units, **kwargs)


# --------------------------------------------------------------------------- travel times
# Unit locations routed per call (a Dijkstra each): small enough that a Stop is noticed within a few
# seconds, large enough that the compiled loop dominates.
ROUTE_BLOCK = 16


class TravelTimes:
    """Travel-time columns (demand points → one unit location, seconds), computed once per location.

    ``compute(points_latlon (n, 2), locations (k, 2)) -> (n, k)`` fills missing columns; the columns are
    keyed by the rounded location, so unchanged units are never routed again.
    """

    def __init__(self, points: np.ndarray, compute: Callable[[np.ndarray, np.ndarray], np.ndarray] | None,
                 *, locate: Callable[[np.ndarray], Sequence[bool]] | None = None):
        self.points = np.asarray(points, dtype=float).reshape(-1, 2)
        self._compute = compute
        self._locate = locate          # locations (k, 2) -> True where a location is outside the network
        self._columns: dict[tuple[float, float], np.ndarray] = {}

    def outside(self, locations: Sequence[tuple[float, float]]) -> np.ndarray:
        """True for each (lat, lon) outside the routing network's area (all False when unknown)."""
        points = np.asarray(locations, dtype=float).reshape(-1, 2)
        if self._locate is None or len(points) == 0:
            return np.zeros(len(points), dtype=bool)
        return np.asarray(self._locate(points), dtype=bool)

    @staticmethod
    def key(lat: float, lon: float) -> tuple[float, float]:
        return (round(float(lat), 7), round(float(lon), 7))

    @classmethod
    def from_engine(cls, engine: Any, points: np.ndarray) -> "TravelTimes":
        """Columns from a ``TravelTimeEngine``: ``matrix(points, locations)``; demand points outside the
        network's area get inf, a unit location outside it is an ``InputError`` (field ``unit``)."""
        def compute(origins: np.ndarray, locations: np.ndarray) -> np.ndarray:
            if hasattr(engine, "snap_many"):
                engine.snap_many([tuple(p) for p in locations], field="unit")
                return np.asarray(engine.matrix(origins, locations, on_outside="none"), dtype=float)
            return np.asarray(engine.matrix(origins, locations), dtype=float)
        return cls(points, compute, locate=_locator(engine))

    @classmethod
    def from_transit(cls, router: Any, points: np.ndarray, arrive_by: datetime) -> "TravelTimes":
        """Columns from a ``TransitRouter``: door-to-door seconds to arrive at the unit by ``arrive_by``."""
        def compute(origins: np.ndarray, locations: np.ndarray) -> np.ndarray:
            return np.column_stack([np.asarray(router.many_to_one(origins, (float(a), float(b)), arrive_by,
                                                                  on_outside="none"), dtype=float)
                                    for a, b in locations])
        return cls(points, compute, locate=_locator(getattr(router, "walk", None)))

    @classmethod
    def from_cost_matrix(cls, points: np.ndarray, units: Sequence[Unit], cost_s: np.ndarray,
                         compute: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None) -> "TravelTimes":
        """Precomputed columns for ``units`` (cost_s: points × units, seconds)."""
        cost = np.asarray(cost_s, dtype=float)
        times = cls(points, compute)
        if cost.shape != (times.points.shape[0], len(units)):
            raise InputError.single("cost_s", f"shape {cost.shape}",
                                    f"shape ({times.points.shape[0]}, {len(units)}) = demand points × units")
        for j, unit in enumerate(units):
            times._columns[cls.key(unit.lat, unit.lon)] = cost[:, j]
        return times

    def add_columns(self, locations: np.ndarray, cost_s: np.ndarray) -> None:
        """Precomputed columns (points × locations, seconds), e.g. read from a matrix folder
        (``--matrix DIR``); later :meth:`matrix` calls use them instead of routing."""
        locations = np.asarray(locations, dtype=float).reshape(-1, 2)
        cost = np.asarray(cost_s, dtype=float)
        if cost.shape != (self.points.shape[0], len(locations)):
            raise InputError.single("cost_s", f"shape {cost.shape}",
                                    f"shape ({self.points.shape[0]}, {len(locations)}) = points × locations")
        for j, (lat, lon) in enumerate(locations):
            self._columns[self.key(lat, lon)] = cost[:, j]

    def matrix(self, units: Sequence[Unit], progress: Progress | None = None) -> np.ndarray:
        """(points × units) seconds, inf unreachable; routes only locations not seen before, in blocks of
        :data:`ROUTE_BLOCK` locations, telling ``progress`` after each block (and stopping when it says so;
        the blocks already routed stay, they are right)."""
        keys = [self.key(u.lat, u.lon) for u in units]
        missing = sorted({k for k in keys if k not in self._columns})
        if missing:
            if self._compute is None:
                raise DataError(f"no travel times for {len(missing)} new unit location(s) and no routing engine")
            for start in range(0, len(missing), ROUTE_BLOCK):
                part = missing[start:start + ROUTE_BLOCK]
                if progress is not None:
                    progress.check()
                block = np.asarray(self._compute(self.points, np.array(part, dtype=float)), dtype=float)
                for j, k in enumerate(part):
                    self._columns[k] = block[:, j]
                if progress is not None:
                    progress.update(start + len(part), len(missing))
        if not keys:
            return np.zeros((self.points.shape[0], 0))
        return np.column_stack([self._columns[k] for k in keys])


def _locator(engine: Any) -> Callable[[np.ndarray], list[bool]] | None:
    """``locations -> outside?`` from an engine's ``snap_many`` (None when the engine cannot tell)."""
    if engine is None or not hasattr(engine, "snap_many"):
        return None

    def locate(locations: np.ndarray) -> list[bool]:
        snaps = engine.snap_many([tuple(p) for p in locations], field="location", on_outside="none")
        return [snap is None for snap in snaps]
    return locate


def default_arrival(router: Any) -> datetime:
    """08:00 on the feed's representative weekday (the one time model, planner.network.timemodel: the
    Tuesday-Thursday with the most trips, not the feed's thin first Tuesday); today's if unknown."""
    from planner.network.timemodel import transit_time

    return transit_time(router).moment


# --------------------------------------------------------------------------- evaluation inputs
@dataclass
class SitingInputs:
    """Demand points, their imported catchment unit (or None when derived) and travel times per mode.

    ``participation``: share of children aged 0–2, 3–5 and 6 expected in ECEC (each 0..1); default
    :data:`~planner.siting.occupancy.ASSUMED_PARTICIPATION` (an assumption: ``participation_assumed``).
    """

    demand: pd.DataFrame
    times: dict[str, TravelTimes]
    catchment_unit: np.ndarray | None = None      # unit id per demand point from imported polygons
    groups: np.ndarray | None = None              # area label per demand point (else the catchment unit)
    participation: tuple[float, float, float] = ASSUMED_PARTICIPATION
    estimated: bool = False

    def __post_init__(self) -> None:
        self.participation = validate_participation(self.participation, "participation")

    @property
    def participation_assumed(self) -> bool:
        """True when the participation shares are the built-in assumption (not local figures)."""
        return is_assumed_participation(self.participation)

    @property
    def seats(self) -> np.ndarray:
        """Expected coefficient-weighted seats per demand point with ``self.participation``."""
        return self.seats_for(None)

    def seats_for(self, participation: Sequence[float] | None = None) -> np.ndarray:
        """Expected seats per demand point with ``participation`` (None: ``self.participation``)."""
        d = self.demand
        rates = self.participation if participation is None else participation
        return np.asarray(demand_seats(d["age_0_2"].to_numpy(float), d["age_3_5"].to_numpy(float),
                                       d["age_6"].to_numpy(float), participation=rates))

    @property
    def children(self) -> np.ndarray:
        return self.demand[list(AGE_COLUMNS)].sum(axis=1).to_numpy(dtype=float)

    @property
    def points(self) -> np.ndarray:
        return self.demand[["lat", "lon"]].to_numpy(dtype=float)

    @classmethod
    def from_cost_matrix(cls, demand: pd.DataFrame, units: Sequence[Unit], cost_s: np.ndarray, *,
                         mode: str = "walk", catchment_unit: Sequence[str | None] | None = None,
                         groups: Sequence[Any] | None = None,
                         compute: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
                         participation: Sequence[float] | None = None) -> "SitingInputs":
        """Inputs from a precomputed matrix (demand points × units); ``compute`` routes new locations.
        ``participation`` None = the assumed national shares."""
        demand = validate_demand(demand).reset_index(drop=True)
        times = TravelTimes.from_cost_matrix(demand[["lat", "lon"]].to_numpy(float), units, cost_s, compute)
        return cls(demand=demand, times={mode: times},
                   catchment_unit=None if catchment_unit is None else np.asarray(catchment_unit, dtype=object),
                   groups=None if groups is None else np.asarray(groups, dtype=object),
                   participation=validate_participation(participation, "participation"),
                   estimated=bool(demand.get("estimated", pd.Series([False])).any()))

    @classmethod
    def from_dataset(cls, dataset: Any, *, modes: Iterable[str] = ("walk",), group_column: str | None = None,
                     arrive_by: datetime | None = None,
                     participation: Sequence[float] | None = None) -> "SitingInputs":
        """Inputs from a built dataset: its demand, imported catchments (derived ones are recomputed as
        the nearest unit) and one travel-time cache per mode (filled on first use). ``"transit"`` uses
        the dataset's transit router, arriving at each unit by ``arrive_by`` (default: 08:00 on the first
        Tuesday of the feed's service period). ``participation`` None = the assumed national shares."""
        rates = validate_participation(participation, "participation")
        demand = dataset.demand
        if demand is None or len(demand) == 0:
            raise DataError(translate("siting.infeasible.no_demand", "en") + f" (dataset {dataset.name})")
        demand = validate_demand(demand).reset_index(drop=True)
        points = demand[["lat", "lon"]].to_numpy(float)
        times = {}
        for mode in modes:
            if mode == "transit":
                router = dataset.transit()
                if router is None:
                    raise InputError(_problem("mode", mode, "problems.siting.no_transit", dataset=str(dataset.name)))
                times[mode] = TravelTimes.from_transit(router, points, arrive_by or default_arrival(router))
            else:
                times[mode] = TravelTimes.from_engine(dataset.engine(mode), points)
        catchments = dataset.catchments
        catchment_unit = None
        if not getattr(catchments, "derived", True):
            catchment_unit = np.array([catchments.unit_for(lat, lon) for lat, lon in points], dtype=object)
        groups = demand[group_column].astype(str).to_numpy(dtype=object) if group_column else None
        return cls(demand=demand, times=times, catchment_unit=catchment_unit, groups=groups, participation=rates,
                   estimated=bool(demand.get("estimated", pd.Series([False])).astype(bool).any()))


@dataclass(frozen=True)
class Evaluation:
    """Metrics of one set of units. Times in seconds; shares 0..1; seats coefficient-weighted.

    ``participation``: the shares (0–2, 3–5, 6) behind the expected ``demand_seats``;
    ``participation_assumed``: True when they are the built-in assumption (show as an estimate).
    """

    units: pd.DataFrame
    areas: pd.DataFrame
    overall: dict[str, float]
    nearest_unit: np.ndarray
    nearest_time_s: np.ndarray
    assigned_unit: np.ndarray
    assigned_time_s: np.ndarray
    access: np.ndarray
    mode: str
    max_minutes: float
    assignment: str
    estimated: bool = False
    participation: tuple[float, float, float] = ASSUMED_PARTICIPATION
    participation_assumed: bool = True

    def to_dict(self) -> dict[str, Any]:
        """Plain values for JSON: per-unit and per-area rows, overall metrics and the demand assumptions
        (per-point arrays left out). Times in seconds, shares 0..1, inf/NaN as floats (cli → null)."""
        return {"mode": self.mode, "max_minutes": self.max_minutes, "assignment": self.assignment,
                "units": _records(self.units), "areas": _records(self.areas),
                "overall": {k: _plain(v) for k, v in self.overall.items()},
                "demand_estimated": bool(self.estimated), "participation": list(self.participation),
                "participation_assumed": bool(self.participation_assumed)}


def _plain(value: Any) -> Any:
    """numpy scalars → Python scalars (None stays None)."""
    return value.item() if hasattr(value, "item") and callable(value.item) else value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def evaluate(inputs: "SitingInputs | Any", units: Sequence[Unit], mode: str = "walk", max_minutes: float = 10.0,
             assignment: str = "catchment", *, participation: Sequence[float] | None = None,
             progress: Progress | None = None) -> Evaluation:
    """Per-unit table and area metrics for ``units`` (see the module docstring).

    ``inputs``: :class:`SitingInputs` (reuses travel times between calls) or a dataset.

    ``assignment="catchment"`` serves each point by its imported catchment unit (the nearest open unit
    when the catchment is derived, missing or its unit closed); ``"nearest"`` by the quickest unit.

    ``participation`` (shares 0..1 for ages 0–2, 3–5, 6) overrides ``inputs.participation`` for this call.
    ``progress`` (:class:`planner.progress.Progress`) hears of the routing of new locations and may stop it.
    """
    if not isinstance(inputs, SitingInputs):   # a dataset: fine for one call; keep SitingInputs to reuse routes
        inputs = SitingInputs.from_dataset(inputs, modes=(mode,), participation=participation)
    rates = inputs.participation if participation is None else validate_participation(participation, "participation")
    problems = ProblemCollector()
    if assignment not in ASSIGNMENTS:
        problems.add_keyed("assignment", assignment, "problems.one_of", options=", ".join(ASSIGNMENTS))
    if mode not in inputs.times:
        problems.add_keyed("mode", mode, "problems.siting.mode_prepared", modes=", ".join(sorted(inputs.times)))
    if not _number(max_minutes) or max_minutes <= 0:
        problems.add_keyed("max_minutes", max_minutes, "problems.siting.minutes")
    problems.raise_if_any()
    units = list(units)
    max_s = float(max_minutes) * 60.0
    ids = np.array([u.unit_id for u in units], dtype=object)
    cost = inputs.times[mode].matrix(units, progress=progress)
    nearest_index, nearest_time = nearest(cost)
    nearest_unit = np.where(nearest_index >= 0, ids[np.maximum(nearest_index, 0)] if ids.size else None, None)
    assigned_index = nearest_index.copy()
    if assignment == "catchment" and inputs.catchment_unit is not None and ids.size:
        position = {unit_id: j for j, unit_id in enumerate(ids)}
        own = np.array([position.get(u, -1) if u is not None else -1 for u in inputs.catchment_unit])
        assigned_index = np.where(own >= 0, own, nearest_index)
    rows = np.arange(cost.shape[0])
    assigned_time = np.where(assigned_index >= 0, cost[rows, np.maximum(assigned_index, 0)] if ids.size else np.inf,
                             np.inf)
    assigned_unit = np.where(assigned_index >= 0, ids[np.maximum(assigned_index, 0)] if ids.size else None, None)
    seats_demand = inputs.seats_for(rates)
    children = inputs.children
    # unknown capacity: the one rule (planner.units.ASSUMED_SEATS_WHEN_UNKNOWN), flagged capacity_assumed
    capacity = np.array([getattr(u, "planning_seats", u.seats) for u in units], dtype=float)
    ratio, access = two_step_fca(cost, seats_demand, capacity, max_s) if ids.size else \
        (np.zeros(0), np.zeros(cost.shape[0]))
    table = []
    age = {c: inputs.demand[c].to_numpy(float) for c in AGE_COLUMNS}
    for j, unit in enumerate(units):
        mask = assigned_index == j
        used = float(seats_demand[mask].sum())
        table.append({
            "unit_id": unit.unit_id, "name": unit.name, "lat": unit.lat, "lon": unit.lon,
            "capacity_seats": capacity[j], "capacity_assumed": bool(getattr(unit, "capacity_assumed", False)),
            "children_0_2": float(age["age_0_2"][mask].sum()),
            "children_3_5": float(age["age_3_5"][mask].sum()), "children_6": float(age["age_6"][mask].sum()),
            "demand_seats": used, "occupancy_percent": occupancy_percent(used, capacity[j]),
            "supply_ratio": float(ratio[j]),
            "mean_travel_s": travel_metrics(assigned_time[mask], children[mask], max_s)["mean_travel_s"],
        })
    columns = ["unit_id", "name", "lat", "lon", "capacity_seats", "capacity_assumed", "children_0_2", "children_3_5",
               "children_6",
               "demand_seats", "occupancy_percent", "supply_ratio", "mean_travel_s"]
    unit_table = pd.DataFrame(table, columns=columns)
    groups = inputs.groups if inputs.groups is not None else assigned_unit
    areas = area_metrics(assigned_time, children, groups, max_s, access=access)
    overall = travel_metrics(assigned_time, children, max_s)
    overall["access_seats_per_child"] = float(np.dot(access, children) / children.sum()) if children.sum() > 0 else float("nan")
    overall["demand_seats"] = float(seats_demand.sum())
    overall["capacity_seats"] = float(np.nansum(capacity))
    return Evaluation(units=unit_table, areas=areas, overall=overall, nearest_unit=nearest_unit,
                      nearest_time_s=nearest_time, assigned_unit=assigned_unit, assigned_time_s=assigned_time,
                      access=access, mode=mode, max_minutes=float(max_minutes), assignment=assignment,
                      estimated=inputs.estimated, participation=rates,
                      participation_assumed=is_assumed_participation(rates))


# --------------------------------------------------------------------------- comparison
@dataclass(frozen=True)
class Comparison:
    """Baseline and scenario side by side.

    ``units``: one row per unit id in either, with ``*_before`` / ``*_after`` columns and ``status``
    (added, closed, moved, resized, changed, unchanged). ``overall``: metric -> before, after, change.
    ``changed_points``: demand points whose nearest or assigned (catchment) unit changes.
    ``participation`` / ``participation_before``: the shares behind the scenario's / baseline's demand;
    ``participation_assumed``: True when either is the built-in assumption (show as an estimate).
    """

    units: pd.DataFrame
    overall: pd.DataFrame
    areas: pd.DataFrame
    changed_points: pd.DataFrame
    participation: tuple[float, float, float] = ASSUMED_PARTICIPATION
    participation_assumed: bool = True
    participation_before: tuple[float, float, float] = ASSUMED_PARTICIPATION

    @property
    def changed_units(self) -> pd.DataFrame:
        return self.units[self.units["status"] != "unchanged"]

    def to_dict(self) -> dict[str, Any]:
        """Plain values for JSON: unit rows (before/after/status), overall metric rows, area rows,
        changed demand points and the demand assumptions."""
        return {"units": _records(self.units), "overall": _records(self.overall), "areas": _records(self.areas),
                "changed_points": _records(self.changed_points), "participation": list(self.participation),
                "participation_before": list(self.participation_before),
                "participation_assumed": bool(self.participation_assumed)}


_UNIT_METRICS = ("capacity_seats", "demand_seats", "occupancy_percent", "supply_ratio", "mean_travel_s")


def compare(baseline: Evaluation, scenario: Evaluation, inputs: SitingInputs | None = None,
            *, lang: str = "en") -> Comparison:
    """Changed metrics and changed demand points between two evaluations of the same demand."""
    if baseline.nearest_unit.shape != scenario.nearest_unit.shape:
        raise InputError.single("scenario", "different demand points", "two evaluations of the same inputs")
    before = baseline.units.set_index("unit_id")
    after = scenario.units.set_index("unit_id")
    ids = list(before.index) + [i for i in after.index if i not in before.index]
    rows = []
    for unit_id in ids:
        b = before.loc[unit_id] if unit_id in before.index else None
        a = after.loc[unit_id] if unit_id in after.index else None
        row: dict[str, Any] = {"unit_id": unit_id, "name": (a if a is not None else b)["name"]}
        for metric in _UNIT_METRICS:
            row[f"{metric}_before"] = None if b is None else b[metric]
            row[f"{metric}_after"] = None if a is None else a[metric]
        if b is None:
            status = "added"
        elif a is None:
            status = "closed"
        elif (b["lat"], b["lon"]) != (a["lat"], a["lon"]):
            status = "moved"
        elif not _same(b["capacity_seats"], a["capacity_seats"]):
            status = "resized"
        elif any(not _same(b[m], a[m]) for m in _UNIT_METRICS):
            status = "changed"
        else:
            status = "unchanged"
        row["status"] = status
        rows.append(row)
    units = pd.DataFrame(rows)
    overall = pd.DataFrame([{"metric": k, "before": baseline.overall[k], "after": scenario.overall.get(k),
                             "change": _delta(baseline.overall[k], scenario.overall.get(k))}
                            for k in baseline.overall])
    areas = baseline.areas.merge(scenario.areas, on="area", how="outer", suffixes=("_before", "_after"))
    nearest_changed = baseline.nearest_unit != scenario.nearest_unit
    assigned_changed = baseline.assigned_unit != scenario.assigned_unit
    changed = np.flatnonzero(nearest_changed | assigned_changed)
    points = []
    for i in changed:
        reasons = []
        if nearest_changed[i]:
            reasons.append(translate("siting.reason.nearest_changed", lang, before=baseline.nearest_unit[i] or "-",
                                     after=scenario.nearest_unit[i] or "-"))
        if assigned_changed[i] and baseline.assignment == "catchment":
            reasons.append(translate("siting.reason.catchment_changed", lang, before=baseline.assigned_unit[i] or "-",
                                     after=scenario.assigned_unit[i] or "-"))
        entry = {"point": int(i), "nearest_before": baseline.nearest_unit[i], "nearest_after": scenario.nearest_unit[i],
                 "assigned_before": baseline.assigned_unit[i], "assigned_after": scenario.assigned_unit[i],
                 "time_before_s": float(baseline.assigned_time_s[i]), "time_after_s": float(scenario.assigned_time_s[i]),
                 "reason": "; ".join(reasons)}
        if inputs is not None:
            entry.update(lat=float(inputs.demand.at[i, "lat"]), lon=float(inputs.demand.at[i, "lon"]),
                         children=float(inputs.children[i]))
        points.append(entry)
    columns = ["point", "lat", "lon", "children", "nearest_before", "nearest_after", "assigned_before",
               "assigned_after", "time_before_s", "time_after_s", "reason"]
    changed_points = pd.DataFrame(points, columns=[c for c in columns if inputs is not None or
                                                   c not in ("lat", "lon", "children")])
    return Comparison(units=units, overall=overall, areas=areas, changed_points=changed_points,
                      participation=tuple(scenario.participation),
                      participation_assumed=bool(baseline.participation_assumed or scenario.participation_assumed),
                      participation_before=tuple(baseline.participation))


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None or (isinstance(a, float) and math.isnan(a)) or (isinstance(b, float) and math.isnan(b)):
        return (a is None or (isinstance(a, float) and math.isnan(a))) == (b is None or (isinstance(b, float) and math.isnan(b)))
    if isinstance(a, numbers.Real) and isinstance(b, numbers.Real):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9) or (a == b)
    return a == b


def _delta(a: Any, b: Any) -> float | None:
    if isinstance(a, numbers.Real) and isinstance(b, numbers.Real) and math.isfinite(a) and math.isfinite(b):
        return float(b) - float(a)
    return None


def run_what_if(inputs: SitingInputs, units: Sequence[Unit], scenario: Scenario, *, mode: str = "walk",
                max_minutes: float = 10.0, assignment: str = "catchment", lang: str = "en",
                resolve: Callable[[str, str], tuple[float, float]] | None = None,
                participation: Sequence[float] | None = None, progress: Progress | None = None
                ) -> tuple[Evaluation, Evaluation, Comparison]:
    """Baseline, scenario and their comparison in one call (``participation`` as in :func:`evaluate`;
    ``progress``: routing of the baseline's, then the scenario's new locations, may stop either)."""
    progress = progress or Progress()
    progress.stage("baseline", 0.0, 0.5)
    baseline = evaluate(inputs, units, mode, max_minutes, assignment, participation=participation,
                        progress=progress)
    changed_units = scenario.apply(units, resolve=resolve)
    progress.stage("whatif", 0.5, 1.0)
    after = evaluate(inputs, changed_units, mode, max_minutes, assignment, participation=participation,
                     progress=progress)
    return baseline, after, compare(baseline, after, inputs, lang=lang)
