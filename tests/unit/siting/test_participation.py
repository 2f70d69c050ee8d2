"""ECEC participation in expected demand: the assumed default, parsing/validation and where it is reported."""
from __future__ import annotations

import argparse
import json

import numpy as np
import pandas as pd
import pytest

from planner import cli
from planner.errors import InputError
from planner.siting.commands import participation_text, site_command
from planner.siting.occupancy import (ASSUMED_PARTICIPATION, FULL_PARTICIPATION, is_assumed_participation,
                                      parse_participation, validate_participation)
from planner.siting.scenario import Change, Scenario, SitingInputs, compare, evaluate, run_what_if
from planner.units import Unit


def test_assumed_participation_is_the_documented_assumption():
    assert ASSUMED_PARTICIPATION == (0.39, 0.90, 0.98)
    assert FULL_PARTICIPATION == (1.0, 1.0, 1.0)
    assert is_assumed_participation(None) and is_assumed_participation([0.39, 0.9, 0.98])
    assert not is_assumed_participation((0.4, 0.9, 0.98))


@pytest.mark.parametrize("text, expected", [
    (None, (0.39, 0.90, 0.98)),
    ("", (0.39, 0.90, 0.98)),
    ("0.4,0.85,1", (0.4, 0.85, 1.0)),
    (" 0 , 1 , 0.5 ", (0.0, 1.0, 0.5)),
    ((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)),
])
def test_parse_participation_accepts_three_shares(text, expected):
    assert parse_participation(text) == expected


def test_parse_participation_wrong_count_names_the_whole_value():
    with pytest.raises(InputError) as info:
        parse_participation("0,39,0,90,0,98")      # decimal commas: six parts
    (problem,) = info.value.problems
    assert problem.field == "--participation" and problem.value == "0,39,0,90,0,98"
    assert "three shares 0..1" in problem.expected and "0.39,0.90,0.98" in problem.expected


def test_parse_participation_names_each_bad_share_and_its_age_group():
    with pytest.raises(InputError) as info:
        parse_participation("abc,0.9,1.2")
    problems = info.value.problems
    assert [(p.field, p.value) for p in problems] == [("--participation", "abc"), ("--participation", "1.2")]
    assert "ages 0–2" in problems[0].expected and "ages 6" in problems[1].expected
    for bad in ("nan,0.5,0.5", "-0.1,0.5,0.5", "0.5,inf,0.5"):
        with pytest.raises(InputError):
            parse_participation(bad)


def test_validate_participation_rejects_non_numbers_and_wrong_lengths():
    assert validate_participation(None) == ASSUMED_PARTICIPATION
    assert validate_participation(np.array([0.5, 0.6, 0.7])) == (0.5, 0.6, 0.7)
    for bad in ((True, 0.5, 0.5), (0.5, 0.5), "0.5,0.5,0.5", (0.5, None, 0.5), 0.5):
        with pytest.raises(InputError) as info:
            validate_participation(bad, "participation")
        assert info.value.fields() == {"participation"}


def test_participation_sentence_in_three_languages():
    assert participation_text((0.39, 0.9, 0.98), True, "en") == (
        "Expected demand assumes that 39 % of children aged 0–2, 90 % aged 3–5 and 98 % aged 6 take up ECEC "
        "(approximate national rates: an assumption, not local figures).")
    assert "90.5 %" in participation_text((0.905, 1.0, 0.0), False, "en")
    assert "100 %" in participation_text((0.905, 1.0, 0.0), False, "en")
    assert "39 %" in participation_text(ASSUMED_PARTICIPATION, True, "fi")
    assert "39 %" in participation_text(ASSUMED_PARTICIPATION, True, "sv")


# ----------------------------------------------------------------------- evaluation and comparison
def toy_seconds(points: np.ndarray, locations: np.ndarray) -> np.ndarray:
    return np.round(np.abs(points[:, None, 1] - locations[None, :, 1]) * 1e5, 6)


def toy_inputs(**kwargs):
    demand = pd.DataFrame({"lat": [60.0, 60.0], "lon": [24.0, 24.006],
                           "age_0_2": [4.0, 0.0], "age_3_5": [0.0, 3.0], "age_6": [0.0, 1.0]})
    units = [Unit("a", "A", 60.0, 24.0, capacity_seats=10), Unit("b", "B", 60.0, 24.006, caretakers=1)]
    cost = toy_seconds(demand[["lat", "lon"]].to_numpy(), np.array([[u.lat, u.lon] for u in units]))
    return SitingInputs.from_cost_matrix(demand, units, cost, compute=toy_seconds, **kwargs), units


