"""Children by age group (0–2, 3–5, 6) per location: the demand side of siting.

Two sources:

* :func:`load_population_grid` reads polygons (or points) with counts from GeoJSON / GeoPackage /
  shapefile in any CRS — e.g. the 250 m YKR / HSY population grid — and takes each feature's centroid.
* :func:`estimate_demand_from_buildings` estimates residents from the floor area of an OSM extract's
  buildings with homes when no grid is available (the default dataset); the rules were calibrated once
  against the HSY 2020 grid (docs/siting.md). Everything it returns is an estimate.

Both return one frame with the columns :data:`DEMAND_COLUMNS`.

Recognised count columns (case-insensitive):

=========  ==========================================================================
age_0_2    ``age_0_2``, ``ika0_2``, ``ika_0_2``, ``he_0_2``, ``a0_2``
age_3_5    ``age_3_5``, ``ika3_5``, ``ika_3_5``, ``a3_5``
age_6      ``age_6``, ``ika6``, ``ika_6``, ``a6``
age 3–6    ``ika3_6``, ``ika_3_6``, ``he_3_6``, ``age_3_6`` (split 3/4 to 3–5, 1/4 to 6: estimate)
age 0–9    ``ika0_9``, ``ika_0_9``, ``age_0_9`` (HSY style; split 3/10, 3/10, 1/10: estimate)
total      ``total``, ``population``, ``asukkaita``, ``vaesto``, ``he_vakiy``, ``pop``, ``count``
=========  ==========================================================================

When only a total exists, the age groups are ``total × share`` with the :data:`AGE_SHARES` below and the
rows are marked ``estimated``. Negative counts (suppressed small cells in Statistics Finland data) are
read as 0 and marked estimated.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from planner.errors import DataError, InputError

DEMAND_COLUMNS: tuple[str, ...] = ("lat", "lon", "age_0_2", "age_3_5", "age_6", "total", "estimated", "source")
AGE_COLUMNS: tuple[str, ...] = ("age_0_2", "age_3_5", "age_6")

# ASSUMPTION: shares of the whole population by age group, rounded from Statistics Finland's population
# structure 2023 for the whole country (0–2 ≈ 2.5 %, 3–5 ≈ 2.9 %, 6 ≈ 1.0 %). Local shares differ
# (city centres have fewer children); import a grid with age groups for real planning.
AGE_SHARES: dict[str, float] = {"age_0_2": 0.025, "age_3_5": 0.029, "age_6": 0.010}

# ASSUMPTION: gross floor area per resident in residential buildings. Living space per resident is
# ≈ 40 m² in inner Helsinki (≈ 35 m² for the whole city; approximate Helsinki statistics, not checked
# against the source table); living space is ≈ 80 % of the gross floor area (walls, stairs, shafts,
# common rooms), so 40 / 0.8 = 50 m².
LIVING_M2_PER_RESIDENT = 40.0
NET_TO_GROSS = 0.8
GROSS_FLOOR_M2_PER_RESIDENT = LIVING_M2_PER_RESIDENT / NET_TO_GROSS
# ASSUMPTION: floors when building:levels (or height) is missing, by building type. Medians of the
# central-Helsinki extracts are 5–6 for apartments and 4–5 for building=yes.
DEFAULT_LEVELS: dict[str, float] = {"apartments": 5.0, "residential": 4.0, "yes": 4.0, "house": 1.5,
                                    "detached": 1.5, "semidetached_house": 1.5, "terrace": 2.0,
                                    "dormitory": 4.0, "bungalow": 1.0, "farm": 1.5}
# ASSUMPTION: storey height used to turn ``height`` (m) into floors when building:levels is missing.
STOREY_HEIGHT_M = 3.2
# ASSUMPTION: in buildings of 3 floors or more the ground floor holds no homes (shops, entrances,
# storage, saunas, laundry and bicycle rooms).
GROUND_FLOOR_NOT_HOMES_FROM_LEVELS = 3
RESIDENTIAL_BUILDINGS: frozenset[str] = frozenset(
    {"residential", "apartments", "house", "detached", "semidetached_house", "terrace", "dormitory",
     "bungalow", "farm"})
# Tags on an untyped building=yes that mark a non-residential use (its share of homes becomes 0).
NON_RESIDENTIAL_USE_TAGS: tuple[str, ...] = ("amenity", "shop", "office", "tourism", "craft", "healthcare",
                                             "leisure", "government", "diplomatic", "public_transport")
# ASSUMPTION: share of the floor area of an untyped ``building=yes`` (no use tag) that is homes, by the
# OSM landuse polygon around it. Calibrated once against the HSY 2020 grid (docs/siting.md): untyped
# buildings in residential areas are mostly blocks of flats; in commercial, civil, industrial, ...
# areas they are offices, shops and public buildings.
UNTYPED_RESIDENTIAL_SHARE: dict[str, float] = {"residential": 0.75, "none": 0.5, "other": 0.0}

_ALIASES: dict[str, tuple[str, ...]] = {
    "age_0_2": ("age_0_2", "ika0_2", "ika_0_2", "he_0_2", "a0_2"),
    "age_3_5": ("age_3_5", "ika3_5", "ika_3_5", "a3_5"),
    "age_6": ("age_6", "ika6", "ika_6", "a6"),
    "age_3_6": ("age_3_6", "ika3_6", "ika_3_6", "he_3_6"),
    "age_0_9": ("age_0_9", "ika0_9", "ika_0_9"),
    "total": ("total", "population", "asukkaita", "vaesto", "he_vakiy", "pop", "count"),
}


def load_population_grid(path: str | Path, *, layer: str | None = None) -> pd.DataFrame:
    """Children by age group per grid cell (centroid in WGS84) from a polygon or point file.

    Returns :data:`DEMAND_COLUMNS`; ``source`` is the file name. Raises ``InputError`` naming the
    field ``population`` when the file is missing, unreadable or has no count column.
    """
    import geopandas as gpd

    from planner.readers import file_problem

    path = Path(path)
    if (problem := file_problem(path, "population")) is not None:   # a regular file (never /proc, /dev, a pipe)
        raise InputError(problem)
    try:
        frame = gpd.read_file(path, layer=layer) if layer else gpd.read_file(path)
    except Exception as error:  # pyogrio raises several types for unreadable files
        raise InputError.single("population", str(path),
                                f"a readable GeoJSON / GeoPackage / shapefile ({error.__class__.__name__}: {error})") from error
    if frame.empty:
        raise InputError.single("population", str(path), "a file with at least one feature")
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    if frame.crs is None:
        bounds = frame.total_bounds
        if np.all(np.abs(bounds[[0, 2]]) <= 180) and np.all(np.abs(bounds[[1, 3]]) <= 90):
            frame = frame.set_crs(4326)
        else:
            raise InputError.single("population", str(path), "a file with a coordinate reference system (CRS)")
    centroids = frame.to_crs(3067).geometry.centroid.to_crs(4326)
    counts = _age_counts(frame, path)
    out = pd.DataFrame({"lat": centroids.y.to_numpy(), "lon": centroids.x.to_numpy()})
    for column in (*AGE_COLUMNS, "total", "estimated"):
        out[column] = counts[column]
    out["source"] = path.name
    return out[list(DEMAND_COLUMNS)].reset_index(drop=True)


def _age_counts(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Columns age_0_2, age_3_5, age_6, total, estimated from whatever count columns exist."""
    lower = {str(c).lower(): c for c in frame.columns if c != "geometry"}
    found: dict[str, pd.Series] = {}
    negative = np.zeros(len(frame), dtype=bool)
    for key, aliases in _ALIASES.items():
        for alias in aliases:
            if alias in lower:
                values = pd.to_numeric(frame[lower[alias]], errors="coerce").to_numpy(dtype=float)
                bad = ~np.isfinite(values) | (values < 0)
                negative |= bad
                found[key] = pd.Series(np.where(bad, 0.0, values), index=frame.index)
                break
    n = len(frame)
    estimated = negative.copy()
    ages: dict[str, np.ndarray] = {}
    if "age_0_2" in found:
        ages["age_0_2"] = found["age_0_2"].to_numpy()
    if "age_3_5" in found:
        ages["age_3_5"] = found["age_3_5"].to_numpy()
    if "age_6" in found:
        ages["age_6"] = found["age_6"].to_numpy()
    if "age_3_6" in found and ("age_3_5" not in ages or "age_6" not in ages):
        ages.setdefault("age_3_5", found["age_3_6"].to_numpy() * 0.75)
        ages.setdefault("age_6", found["age_3_6"].to_numpy() * 0.25)
        estimated |= True
    if "age_0_9" in found and len(ages) < 3:
        ten = found["age_0_9"].to_numpy()
        for key, share in (("age_0_2", 0.3), ("age_3_5", 0.3), ("age_6", 0.1)):
            if key not in ages:
                ages[key] = ten * share
        estimated |= True
    if len(ages) < 3:
        if "total" not in found:
            raise InputError.single(
                "population", f"{path.name}: columns {sorted(lower)}",
                "count columns age_0_2/age_3_5/age_6 (or ika0_2, ika3_6, ika0_9 ...) or a total "
                "(population, asukkaita, vaesto, total)")
        total = found["total"].to_numpy()
        for key in AGE_COLUMNS:
            if key not in ages:
                ages[key] = total * AGE_SHARES[key]
        estimated |= True
    total = found["total"].to_numpy() if "total" in found else np.full(n, np.nan)
    out = pd.DataFrame({key: ages[key] for key in AGE_COLUMNS})
    out["total"] = total
    out["estimated"] = estimated
    return out


