"""Network test fixtures: the bundled Helsinki graphs (built once per session) and a tiny hand-made graph."""
from __future__ import annotations

import numpy as np
import pytest

from planner.network.graph import ModeGraph, from_3067, graph_from_edges

# A metric origin inside central Helsinki (EPSG:3067 metres).
X0, Y0 = 385_000.0, 6_672_000.0


@pytest.fixture(scope="session")
def helsinki_graphs(helsinki_pbf) -> dict[str, ModeGraph]:
    from planner.network.graph import build_mode_graphs

    return build_mode_graphs(helsinki_pbf)


@pytest.fixture(scope="session")
def helsinki_engines(helsinki_graphs):
    from planner.network.engine import TravelTimeEngine

    return {mode: TravelTimeEngine(graph) for mode, graph in helsinki_graphs.items()}


def metric_graph(mode: str, xy: list[tuple[float, float]], edges: list[tuple[int, int, float]],
                 speed_ms: float = 1.0) -> ModeGraph:
    """A graph from node offsets in metres (from X0, Y0) and directed edges (u, v, length_m)."""
    xs = np.array([X0 + p[0] for p in xy]); ys = np.array([Y0 + p[1] for p in xy])
    lat, lon = from_3067(xs, ys)
    u = [e[0] for e in edges]; v = [e[1] for e in edges]; length = [e[2] for e in edges]
    return graph_from_edges(mode, np.array(u), np.array(v), np.array(length), np.array(length) / speed_ms,
                            lat, lon)


def latlon(dx: float, dy: float) -> tuple[float, float]:
    """WGS84 (lat, lon) of the point (X0 + dx, Y0 + dy)."""
    lat, lon = from_3067(np.array([X0 + dx]), np.array([Y0 + dy]))
    return float(lat[0]), float(lon[0])


@pytest.fixture
def make_graph():
    """``make_graph(mode, xy, edges, speed_ms=1.0)``: see :func:`metric_graph`."""
    return metric_graph


@pytest.fixture
def at():
    """``at(dx, dy)``: WGS84 (lat, lon) of a point dx, dy metres from the test origin."""
    return latlon
