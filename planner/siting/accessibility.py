"""Accessibility measures from a travel-time matrix (demand points × units, seconds, inf unreachable).

* :func:`travel_metrics`: share of children within N minutes of their unit, the children-weighted mean
  travel time (over children who can reach a unit) and the weighted 90th percentile (inf when more than
  10 % cannot reach any unit).
* :func:`area_metrics`: the same per area (a grouping label per demand point: catchment unit, district…).
* :func:`two_step_fca`: the two-step floating catchment area (2SFCA) supply-to-demand ratio with a hard
  threshold d₀ (Luo, W. & Wang, F. (2003). Measures of spatial accessibility to health care in a GIS
  environment: synthesis and a case study in the Chicago region. *Environment and Planning B* 30(6),
  865–884):

  step 1, per unit j:  Rⱼ = Sⱼ / Σ_{i : dᵢⱼ ≤ d₀} Pᵢ   (seats per child within reach of the unit)
  step 2, per point i: Aᵢ = Σ_{j : dᵢⱼ ≤ d₀} Rⱼ       (seats per child reachable from the point)

  Sⱼ: unit capacity in seats, Pᵢ: demand at point i (children or weighted seats), dᵢⱼ: travel time.
  Aᵢ = 1.0 means one seat per unit of demand; a unit with no demand in reach has Rⱼ = 0 (its seats
  serve nobody within d₀).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from planner.errors import InputError


def nearest(cost_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: index of the quickest column (-1 when none is reachable) and its time (inf)."""
    cost = np.asarray(cost_s, dtype=float)
    if cost.ndim != 2:
        raise InputError.single("cost_s", f"shape {cost.shape}", "a 2-D matrix demand points × units")
    if cost.shape[1] == 0:
        return np.full(cost.shape[0], -1), np.full(cost.shape[0], np.inf)
    index = np.argmin(cost, axis=1)
    time_s = cost[np.arange(cost.shape[0]), index]
    index = np.where(np.isfinite(time_s), index, -1)
    return index, time_s


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The smallest value v with (weight of values ≤ v) ≥ q × total weight (inf allowed); nan if no weight."""
    values = np.asarray(values, dtype=float)
    weights = np.asarray(weights, dtype=float)
    keep = weights > 0
    values, weights = values[keep], weights[keep]
    if values.size == 0:
        return float("nan")
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    position = np.searchsorted(cumulative, q * cumulative[-1] * (1 - 1e-12), side="left")
    return float(values[order][min(position, values.size - 1)])


def travel_metrics(time_s: np.ndarray, weights: np.ndarray, max_s: float) -> dict[str, float]:
    """Children-weighted metrics of each point's travel time to its unit.

    Keys: ``children`` (total weight), ``coverage_share`` (share with time ≤ max_s), ``mean_travel_s``
    (mean over reachable), ``p90_travel_s`` (weighted 90th percentile, inf if > 10 % unreachable),
    ``unreachable_share``. Shares are 0..1; nan where there is no demand.
    """
    time_s = np.asarray(time_s, dtype=float)
    weights = np.asarray(weights, dtype=float)
    total = float(weights.sum())
    if total <= 0:
        return {"children": 0.0, "coverage_share": float("nan"), "mean_travel_s": float("nan"),
                "p90_travel_s": float("nan"), "unreachable_share": float("nan")}
    reachable = np.isfinite(time_s)
    reach_weight = float(weights[reachable].sum())
    mean = float(np.dot(time_s[reachable], weights[reachable]) / reach_weight) if reach_weight > 0 else float("inf")
    return {
        "children": total,
        "coverage_share": float(weights[time_s <= max_s].sum() / total),
        "mean_travel_s": mean,
        "p90_travel_s": weighted_quantile(time_s, weights, 0.9),
        "unreachable_share": float(1.0 - reach_weight / total),
    }


NO_AREA = "(none)"   # the area label of homes in no unit's catchment (pages show it in the reader's language)


def area_metrics(time_s: np.ndarray, weights: np.ndarray, groups, max_s: float,
                 *, access: np.ndarray | None = None) -> pd.DataFrame:
    """:func:`travel_metrics` per group label (one row per area, sorted by label as text).

    With ``access`` (2SFCA Aᵢ per point) the column ``access_seats_per_child`` is the children-weighted mean.
    """
    time_s = np.asarray(time_s, dtype=float)
    weights = np.asarray(weights, dtype=float)
    labels = pd.Series(list(groups), dtype=object).fillna(NO_AREA).astype(str).to_numpy()
    rows = []
    for label in sorted(set(labels)):
        mask = labels == label
        row = {"area": label, **travel_metrics(time_s[mask], weights[mask], max_s)}
        if access is not None:
            w = weights[mask]
            row["access_seats_per_child"] = float(np.dot(np.asarray(access)[mask], w) / w.sum()) if w.sum() > 0 else float("nan")
        rows.append(row)
    return pd.DataFrame(rows)


def two_step_fca(cost_s: np.ndarray, demand: np.ndarray, supply: np.ndarray, max_s: float
                 ) -> tuple[np.ndarray, np.ndarray]:
    """2SFCA with a hard threshold: (Rⱼ per unit, Aᵢ per demand point); see the module docstring.

    ``supply`` with nan (unknown capacity) counts as 0 seats.
    """
    cost = np.asarray(cost_s, dtype=float)
    demand = np.asarray(demand, dtype=float)
    supply = np.nan_to_num(np.asarray(supply, dtype=float), nan=0.0, posinf=0.0)
    if cost.shape != (demand.size, supply.size):
        raise InputError.single("cost_s", f"shape {cost.shape}",
                                f"shape ({demand.size}, {supply.size}) = demand points × units")
    within = cost <= max_s
    demand_in_reach = demand @ within                      # Σᵢ Pᵢ over points within d₀ of unit j
    ratio = np.divide(supply, demand_in_reach, out=np.zeros_like(supply), where=demand_in_reach > 0)
    access = within @ ratio
    return ratio, access
