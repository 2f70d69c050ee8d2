"""Where plan layers live and how a dataset looks on a given day.

Layers of dataset ``D`` are kept in ``<data_dir>/_plans/D/<layer>/layer.json`` (beside the built
datasets, so rebuilding a dataset keeps its plans; ``_`` cannot start a dataset name). The merged transit
feeds (the dataset's feed or a planned GTFS version, plus the planned lines) and their cached walking
matrices are in ``<data_dir>/_plans/D/transit/`` and are rewritten when a layer is imported or removed,
or when the dataset's own feed changed.

:func:`dataset_on` gives a read-only view of a dataset on a day: its ``units`` and ``transit()`` are
those in force that day; everything else (streets, addresses, catchments, demand) is the dataset's.
"""
from __future__ import annotations

import json
import shutil
import threading
from datetime import date
from pathlib import Path
from typing import Any

from planner.errors import DataError, InputError
from planner.plans.model import PlanLayer, Plans, merge_layers
from planner.plans import transit as plan_transit

STORE_NAME = "_plans"
_LOCK = threading.RLock()
_ROUTERS: dict[tuple[str, int], Any] = {}
_CATCHMENTS: dict[tuple[str, tuple], Any] = {}


def plans_dir(dataset: Any) -> Path:
    """``<data folder>/_plans/<dataset>``: beside the dataset's own folder (a ``Dataset``), or in
    ``data_dir()`` for a dataset name."""
    from planner.datasets.store import data_dir

    if hasattr(dataset, "path") and hasattr(dataset, "name"):
        return Path(dataset.path).parent / STORE_NAME / dataset.name
    return data_dir() / STORE_NAME / str(dataset)


def check_layer_name(name: Any, field: str = "--name") -> str:
    import re

    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}", name):
        raise InputError.single(field, name, "a plan name of letters, digits and '-' (e.g. budget-2027)")
    return name


def save_layer(layer: PlanLayer, files: dict[str, Path] | None = None, dataset: Any = None) -> Path:
    """Write ``layer`` (replacing a layer of the same name) and copy ``files`` (name -> source) beside it."""
    folder = plans_dir(dataset if dataset is not None else layer.dataset) / "layers" / layer.name
    with _LOCK:
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        for name, source in (files or {}).items():
            if source.is_dir():
                shutil.copytree(source, folder / name)
            else:
                shutil.copy2(source, folder / name)
        (folder / "layer.json").write_text(json.dumps(layer.to_dict(), ensure_ascii=False, indent=1),
                                           encoding="utf-8")
    return folder


def remove_layer(dataset: Any, name: str) -> bool:
    folder = plans_dir(dataset) / "layers" / name
    with _LOCK:
        if not (folder / "layer.json").is_file():
            return False
        shutil.rmtree(folder)
        return True


def load_plans(dataset: Any) -> Plans:
    """Every layer of ``dataset`` (a ``Dataset`` or its name); an empty :class:`Plans` when none."""
    name = dataset if isinstance(dataset, str) else getattr(dataset, "name", None)
    if not name or not hasattr(dataset, "path") and not isinstance(dataset, str):
        return Plans(str(name or ""))
    root = plans_dir(dataset) / "layers"
    layers = []
    if root.is_dir():
        for folder in sorted(root.iterdir()):
            path = folder / "layer.json"
            if path.is_file():
                try:
                    layers.append(PlanLayer.from_dict(json.loads(path.read_text(encoding="utf-8"))))
                except (OSError, ValueError, KeyError, TypeError) as error:
                    raise DataError(f"plan layer {folder.name} of dataset {name}: unreadable layer.json "
                                    f"({error}); import it again with python -m planner data plan") from error
    return merge_layers(name, layers)


def layer_folder(dataset: Any, layer: str) -> Path:
    return plans_dir(dataset) / "layers" / layer


