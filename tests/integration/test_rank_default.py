"""``python -m planner rank`` on the embedded default dataset (built on first use)."""
from __future__ import annotations

import json

import pytest

from planner.cli import main

FAMILY = {
    "municipality": "Helsinki", "date": "2025-03-01",
    "home": {"lat": 60.1699, "lon": 24.9384},
    "adults": [
        {"id": "a1", "gross_monthly_income_eur": 4200, "work": {"lat": 60.1719, "lon": 24.9414},
         "schedule": {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "end": "16:00"},
         "commute_mode": "bike", "drops_off": True, "picks_up": False},
        {"id": "a2", "gross_monthly_income_eur": 3300, "work": {"lat": 60.1745, "lon": 24.9480},
         "schedule": {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "07:00", "end": "15:00"},
         "commute_mode": "car", "drops_off": False, "picks_up": True},
    ],
    "children": [{"id": "kid", "birth_date": "2022-05-01", "care": "municipal", "weekly_hours": 40,
                  "language": "fi"}],
}


@pytest.fixture(scope="module")
def default_dataset():
    from planner.datasets import load_dataset

    return load_dataset(None)


def test_rank_prints_every_unit_best_first(tmp_path, capsys, default_dataset):
    path = tmp_path / "family.json"
    path.write_text(json.dumps(FAMILY), encoding="utf-8")
    assert main(["rank", str(path), "--lang", "fi"]) == 0
    result = json.loads(capsys.readouterr().out)
    units = result["units"]
    assert len(units) == len(default_dataset.units)
    fitting = [u for u in units if u["fits"]]
    assert [u["score"] for u in fitting] == sorted((u["score"] for u in fitting), reverse=True)
    assert units[: len(fitting)] == fitting  # flagged units come after every fitting one
    for unit in units:
        for key in ("unit_id", "name", "demo", "in_catchment", "drop_off_s", "pick_up_s", "extra_commute_s",
                    "child_day_s", "open_during_child_day", "languages", "score", "why", "score_parts", "legs"):
            assert key in unit
    assert result["modes"] == {"a1": "bike", "a2": "car"}
    assert "min" in units[0]["why"]


def test_rank_legs_equal_the_route_engine(default_dataset):
    from planner.family import parse_family
    from planner.ranking import rank_units

    result = rank_units(parse_family(FAMILY), default_dataset)
    bike, car = default_dataset.engine("bike"), default_dataset.engine("car")
    home, work1, work2 = (60.1699, 24.9384), (60.1719, 24.9414), (60.1745, 24.9480)
    for row in result["units"][:3]:
        unit = default_dataset.units_by_id[row["unit_id"]]
        point = (unit.lat, unit.lon)
        legs = row["legs"]
        assert legs["drop_off"]["home_to_unit_s"] == pytest.approx(bike.route(home, point).travel_time_s, abs=1e-6)
        assert legs["drop_off"]["unit_to_work_s"] == pytest.approx(bike.route(point, work1).travel_time_s, abs=1e-6)
        assert legs["pick_up"]["work_to_unit_s"] == pytest.approx(car.route(work2, point).travel_time_s, abs=1e-6)
        assert legs["pick_up"]["unit_to_home_s"] == pytest.approx(car.route(point, home).travel_time_s, abs=1e-6)


def test_rank_bad_child_exits_2(tmp_path, capsys, default_dataset):
    path = tmp_path / "family.json"
    path.write_text(json.dumps(FAMILY), encoding="utf-8")
    assert main(["rank", str(path), "--child", "nobody"]) == 2
    assert "--child" in capsys.readouterr().err


def test_car_legs_include_the_estimated_door_to_door_time_and_say_so(tmp_path, capsys, default_dataset):
    path = tmp_path / "family.json"
    path.write_text(json.dumps(FAMILY), encoding="utf-8")
    assert main(["rank", str(path), "--lang", "sv"]) == 0
    result = json.loads(capsys.readouterr().out)
    extra = result["car_door_to_door"]
    assert extra["door_to_door_s"] == 332 and extra["estimate"] is True
    assert any("5,5 min" in note and "uppskattning" in note for note in result["notes"])
    # a2 picks up by car: each car leg is a drive plus parking and walking, never less than the estimate
    legs = [u["legs"]["pick_up"] for u in result["units"] if u["pick_up_s"] is not None]
    assert legs and all(leg["work_to_unit_s"] > 332 and leg["unit_to_home_s"] > 332 for leg in legs)
    assert result["direct_commute_s"]["pick_up"] > 332


def test_depart_sets_when_the_drop_off_trip_leaves_home_and_bad_times_are_named(tmp_path, capsys, default_dataset):
    family = json.loads(json.dumps(FAMILY))
    family["adults"][0]["commute_mode"] = "transit"
    path = tmp_path / "family.json"
    path.write_text(json.dumps(family), encoding="utf-8")
    assert main(["rank", str(path), "--depart", "07:10"]) == 0
    timing = json.loads(capsys.readouterr().out)["transit"]
    assert timing["leave_home"] == "07:10" and timing["work_start"] == "08:00"
    # the family file's own setting is used when --depart is not given
    family["transit"] = {"date": "2025-03-04", "depart": "06:55"}
    path.write_text(json.dumps(family), encoding="utf-8")
    assert main(["rank", str(path)]) == 0
    timing = json.loads(capsys.readouterr().out)["transit"]
    assert timing["leave_home"] == "06:55" and timing["date"] == "2025-03-04"
    assert main(["rank", str(path), "--depart", "25:00"]) == 2
    assert capsys.readouterr().err.startswith("error: --depart")
    family["transit"] = {"date": "4.3.2025"}
    path.write_text(json.dumps(family), encoding="utf-8")
    assert main(["rank", str(path)]) == 2
    assert "transit.date" in capsys.readouterr().err
