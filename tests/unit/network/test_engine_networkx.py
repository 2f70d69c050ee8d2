"""Travel times equal an independent networkx Dijkstra on the same directed graph (bundled Helsinki)."""
from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

MODES = ("walk", "bike", "car")


def to_networkx(graph) -> nx.DiGraph:
    coo = graph.time_s.tocoo()
    g = nx.DiGraph()
    g.add_nodes_from(range(graph.n_nodes))
    g.add_weighted_edges_from(zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist()))
    return g


@pytest.fixture(scope="module")
def nx_graphs(helsinki_graphs):
    return {mode: to_networkx(g) for mode, g in helsinki_graphs.items()}


def test_graphs_have_the_expected_size(helsinki_graphs):
    # the bundled extract: a few thousand nodes per mode, directed edges both ways where allowed
    assert helsinki_graphs["walk"].n_nodes > 4000
    assert 1000 < helsinki_graphs["car"].n_nodes < helsinki_graphs["walk"].n_nodes
    for graph in helsinki_graphs.values():
        assert graph.time_s.nnz == graph.length_m.nnz
        assert np.all(graph.time_s.data > 0)
        assert np.all(np.isfinite(graph.x)) and np.all(np.isfinite(graph.y))


@pytest.mark.parametrize("mode", MODES)
def test_node_to_all_equals_networkx(mode, helsinki_engines, nx_graphs):
    engine, g = helsinki_engines[mode], nx_graphs[mode]
    rng = np.random.default_rng(7)
    for source in rng.choice(engine.n, size=4, replace=False):
        ours = engine.times_from_node(int(source))
        theirs = nx.single_source_dijkstra_path_length(g, int(source))
        for node in range(engine.n):
            if node in theirs:
                assert ours[node] == pytest.approx(theirs[node], abs=1e-6)
            else:
                assert math.isinf(ours[node])


@pytest.mark.parametrize("mode", MODES)
def test_reverse_queries_equal_forward_ones(mode, helsinki_engines):
    engine = helsinki_engines[mode]
    rng = np.random.default_rng(11)
    targets = rng.choice(engine.n, size=3, replace=False)
    sources = rng.choice(engine.n, size=30, replace=False)
    for target in targets:
        backward = engine.times_to_node(int(target))
        for source in sources:
            forward = engine.times_from_node(int(source))[target]
            assert backward[source] == pytest.approx(forward, abs=1e-6) or (math.isinf(forward)
                                                                             and math.isinf(backward[source]))


def random_points(engine, count, seed):
    rng = np.random.default_rng(seed)
    south, west, north, east = engine.bbox
    return np.column_stack([rng.uniform(south, north, count), rng.uniform(west, east, count)])


@pytest.mark.parametrize("mode", MODES)
def test_point_to_point_equals_networkx_with_the_access_legs(mode, helsinki_engines, nx_graphs):
    engine, g = helsinki_engines[mode], nx_graphs[mode]
    origins = random_points(engine, 6, seed=1)
    destinations = random_points(engine, 8, seed=2)
    matrix = engine.matrix(origins, destinations)
    for i, origin in enumerate(origins):
        o = engine.snap(*origin)
        lengths = {}
        for node, t_exit, _ in o.exits:
            for target, seconds in nx.single_source_dijkstra_path_length(g, node).items():
                lengths[target] = min(lengths.get(target, math.inf), t_exit + seconds)
        expected_row = []
        for dest in destinations:
            d = engine.snap(*dest)
            expected = min((lengths.get(node, math.inf) + t_entry for node, t_entry, _ in d.entries),
                           default=math.inf)
            if d.edge == o.edge:  # both on one edge: the direct stretch may be shorter
                expected = min(expected, engine.route(tuple(origin), tuple(dest)).travel_time_s)
            expected_row.append(expected)
        assert matrix[i] == pytest.approx(np.array(expected_row), abs=1e-6)
        assert engine.one_to_many(tuple(origin), destinations) == pytest.approx(matrix[i], abs=1e-6)
        for j, dest in enumerate(destinations):
            route = engine.route(tuple(origin), tuple(dest))
            assert route.reachable == math.isfinite(matrix[i, j])
            if route.reachable:
                assert route.travel_time_s == pytest.approx(matrix[i, j], abs=1e-6)


@pytest.mark.parametrize("mode", MODES)
def test_many_to_one_equals_one_to_many(mode, helsinki_engines):
    engine = helsinki_engines[mode]
    origins = random_points(engine, 12, seed=3)
    destination = tuple(random_points(engine, 1, seed=4)[0])
    backward = engine.many_to_one(origins, destination)
    forward = np.array([engine.one_to_many(tuple(o), [destination])[0] for o in origins])
    assert backward == pytest.approx(forward, abs=1e-6)
    # the matrix runs from the smaller side (here: the reverse graph) and must agree too
    assert engine.matrix(origins, [destination])[:, 0] == pytest.approx(forward, abs=1e-6)


@pytest.mark.parametrize("mode", MODES)
def test_route_legs_add_up_and_path_follows_edges(mode, helsinki_engines, helsinki_graphs):
    engine = helsinki_engines[mode]
    points = random_points(engine, 10, seed=5)
    for origin, dest in zip(points[:5], points[5:]):
        route = engine.route(tuple(origin), tuple(dest))
        assert route.reachable
        assert [leg["kind"] for leg in route.legs] == ["access", "main", "egress"]
        assert sum(leg["travel_time_s"] for leg in route.legs) == pytest.approx(route.travel_time_s)
        assert sum(leg["distance_m"] for leg in route.legs) == pytest.approx(route.distance_m)
        assert route.path[0] == [origin[0], origin[1]] and route.path[-1] == [dest[0], dest[1]]
        assert route.distance_m > 0 and route.travel_time_s > 0


def test_times_from_and_times_to_include_the_access_leg(helsinki_engines):
    engine = helsinki_engines["walk"]
    point = (60.1699, 24.9384)
    snap = engine.snap(*point)
    from_point = engine.times_from(*point)
    to_point = engine.times_to(*point)
    assert from_point.shape == (engine.n,)
    for node, t_exit, _ in snap.exits:
        assert from_point[node] == pytest.approx(t_exit, abs=1e-6)
    for node, t_entry, _ in snap.entries:
        assert to_point[node] == pytest.approx(t_entry, abs=1e-6)
