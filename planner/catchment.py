"""Catchment areas (oppilaaksiottoalueet / lähipäiväkotialueet): unit id -> polygon.

Two origins:

* **imported** — polygons from a GeoJSON / GeoPackage in any CRS (the EPSG:3879 areas Finnish cities
  publish), reprojected to WGS84 and matched to units by a ``unit_id`` property or, when that column
  is absent, by the one unit lying inside each polygon (municipal units preferred);
* **derived** (``derived = True``) — a network Voronoi partition by walking time: a multi-source
  Dijkstra on the walk graph from every municipal unit labels each node with its nearest unit; the
  Voronoi cells of the labelled nodes (in EPSG:3067) are dissolved per unit and clipped to the
  network's hull. Derived areas are an estimate of the real ones and are marked so everywhere.

Derived areas are **per language**, as municipalities draw Finnish and Swedish areas separately: the
main partition (``polygons``) among the municipal units teaching in Finnish, and one more partition
per other language (``language_polygons["sv"]``) among the municipal units teaching in it. A bilingual
unit is in both. ``unit_for(lat, lon, language="sv")`` answers from the Swedish partition.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

import numpy as np

from planner.errors import DataError, InputError, Problem

if TYPE_CHECKING:  # pragma: no cover
    from shapely.geometry.base import BaseGeometry

    from planner.units import Unit

WALK_SPEED_M_S = 1.25  # 4.5 km/h: walking from a unit's door to the nearest network node
HULL_BUFFER_M = 100.0  # derived areas reach this far beyond the outermost network nodes
def _to_wgs84_xy(coords: np.ndarray) -> np.ndarray:
    """EPSG:3067 ``(x, y)`` rows -> WGS84 ``(lon, lat)`` rows (shapely's x/y order)."""
    from planner.network.projection import from_tm35fin

    lat, lon = from_tm35fin(coords[:, 0], coords[:, 1])
    return np.column_stack([lon, lat])


def to_metric(lat: Sequence[float] | np.ndarray, lon: Sequence[float] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 degrees -> EPSG:3067 metres ``(x, y)``."""
    from planner.network.projection import to_tm35fin   # the shared numpy projection (no per-thread PROJ set-up)

    x, y = to_tm35fin(np.asarray(lat, dtype=float), np.asarray(lon, dtype=float))
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


@dataclass
class Catchments:
    """Catchment polygons per unit id (WGS84 shapely geometries).

    ``derived`` is True for network-Voronoi areas computed by :func:`derive_catchments`;
    ``info`` carries how they were made (matching counts, unreachable nodes, source file).
    """

    polygons: dict[str, "BaseGeometry"]
    derived: bool
    info: dict[str, Any] = field(default_factory=dict)
    language_polygons: dict[str, dict[str, "BaseGeometry"]] = field(default_factory=dict)  # e.g. {"sv": {...}}

    def __post_init__(self) -> None:
        from shapely.strtree import STRtree

        self._ids = sorted(self.polygons)
        self._tree = STRtree([self.polygons[i] for i in self._ids]) if self._ids else None
        self._by_language = {}
        for language, polygons in self.language_polygons.items():
            ids = sorted(polygons)
            self._by_language[language] = (ids, STRtree([polygons[i] for i in ids]) if ids else None)

    def __len__(self) -> int:
        return len(self.polygons)

    def unit_for(self, lat: float, lon: float, language: str | None = None) -> str | None:
        """The unit whose catchment contains the point, or None outside every catchment. ``language``
        (e.g. ``"sv"``): the catchment among the units teaching in it, when the areas have one per language."""
        ids, tree = self._by_language.get(language or "", (self._ids, self._tree))
        if tree is None:
            return None
        from shapely.geometry import Point

        hits = tree.query(Point(float(lon), float(lat)), predicate="intersects")
        if len(hits) == 0:
            return None
        return ids[int(min(hits))]  # lowest id wins where imported areas overlap

    find = unit_for  # name used in docs/architecture.md's module list

    def to_geojson(self) -> dict[str, Any]:
        """FeatureCollection (WGS84) with ``unit_id`` and ``derived`` on every feature."""
        from shapely.geometry import mapping

        features = [{"type": "Feature", "properties": {"unit_id": unit_id, "derived": self.derived},
                     "geometry": mapping(self.polygons[unit_id])} for unit_id in self._ids]
        languages = {}
        for language in sorted(self.language_polygons):
            polygons = self.language_polygons[language]
            languages[language] = [{"type": "Feature", "properties": {"unit_id": unit_id, "derived": self.derived,
                                                                      "language": language},
                                    "geometry": mapping(polygons[unit_id])} for unit_id in sorted(polygons)]
        out = {"type": "FeatureCollection", "derived": self.derived, "info": self.info, "features": features}
        if languages:  # kept apart from "features": a map of the main areas stays one partition
            out["language_features"] = languages
        return out

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_geojson(), ensure_ascii=False), encoding="utf-8")

    @classmethod
    def from_geojson(cls, data: Mapping[str, Any]) -> "Catchments":
        """Inverse of :meth:`to_geojson` (trusted data of a built dataset)."""
        from shapely.geometry import shape

        polygons = {str(f["properties"]["unit_id"]): shape(f["geometry"]) for f in data.get("features", [])}
        languages = {str(language): {str(f["properties"]["unit_id"]): shape(f["geometry"]) for f in features}
                     for language, features in (data.get("language_features") or {}).items()}
        return cls(polygons, bool(data.get("derived", False)), dict(data.get("info") or {}), languages)

    @classmethod
    def load(cls, path: str | Path) -> "Catchments":
        path = Path(path)
        if not path.is_file():
            raise DataError(f"catchments file {path} is missing; rebuild the dataset (python -m planner data build)")
        return cls.from_geojson(json.loads(path.read_text(encoding="utf-8")))


# --------------------------------------------------------------------------- imported

def import_catchments(path: str | Path, units: Iterable["Unit"], *, field: str = "--catchments") -> Catchments:
    """Read catchment polygons (GeoJSON / GeoPackage, any CRS) and match them to ``units``.

    Polygons whose unit cannot be found are left out and counted in ``info['unmatched']``.
    A file without a CRS is taken as WGS84 (the GeoJSON default) and marked ``crs_assumed``.
    """
    import geopandas as gpd
    from shapely import make_valid

    from planner.readers import check_file

    path = Path(path)
    check_file(path, field, "catchments")   # a regular file within the limit (never /proc, /dev, a pipe)
    try:
        frame = gpd.read_file(path)
    except Exception as error:  # pyogrio raises many kinds of errors for unreadable files
        raise InputError.single(field, str(path), f"a readable GeoJSON / GeoPackage ({error})") from error
    frame = frame[frame.geometry.notna()]
    frame = frame[frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    if frame.empty:
        raise InputError.single(field, str(path), "at least one Polygon or MultiPolygon feature")
    crs_assumed = frame.crs is None
    source_crs = "EPSG:4326" if crs_assumed else frame.crs.to_string()
    frame = frame.set_crs("EPSG:4326") if crs_assumed else frame.to_crs("EPSG:4326")
    min_x, min_y, max_x, max_y = frame.total_bounds
    if crs_assumed and not (-180 <= min_x <= max_x <= 180 and -90 <= min_y <= max_y <= 90):
        raise InputError.single(field, str(path), "a CRS in the file (coordinates are not WGS84 degrees)")
    units = list(units)
    by_id = {u.unit_id: u for u in units}
    columns = {str(c).lower(): c for c in frame.columns}
    polygons: dict[str, Any] = {}
    unmatched: list[str] = []
    for index, row in enumerate(frame.itertuples(index=False), start=1):
        geometry = make_valid(row.geometry)
        unit_id = None
        if "unit_id" in columns:
            value = getattr(row, columns["unit_id"])
            unit_id = None if value is None or (isinstance(value, float) and math.isnan(value)) else str(value).strip()
            if unit_id is not None and unit_id not in by_id:
                unmatched.append(f"feature {index}: unit_id {unit_id!r} not among the units")
                continue
        else:
            unit_id = _unit_inside(geometry, units)
            if unit_id is None:
                unmatched.append(f"feature {index}: no unit (or several) inside")
                continue
        if unit_id is None:
            unmatched.append(f"feature {index}: empty unit_id")
            continue
        polygons[unit_id] = polygons[unit_id].union(geometry) if unit_id in polygons else geometry
    info = {"source": path.name, "source_crs": source_crs, "crs_assumed": crs_assumed,
            "matched_by": "unit_id" if "unit_id" in columns else "location",
            "matched": len(polygons), "unmatched": unmatched}
    return Catchments(polygons, derived=False, info=info)


def _unit_inside(geometry: Any, units: list["Unit"]) -> str | None:
    from shapely import contains_xy

    inside = [u for u in units if contains_xy(geometry, u.lon, u.lat)]
    municipal = [u for u in inside if u.provider == "municipal"]
    chosen = municipal or inside
    return chosen[0].unit_id if len(chosen) == 1 else None


# --------------------------------------------------------------------------- derived

def label_nodes(graph: Any, units: Sequence["Unit"]) -> tuple[np.ndarray, np.ndarray]:
    """Nearest unit by walking time for every node of ``graph`` (a walk ``ModeGraph``).

    Returns ``(label, time_s)``: index into ``units`` (-1 unreachable) and the walking time in
    seconds (inf unreachable). Each unit joins the network at its nearest node after walking the
    straight line at :data:`WALK_SPEED_M_S`.
    """
    from scipy.sparse import csr_array, vstack, hstack
    from scipy.sparse.csgraph import dijkstra
    from scipy.spatial import cKDTree

    n = graph.time_s.shape[0]
    k = len(units)
    if k == 0:
        return np.full(n, -1), np.full(n, np.inf)
    ux, uy = to_metric([u.lat for u in units], [u.lon for u in units])
    distance_m, node = cKDTree(np.column_stack([graph.x, graph.y])).query(np.column_stack([ux, uy]))
    access_s = np.maximum(distance_m / WALK_SPEED_M_S, 1e-3)  # > 0: scipy drops explicit zeros
    # One virtual node per unit (indices n..n+k-1), with a one-way edge to its nearest node.
    virtual = csr_array((access_s, (np.arange(k), node)), shape=(k, n))
    full = vstack([hstack([csr_array(graph.time_s), csr_array((n, k))]), hstack([virtual, csr_array((k, k))])])
    time_s, _, sources = dijkstra(csr_array(full).tocsr(), directed=True, indices=np.arange(n, n + k),
                                  min_only=True, return_predecessors=True)
    label = np.where(sources[:n] >= 0, sources[:n] - n, -1)
    return label.astype(int), time_s[:n]


LAND_CELL_M = 100.0


def _street_mask(xy: np.ndarray) -> Any:
    """The squares of :data:`LAND_CELL_M` holding a street node, grown by one square each way (EPSG:3067)."""
    import shapely

    cells = np.unique(np.floor(xy / LAND_CELL_M).astype(np.int64), axis=0)
    grown = np.unique(np.concatenate([cells + (dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]), axis=0)
    boxes = shapely.box(grown[:, 0] * LAND_CELL_M, grown[:, 1] * LAND_CELL_M,
                        (grown[:, 0] + 1) * LAND_CELL_M, (grown[:, 1] + 1) * LAND_CELL_M)
    return shapely.coverage_union_all(boxes)


MAIN_LANGUAGE = "fi"
OTHER_LANGUAGES = ("sv",)


def derive_catchments(graph: Any, units: Iterable["Unit"], *, per_language: bool = True) -> Catchments:
    """Network Voronoi catchments of the municipal units by walking time (``derived = True``), clipped to
    squares of 100 m around street nodes (and their neighbours): no area over open water.

    ``per_language``: the main areas among the units teaching in Finnish (all municipal units when none
    says so) and, for Swedish, separate areas among the units teaching in Swedish
    (``language_polygons["sv"]``); ``info["languages"]`` counts the units of each partition.
    Nodes no municipal unit can reach on foot (islands of the network) go to the straight-line
    nearest labelled node; their count is kept in ``info['unreachable_nodes']``.
    """
    units = list(units)
    if not per_language:
        return _derive_one(graph, units)
    municipal = [u for u in units if u.provider == "municipal"]
    main_units = [u for u in municipal if MAIN_LANGUAGE in (u.languages or ())] or municipal
    main = _derive_one(graph, main_units)
    main.info["languages"] = {MAIN_LANGUAGE: len(main_units)}
    for language in OTHER_LANGUAGES:
        members = [u for u in municipal if language in (u.languages or ())]
        if not members:
            continue
        part = _derive_one(graph, members)
        main.language_polygons[language] = part.polygons
        main.info["languages"][language] = len(members)
        main.info.setdefault("units_outside_own_catchment_by_language", {})[language] = \
            part.info.get("units_outside_own_catchment", [])
    return Catchments(main.polygons, True, main.info, main.language_polygons)


def _derive_one(graph: Any, units: Iterable["Unit"]) -> Catchments:
    """One network Voronoi partition among the municipal ``units`` (see :func:`derive_catchments`)."""
    import shapely
    from scipy.spatial import cKDTree
    from shapely.geometry import MultiPoint

    municipal = sorted((u for u in units if u.provider == "municipal"), key=lambda u: u.unit_id)
    info: dict[str, Any] = {"method": "network Voronoi of municipal units by walking time (multi-source "
                                      "Dijkstra on the walk graph; Voronoi cells of nodes in EPSG:3067)",
                            "units": len(municipal)}
    if not municipal:
        info["note"] = "no municipal units: no derived catchments"
        return Catchments({}, derived=True, info=info)
    label, _ = label_nodes(graph, municipal)
    xy = np.column_stack([np.asarray(graph.x, float), np.asarray(graph.y, float)])
    reached = label >= 0
    info["unreachable_nodes"] = int((~reached).sum())
    if not reached.any():
        raise DataError("no network node is reachable on foot from any municipal unit")
    if (~reached).any():
        _, nearest = cKDTree(xy[reached]).query(xy[~reached])
        label = label.copy()
        label[~reached] = label[reached][nearest]
    # Unique points: the Voronoi diagram needs distinct sites; coincident nodes share one label.
    unique_xy, first = np.unique(np.round(xy, 2), axis=0, return_index=True)
    unique_label = label[first]
    hull = MultiPoint(unique_xy).convex_hull.buffer(HULL_BUFFER_M)
    # land and reachable streets only: squares of LAND_CELL_M around every street node (and their
    # neighbours), so that areas end at the shore instead of stretching over the sea or a lake
    hull = shapely.intersection(hull, _street_mask(unique_xy))
    info["clipped_to"] = f"within {LAND_CELL_M:g}-{2 * LAND_CELL_M:g} m of a street node (no open water)"
    cells = shapely.voronoi_polygons(MultiPoint(unique_xy), extend_to=hull, ordered=True)
    cell_list = np.asarray(shapely.get_parts(cells))
    polygons = {}
    for index, unit in enumerate(municipal):
        mine = cell_list[unique_label == index]
        if len(mine) == 0:
            continue
        area = shapely.intersection(shapely.coverage_union_all(mine), hull)  # cells tile: fast union
        area = shapely.make_valid(shapely.simplify(area, 1.0))
        polygons[unit.unit_id] = shapely.transform(area, _to_wgs84_xy)
    # The unit's own point lies in its catchment unless another unit is nearer to its node.
    info["units_outside_own_catchment"] = []
    catchments = Catchments(polygons, derived=True, info=info)
    for unit in municipal:
        if catchments.unit_for(unit.lat, unit.lon) != unit.unit_id:
            info["units_outside_own_catchment"].append(unit.unit_id)
    return catchments


def problems_for_unmatched(catchments: Catchments, field: str = "--catchments") -> list[Problem]:
    """One problem per imported polygon that matched no unit (for strict callers)."""
    return [Problem(field, item, "a polygon per unit: a unit_id property of a known unit, or exactly one unit inside")
            for item in catchments.info.get("unmatched", [])]