# --------------------------------------------------------------------------- transit on a day
def _versions(dataset: Any, plans: Plans) -> list[tuple[date | None, Path]]:
    base = dataset.transit_feed_path() if hasattr(dataset, "transit_feed_path") else None
    versions = []
    for layer in plans.layers:
        for version in layer.gtfs_versions:
            versions.append((version.start_date, layer_folder(dataset, layer.name) / version.file))
    if base is None and not versions:
        return []
    return plan_transit.feed_versions(base, versions)


def merged_feed(dataset: Any, plans: Plans, day: date) -> Path | None:
    """The merged GTFS zip in force on ``day`` (written on first need); None without any transit."""
    versions = _versions(dataset, plans)
    if not versions:
        return None
    _start, feed = plan_transit.version_for(day, versions)
    graph = Path(dataset.path) / "graph_walk.npz"
    key = plan_transit.version_key(feed, plans.lines, graph)
    out = plans_dir(dataset) / "transit" / f"{key}.zip"
    with _LOCK:
        if not out.is_file():
            plan_transit.write_tables(plan_transit.merged_tables(feed, plans.lines), out)
    return out


def router_on(dataset: Any, plans: Plans, day: date) -> Any:
    """The ``TransitRouter`` of the network in force on ``day`` (kept per merged feed in this process)."""
    if not plans.lines and not plans.gtfs_versions:
        return dataset.transit()
    feed = merged_feed(dataset, plans, day)
    if feed is None:
        return None
    stamp = feed.stat().st_mtime_ns
    with _LOCK:
        if (str(feed), stamp) not in _ROUTERS:
            router = plan_transit.build_router(feed, dataset.engine("walk"), Path(dataset.path) / "graph_walk.npz",
                                               feed.with_suffix(".walk.npz"))
            for old in [k for k in _ROUTERS if k[0] == str(feed)]:
                del _ROUTERS[old]
            if len(_ROUTERS) > 8:
                _ROUTERS.pop(next(iter(_ROUTERS)))
            _ROUTERS[(str(feed), stamp)] = router
        return _ROUTERS[(str(feed), stamp)]


def prepare_transit(dataset: Any, plans: Plans) -> list[str]:
    """Write every merged feed and its walk cache now (at import), so queries need not; their names."""
    out = []
    for start, _feed in _versions(dataset, plans):
        day = start or date.min
        feed = merged_feed(dataset, plans, day)
        if feed is not None:
            router_on(dataset, plans, day)
            out.append(feed.name)
    return out


# --------------------------------------------------------------------------- a dataset on a day
class DatasetOnDate:
    """A dataset as it will be on ``day`` under its plans (units and transit); read-only.

    Everything not overridden is the dataset's own (``engine``, ``addresses``, ``catchments``, ...).
    """

    def __init__(self, dataset: Any, day: date, plans: Plans | None = None):
        self._dataset = dataset
        self.day = day
        self.plans = plans if plans is not None else load_plans(dataset)
        self.units = self.plans.units_on(list(dataset.units), day) if self.plans else list(dataset.units)
        self.units_by_id = {u.unit_id: u for u in self.units}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._dataset, name)

    def __repr__(self) -> str:
        return f"DatasetOnDate({self._dataset.name!r}, {self.day.isoformat()}, layers={len(self.plans.layers)})"

    @property
    def base(self) -> Any:
        return self._dataset

    def transit(self) -> Any:
        return router_on(self._dataset, self.plans, self.day)

    @property
    def catchments(self) -> Any:
        """Imported catchments as they are; derived ones (nearest municipal unit on foot) for the municipal
        units in force that day, so a planned unit gets its own area (:class:`NearestMunicipalUnit`)."""
        base = self._dataset.catchments
        if not getattr(base, "derived", False):
            return base
        municipal = tuple(sorted((u.unit_id, round(u.lat, 6), round(u.lon, 6)) for u in self.units
                                 if u.provider == "municipal"))
        before = tuple(sorted((u.unit_id, round(u.lat, 6), round(u.lon, 6)) for u in self._dataset.units
                              if u.provider == "municipal"))
        if municipal == before:
            return base
        key = (str(self._dataset.path), municipal)
        with _LOCK:
            if key not in _CATCHMENTS:
                if len(_CATCHMENTS) > 8:
                    _CATCHMENTS.pop(next(iter(_CATCHMENTS)))
                _CATCHMENTS[key] = NearestMunicipalUnit(self._dataset, [u for u in self.units
                                                                        if u.provider == "municipal"])
            return _CATCHMENTS[key]