def test_inputs_default_to_the_assumed_participation_hand_worked():
    inputs, _ = toy_inputs()
    assert inputs.participation == ASSUMED_PARTICIPATION and inputs.participation_assumed
    # point 0: 1.75 × 0.39 × 4 = 2.73; point 1: 0.90 × 3 + 0.98 × 1 = 3.68
    assert inputs.seats.tolist() == pytest.approx([2.73, 3.68])
    full, _ = toy_inputs(participation=FULL_PARTICIPATION)
    assert full.seats.tolist() == pytest.approx([7.0, 4.0]) and not full.participation_assumed
    with pytest.raises(InputError) as info:
        toy_inputs(participation=(0.5, 2.0, 0.5))
    assert info.value.fields() == {"participation"}


def test_evaluate_reports_participation_and_can_override_it():
    inputs, units = toy_inputs()
    result = evaluate(inputs, units, "walk", 5, "nearest")
    table = result.units.set_index("unit_id")
    assert table.loc["a", "demand_seats"] == pytest.approx(2.73)
    assert table.loc["b", "demand_seats"] == pytest.approx(3.68)
    assert table.loc["b", "occupancy_percent"] == 52.6          # 3.68 / 7 = 52.57 %
    assert result.overall["demand_seats"] == pytest.approx(6.41)
    assert result.participation == ASSUMED_PARTICIPATION and result.participation_assumed is True
    data = result.to_dict()
    assert data["participation"] == [0.39, 0.9, 0.98] and data["participation_assumed"] is True
    assert json.loads(json.dumps(cli.to_jsonable(data)))["units"][0]["unit_id"] == "a"
    local = evaluate(inputs, units, "walk", 5, "nearest", participation=(0.5, 1.0, 1.0))
    # a: 1.75 × 0.5 × 4 = 3.5; b: 3 + 1 = 4
    assert local.units["demand_seats"].tolist() == pytest.approx([3.5, 4.0])
    assert local.participation == (0.5, 1.0, 1.0) and local.to_dict()["participation_assumed"] is False
    with pytest.raises(InputError):
        evaluate(inputs, units, "walk", 5, "nearest", participation=(1.5, 1.0, 1.0))


def test_comparison_carries_the_participation():
    inputs, units = toy_inputs()
    scenario = Scenario("s", (Change("resize", "b", capacity_seats=14),))
    baseline, after, comparison = run_what_if(inputs, units, scenario, max_minutes=5, assignment="nearest",
                                              participation=(1.0, 1.0, 1.0))
    assert baseline.participation == after.participation == (1.0, 1.0, 1.0)
    assert comparison.participation == (1.0, 1.0, 1.0) and comparison.participation_assumed is False
    data = comparison.to_dict()
    assert data["participation"] == [1.0, 1.0, 1.0] and data["participation_before"] == [1.0, 1.0, 1.0]
    assert data["participation_assumed"] is False
    assert {row["unit_id"]: row["status"] for row in data["units"]} == {"a": "unchanged", "b": "resized"}
    default = compare(evaluate(inputs, units, "walk", 5, "nearest"), evaluate(inputs, units, "walk", 5, "nearest"))
    assert default.participation == ASSUMED_PARTICIPATION and default.participation_assumed is True


# ----------------------------------------------------------------------- site command parsing
def test_site_command_rejects_bad_participation_before_reading_anything(tmp_path, capsys):
    args = argparse.Namespace(candidates=str(tmp_path / "none.csv"), dataset=None, add=1, objective="p-median",
                              max_minutes=10.0, mode="walk", participation="0.4,1.5", lang="en")
    with pytest.raises(InputError) as info:
        site_command(args)
    assert info.value.fields() == {"--participation"}
    code = cli.main(["site", "--candidates", str(tmp_path / "none.csv"), "--participation", "0.4,x,0.9"])
    err = capsys.readouterr().err
    assert code == 2
    assert "error: --participation: got 'x'; a share between 0 and 1 for ages 3–5" in err
