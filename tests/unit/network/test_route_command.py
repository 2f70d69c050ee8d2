"""``python -m planner route``: JSON keys, unreachable as null, bad input as exit 2 (dataset faked)."""
from __future__ import annotations

import argparse
import json

import pytest

import planner.datasets
from planner.cli import main
from planner.errors import InputError
from planner.network.commands import parse_point, route_command
from planner.network.engine import TravelTimeEngine


class FakeDataset:
    name = "fake"

    def __init__(self, engines):
        self._engines = engines

    def engine(self, mode):
        return self._engines[mode]


@pytest.fixture
def fake_dataset(monkeypatch, helsinki_engines):
    dataset = FakeDataset(helsinki_engines)
    monkeypatch.setattr(planner.datasets, "load_dataset", lambda name=None: dataset)
    return dataset


@pytest.mark.parametrize("text, expected", [
    ("60.1699,24.9384", (60.1699, 24.9384)), (" 60.1699 , 24.9384 ", (60.1699, 24.9384)),
])
def test_points_are_parsed(text, expected):
    assert parse_point(text, "--from") == expected


@pytest.mark.parametrize("text", ["60.1699", "60.1699;24.9384", "a,b", "124.9,60.2", "60,24,1", ""])
def test_bad_points_name_the_flag(text):
    with pytest.raises(InputError) as info:
        parse_point(text, "--to")
    assert info.value.fields() == {"--to"}


@pytest.mark.parametrize("mode", ["walk", "bike", "car"])
def test_route_prints_time_distance_mode_and_legs(mode, fake_dataset, capsys):
    code = main(["route", "--from", "60.1699,24.9384", "--to", "60.1745,24.9480", "--mode", mode])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    for key in ("travel_time_s", "distance_m", "mode", "legs", "reachable", "path"):
        assert key in result
    assert result["mode"] == mode and result["reachable"] is True
    assert [leg["kind"] for leg in result["legs"]] == ["access", "main", "egress"]
    assert sum(leg["travel_time_s"] for leg in result["legs"]) == pytest.approx(result["travel_time_s"])


def test_walking_is_slower_than_cycling_here(fake_dataset):
    def run(mode):
        args = argparse.Namespace(dataset=None, origin="60.1699,24.9384", destination="60.1745,24.9480",
                                  mode=mode, depart="08:00", date=None, window=0, lang="en")
        return route_command(args)["travel_time_s"]

    assert run("walk") > run("bike")


def test_bad_input_exits_2_with_one_line_per_problem(fake_dataset, capsys):
    code = main(["route", "--from", "60.1699", "--to", "x,y", "--mode", "walk"])
    assert code == 2
    err = capsys.readouterr().err
    assert "--from" in err and "--to" in err and "Traceback" not in err


def test_points_outside_the_dataset_exit_2(fake_dataset, capsys):
    code = main(["route", "--from", "60.1699,24.9384", "--to", "61.5,23.8", "--mode", "car"])
    assert code == 2
    err = capsys.readouterr().err
    assert "--to" in err and "outside the dataset's area" in err


def test_unreachable_is_null_not_an_error(monkeypatch, capsys, make_graph, at):
    xy = [(0, 0), (100, 0), (300, 0), (400, 0)]
    graph = make_graph("walk", xy, [(0, 1, 100.0), (1, 0, 100.0), (2, 3, 100.0), (3, 2, 100.0)])
    dataset = FakeDataset({"walk": TravelTimeEngine(graph, snap_component="any")})
    monkeypatch.setattr(planner.datasets, "load_dataset", lambda name=None: dataset)
    a, b = at(50, 10), at(350, 10)
    code = main(["route", "--from", f"{a[0]},{a[1]}", "--to", f"{b[0]},{b[1]}", "--mode", "walk"])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert result["reachable"] is False and result["travel_time_s"] is None