def estimate_building_residents(pbf: str | Path) -> pd.DataFrame:
    """Estimated residents per OSM building of an extract (one row per building with homes).

    Columns: ``x``, ``y`` (building centroid, EPSG:3067 metres), ``building``, ``landuse``,
    ``floor_area_m2`` (footprint × floors), ``home_floors``, ``home_share`` (0..1) and ``residents``
    (= footprint m² × home_floors × home_share / :data:`GROSS_FLOOR_M2_PER_RESIDENT`). Rules:

    * ``building`` in :data:`RESIDENTIAL_BUILDINGS` counts fully (share 1);
    * untyped ``building=yes`` counts by the landuse polygon around its centroid
      (:data:`UNTYPED_RESIDENTIAL_SHARE`), and 0 when it carries a use tag
      (:data:`NON_RESIDENTIAL_USE_TAGS`, or ``building:use`` other than residential);
    * every other building type (office, retail, public, school, church, roof, shed, ...) counts 0;
    * floors from ``building:levels``, else ``height`` / :data:`STOREY_HEIGHT_M`, else
      :data:`DEFAULT_LEVELS`; the ground floor is not homes from
      :data:`GROUND_FLOOR_NOT_HOMES_FROM_LEVELS` floors up.
    """
    import pyrosm

    path = Path(pbf)
    if not path.is_file():
        raise DataError(f"OSM extract not found: {path}")
    osm = pyrosm.OSM(str(path))
    buildings = osm.get_buildings()
    if buildings is None or len(buildings) == 0:
        return _empty_residents()
    buildings = buildings.reset_index(drop=True)
    kind = buildings["building"].astype(str).str.lower().str.strip()
    landuse = _landuse_at(buildings, osm)
    share = home_share(kind, landuse, _has_use_tag(buildings))
    metric = buildings.set_geometry("geometry").to_crs(3067) if buildings.crs else \
        buildings.set_geometry("geometry").set_crs(4326).to_crs(3067)
    polygonal = metric.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    area_m2 = np.where(polygonal, metric.geometry.area.to_numpy(), 0.0)
    levels = building_levels(kind, _tag(buildings, "building:levels"), _tag(buildings, "height"))
    floors = home_floors(levels)
    residents = area_m2 * floors * share / GROSS_FLOOR_M2_PER_RESIDENT
    centre = metric.geometry.centroid
    out = pd.DataFrame({"x": centre.x.to_numpy(), "y": centre.y.to_numpy(), "building": kind.to_numpy(),
                        "landuse": landuse.to_numpy(), "floor_area_m2": area_m2 * levels,
                        "home_floors": floors, "home_share": share, "residents": residents})
    return out[out["residents"] > 0].reset_index(drop=True)


