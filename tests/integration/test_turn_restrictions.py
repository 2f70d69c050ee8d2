"""Car turn restrictions from OSM ``type=restriction`` relations on the bundled central-Helsinki extract:
the car never makes a banned turn (no_*) and leaves an only_* junction only onto its ``to`` way; at
least some restrictions make trips longer than on the same graph without them."""
from __future__ import annotations

import math

import numpy as np
import pytest

from planner.network.engine import TravelTimeEngine
from planner.network.graph import build_mode_graphs, read_turn_restrictions

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def setting():
    import osmium

    from planner.datasets.store import DEFAULT_OSM_PATH as helsinki_pbf

    restrictions, skipped = read_turn_restrictions(helsinki_pbf)
    ways: dict[int, list[int]] = {}
    wanted = {r.from_way for r in restrictions} | {r.to_way for r in restrictions}

    class Ways(osmium.SimpleHandler):
        def way(self, way):
            if way.id in wanted:
                ways[way.id] = [n.ref for n in way.nodes]

    Ways().apply_file(str(helsinki_pbf))
    restricted = build_mode_graphs(helsinki_pbf, modes=("car",))["car"]
    plain = build_mode_graphs(helsinki_pbf, modes=("car",), turn_restrictions=False)["car"]
    return restrictions, skipped, ways, restricted, plain


def _neighbours(nodes: list[int], via: int) -> list[int]:
    return [nodes[i + d] for i, n in enumerate(nodes) if n == via for d in (-1, 1) if 0 <= i + d < len(nodes)]


def _osm_path(graph, route) -> list[int]:
    """The route's street nodes as OSM ids (a split via node's copies count once)."""
    ids = []
    for lat, lon in route.path[2:-2]:
        k = int(np.argmin(np.hypot(graph.lat - lat, graph.lon - lon)))
        ids.append(int(graph.node_id[k]))
    return [n for i, n in enumerate(ids) if i == 0 or n != ids[i - 1]]


def _trip(engine, graph, start, end, p: int, via: int, q: int) -> list[int] | None:
    """The route's OSM nodes with the street pieces it starts and ends on (p ... via and via ... q), or
    None when a point did not land on its piece (then the case says nothing)."""
    ends = []
    for point, piece in ((start, {p, via}), (end, {via, q})):
        snap = engine.snap(*point)
        ends.append({int(graph.node_id[n]) for n in snap.edge} == piece)
    route = engine.route(start, end)
    if not all(ends) or not route.reachable:
        return None
    return [p] + _osm_path(graph, route) + [q]


def _point_on(graph, a_id: int, b_id: int, fraction: float):
    index = {int(n): i for i, n in enumerate(graph.node_id)}
    a, b = index[a_id], index[b_id]
    return (graph.lat[a] + fraction * (graph.lat[b] - graph.lat[a]),
            graph.lon[a] + fraction * (graph.lon[b] - graph.lon[a]))


def test_the_relations_are_read_and_applied(setting):
    restrictions, skipped, _ways, restricted, plain = setting
    counts = restricted.meta["turn_restrictions"]
    assert len(restrictions) == counts["relations"] >= 120          # 141 relations, 138 via a node
    assert counts["applied"] >= 100 and skipped.get("via_way") == 2
    assert restricted.n_nodes > plain.n_nodes                          # via nodes split
    assert "turn_restrictions" not in plain.meta


def test_no_route_makes_a_banned_turn_and_some_get_longer(setting):
    restrictions, _skipped, ways, restricted, plain = setting
    with_rules, without = TravelTimeEngine(restricted), TravelTimeEngine(plain)
    ids = set(int(n) for n in plain.node_id)
    checked = longer = 0
    for r in restrictions:
        if r.only or r.from_way not in ways or r.to_way not in ways or r.via_node not in ids:
            continue
        for p in _neighbours(ways[r.from_way], r.via_node):
            for q in _neighbours(ways[r.to_way], r.via_node):
                if p == q and r.from_way != r.to_way or p not in ids or q not in ids:
                    continue
                if r.from_way == r.to_way and p != q:
                    continue   # no_u_turn: only going back is banned
                start, end = _point_on(plain, p, r.via_node, 0.6), _point_on(plain, r.via_node, q, 0.4)
                path = _trip(with_rules, restricted, start, end, p, r.via_node, q)
                if path is None:
                    continue
                banned = [i for i in range(len(path) - 2) if path[i:i + 3] == [p, r.via_node, q]]
                assert not banned, (r, path)
                checked += 1
                free = without.route(start, end)
                if math.isfinite(free.travel_time_s) and with_rules.route(start, end).travel_time_s > \
                        free.travel_time_s + 1:
                    longer += 1
    assert checked >= 30 and longer >= 10, (checked, longer)


def test_an_only_turn_leaves_the_junction_onto_its_way(setting):
    restrictions, _skipped, ways, restricted, plain = setting
    engine = TravelTimeEngine(restricted)
    ids = set(int(n) for n in plain.node_id)
    checked = 0
    for r in restrictions:
        if not r.only or r.from_way not in ways or r.to_way not in ways or r.via_node not in ids:
            continue
        allowed = set(_neighbours(ways[r.to_way], r.via_node))
        for p in _neighbours(ways[r.from_way], r.via_node):
            others = {n for w, nodes in ways.items() for n in _neighbours(nodes, r.via_node)} - allowed - {p}
            for q in sorted(others & ids):
                if p not in ids:
                    continue
                path = _trip(engine, restricted, _point_on(plain, p, r.via_node, 0.6),
                             _point_on(plain, r.via_node, q, 0.4), p, r.via_node, q)
                if path is not None:
                    assert not any(path[i:i + 3] == [p, r.via_node, q] for i in range(len(path) - 2)), (r, path)
                    checked += 1
    assert checked >= 10
