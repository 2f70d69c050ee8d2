"""Glue between the Planner page and ``planner.siting`` (no Streamlit here, so it is unit-testable).

Only wiring and display formatting: the metrics come from ``planner.siting.scenario.evaluate`` /
``run_what_if`` and the site choice from ``planner.siting.optimiser.SiteModel``. Candidate sets
(a regular grid over the street network, typed points, the demand points standing for residential
buildings) are built here because the page needs them before any ``site`` command exists in-process.
Times are seconds, distances metres, seats coefficient-weighted.
"""
from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Sequence

import numpy as np
import pandas as pd

from planner.errors import InputError, ProblemCollector
from planner.i18n import translate
from planner.units import Unit

MODES: tuple[str, ...] = ("walk", "bike", "car", "transit")
CANDIDATE_SOURCES: tuple[str, ...] = ("grid", "points", "buildings")
METRES_PER_DEGREE_LAT = 111_320.0
MAX_CANDIDATES = 150
MAX_BUILDING_CANDIDATES = 40   # p-median solve time grows fast with candidates (about 15 s at 40)
GRID_SNAP_M = 150.0


@dataclass(frozen=True)
class Candidate:
    """A possible new site: id, WGS84 position, capacity in seats (None = the default capacity)."""

    candidate_id: str
    lat: float
    lon: float
    capacity_seats: float | None = None


# --------------------------------------------------------------------------- inputs


def next_weekday_at(today: date, clock: time) -> datetime:
    """The next Tuesday–Thursday (a typical weekday timetable) at ``clock``, from ``today`` on."""
    day = today
    while day.weekday() not in (1, 2, 3):
        day += timedelta(days=1)
    return datetime.combine(day, clock)


def siting_inputs(dataset: Any, mode: str, *, arrive_by: datetime | None = None) -> Any:
    """``SitingInputs`` of a dataset for one mode. Street modes use the dataset's engine; ``transit``
    uses its timetable router: door-to-door time arriving by ``arrive_by`` (default the next weekday
    08:30), one reverse search per unit location. No personal data is involved."""
    import dataclasses

    from planner.siting.scenario import SitingInputs, TravelTimes

    if mode != "transit":
        return SitingInputs.from_dataset(dataset, modes=(mode,))
    router = dataset.transit()
    if router is None:
        raise InputError.single("mode", mode, "walk, bike or car: this dataset has no public transport timetable")
    arrive = arrive_by or next_weekday_at(date.today(), time(8, 30))
    base = SitingInputs.from_dataset(dataset, modes=("walk",))

    def compute(points: np.ndarray, locations: np.ndarray) -> np.ndarray:
        columns = [np.asarray(router.many_to_one(points, (float(lat), float(lon)), arrive, on_outside="none"),
                              dtype=float) for lat, lon in locations]
        return np.column_stack(columns) if columns else np.zeros((len(points), 0))

    return dataclasses.replace(base, times={"transit": TravelTimes(base.points, compute)})


# --------------------------------------------------------------------------- labels and tables


def unit_label(unit_id: str, name: str | None, demo: bool, lang: str) -> str:
    """``name (demo)`` – demo units are always marked as such."""
    text = name or unit_id
    if demo:
        text += " (" + translate("app_planner.demo", lang) + ")"
    return text


def _minutes(seconds: Any) -> float | None:
    try:
        value = float(seconds)
    except (TypeError, ValueError):
        return None
    return round(value / 60.0, 1) if math.isfinite(value) else None


def _percent(share: Any) -> float | None:
    try:
        value = float(share)
    except (TypeError, ValueError):
        return None
    return round(100.0 * value, 1) if math.isfinite(value) else None


def _round(value: Any, digits: int = 1) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return round(number, digits) if math.isfinite(number) else None


def unit_table(evaluation: Any, units: Sequence[Unit], lang: str) -> pd.DataFrame:
    """Per-unit baseline table with translated headers; estimates are marked in their own column."""
    by_id = {u.unit_id: u for u in units}
    tr = lambda key: translate(f"app_planner.col.{key}", lang)  # noqa: E731
    rows = []
    for number, row in enumerate(evaluation.units.to_dict("records"), start=1):
        unit = by_id.get(row["unit_id"])
        demo = bool(unit.demo) if unit else False
        notes = []
        if unit is not None and unit.capacity_estimated:
            notes.append(translate("app_planner.note.capacity_estimated", lang))
        if evaluation.estimated:
            notes.append(translate("app_planner.note.demand_estimated", lang))
        rows.append({
            tr("number"): number,
            tr("unit"): unit_label(row["unit_id"], row["name"], demo, lang),
            tr("unit_id"): row["unit_id"],
            tr("capacity_seats"): _round(row["capacity_seats"]),
            tr("demand_seats"): _round(row["demand_seats"]),
            tr("occupancy_percent"): _round(row["occupancy_percent"]),
            tr("supply_ratio"): _round(row["supply_ratio"], 2),
            tr("mean_travel_min"): _minutes(row["mean_travel_s"]),
            tr("notes"): "; ".join(notes),
        })
    return pd.DataFrame(rows)


