"""Car door to door: every car time = drive + the dated parking-and-walking estimate, added once.

Hand-worked on a loop of 1 m/s streets (so seconds = metres); the estimate's value comes from its
table row, its date coverage is checked to fail loudly."""
from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from planner.errors import MissingRuleError, RuleTableError
from planner.network.door_to_door import car_door_to_door
from planner.network.engine import WALK_SPEED_MS, TravelTimeEngine

W = WALK_SPEED_MS
END = 300.0


@pytest.fixture
def car_graph(make_graph):
    # two-way streets 0-1-2 (100 m each), 1 m/s
    xy = [(0, 0), (100, 0), (200, 0)]
    edges = []
    for a, b in ((0, 1), (1, 2)):
        edges += [(a, b, 100.0), (b, a, 100.0)]
    return make_graph("car", xy, edges)


def test_every_kind_of_query_adds_the_door_to_door_time_exactly_once(car_graph, at):
    plain, door = TravelTimeEngine(car_graph), TravelTimeEngine(car_graph, trip_end_s=END)
    a, b, c = at(20, 10), at(180, 10), at(60, 5)
    # a -> b: 10 m walk to the street, 160 m drive, 10 m walk to the door
    drive = 10 / W + 160 + 10 / W
    assert plain.route(a, b).travel_time_s == pytest.approx(drive, abs=0.05)
    assert door.route(a, b).travel_time_s == pytest.approx(drive + END, abs=0.05)
    assert door.one_to_many(a, [b, c]) == pytest.approx(plain.one_to_many(a, [b, c]) + END)
    assert door.many_to_one([a, c], b) == pytest.approx(plain.many_to_one([a, c], b) + END)
    # a and c on the same street edge (0-1): the along-the-edge case gets it too
    assert door.matrix([a, b], [b, c]) == pytest.approx(plain.matrix([a, b], [b, c]) + END)
    # to nodes (not to a door), nothing is added
    assert np.array_equal(door.times_from(*a), plain.times_from(*a))


def test_a_car_route_shows_the_parking_time_as_its_own_estimated_leg(car_graph, at):
    route = TravelTimeEngine(car_graph, trip_end_s=END, trip_end={"source": "test"}).route(at(20, 10), at(180, 10))
    assert [leg["kind"] for leg in route.legs] == ["access", "main", "parking", "egress"]
    parking = route.legs[2]
    assert parking["travel_time_s"] == END and parking["estimate"] is True and parking["source"] == "test"
    assert route.legs[1]["travel_time_s"] == pytest.approx(160, abs=0.05)   # the drive alone
    assert route.travel_time_s == pytest.approx(sum(leg["travel_time_s"] for leg in route.legs))


def test_the_estimate_is_a_dated_sourced_row_and_a_date_before_it_fails_loudly(tmp_path):
    row = car_door_to_door(date(2026, 1, 15))
    assert row.door_to_door_s == 332 and row.status == "estimate" and "Travel Time Matrix 2015" in row.source
    with pytest.raises(MissingRuleError, match="2014-12-31"):
        car_door_to_door(date(2014, 12, 31))
    bad = tmp_path / "car.csv"
    bad.write_text("area,valid_from,valid_to,door_to_door_s,source,status\n*,2015-01-01,,90,,estimate\n")
    with pytest.raises(RuleTableError, match="line 2"):
        car_door_to_door(date(2020, 1, 1), path=bad)



def test_commands_say_what_their_car_times_include():
    from planner.network.door_to_door import car_estimate_of

    class Data:
        def engine(self, mode):
            return type("E", (), {"trip_end": car_door_to_door().to_dict()})()

    assert car_estimate_of(Data(), "car")["door_to_door_s"] == 332
    assert car_estimate_of(Data(), "car")["estimate"] is True
    assert car_estimate_of(Data(), "walk") is None and car_estimate_of(None, "car") is None