def home_share(kind: pd.Series, landuse: pd.Series, has_use_tag: np.ndarray) -> np.ndarray:
    """Share (0..1) of each building's floor area that is homes, by building type, landuse and use tags."""
    residential = kind.isin(RESIDENTIAL_BUILDINGS).to_numpy()
    untyped = kind.eq("yes").to_numpy() & ~np.asarray(has_use_tag, dtype=bool)
    landuse = landuse.astype(object)
    by_landuse = np.where(landuse.eq("residential").to_numpy(), UNTYPED_RESIDENTIAL_SHARE["residential"],
                          np.where(landuse.isna().to_numpy(), UNTYPED_RESIDENTIAL_SHARE["none"],
                                   UNTYPED_RESIDENTIAL_SHARE["other"]))
    return np.where(residential, 1.0, np.where(untyped, by_landuse, 0.0))


def building_levels(kind: pd.Series, levels_tag: pd.Series, height_tag: pd.Series) -> np.ndarray:
    """Floors per building: ``building:levels``, else ``height`` m / :data:`STOREY_HEIGHT_M`, else the default."""
    levels = pd.to_numeric(levels_tag, errors="coerce").to_numpy(dtype=float)
    height_m = pd.to_numeric(height_tag.astype(str).str.replace("m", "", regex=False).str.strip(),
                             errors="coerce").to_numpy(dtype=float)
    from_height = np.maximum(1.0, np.round(height_m / STOREY_HEIGHT_M))
    default = kind.map(DEFAULT_LEVELS).fillna(2.0).to_numpy(dtype=float)
    valid_levels = np.isfinite(levels) & (levels > 0) & (levels < 60)
    valid_height = np.isfinite(height_m) & (height_m > 0) & (height_m < 200)
    return np.where(valid_levels, levels, np.where(valid_height, from_height, default))


