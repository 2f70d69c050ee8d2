"""Presentation of the municipality's plans for the Planner page (no Streamlit here: unit-testable).

Tables with translated headers from ``planner.plans`` / ``planner.siting.forecast`` results: the dated
events, today vs the plan date (overall metrics and units), the occupancy forecast and the demand ahead.
Figures are rounded for display only; estimates are said in the headers.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from pages._workbench_core import _round, overall_value, unit_label
from planner.i18n import translate


def _tr(key: str, lang: str, **params: Any) -> str:
    return translate(f"plans.page.{key}", lang, **params)


def events_table(events: list[dict[str, Any]], lang: str) -> pd.DataFrame:
    """One row per dated event: date, what, which unit / line / housing, plan layer (EXAMPLE marked)."""
    rows = []
    for e in events:
        if e["kind"] == "housing":
            name = _tr("dwellings", lang, count=e.get("dwellings"))
        else:
            name = e.get("name") or e.get("unit_id") or e.get("line_id") or e.get("file") or ""
        layer = e["layer"] + (" (" + translate("plans.example", lang) + ")" if e.get("example") else "")
        rows.append({_tr("col.date", lang): e["date"], _tr("col.what", lang): _tr(f"kind.{e['kind']}", lang),
                     _tr("col.name", lang): name, _tr("col.layer", lang): layer})
    return pd.DataFrame(rows)


def compare_overall_table(result: dict[str, Any], lang: str) -> pd.DataFrame:
    """Overall metrics today, on the plan date and the change (shares %, times min)."""
    rows = []
    for row in result["comparison"]["overall"]:
        metric = row["metric"]
        before, after = overall_value(metric, row["before"]), overall_value(metric, row["after"])
        change = None if before is None or after is None else round(after - before, 3)
        rows.append({_tr("col.metric", lang): translate(f"app_planner.metric.{metric}", lang),
                     _tr("col.today", lang): before, _tr("col.plan", lang): after, _tr("col.change", lang): change})
    return pd.DataFrame(rows)


def compare_units_table(result: dict[str, Any], demo_ids: set[str], lang: str) -> pd.DataFrame:
    """Units today and on the plan date: status (as text) and occupancy."""
    rows = []
    for row in result["comparison"]["units"]:
        rows.append({_tr("col.unit", lang): unit_label(row["unit_id"], row["name"], row["unit_id"] in demo_ids, lang),
                     _tr("col.status", lang): _tr(f"status.{row['status']}", lang),
                     _tr("col.occ_today", lang): _round(row.get("occupancy_percent_before")),
                     _tr("col.occ_plan", lang): _round(row.get("occupancy_percent_after"))})
    return pd.DataFrame(rows)


def _decimal(value: float, lang: str) -> str:
    text = f"{value:.1f}"
    return text.replace(".", ",") if lang in ("fi", "sv") else text


def horizon_label(horizon: str, lang: str) -> str:
    """"today", "+3 months", "year 2" in ``lang``."""
    if horizon == "today":
        return _tr("horizon.today", lang)
    if horizon.startswith("+"):
        return _tr("horizon.months", lang, n=horizon[1:].split()[0])
    if horizon.startswith("year"):
        return _tr("horizon.year", lang, n=horizon.split()[-1])
    return horizon


def forecast_table(forecast: dict[str, Any], lang: str) -> pd.DataFrame:
    """One row per unit, one column per horizon (today, +3, +6, +12 months, years): occupancy %."""
    rows = []
    for unit in forecast["occupancy"]:
        row: dict[str, Any] = {_tr("col.unit", lang): unit_label(unit["unit_id"], unit["name"], unit["demo"], lang)}
        for h in unit["horizons"]:
            label = f"{horizon_label(h['horizon'], lang)} ({h['date']})"
            value = _round(h["occupancy_percent"]) if h["open"] else None
            # text cells (a number or "not open"): one type per column for the table
            row[label] = _tr("closed", lang) if not h["open"] else ("–" if value is None else
                                                                    _decimal(value, lang))
        kinds = [h.get("basis_kind", "modelled") for h in unit["horizons"] if h.get("basis_kind") != "closed"]
        row[_tr("col.basis", lang)] = _tr(f"basis.{kinds[-1]}", lang) if kinds else _tr("basis.closed", lang)
        rows.append(row)
    return pd.DataFrame(rows).astype(str)


def demand_table(forecast: dict[str, Any], lang: str) -> pd.DataFrame:
    """Children per age group for the whole area per forecast year (sums of the per-area rows)."""
    frame = pd.DataFrame(forecast["demand"])
    if frame.empty:
        return frame
    sums = frame.groupby("date", sort=True)[["age_0_2", "age_3_5", "age_6", "from_new_housing"]].sum().round(1)
    sums = sums.reset_index()
    return sums.rename(columns={"date": _tr("col.date", lang), "age_0_2": _tr("col.age_0_2", lang),
                                "age_3_5": _tr("col.age_3_5", lang), "age_6": _tr("col.age_6", lang),
                                "from_new_housing": _tr("col.housing", lang)})
