"""Children by age group (0–2, 3–5, 6) per location: the demand side of siting.

Two sources:

* :func:`load_population_grid` reads polygons (or points) with counts from GeoJSON / GeoPackage /
  shapefile in any CRS — e.g. the 250 m YKR / HSY population grid — and takes each feature's centroid.
* :func:`estimate_demand_from_buildings` estimates residents from an OSM extract's residential
  buildings when no grid is available (the default dataset). Everything it returns is an estimate.

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

# ASSUMPTION: gross floor area per resident in residential buildings (living space ≈ 34 m² per
# resident in Helsinki, plus walls, stairs and common rooms).
GROSS_FLOOR_M2_PER_RESIDENT = 40.0
# ASSUMPTION: floors when building:levels is missing, by building type.
DEFAULT_LEVELS: dict[str, float] = {"apartments": 5.0, "residential": 4.0, "yes": 5.0, "house": 1.5,
                                    "detached": 1.5, "semidetached_house": 1.5, "terrace": 2.0,
                                    "dormitory": 4.0}
RESIDENTIAL_BUILDINGS: frozenset[str] = frozenset(
    {"residential", "apartments", "house", "detached", "semidetached_house", "terrace", "dormitory",
     "bungalow", "farm"})
# ASSUMPTION: share of the floor area of a generic ``building=yes`` (no shop/office/amenity tag) that is
# homes; in Finnish city centres most untyped buildings are blocks of flats with shops on the ground floor.
UNTYPED_RESIDENTIAL_SHARE = 0.5

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

    path = Path(path)
    if not path.is_file():
        raise InputError.single("population", str(path), "an existing GeoJSON / GeoPackage / shapefile with counts")
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


def estimate_demand_from_buildings(pbf: str | Path, *, cell_m: float | None = 100.0) -> pd.DataFrame:
    """Estimated children by age group from the residential buildings of an OSM extract.

    residents = footprint m² × floors / :data:`GROSS_FLOOR_M2_PER_RESIDENT` (× :data:`UNTYPED_RESIDENTIAL_SHARE`
    for untyped ``building=yes`` without shop/office/amenity tags); children = residents × :data:`AGE_SHARES`.
    Floors from ``building:levels``, else :data:`DEFAULT_LEVELS`. With ``cell_m`` the buildings are summed
    into square cells of that size (EPSG:3067), located at the resident-weighted centre. All rows are
    ``estimated=True``; ``source`` says how they were made.
    """
    import geopandas as gpd
    import pyrosm

    path = Path(pbf)
    if not path.is_file():
        raise DataError(f"OSM extract not found: {path}")
    buildings = pyrosm.OSM(str(path)).get_buildings()
    if buildings is None or len(buildings) == 0:
        return _empty_demand()
    buildings = gpd.GeoDataFrame(buildings, geometry="geometry", crs=buildings.crs or 4326)
    kind = buildings["building"].astype(str).str.lower()
    untyped = kind.eq("yes")
    for tag in ("amenity", "shop", "office"):
        if tag in buildings:
            untyped &= buildings[tag].isna()
    share = np.where(kind.isin(RESIDENTIAL_BUILDINGS), 1.0, np.where(untyped, UNTYPED_RESIDENTIAL_SHARE, 0.0))
    keep = share > 0
    buildings, kind, share = buildings[keep], kind[keep], share[keep]
    if len(buildings) == 0:
        return _empty_demand()
    metric = buildings.to_crs(3067)
    polygonal = metric.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    area_m2 = np.where(polygonal, metric.geometry.area.to_numpy(), 0.0)
    levels = pd.to_numeric(buildings.get("building:levels"), errors="coerce").to_numpy(dtype=float) \
        if "building:levels" in buildings else np.full(len(buildings), np.nan)
    default_levels = kind.map(DEFAULT_LEVELS).fillna(2.0).to_numpy(dtype=float)
    levels = np.where(np.isfinite(levels) & (levels > 0) & (levels < 60), levels, default_levels)
    residents = area_m2 * levels / GROSS_FLOOR_M2_PER_RESIDENT * share
    centre = metric.geometry.centroid
    x, y = centre.x.to_numpy(), centre.y.to_numpy()
    ok = residents > 0
    x, y, residents = x[ok], y[ok], residents[ok]
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
    out["source"] = f"estimate from OSM residential buildings of {path.name}"
    return out[list(DEMAND_COLUMNS)]


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