def home_floors(levels: np.ndarray) -> np.ndarray:
    """Floors with homes: all floors, minus the ground floor from :data:`GROUND_FLOOR_NOT_HOMES_FROM_LEVELS` up."""
    levels = np.asarray(levels, dtype=float)
    return np.where(levels >= GROUND_FLOOR_NOT_HOMES_FROM_LEVELS, levels - 1.0, levels)


def _tag(buildings: pd.DataFrame, key: str) -> pd.Series:
    """One OSM tag per building, from its own column or from pyrosm's JSON ``tags`` column."""
    column = buildings[key] if key in buildings else pd.Series([None] * len(buildings), index=buildings.index)
    if "tags" not in buildings:
        return column
    missing = column.isna()
    if not missing.any():
        return column
    extra = buildings.loc[missing, "tags"].map(lambda text: _parse_tags(text).get(key))
    return column.astype(object).where(~missing, extra)


def _parse_tags(text: object) -> dict:
    if isinstance(text, dict):
        return text
    if not isinstance(text, str) or not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _has_use_tag(buildings: pd.DataFrame) -> np.ndarray:
    """True where a building carries a non-residential use tag (shop, office, amenity, tourism, ...)."""
    flagged = np.zeros(len(buildings), dtype=bool)
    for key in NON_RESIDENTIAL_USE_TAGS:
        value = _tag(buildings, key)
        flagged |= value.notna().to_numpy() & ~value.astype(str).str.lower().isin(["no", ""]).to_numpy()
    use = _tag(buildings, "building:use")
    flagged |= use.notna().to_numpy() & ~use.astype(str).str.lower().isin(["residential", "apartments"]).to_numpy()
    return flagged


