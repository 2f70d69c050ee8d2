"""Snapping, access legs, one-way edges, unreachable points and points outside the area (hand-worked)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from planner.errors import DataError, InputError
from planner.network.engine import WALK_SPEED_MS, TravelTimeEngine
from planner.network.graph import ModeGraph

W = WALK_SPEED_MS  # the access/egress walking speed, m/s


@pytest.fixture
def walk_graph(make_graph):
    # an L of two 100 m streets (0-1-2) and a separate 100 m fragment (3-4) to the east; 1 m/s
    xy = [(0, 0), (100, 0), (100, 100), (300, 0), (400, 0)]
    edges = []
    for a, b in ((0, 1), (1, 2), (3, 4)):
        edges += [(a, b, 100.0), (b, a, 100.0)]
    return make_graph("walk", xy, edges)


@pytest.fixture
def loop_graph(make_graph):
    # a one-way triangle 0 -> 1 -> 2 -> 0 for cars; 1 m/s
    side = math.hypot(50, 100)
    return make_graph("car", [(0, 0), (100, 0), (50, 100)], [(0, 1, 100.0), (1, 2, side), (2, 0, side)])


def test_snap_projects_onto_the_nearest_edge_and_counts_the_access_leg(walk_graph, at):
    engine = TravelTimeEngine(walk_graph)
    snap = engine.snap(*at(50, 30))
    assert snap.edge == (0, 1)
    assert snap.fraction == pytest.approx(0.5, abs=1e-4)
    assert snap.offset_m == pytest.approx(30, abs=0.01)
    assert snap.offset_time_s == pytest.approx(30 / W, abs=0.01)
    assert sorted(e[0] for e in snap.exits) == [0, 1]
    for node, seconds, metres in snap.exits:
        assert seconds == pytest.approx(30 / W + 50, abs=0.02)
        assert metres == pytest.approx(80, abs=0.02)
    assert snap.access_distance_m == pytest.approx(80, abs=0.02)


def test_snap_beyond_the_end_of_an_edge_lands_on_its_end_node(walk_graph, at):
    snap = TravelTimeEngine(walk_graph).snap(*at(-40, 0))
    assert snap.edge == (0, 1) and snap.fraction == 0.0
    assert snap.offset_m == pytest.approx(40, abs=0.01)


def test_route_counts_access_partial_edges_and_egress(walk_graph, at):
    engine = TravelTimeEngine(walk_graph)
    route = engine.route(at(50, 30), at(120, 60))
    # 30 m walk to the street, 50 m to node 1, 60 m up the second street, 20 m off it
    assert route.reachable
    assert route.travel_time_s == pytest.approx(30 / W + 50 + 60 + 20 / W, abs=0.05)
    assert route.distance_m == pytest.approx(160, abs=0.05)
    access, main, egress = route.legs
    assert access["distance_m"] == pytest.approx(30, abs=0.01)
    assert main["start_partial_edge_m"] == pytest.approx(50, abs=0.01)
    assert main["end_partial_edge_m"] == pytest.approx(60, abs=0.01)
    assert egress["distance_m"] == pytest.approx(20, abs=0.01)
    assert main["mode"] == "walk" and main["nodes"] == 1
    assert len(route.path) == 5  # point, snapped, node 1, snapped, point
    assert engine.one_to_many(at(50, 30), [at(120, 60)])[0] == pytest.approx(route.travel_time_s, abs=1e-6)
    assert engine.many_to_one([at(50, 30)], at(120, 60))[0] == pytest.approx(route.travel_time_s, abs=1e-6)


def test_two_points_on_one_edge_go_straight_along_it(walk_graph, at):
    engine = TravelTimeEngine(walk_graph)
    route = engine.route(at(20, -10), at(70, 10))
    assert route.travel_time_s == pytest.approx(10 / W + 50 + 10 / W, abs=0.05)
    assert route.distance_m == pytest.approx(70, abs=0.05)
    assert engine.matrix([at(20, -10)], [at(70, 10)])[0, 0] == pytest.approx(route.travel_time_s, abs=1e-6)


def test_one_way_edges_are_driven_only_forwards(loop_graph, at):
    engine = TravelTimeEngine(loop_graph)
    snap = engine.snap(*at(75, 0))
    assert [e[0] for e in snap.exits] == [1] and [e[0] for e in snap.entries] == [0]
    side = math.hypot(50, 100)
    backwards = engine.route(at(75, 0), at(25, 0))  # against the one-way: around the triangle
    assert backwards.travel_time_s == pytest.approx(25 + 2 * side + 25, abs=0.05)
    forwards = engine.route(at(25, 0), at(75, 0))
    assert forwards.travel_time_s == pytest.approx(50, abs=0.05)
    assert engine.matrix([at(75, 0), at(25, 0)], [at(25, 0), at(75, 0)]) == pytest.approx(
        np.array([[backwards.travel_time_s, 0.0], [0.0, forwards.travel_time_s]]), abs=0.05)


def test_points_are_not_snapped_onto_an_isolated_fragment_by_default(walk_graph, at):
    snap = TravelTimeEngine(walk_graph).snap(*at(350, 5))
    # the nearest street of the main network is 1-2, 250 m west (the fragment 3-4 is 5 m away)
    assert snap.edge == (1, 2) and snap.fraction == pytest.approx(0.05, abs=1e-4)
    assert snap.offset_m == pytest.approx(250, abs=0.01)


def test_a_fragment_is_unreachable_explicitly(walk_graph, at):
    engine = TravelTimeEngine(walk_graph, snap_component="any")
    assert engine.snap(*at(350, 5)).edge == (3, 4)
    route = engine.route(at(50, 30), at(350, 5))
    assert route.reachable is False
    assert math.isinf(route.travel_time_s)
    assert route.to_dict()["travel_time_s"] is None and route.to_dict()["reachable"] is False
    times = engine.one_to_many(at(50, 30), [at(350, 5), at(120, 60)])
    assert math.isinf(times[0]) and math.isfinite(times[1])
    assert math.isinf(engine.many_to_one([at(350, 5)], at(50, 30))[0])
    assert np.isinf(engine.times_from(*at(50, 30))[[3, 4]]).all()


def test_points_outside_the_area_are_an_input_error_naming_the_field(walk_graph, at):
    engine = TravelTimeEngine(walk_graph, max_snap_m=500)
    with pytest.raises(InputError) as info:
        engine.route(at(50, 30), at(1500, 0), origin_field="from", destination_field="to")
    assert info.value.fields() == {"to"}
    text = info.value.problems[0].expected
    assert "outside the dataset's area" in text and "1400 m" in text and "lat " in text
    with pytest.raises(InputError) as info:
        engine.one_to_many(at(50, 30), [at(20, 0), at(0, -900)], destinations_field="units")
    assert info.value.fields() == {"units[1]"}
    # on_outside="none": an outside destination is simply unreachable
    times = engine.one_to_many(at(50, 30), [at(20, 0), at(0, -900)], on_outside="none")
    assert math.isfinite(times[0]) and math.isinf(times[1])


def test_invalid_coordinates_are_input_errors(walk_graph):
    engine = TravelTimeEngine(walk_graph)
    with pytest.raises(InputError) as info:
        engine.route((95.0, 24.9), ("x", 1), origin_field="from", destination_field="to")
    assert info.value.fields() == {"from", "to"}
    with pytest.raises(InputError):
        engine.snap(float("nan"), 24.9)


def test_unknown_snap_component_is_an_input_error(walk_graph):
    with pytest.raises(InputError):
        TravelTimeEngine(walk_graph, snap_component="largest")


def test_save_and_load_round_trip(walk_graph, tmp_path, at):
    path = walk_graph.save(tmp_path / "graph_walk.npz")
    loaded = ModeGraph.load(path)
    assert loaded.mode == "walk"
    for name in ("lat", "lon", "x", "y"):
        assert np.array_equal(getattr(loaded, name), getattr(walk_graph, name))
    assert (loaded.time_s != walk_graph.time_s).nnz == 0
    assert (loaded.length_m != walk_graph.length_m).nnz == 0
    with np.load(path, allow_pickle=False) as data:  # plain arrays only
        assert "indptr" in data.files
    before = TravelTimeEngine(walk_graph).route(at(50, 30), at(120, 60)).travel_time_s
    assert TravelTimeEngine(loaded).route(at(50, 30), at(120, 60)).travel_time_s == before


def test_helsinki_graphs_round_trip(helsinki_graphs, tmp_path):
    for mode, graph in helsinki_graphs.items():
        loaded = ModeGraph.load(graph.save(tmp_path / f"graph_{mode}.npz"))
        assert loaded.n_nodes == graph.n_nodes and loaded.n_edges == graph.n_edges
        assert np.array_equal(loaded.node_id, graph.node_id)
        assert loaded.meta == graph.meta


def test_loading_a_missing_or_foreign_file_is_a_data_error(tmp_path):
    with pytest.raises(DataError):
        ModeGraph.load(tmp_path / "absent.npz")
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a graph")
    with pytest.raises(DataError):
        ModeGraph.load(junk)
    other = tmp_path / "other.npz"
    np.savez(other, something=np.arange(3))
    with pytest.raises(DataError):
        ModeGraph.load(other)


def _street_and_tunnel():
    """A surface street 0-1 (y = 0, 0..200 m) joined by a 700 m street 1-2 to a tunnel 2-3 at y = 700
    (0..200 m, ``tunnel=yes``); 1 m/s, both ways."""
    from tests.unit.network.conftest import X0, Y0

    from planner.network.graph import from_3067, graph_from_edges

    xs = np.array([X0, X0 + 200, X0 + 200, X0]); ys = np.array([Y0, Y0, Y0 + 700, Y0 + 700])
    lat, lon = from_3067(xs, ys)
    u = np.array([0, 1, 1, 2, 2, 3]); v = np.array([1, 0, 2, 1, 3, 2])
    length = np.array([200.0, 200.0, 700.0, 700.0, 200.0, 200.0])
    hidden = np.array([False, False, False, False, True, True])
    return graph_from_edges("walk", u, v, length, length, lat, lon, snap_hidden=hidden)


def test_a_point_with_no_surface_street_within_reach_joins_a_tunnel_and_says_so(at):
    engine = TravelTimeEngine(_street_and_tunnel(), max_snap_m=500)
    # 30 m above the tunnel; the surface link street 1-2 (x = 200) is 170 m away: within 500 m, it wins
    near_link = engine.snap(*at(30, 730))
    assert not near_link.fallback and near_link.edge in ((1, 2), (2, 1))
    engine = TravelTimeEngine(_street_and_tunnel(), max_snap_m=150)
    # the same point: the nearest surface street (the link, 170 m) is beyond 150 m; the tunnel is 30 m away
    snap = engine.snap(*at(30, 730))
    assert snap.fallback is True and sorted(snap.edge) == [2, 3]
    assert snap.offset_m == pytest.approx(30.0, abs=0.01)
    route = engine.route(at(30, 730), at(100, 5))
    assert route.reachable and route.legs[0].get("joined_hidden_way") is True
    # a surface street nearby is always preferred to the tunnel under it
    assert not engine.snap(*at(100, 5)).fallback


def test_a_point_far_from_every_way_names_the_point_and_the_distance(at):
    engine = TravelTimeEngine(_street_and_tunnel(), max_snap_m=150)
    with pytest.raises(InputError) as info:
        engine.snap(*at(-400, 0), field="home")   # 400 m from street 0-1, 806 m from the tunnel
    problem = info.value.problems[0]
    assert problem.field == "home" and "," in str(problem.value)
    assert "400 m from the nearest walk street, more than 150 m" in problem.expected
