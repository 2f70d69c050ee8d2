"""``python -m planner route`` on the embedded default dataset: every street mode, JSON keys, errors."""
from __future__ import annotations

import json

import pytest

from planner.cli import main


@pytest.mark.parametrize("mode", ["walk", "bike", "car"])
def test_route_on_the_default_dataset(mode, capsys):
    assert main(["route", "--from", "60.1699,24.9384", "--to", "60.1745,24.9480", "--mode", mode]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["reachable"] is True and result["mode"] == mode
    assert 0 < result["travel_time_s"] < 3600 and 500 < result["distance_m"] < 5000
    kinds = ["access", "main", "parking", "egress"] if mode == "car" else ["access", "main", "egress"]
    assert [leg["kind"] for leg in result["legs"]] == kinds
    assert result["travel_time_s"] == pytest.approx(sum(leg["travel_time_s"] for leg in result["legs"]))
    assert result["path"][0] == [60.1699, 24.9384]


def test_a_car_trip_is_the_drive_plus_the_estimated_door_to_door_time(capsys):
    from planner.network.door_to_door import car_door_to_door

    assert main(["route", "--from", "60.1699,24.9384", "--to", "60.1745,24.9480", "--mode", "car"]) == 0
    legs = {leg["kind"]: leg for leg in json.loads(capsys.readouterr().out)["legs"]}
    assert legs["parking"]["travel_time_s"] == car_door_to_door().door_to_door_s == 332
    assert legs["parking"]["estimate"] is True


def test_route_outside_the_default_area_names_the_flag(capsys):
    assert main(["route", "--from", "60.4500,22.2700", "--to", "60.1745,24.9480", "--mode", "walk"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --from") and "outside the dataset's area" in err
