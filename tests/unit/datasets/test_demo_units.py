"""The demo units of the default dataset: fictional, on real buildings, reproducible."""
from __future__ import annotations

from planner.datasets.demo_units import DEMO_UNITS_PATH, candidate_buildings, make_demo_units, write_demo_units_csv
from planner.units import load_units


def test_the_committed_csv_is_what_the_generator_makes(helsinki_pbf, tmp_path):
    fresh = write_demo_units_csv(make_demo_units(helsinki_pbf), tmp_path / "demo.csv")
    assert fresh.read_text(encoding="utf-8") == DEMO_UNITS_PATH.read_text(encoding="utf-8")


def test_demo_units_are_marked_and_varied():
    units, problems = load_units(DEMO_UNITS_PATH)
    assert problems == [] and 8 <= len(units) <= 10
    assert [u.unit_id for u in units] == [f"demo-{i}" for i in range(1, len(units) + 1)]
    assert all(u.demo and u.capacity_estimated and u.name.startswith("Demo: ") for u in units)
    assert {u.provider for u in units} == {"municipal", "voucher", "private", "family"}
    assert {lang for u in units for lang in u.languages} == {"fi", "sv", "en"}
    assert sum(u.opening_hours == "24/7" and u.shift_care for u in units) == 1
    assert any(u.caretakers for u in units) and any(u.capacity_seats for u in units)
    assert all(u.free_seats is not None and u.seats and u.free_seats <= u.seats for u in units)


def test_each_demo_unit_stands_on_a_distinct_real_addressed_building(helsinki_pbf):
    buildings = {(round(b["lat"], 6), round(b["lon"], 6)): b for b in candidate_buildings(helsinki_pbf)}
    units, _ = load_units(DEMO_UNITS_PATH)
    for unit in units:
        building = buildings[(unit.lat, unit.lon)]
        assert unit.address == building["address"]
    assert len({(u.lat, u.lon) for u in units}) == len(units)