def area_table(areas: pd.DataFrame, lang: str, suffix: str = "") -> pd.DataFrame:
    """Per-area metrics (children, share within N min, mean, p90, 2SFCA) with translated headers."""
    tr = lambda key: translate(f"app_planner.col.{key}", lang)  # noqa: E731
    rows = []
    for row in areas.to_dict("records"):
        rows.append({
            tr("area"): row["area"],
            tr("children"): _round(row.get(f"children{suffix}")),
            tr("coverage_percent"): _percent(row.get(f"coverage_share{suffix}")),
            tr("mean_travel_min"): _minutes(row.get(f"mean_travel_s{suffix}")),
            tr("p90_travel_min"): _minutes(row.get(f"p90_travel_s{suffix}")),
            tr("access"): _round(row.get(f"access_seats_per_child{suffix}"), 3),
        })
    return pd.DataFrame(rows)


def overall_value(metric: str, value: Any) -> float | None:
    """An overall metric for display: shares as %, times as minutes, the rest rounded."""
    if metric.endswith("_share"):
        return _percent(value)
    if metric.endswith("_s"):
        return _minutes(value)
    return _round(value, 3 if metric.startswith("access") else 1)


def overall_table(comparison_overall: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Baseline vs scenario overall metrics (before, after, change) with translated names."""
    tr = lambda key: translate(f"app_planner.col.{key}", lang)  # noqa: E731
    rows = []
    for row in comparison_overall.to_dict("records"):
        metric = row["metric"]
        before, after = overall_value(metric, row["before"]), overall_value(metric, row["after"])
        change = None if before is None or after is None else round(after - before, 3)
        rows.append({tr("metric"): translate(f"app_planner.metric.{metric}", lang),
                     tr("before"): before, tr("after"): after, tr("change"): change})
    return pd.DataFrame(rows)


def changed_units_table(comparison: Any, lang: str) -> pd.DataFrame:
    """Units whose status or metrics change, with the status as text (never colour alone)."""
    tr = lambda key: translate(f"app_planner.col.{key}", lang)  # noqa: E731
    rows = []
    for row in comparison.changed_units.to_dict("records"):
        rows.append({
            tr("unit_id"): row["unit_id"], tr("unit"): row["name"],
            tr("status"): translate(f"app_planner.status.{row['status']}", lang),
            tr("capacity_before"): _round(row["capacity_seats_before"]),
            tr("capacity_after"): _round(row["capacity_seats_after"]),
            tr("demand_before"): _round(row["demand_seats_before"]),
            tr("demand_after"): _round(row["demand_seats_after"]),
            tr("occupancy_before"): _round(row["occupancy_percent_before"]),
            tr("occupancy_after"): _round(row["occupancy_percent_after"]),
            tr("mean_before"): _minutes(row["mean_travel_s_before"]),
            tr("mean_after"): _minutes(row["mean_travel_s_after"]),
        })
    return pd.DataFrame(rows)


def changed_points_table(comparison: Any, lang: str) -> pd.DataFrame:
    """Demand points (groups of families) whose nearest or catchment unit changes, with the reason."""
    tr = lambda key: translate(f"app_planner.col.{key}", lang)  # noqa: E731
    rows = []
    for row in comparison.changed_points.to_dict("records"):
        rows.append({
            tr("point"): row["point"], tr("lat"): _round(row.get("lat"), 5), tr("lon"): _round(row.get("lon"), 5),
            tr("children"): _round(row.get("children")),
            tr("time_before"): _minutes(row["time_before_s"]), tr("time_after"): _minutes(row["time_after_s"]),
            tr("reason"): row["reason"],
        })
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- scenario editing


def change_from_form(action: str, unit_id: str, *, name: str = "", lat: float | None = None,
                     lon: float | None = None, address: str = "", capacity_seats: float | None = None
                     ) -> dict[str, Any]:
    """A scenario change dict (scenario-file format) from the form fields; only the fields the action uses."""
    change: dict[str, Any] = {"action": action, "unit_id": unit_id.strip()}
    if action == "add" and name.strip():
        change["name"] = name.strip()
    if action in ("add", "move"):
        if address.strip():
            change["address"] = address.strip()
        else:
            change["lat"], change["lon"] = lat, lon
    if action in ("add", "resize") and capacity_seats is not None:
        change["capacity_seats"] = float(capacity_seats)
    return change


def resolve_change(change: dict[str, Any], addresses: Any) -> dict[str, Any]:
    """Resolve an ``address`` into lat/lon with the dataset's address index (InputError names ``address``)."""
    if change.get("address") and change.get("lat") is None and addresses is not None:
        lat, lon = addresses.resolve(change["address"], "address")
        return {**change, "lat": float(lat), "lon": float(lon)}
    return change


# --------------------------------------------------------------------------- candidates


def parse_points(text: str) -> list[Candidate]:
    """Candidate points from text: ``lat,lon[,capacity_seats]`` per line, or a CSV with the header
    ``id,lat,lon[,capacity_seats]``. Every bad line is one problem naming ``points line N``."""
    lines = [line for line in (text or "").splitlines() if line.strip()]
    if not lines:
        raise InputError.single("points", "", "one point per line as lat,lon[,capacity_seats]")
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
    header = [h.strip().lower() for h in rows[0]]
    has_header = "lat" in header and "lon" in header
    problems = ProblemCollector()
    points: list[Candidate] = []
    start = 1 if has_header else 0
    for number, cells in enumerate(rows[start:], start=start + 1):
        cells = [c.strip() for c in cells]
        if has_header:
            record = dict(zip(header, cells))
            ident = record.get("id") or f"P{len(points) + 1}"
            lat_text, lon_text = record.get("lat", ""), record.get("lon", "")
            cap_text = record.get("capacity_seats", "")
        else:
            ident = f"P{len(points) + 1}"
            lat_text, lon_text = (cells + ["", ""])[:2]
            cap_text = cells[2] if len(cells) > 2 else ""
        try:
            lat, lon = float(lat_text.replace(",", ".")), float(lon_text.replace(",", "."))
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError
        except ValueError:
            problems.add(f"points line {number}", delimiter.join(cells),
                         "lat,lon in WGS84 degrees, e.g. 60.1699,24.9384")
            continue
        capacity = None
        if cap_text:
            try:
                capacity = float(cap_text.replace(",", "."))
                if capacity < 0 or not math.isfinite(capacity):
                    raise ValueError
            except ValueError:
                problems.add(f"points line {number}", cap_text, "capacity in seats, 0 or more")
                continue
        points.append(Candidate(str(ident), lat, lon, capacity))
    problems.raise_if_any()
    if len(points) > MAX_CANDIDATES:
        raise InputError.single("points", len(points), f"at most {MAX_CANDIDATES} candidate points")
    return points


def grid_candidates(graph: Any, spacing_m: float) -> list[Candidate]:
    """A square grid (``spacing_m`` apart) over the street network, keeping points within
    ``GRID_SNAP_M`` of a street node; ``G1``, ``G2`` … Raises InputError when the grid is too dense."""
    from scipy.spatial import cKDTree

    if not (spacing_m and spacing_m >= 50):
        raise InputError.single("grid_spacing_m", spacing_m, "a grid spacing of 50 m or more")
    lat = np.asarray(graph.lat, dtype=float)
    lon = np.asarray(graph.lon, dtype=float)
    lat0 = float(lat.mean())
    kx = METRES_PER_DEGREE_LAT * math.cos(math.radians(lat0))
    x, y = (lon - lon.min()) * kx, (lat - lat.min()) * METRES_PER_DEGREE_LAT
    xs, ys = _centres(float(x.max()), spacing_m), _centres(float(y.max()), spacing_m)
    gx, gy = np.meshgrid(xs, ys)
    gx, gy = gx.ravel(), gy.ravel()
    distance, _ = cKDTree(np.column_stack([x, y])).query(np.column_stack([gx, gy]))
    keep = distance <= GRID_SNAP_M
    if int(keep.sum()) > MAX_CANDIDATES:
        raise InputError.single("grid_spacing_m", spacing_m,
                                f"a wider spacing: this one gives {int(keep.sum())} points, at most "
                                f"{MAX_CANDIDATES} are allowed")
    return [Candidate(f"G{n}", float(lat.min() + py / METRES_PER_DEGREE_LAT), float(lon.min() + px / kx))
            for n, (px, py) in enumerate(zip(gx[keep], gy[keep]), start=1)]


def _centres(extent_m: float, spacing_m: float) -> np.ndarray:
    """Cell centres ``spacing_m`` apart covering ``[0, extent_m]``, centred on it (at least one)."""
    count = max(1, math.ceil(extent_m / spacing_m))
    start = (extent_m - (count - 1) * spacing_m) / 2.0
    return start + spacing_m * np.arange(count)


def building_candidates(demand: pd.DataFrame, limit: int = MAX_BUILDING_CANDIDATES) -> list[Candidate]:
    """The demand points (cells of residential buildings) as candidates ``B1``, ``B2`` …, the
    ``limit`` with most children first."""
    children = demand[["age_0_2", "age_3_5", "age_6"]].sum(axis=1).to_numpy(float)
    order = np.argsort(-children, kind="stable")[:limit]
    return [Candidate(f"B{n}", float(demand.at[int(i), "lat"]), float(demand.at[int(i), "lon"]))
            for n, i in enumerate(sorted(order.tolist()), start=1)]


# --------------------------------------------------------------------------- optimiser


def run_optimiser(inputs: Any, units: Sequence[Unit], candidates: Sequence[Candidate], *, k: int,
                  objective: str, mode: str, max_minutes: float, candidate_capacity: float | None,
                  lang: str) -> dict[str, Any]:
    """Choose ``k`` of ``candidates`` with the existing ``units`` kept (``planner.siting.optimiser``).

    Returns ``chosen`` (rows with id, lat, lon, capacity, seats served), ``before``/``after`` metrics,
    ``explanation``, ``status``, ``model``. Capacities in seats; None/0 capacity of a unit = no limit.
    InfeasibleError and InputError propagate (their messages carry the numbers).
    """
    from planner.siting.optimiser import SiteModel

    if not candidates:
        raise InputError.single("candidates", 0, "at least one candidate site")
    problems = ProblemCollector()
    if not isinstance(k, int) or k < 0:
        problems.add("k", k, "a whole number of new sites, 0 or more")
    if not (max_minutes and max_minutes > 0):
        problems.add("max_minutes", max_minutes, "minutes above 0")
    problems.raise_if_any()
    sites = [Unit(unit_id=c.candidate_id, name=c.candidate_id, lat=c.lat, lon=c.lon) for c in candidates]
    cost = inputs.times[mode].matrix(list(units) + sites)
    existing = np.array([u.seats if u.seats is not None else np.inf for u in units], dtype=float)
    default = float(candidate_capacity) if candidate_capacity else np.inf
    cand_cap = np.array([c.capacity_seats if c.capacity_seats is not None else default for c in candidates],
                        dtype=float)
    model = SiteModel.from_cost_matrix(cost, inputs.seats, existing, cand_cap, int(k), objective,
                                       float(max_minutes) * 60.0)
    result = model.solve(lang=lang)
    served = np.asarray(result.assignment.sum(axis=0)).ravel()
    chosen = []
    for rank, j in enumerate(result.chosen, start=1):
        c = candidates[j]
        capacity = cand_cap[j]
        chosen.append({"rank": rank, "id": c.candidate_id, "lat": c.lat, "lon": c.lon,
                       "capacity_seats": None if not math.isfinite(capacity) else float(capacity),
                       "served_seats": float(served[len(units) + j])})
    return {"chosen": chosen, "before": result.before, "after": result.after, "explanation": result.explanation,
            "status": result.status, "model": result.details.get("model", ""), "objective": result.objective}


def optimiser_metrics_table(result: dict[str, Any], lang: str) -> pd.DataFrame:
    """Before/after of the optimiser (coverage share %, mean and p90 minutes)."""
    tr = lambda key: translate(f"app_planner.col.{key}", lang)  # noqa: E731
    rows = []
    for metric in ("coverage_share", "mean_travel_s", "p90_travel_s"):
        before = overall_value(metric, result["before"].get(metric))
        after = overall_value(metric, result["after"].get(metric))
        rows.append({tr("metric"): translate(f"app_planner.metric.{metric}", lang), tr("before"): before,
                     tr("after"): after,
                     tr("change"): None if before is None or after is None else round(after - before, 3)})
    return pd.DataFrame(rows)