def _landuse_at(buildings: pd.DataFrame, osm) -> pd.Series:
    """The ``landuse`` value of the polygon containing each building's centroid (NaN where none)."""
    import geopandas as gpd

    empty = pd.Series([np.nan] * len(buildings), index=buildings.index, dtype=object)
    try:
        landuse = osm.get_landuse()
    except Exception:  # pyrosm raises on extracts without any landuse ways
        return empty
    if landuse is None or len(landuse) == 0 or "landuse" not in landuse:
        return empty
    landuse = gpd.GeoDataFrame(landuse[["landuse", "geometry"]], geometry="geometry", crs=landuse.crs or 4326)
    landuse = landuse[landuse.geometry.geom_type.isin(["Polygon", "MultiPolygon"])].to_crs(3067)
    landuse["area_m2"] = landuse.geometry.area
    frame = gpd.GeoDataFrame(geometry=buildings.geometry, crs=buildings.crs or 4326).to_crs(3067)
    centres = gpd.GeoDataFrame(geometry=frame.geometry.representative_point(), crs=3067)
    joined = gpd.sjoin(centres, landuse, predicate="within", how="inner")
    # the smallest containing polygon wins (a residential block inside a larger area)
    joined = joined.sort_values("area_m2", kind="stable")
    joined = joined[~joined.index.duplicated(keep="first")]
    out = empty.copy()
    out.loc[joined.index] = joined["landuse"].astype(str).str.lower().to_numpy()
    return out


def estimate_demand_from_buildings(pbf: str | Path, *, cell_m: float | None = 100.0) -> pd.DataFrame:
    """Estimated children by age group from the buildings with homes of an OSM extract.

    Residents per building from :func:`estimate_building_residents` (floor area of homes /
    :data:`GROSS_FLOOR_M2_PER_RESIDENT`); children = residents × :data:`AGE_SHARES`. With ``cell_m`` the
    buildings are summed into square cells of that size (EPSG:3067), located at the resident-weighted
    centre. All rows are ``estimated=True``; ``source`` states the method.
    """
    import geopandas as gpd

    path = Path(pbf)
    per_building = estimate_building_residents(path)
    if len(per_building) == 0:
        return _empty_demand()
    x, y = per_building["x"].to_numpy(), per_building["y"].to_numpy()
    residents = per_building["residents"].to_numpy()
    if cell_m:
        key = pd.DataFrame({"cx": np.floor(x / cell_m), "cy": np.floor(y / cell_m), "wx": x * residents,
                            "wy": y * residents, "r": residents})
        grouped = key.groupby(["cx", "cy"], sort=True)[["wx", "wy", "r"]].sum()
        residents = grouped["r"].to_numpy()
        x, y = grouped["wx"].to_numpy() / residents, grouped["wy"].to_numpy() / residents
    points = gpd.GeoSeries(gpd.points_from_xy(x, y), crs=3067).to_crs(4326)
    out = pd.DataFrame({"lat": points.y.to_numpy(), "lon": points.x.to_numpy()})
    for column in AGE_COLUMNS:
        out[column] = residents * AGE_SHARES[column]
    out["total"] = residents
    out["estimated"] = True
    out["source"] = (f"estimate from OSM buildings of {path.name}: homes' floor area "
                     f"/ {GROSS_FLOOR_M2_PER_RESIDENT:g} m² per resident × national age shares")
    return out[list(DEMAND_COLUMNS)]


def _empty_residents() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=float) for c in
                         ("x", "y", "building", "landuse", "floor_area_m2", "home_floors", "home_share", "residents")})


def _empty_demand() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=float) for c in DEMAND_COLUMNS}).astype(
        {"estimated": bool, "source": object})


def children_total(demand: pd.DataFrame) -> np.ndarray:
    """Children aged 0–6 per row (sum of the three age groups)."""
    return demand[list(AGE_COLUMNS)].sum(axis=1).to_numpy(dtype=float)


def validate_demand(demand: pd.DataFrame, field: str = "demand") -> pd.DataFrame:
    """Check a demand frame has lat, lon and the age columns with finite non-negative values."""
    missing = [c for c in ("lat", "lon", *AGE_COLUMNS) if c not in demand.columns]
    if missing:
        raise InputError.single(field, f"columns {list(demand.columns)}", f"the columns {', '.join(missing)}")
    values = demand[list(AGE_COLUMNS)].to_numpy(dtype=float)
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise InputError.single(field, "non-finite or negative counts", "counts of children, 0 or more")
    lat, lon = demand["lat"].to_numpy(dtype=float), demand["lon"].to_numpy(dtype=float)
    if not (np.all(np.abs(lat) <= 90) and np.all(np.abs(lon) <= 180)) or not math.isfinite(float(np.sum(lat + lon))):
        raise InputError.single(field, "coordinates out of range", "WGS84 latitudes and longitudes")
    return demand
