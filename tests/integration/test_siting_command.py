"""`python -m planner site` and the what-if on the ``demo`` fixture dataset (built on first use): the
checks below rely on its fictional units' known capacities and ids."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from planner import cli


@pytest.fixture(scope="module")
def dataset():
    from planner.datasets import load_dataset

    return load_dataset("demo")


@pytest.fixture()
def candidates_csv(tmp_path, dataset):
    demand = dataset.demand
    lat, lon = float(demand["lat"].median()), float(demand["lon"].median())
    path = tmp_path / "candidates.csv"
    path.write_text("id,lat,lon,capacity_seats\n"
                    f"c1,{lat:.6f},{lon:.6f},\n"
                    f"c2,{lat + 0.002:.6f},{lon - 0.004:.6f},\n"
                    f"c3,{lat - 0.002:.6f},{lon + 0.004:.6f},\n", encoding="utf-8")
    return path


def run(capsys, *argv):
    argv = list(argv)
    if argv and argv[0] in ("site", "whatif") and "--dataset" not in argv:
        argv += ["--dataset", "demo"]
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 else None), err


def test_site_command_prints_the_contract_keys(capsys, candidates_csv):
    code, out, err = run(capsys, "site", "--candidates", str(candidates_csv), "--add", "2", "--max-minutes", "5")
    assert code == 0, err
    assert len(out["chosen"]) == 2 and {c["id"] for c in out["chosen"]} <= {"c1", "c2", "c3"}
    for key in ("before", "after"):
        assert {"coverage_share", "mean_travel_s", "p90_travel_s"} <= set(out[key])
    assert out["status"] == "optimal"
    assert out["after"]["mean_travel_s"] <= out["before"]["mean_travel_s"]
    assert out["demand_estimated"] is True and "estimate" in out["explanation"]


def test_site_command_coverage_in_finnish(capsys, candidates_csv):
    code, out, err = run(capsys, "site", "--candidates", str(candidates_csv), "--objective", "coverage",
                         "--max-minutes", "3", "--lang", "fi")
    assert code == 0, err
    assert out["after"]["coverage_share"] >= out["before"]["coverage_share"]
    assert "ehdokkaasta" in out["explanation"]


def test_bad_candidate_file_reports_every_row(capsys, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("id,lat,lon,capacity_seats\n,60.17,24.94,\nc2,91,24.94,-3\nc2,60.17,abc,\n", encoding="utf-8")
    code, _, err = run(capsys, "site", "--candidates", str(path))
    assert code == 2
    lines = err.strip().splitlines()
    assert lines == [
        "error: --candidates row 2 id: got ''; a non-empty candidate id",
        "error: --candidates row 3 lat: got '91'; a WGS84 latitude in decimal degrees (-90..90)",
        "error: --candidates row 3 capacity_seats: got '-3'; a number of seats above 0 (or leave empty for no limit)",
        "error: --candidates row 4 id: got 'c2'; an id not used by an earlier candidate",
        "error: --candidates row 4 lon: got 'abc'; a WGS84 longitude in decimal degrees (-180..180)",
    ]


def test_bad_geojson_candidates(capsys, tmp_path):
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "a"}, "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}},
        {"type": "Feature", "properties": {"capacity_seats": "many"}, "geometry": {"type": "Point", "coordinates": [24.9, 60.2]}},
    ]}), encoding="utf-8")
    code, _, err = run(capsys, "site", "--candidates", str(path))
    assert code == 2
    assert "--candidates feature 1 geometry" in err
    assert "--candidates feature 2 id" in err and "--candidates feature 2 capacity_seats" in err


def test_candidate_outside_the_area_is_named(capsys, tmp_path):
    path = tmp_path / "far.csv"
    path.write_text("id,lat,lon\nfar,61.5,23.8\n", encoding="utf-8")
    code, _, err = run(capsys, "site", "--candidates", str(path))
    assert code == 2 and "--candidates far" in err


def test_impossible_targets_are_explained(capsys, candidates_csv, tmp_path):
    code, _, err = run(capsys, "site", "--candidates", str(candidates_csv), "--add", "5")
    assert code == 2 and "5 new sites asked for but only 3 candidates" in err
    small = tmp_path / "small.csv"
    small.write_text(candidates_csv.read_text(encoding="utf-8").replace(",\n", ",10\n"), encoding="utf-8")
    code, out, err = run(capsys, "site", "--candidates", str(small), "--add", "1")
    # every demo unit has a known capacity (407 seats together); since the building estimate was
    # calibrated against the HSY grid (docs/siting.md) the estimated demand is ≈ 258 seats with the
    # assumed participation (≈ 403 counting every child), so 407 + 10 seats suffice and the model is
    # feasible. The "total capacity … < demand …" message is checked in tests/unit/siting/test_optimiser.py.
    assert code == 0, err
    assert out["before"]["demand_seats"] == pytest.approx(257.6, abs=0.5)
    assert out["before"]["demand_seats"] < 407 + 10


def test_site_command_uses_assumed_participation_by_default(capsys, candidates_csv, dataset):
    from planner.siting.occupancy import ASSUMED_PARTICIPATION

    demand = dataset.demand
    young, middle, six = (float(demand[c].sum()) for c in ("age_0_2", "age_3_5", "age_6"))
    code, out, err = run(capsys, "site", "--candidates", str(candidates_csv), "--add", "1")
    assert code == 0, err
    assert out["participation"] == list(ASSUMED_PARTICIPATION) and out["participation_assumed"] is True
    expected = 1.75 * 0.39 * young + 0.90 * middle + 0.98 * six
    assert out["before"]["demand_seats"] == pytest.approx(expected, rel=1e-6)
    assert "39 % of children aged 0–2" in out["explanation"] and "an assumption" in out["explanation"]
    code, full, err = run(capsys, "site", "--candidates", str(candidates_csv), "--add", "1",
                          "--participation", "1,1,1")
    assert code == 0, err
    assert full["participation"] == [1.0, 1.0, 1.0] and full["participation_assumed"] is False
    assert full["before"]["demand_seats"] == pytest.approx(1.75 * young + middle + six, rel=1e-6)
    assert "given ECEC participation" in full["explanation"]


def test_site_command_bad_participation_is_an_input_error(capsys, candidates_csv):
    code, _, err = run(capsys, "site", "--candidates", str(candidates_csv), "--participation", "0.4;0.9;1")
    assert code == 2 and err.startswith("error: --participation: got '0.4;0.9;1'; three shares 0..1")


def test_what_if_on_the_default_dataset(dataset):
    from planner.siting.scenario import Change, Scenario, SitingInputs, run_what_if

    inputs = SitingInputs.from_dataset(dataset)
    demand = inputs.demand
    far = demand.iloc[int(np.argmax(np.abs(demand["lat"] - demand["lat"].median())))]
    scenario = Scenario("test", (Change("add", "new-1", lat=float(far["lat"]), lon=float(far["lon"]),
                                        capacity_seats=84),))
    baseline, after, comparison = run_what_if(inputs, dataset.units, scenario, max_minutes=5, assignment="nearest")
    assert after.overall["mean_travel_s"] <= baseline.overall["mean_travel_s"]
    assert len(comparison.changed_points) >= 1
    assert set(comparison.changed_points["nearest_after"]) == {"new-1"}
    assert comparison.units.set_index("unit_id").loc["new-1", "status"] == "added"


SCENARIO = Path(__file__).resolve().parents[2] / "docs" / "examples" / "scenario-close-demo-1.json"


def test_whatif_command_prints_baseline_and_the_scenario_comparison(capsys):
    code, out, err = run(capsys, "whatif", "--max-minutes", "5")
    assert code == 0, err
    assert set(out) == {"dataset", "scenario", "baseline", "left_out"} and out["left_out"] == []
    assert {"coverage_share", "mean_travel_s", "p90_travel_s", "demand_seats", "capacity_seats"} <= set(
        out["baseline"]["overall"])
    code, out, err = run(capsys, "whatif", "--scenario", str(SCENARIO), "--max-minutes", "5")
    assert code == 0, err
    status = {row["unit_id"]: row["status"] for row in out["comparison"]["units"]}
    assert status["demo-1"] == "closed"
    # only demo-1 is closed; other units may take over its demand ("changed"), none is added or moved
    assert [u for u, s in status.items() if s in ("added", "closed", "moved", "resized")] == ["demo-1"]
    assert out["after"]["overall"]["capacity_seats"] == out["baseline"]["overall"]["capacity_seats"] - 63


def test_whatif_bad_input_exits_2_naming_the_field(capsys, tmp_path):
    code, _, err = run(capsys, "whatif", "--max-minutes", "0")
    assert code == 2 and "--max-minutes" in err
    code, _, err = run(capsys, "whatif", "--scenario", str(tmp_path / "missing.json"))
    assert code == 2 and "scenario" in err
    bad = tmp_path / "bad.json"
    bad.write_text('{"changes": [{"action": "close"}]}', encoding="utf-8")
    code, _, err = run(capsys, "whatif", "--scenario", str(bad))
    assert code == 2 and "changes[0]" in err and "Traceback" not in err
