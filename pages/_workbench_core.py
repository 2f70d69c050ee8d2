"""Presentation for the Planner page (no Streamlit here, so it is unit-testable).

Only display formatting (tables with translated headers, labels, the optimiser's result as plain
values for the session) and the form → scenario change mapping. Everything else is ``planner.siting``:
inputs and travel times (``scenario.SitingInputs``), metrics (``scenario.evaluate`` / ``run_what_if``),
candidates (``candidates.candidates_for``) and the site choice (``sites.optimise_sites``).
Times are seconds, distances metres, seats coefficient-weighted.
"""
from __future__ import annotations

import math
import re
from typing import Any, Sequence

import pandas as pd

from planner.i18n import translate
from planner.siting.accessibility import NO_AREA
from planner.siting.candidates import MAX_BUILDING_CANDIDATES, SOURCES as CANDIDATE_SOURCES  # noqa: F401
from planner.units import Unit

MODES: tuple[str, ...] = ("walk", "bike", "car", "transit")


# --------------------------------------------------------------------------- labels and tables


_DEMO_PREFIX = re.compile(r"^\s*demo\s*[:\-–]\s*", re.IGNORECASE)


def unit_label(unit_id: str, name: str | None, demo: bool, lang: str) -> str:
    """``name (demo)`` – demo units are marked exactly once, in the chosen language (a name that already
    starts with "Demo:" loses that prefix, so "Demo: X" reads "X (demo)", not "Demo: X (demo)")."""
    text = (name or "").strip() or unit_id
    if demo:
        text = _DEMO_PREFIX.sub("", text).strip() or unit_id
        text += " (" + translate("app_planner.demo", lang) + ")"
    return text


def coverage_label(minutes: float, lang: str) -> str:
    """Short metric label "Within 10 min, %" (the long wording goes in the metric's help)."""
    return translate("app_planner.metric.coverage_within", lang, minutes=f"{minutes:g}")


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


def _area_name(area: Any, names: dict[str, str], lang: str) -> str:
    """An area as the reader knows it: its unit's name, "homes in no unit's area", or "–" for none."""
    if area in (None, "", "-"):
        return "–"
    if area == NO_AREA:
        return translate("app_planner.area.none", lang)
    return names.get(area, area)


def area_table(areas: pd.DataFrame, lang: str, suffix: str = "",
               units: Sequence[Unit] | None = None) -> pd.DataFrame:
    """Per-area metrics (children, share within N min, mean, p90, 2SFCA) with translated headers.
    An area named by its unit's id (derived catchments) is shown by that unit's name."""
    tr = lambda key: translate(f"app_planner.col.{key}", lang)  # noqa: E731
    names = {u.unit_id: unit_label(u.unit_id, u.name, bool(u.demo), lang) for u in units or []}
    rows = []
    for row in areas.to_dict("records"):
        rows.append({
            tr("area"): _area_name(row["area"], names, lang),
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


def changed_units_table(comparison: Any, lang: str, units: Sequence[Unit] = ()) -> pd.DataFrame:
    """Units whose status or metrics change, with the status as text (never colour alone); names of the
    demo units among ``units`` are marked as in the other tables."""
    tr = lambda key: translate(f"app_planner.col.{key}", lang)  # noqa: E731
    demo_ids = {u.unit_id for u in units if getattr(u, "demo", False)}
    rows = []
    for row in comparison.changed_units.to_dict("records"):
        rows.append({
            tr("unit_id"): row["unit_id"],
            tr("unit"): unit_label(row["unit_id"], row["name"], row["unit_id"] in demo_ids, lang),
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


def name_units(text: Any, units: Sequence[Unit] | None, lang: str) -> str:
    """A planner text with unit ids (whole words) replaced by the units' names ("demo-1 → demo-6" ->
    "Aurinko (demo) → Metsä (demo)")."""
    out = "" if text is None else str(text)
    for unit in sorted(units or [], key=lambda u: -len(u.unit_id)):
        if len(unit.unit_id) >= 3 and unit.unit_id in out:
            out = re.sub(rf"(?<![\w/-]){re.escape(unit.unit_id)}(?![\w/-])",
                         unit_label(unit.unit_id, unit.name, bool(unit.demo), lang), out)
    return out


def changed_points_table(comparison: Any, lang: str, units: Sequence[Unit] | None = None) -> pd.DataFrame:
    """Demand points (groups of families) whose nearest or catchment unit changes, with the reason
    (units by name when ``units`` are given)."""
    tr = lambda key: translate(f"app_planner.col.{key}", lang)  # noqa: E731
    rows = []
    for row in comparison.changed_points.to_dict("records"):
        rows.append({
            tr("point"): row["point"], tr("lat"): _round(row.get("lat"), 5), tr("lon"): _round(row.get("lon"), 5),
            tr("children"): _round(row.get("children")),
            tr("time_before"): _minutes(row["time_before_s"]), tr("time_after"): _minutes(row["time_after_s"]),
            tr("reason"): name_units(row["reason"], units, lang),
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


def resolve_change(change: dict[str, Any], addresses: Any, field: str = "address") -> dict[str, Any]:
    """Resolve an ``address`` into lat/lon with the dataset's address index (InputError names ``field``)."""
    if change.get("address") and change.get("lat") is None and addresses is not None:
        lat, lon = addresses.resolve(change["address"], field)
        return {**change, "lat": float(lat), "lon": float(lon)}
    return change


# --------------------------------------------------------------------------- optimiser


def optimiser_summary(outcome: Any) -> dict[str, Any]:
    """The optimiser's outcome (``planner.siting.sites.SiteOutcome``) as plain values for the session:
    ``chosen`` rows (rank, id, lat, lon, capacity_seats, assigned_seats), ``before``/``after`` metrics,
    ``explanation``, ``status``, ``model``, ``candidates`` (how many were offered), ``unmet_seats`` (seats
    of demand still without a place; the explanation says so)."""
    return {"chosen": [dict(row) for row in outcome.chosen], "before": dict(outcome.before),
            "after": dict(outcome.after), "explanation": outcome.explanation, "status": outcome.status,
            "model": outcome.model, "candidates": len(outcome.candidates),
            "unmet_seats": float(outcome.result.unmet_seats)}


def chosen_table(result: dict[str, Any], lang: str) -> pd.DataFrame:
    """The chosen sites (N1, N2 …) with translated headers; capacity None = no limit."""
    tr = lambda key: translate(f"app_planner.col.{key}", lang)  # noqa: E731
    return pd.DataFrame([{tr("rank"): f"N{row['rank']}", tr("candidate"): row["id"], tr("lat"): round(row["lat"], 5),
                          tr("lon"): round(row["lon"], 5), tr("capacity_seats"): row["capacity_seats"],
                          tr("served_seats"): round(row["assigned_seats"], 1)} for row in result["chosen"]],
                        columns=[tr(c) for c in ("rank", "candidate", "lat", "lon", "capacity_seats", "served_seats")])


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

