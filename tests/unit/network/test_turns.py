"""Turn restrictions by splitting the via node (planner.network.graph.expand_turns), hand-worked on a
cross: X (node 0) with 100 m arms W (node 1), E (2), N (3), S (4), two-way, 1 m/s, and a 200 m detour
from W's end over node 5 to N's end (way 50)."""
from __future__ import annotations

import numpy as np
import pytest

from planner.network.engine import TravelTimeEngine
from planner.network.graph import TurnRestriction, expand_turns, graph_from_edges

from tests.unit.network.conftest import X0, Y0

XY = [(0, 0), (-100, 0), (100, 0), (0, 100), (0, -100), (-100, 100)]
# ways: 10 = W arm (1-0), 20 = E arm (0-2), 30 = N arm (0-3), 40 = S arm (0-4), 50 = detour 1-5-3
ARMS = [(1, 0, 10), (0, 2, 20), (0, 3, 30), (0, 4, 40), (1, 5, 50), (5, 3, 50)]
OSM_ID = {i: 1000 + i for i in range(len(XY))}


def cross(restrictions):
    from planner.network.graph import from_3067

    u, v, way, length = [], [], [], []
    for a, b, w in ARMS:
        d = float(np.hypot(XY[a][0] - XY[b][0], XY[a][1] - XY[b][1]))
        u += [a, b]; v += [b, a]; way += [w, w]; length += [d, d]
    u, v, way, length = map(np.array, (u, v, way, length))
    tail, head, tu, tv, origin, counts = expand_turns(u, v, way, len(XY), restrictions,
                                                      {osm: i for i, osm in OSM_ID.items()})
    lat, lon = from_3067(np.array([X0 + p[0] for p in XY]), np.array([Y0 + p[1] for p in XY]))
    uu, vv = np.concatenate([tail, tu]), np.concatenate([head, tv])
    ll = np.concatenate([length, np.zeros(len(tu))])
    graph = graph_from_edges("car", uu, vv, ll, ll, lat[origin], lon[origin],
                             node_id=np.array([OSM_ID[o] for o in origin]), node_origin=origin)
    return graph, counts


def trip(graph, at, start, end):
    return TravelTimeEngine(graph).route(at(*start), at(*end)).travel_time_s


def test_no_left_turn_makes_the_car_take_the_detour(at):
    free, _ = cross([])
    banned, counts = cross([TurnRestriction(10, 1000, 30, False)])
    assert counts == {"applied": 1, "not_on_the_network": 0, "via_nodes_split": 1}
    # from the W arm (50 m west of X) to the N arm (50 m north): 50 + 50 = 100 m through X
    assert trip(free, at, (-50, 0), (0, 50)) == pytest.approx(100.0, abs=0.1)
    # no left turn W -> N at X: back to node 1 (50 m), the detour 1-5-3 (200 m), down N to the point (50 m)
    assert trip(banned, at, (-50, 0), (0, 50)) == pytest.approx(300.0, abs=0.1)
    # other turns at X stay as they were: W -> E straight on, N -> W
    assert trip(banned, at, (-50, 0), (50, 0)) == pytest.approx(100.0, abs=0.1)
    assert trip(banned, at, (0, 50), (-50, 0)) == pytest.approx(100.0, abs=0.1)


def test_only_straight_on_allows_just_the_to_way(at):
    only, _ = cross([TurnRestriction(10, 1000, 20, True)])
    assert trip(only, at, (-50, 0), (50, 0)) == pytest.approx(100.0, abs=0.1)   # straight on: allowed
    # to S: straight on to E's dead end and back (50 + 100 + 100 + 50), shorter than the detour (400)
    assert trip(only, at, (-50, 0), (0, -50)) == pytest.approx(300.0, abs=0.1)
    assert trip(only, at, (0, -50), (-50, 0)) == pytest.approx(100.0, abs=0.1)  # from S nothing changes


def test_a_restriction_whose_ways_do_not_meet_there_is_counted_not_applied():
    _graph, counts = cross([TurnRestriction(50, 1000, 30, False), TurnRestriction(10, 9999, 30, False)])
    assert counts["applied"] == 0 and counts["not_on_the_network"] == 1   # via 9999 is not on the map at all