class NearestMunicipalUnit:
    """Derived catchments of a set of units, answered without drawing polygons: the catchment unit of a
    point is the municipal unit nearest on foot (the definition of the derived catchments,
    planner/catchment.py); the polygons are drawn only when asked for (:meth:`to_geojson`)."""

    derived = True

    def __init__(self, dataset: Any, units: list):
        self._dataset = dataset
        self._units = sorted(units, key=lambda u: u.unit_id)
        self._points = [(u.lat, u.lon) for u in self._units]
        self._polygons: Any = None

    def __len__(self) -> int:
        return len(self._units)

    def unit_for(self, lat: float, lon: float, language: str | None = None) -> str | None:
        return self.units_for([(lat, lon)], language)[0]

    find = unit_for

    def _members(self, language: str | None) -> list:
        """The units of one language's areas (planner/catchment.py: Finnish ones for the main areas)."""
        from planner.catchment import MAIN_LANGUAGE, OTHER_LANGUAGES

        if language in OTHER_LANGUAGES:
            chosen = [u for u in self._units if language in (u.languages or ())]
            if chosen:
                return chosen
        return [u for u in self._units if MAIN_LANGUAGE in (u.languages or ())] or self._units

    def units_for(self, points: Any, language: str | None = None) -> list[str | None]:
        """The catchment unit of each (lat, lon) (among the units of ``language``'s areas); None where no
        unit is reachable on foot."""
        import numpy as np

        points = [(float(a), float(b)) for a, b in points]
        members = self._members(language)
        if not members or not points:
            return [None] * len(points)
        targets = [(u.lat, u.lon) for u in members]
        times = np.asarray(self._dataset.engine("walk").matrix(points, targets, on_outside="none"), dtype=float)
        best = np.argmin(times, axis=1)
        return [members[j].unit_id if np.isfinite(times[i, j]) else None for i, j in enumerate(best)]

    def to_geojson(self) -> dict[str, Any]:
        if self._polygons is None:
            from planner.catchment import derive_catchments

            self._polygons = derive_catchments(self._dataset.graph("walk"), self._units)
        return self._polygons.to_geojson()


def dataset_on(dataset: Any, day: date | None, plans: Plans | None = None) -> Any:
    """``dataset`` as in force on ``day`` (the dataset itself when ``day`` is None or it has no plans)."""
    if day is None or not hasattr(dataset, "path") or isinstance(dataset, DatasetOnDate):
        return dataset
    plans = plans if plans is not None else load_plans(dataset)
    if not plans:
        return dataset
    return DatasetOnDate(dataset, day, plans)


def units_in_reach(dataset: Any, units: list, mode: str) -> tuple[list, list[str]]:
    """(units whose place snaps to the ``mode`` network, ids of those it does not reach, e.g. an island
    unit); transit uses the walking network. Travel-time metrics can only be computed for the first."""
    if not units:
        return [], []
    engine = dataset.engine("walk" if mode == "transit" else mode)
    if not hasattr(engine, "snap_many"):
        return list(units), []
    snaps = engine.snap_many([(u.lat, u.lon) for u in units], field="unit", on_outside="none")
    kept = [u for u, snap in zip(units, snaps) if snap is not None]
    return kept, [u.unit_id for u, snap in zip(units, snaps) if snap is None]
