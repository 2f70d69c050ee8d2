"""Travel metrics and 2SFCA on hand-worked matrices."""
from __future__ import annotations

import math

import numpy as np
import pytest

from planner.siting.accessibility import area_metrics, nearest, travel_metrics, two_step_fca, weighted_quantile

INF = math.inf


def test_nearest_marks_unreachable_rows():
    index, time_s = nearest(np.array([[300.0, 120.0], [INF, INF]]))
    assert index.tolist() == [1, -1]
    assert time_s.tolist() == [120.0, INF]


def test_weighted_quantile_hand_worked():
    # weights 1, 1, 8 at 60, 120, 900 s: the 90th percentile child is at 900 s, the 20th at 120 s
    assert weighted_quantile([60, 120, 900], [1, 1, 8], 0.9) == 900
    assert weighted_quantile([60, 120, 900], [1, 1, 8], 0.2) == 120
    assert weighted_quantile([60, 120, 900], [1, 1, 8], 0.1) == 60


def test_travel_metrics_hand_worked():
    # 10 children at 5 min, 5 at 15 min, 5 unreachable; threshold 10 min
    metrics = travel_metrics(np.array([300.0, 900.0, INF]), np.array([10.0, 5.0, 5.0]), 600)
    assert metrics["children"] == 20
    assert metrics["coverage_share"] == 0.5
    assert metrics["mean_travel_s"] == pytest.approx((10 * 300 + 5 * 900) / 15)
    assert metrics["p90_travel_s"] == INF
    assert metrics["unreachable_share"] == 0.25


def test_area_metrics_per_group():
    table = area_metrics(np.array([300.0, 900.0, 60.0]), np.array([1.0, 1.0, 2.0]), ["b", "b", "a"], 600)
    assert table["area"].tolist() == ["a", "b"]
    assert table["coverage_share"].tolist() == [1.0, 0.5]
    assert table["mean_travel_s"].tolist() == [60.0, 600.0]


def test_two_step_fca_hand_worked():
    # Unit 0 (20 seats) reaches points 0 and 1 (10 + 30 children): R0 = 20 / 40 = 0.5.
    # Unit 1 (10 seats) reaches point 1 only: R1 = 10 / 30 = 1/3.
    # A0 = 0.5; A1 = 0.5 + 1/3; point 2 reaches nothing: A2 = 0.
    cost = np.array([[100.0, 900.0], [200.0, 300.0], [INF, 700.0]])
    ratio, access = two_step_fca(cost, np.array([10.0, 30.0, 5.0]), np.array([20.0, 10.0]), 600)
    assert ratio == pytest.approx([0.5, 1 / 3])
    assert access == pytest.approx([0.5, 0.5 + 1 / 3, 0.0])
    # total seats are conserved over the demand that is reached: Σ Aᵢ Pᵢ = Σ Sⱼ (units with demand in reach)
    assert np.dot(access, [10, 30, 5]) == pytest.approx(30)
