"""OSM tags -> per-mode directions and speeds (hand-worked table)."""
from __future__ import annotations


import pytest

from planner.errors import InputError
from planner.network.graph import (
    BIKE_FOOTWAY_SPEED_KMH, BIKE_SPEED_KMH, CAR_RURAL_FACTOR, CAR_URBAN_FACTOR, STEPS_SPEED_KMH,
    WALK_SPEED_KMH, EdgeRule, edge_rule, parse_maxspeed_kmh,
)


@pytest.mark.parametrize("text, kmh", [
    ("50", 50.0), (" 40 ", 40.0), ("30 mph", 30 * 1.609344), ("60 km/h", 60.0), ("80kmh", 80.0),
    ("FI:urban", 50.0), ("fi:rural", 80.0), ("FI:living_street", 20.0), ("FI:motorway", 120.0),
    ("50;30", 30.0), ("walk", 7.0), (30, 30.0), ("none", None), ("signals", None), ("variable", None),
    ("", None), (None, None), (float("nan"), None), ("0", None), ("XX:unknown", None), ("7,5", 7.5),
])
def test_maxspeed_is_parsed_to_kmh(text, kmh):
    result = parse_maxspeed_kmh(text)
    if kmh is None:
        assert result is None
    else:
        assert result == pytest.approx(kmh)


def rule(mode, **tags) -> EdgeRule | None:
    return edge_rule(mode, {k.replace("__", ":"): v for k, v in tags.items()})


def test_walking_ignores_oneway_and_uses_the_stated_speed():
    assert rule("walk", highway="residential", oneway="yes") == EdgeRule(True, True, WALK_SPEED_KMH)
    assert rule("walk", highway="steps").speed_kmh == STEPS_SPEED_KMH


@pytest.mark.parametrize("tags", [
    {"highway": "motorway"}, {"highway": "footway", "foot": "no"}, {"highway": "service", "access": "private"},
    {"highway": "construction"},
])
def test_walking_is_closed_by_access_tags(tags):
    assert edge_rule("walk", tags) is None


def test_walking_foot_yes_overrides_access_no():
    assert rule("walk", highway="service", access="no", foot="yes") is not None


@pytest.mark.parametrize("tags, forward, backward", [
    ({"highway": "residential"}, True, True),
    ({"highway": "residential", "oneway": "yes"}, True, False),
    ({"highway": "residential", "oneway": "-1"}, False, True),
    ({"highway": "residential", "junction": "roundabout"}, True, False),
    ({"highway": "motorway"}, True, False),
    ({"highway": "residential", "oneway": "yes", "motor_vehicle:backward": "no"}, True, False),
    ({"highway": "residential", "motor_vehicle:forward": "no"}, False, True),
    ({"highway": "residential", "oneway": "yes", "oneway:bicycle": "no"}, True, False),
])
def test_car_directions(tags, forward, backward):
    result = edge_rule("car", tags)
    assert (result.forward, result.backward) == (forward, backward)


@pytest.mark.parametrize("tags", [
    {"highway": "footway"}, {"highway": "pedestrian"}, {"highway": "cycleway"}, {"highway": "steps"},
    {"highway": "residential", "access": "private"}, {"highway": "residential", "motor_vehicle": "no"},
    {"highway": "service", "motorcar": "no"}, {"highway": "residential", "access": "psv"},
])
def test_car_is_closed(tags):
    assert edge_rule("car", tags) is None


def test_car_speed_is_the_limit_times_the_junction_factor():
    assert rule("car", highway="residential", maxspeed="40").speed_kmh == pytest.approx(40 * CAR_URBAN_FACTOR)
    assert rule("car", highway="primary", maxspeed="FI:rural").speed_kmh == pytest.approx(80 * CAR_RURAL_FACTOR)
    # no maxspeed: the highway-type default (residential 30 km/h)
    assert rule("car", highway="residential").speed_kmh == pytest.approx(30 * CAR_URBAN_FACTOR)
    assert rule("car", highway="residential", maxspeed="none").speed_kmh == pytest.approx(30 * CAR_URBAN_FACTOR)


@pytest.mark.parametrize("tags, forward, backward", [
    ({"highway": "residential", "oneway": "yes"}, True, False),
    ({"highway": "residential", "oneway": "-1"}, False, True),
    ({"highway": "residential", "oneway": "yes", "oneway:bicycle": "no"}, True, True),
    ({"highway": "residential", "oneway": "yes", "cycleway": "opposite_lane"}, True, True),
    ({"highway": "residential", "oneway": "yes", "cycleway:left": "opposite_track"}, True, True),
    ({"highway": "cycleway"}, True, True),
    ({"highway": "cycleway", "oneway": "yes"}, True, False),
])
def test_bike_directions(tags, forward, backward):
    result = edge_rule("bike", tags)
    assert (result.forward, result.backward) == (forward, backward)


def test_bike_speeds_and_footway_access():
    assert rule("bike", highway="residential").speed_kmh == BIKE_SPEED_KMH
    assert rule("bike", highway="footway") is None
    assert rule("bike", highway="footway", bicycle="yes").speed_kmh == BIKE_FOOTWAY_SPEED_KMH
    assert rule("bike", highway="footway", bicycle="designated").speed_kmh == BIKE_SPEED_KMH
    assert rule("bike", highway="footway", bicycle="dismount").speed_kmh == WALK_SPEED_KMH
    assert rule("bike", highway="steps") is None
    assert rule("bike", highway="steps", bicycle="yes").speed_kmh < WALK_SPEED_KMH
    assert rule("bike", highway="motorway") is None
    assert rule("bike", highway="residential", bicycle="no") is None
    assert rule("bike", highway="pedestrian").speed_kmh == BIKE_FOOTWAY_SPEED_KMH


def test_unknown_mode_is_an_input_error():
    with pytest.raises(InputError) as info:
        edge_rule("boat", {"highway": "residential"})
    assert info.value.fields() == {"mode"}
