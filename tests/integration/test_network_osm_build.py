"""build_mode_graphs on a small synthetic OSM file written with pyosmium: oneway, access and speeds."""
from __future__ import annotations

import math

import numpy as np
import pytest

from planner.errors import DataError, InputError
from planner.network.engine import TravelTimeEngine
from planner.network.graph import (
    BIKE_FOOTWAY_SPEED_KMH, BIKE_SPEED_KMH, CAR_URBAN_FACTOR, WALK_SPEED_KMH, build_mode_graphs,
)

# node id -> (lon, lat): a row of points about 55 m apart in central Helsinki
NODES = {i: (24.940 + 0.001 * i, 60.170) for i in range(1, 12)}
WAYS = [
    (101, [1, 2], {"highway": "residential", "oneway": "yes"}),
    (102, [2, 3], {"highway": "residential", "oneway": "-1"}),
    (103, [3, 4], {"highway": "residential", "oneway": "yes", "oneway:bicycle": "no"}),
    (104, [4, 5], {"highway": "footway"}),
    (105, [5, 6], {"highway": "service", "access": "private"}),
    (106, [6, 7], {"highway": "residential", "oneway": "yes", "cycleway": "opposite_lane"}),
    (107, [7, 8], {"highway": "residential", "oneway": "yes", "cycleway:left": "opposite_track"}),
    (108, [8, 9], {"highway": "footway", "bicycle": "yes"}),
    (109, [9, 10], {"highway": "residential", "maxspeed": "FI:urban"}),
    (110, [10, 11], {"highway": "residential", "junction": "roundabout", "maxspeed": "30"}),
]


@pytest.fixture(scope="module")
def synthetic_pbf(tmp_path_factory):
    import osmium

    path = tmp_path_factory.mktemp("osm") / "synthetic.osm.pbf"
    writer = osmium.SimpleWriter(str(path), overwrite=True)
    for node_id, location in NODES.items():
        writer.add_node(osmium.osm.mutable.Node(id=node_id, location=location, version=1, tags={}))
    for way_id, nodes, tags in WAYS:
        writer.add_way(osmium.osm.mutable.Way(id=way_id, nodes=nodes, version=1, tags=tags))
    writer.close()
    return path


@pytest.fixture(scope="module")
def graphs(synthetic_pbf):
    return build_mode_graphs(synthetic_pbf)


def edge(graph, u_id: int, v_id: int) -> tuple[float, float] | None:
    """(time_s, length_m) of the edge between two OSM node ids, or None."""
    index = {int(n): i for i, n in enumerate(graph.node_id)}
    if u_id not in index or v_id not in index:
        return None
    u, v = index[u_id], index[v_id]
    time_s = graph.time_s[[u], [v]][0]
    if time_s == 0:
        return None
    return float(time_s), float(graph.length_m[[u], [v]][0])


@pytest.mark.parametrize("mode, a, b, forward, backward", [
    ("car", 1, 2, True, False), ("bike", 1, 2, True, False), ("walk", 1, 2, True, True),
    ("car", 2, 3, False, True), ("bike", 2, 3, False, True),
    ("car", 3, 4, True, False), ("bike", 3, 4, True, True),
    ("car", 4, 5, False, False), ("bike", 4, 5, False, False), ("walk", 4, 5, True, True),
    ("car", 5, 6, False, False), ("bike", 5, 6, False, False), ("walk", 5, 6, False, False),
    ("car", 6, 7, True, False), ("bike", 6, 7, True, True),
    ("car", 7, 8, True, False), ("bike", 7, 8, True, True),
    ("bike", 8, 9, True, True), ("car", 8, 9, False, False),
    ("car", 10, 11, True, False), ("walk", 10, 11, True, True),
])
def test_directions_follow_the_tags(graphs, mode, a, b, forward, backward):
    assert (edge(graphs[mode], a, b) is not None) == forward
    assert (edge(graphs[mode], b, a) is not None) == backward


def test_speeds_follow_the_tags(graphs):
    seconds, metres = edge(graphs["walk"], 1, 2)
    assert 50 < metres < 60  # 0.001 degrees of longitude at 60.17 N is about 55.4 m
    assert seconds == pytest.approx(metres / (WALK_SPEED_KMH / 3.6))
    seconds, metres = edge(graphs["bike"], 8, 9)
    assert seconds == pytest.approx(metres / (BIKE_FOOTWAY_SPEED_KMH / 3.6))
    seconds, metres = edge(graphs["bike"], 9, 10)
    assert seconds == pytest.approx(metres / (BIKE_SPEED_KMH / 3.6))
    seconds, metres = edge(graphs["car"], 9, 10)
    assert seconds == pytest.approx(metres / (50 * CAR_URBAN_FACTOR / 3.6))
    seconds, metres = edge(graphs["car"], 10, 11)
    assert seconds == pytest.approx(metres / (30 * CAR_URBAN_FACTOR / 3.6))


def test_unused_nodes_are_left_out_and_coordinates_kept(graphs):
    car_nodes = set(graphs["car"].node_id.tolist())
    assert car_nodes == {1, 2, 3, 4, 6, 7, 8, 9, 10, 11}  # only a footway and a private way touch 5
    walk = graphs["walk"]
    i = int(np.flatnonzero(walk.node_id == 1)[0])
    assert (walk.lon[i], walk.lat[i]) == pytest.approx(NODES[1])


def test_a_car_cannot_drive_back_against_the_one_way_street(graphs):
    engine = TravelTimeEngine(graphs["car"], snap_component="any")
    lon1, lat1 = NODES[1]
    lon2, lat2 = NODES[2]
    there = engine.route((lat1, lon1 + 0.0001), (lat2, lon2 - 0.0001))
    back = engine.route((lat2, lon2 - 0.0001), (lat1, lon1 + 0.0001))
    assert there.reachable and back.reachable is False
    assert math.isinf(back.travel_time_s)


def test_missing_or_foreign_osm_files_are_reported(tmp_path):
    with pytest.raises(InputError):
        build_mode_graphs(tmp_path / "absent.osm.pbf")
    with pytest.raises(InputError):
        build_mode_graphs(tmp_path / "absent.osm.pbf", modes=("boat",))
    junk = tmp_path / "junk.osm.pbf"
    junk.write_bytes(b"this is not a protobuf file")
    with pytest.raises(DataError):
        build_mode_graphs(junk)
