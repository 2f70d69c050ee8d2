"""The EXAMPLE plan (docs/examples/plan-example) on the default dataset: import, time travel, transit.

The dataset is copied into a temporary data folder so the plan never touches the real one. No unit id
of the default dataset is hard-coded: the planned unit and line are the sample plan's own.
"""
from __future__ import annotations

import json
import os
import shutil
from datetime import date, datetime, time
from pathlib import Path

import pytest

from planner.cli import main

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "docs" / "examples" / "plan-example"
PLANNED_ID = "example-kaisaniemi"          # the sample plan's own unit
OPENS = date(2027, 8, 1)
LINE_START = date(2028, 3, 1)               # a Wednesday
FIRST_STOP = (60.16480, 24.93700)
LAST_STOP = (60.17720, 24.93700)


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    """The default dataset in a temporary data folder, with the EXAMPLE plan imported."""
    from planner.datasets import load_dataset
    from planner.datasets.store import data_dir

    source = load_dataset(None)
    folder = tmp_path_factory.mktemp("plans-data")
    shutil.copytree(source.path, folder / source.name)
    old = os.environ.get("PLANNER_DATA_DIR")
    os.environ["PLANNER_DATA_DIR"] = str(folder)
    try:
        assert data_dir() == folder.resolve()
        code = main(["data", "plan", "--name", "example", "--example", "--description", "EXAMPLE",
                     "--units", str(SAMPLE / "planned-units.csv"),
                     "--line", str(SAMPLE / "line-tram-15-example.json"),
                     "--housing", str(SAMPLE / "housing.csv")])
        assert code == 0
        yield load_dataset(None)
    finally:
        if old is None:
            os.environ.pop("PLANNER_DATA_DIR", None)
        else:
            os.environ["PLANNER_DATA_DIR"] = old


def _family(start: str, mode: str = "walk") -> dict:
    return {
        "municipality": "Helsinki", "date": "2026-12-01",
        "home": {"lat": 60.1738, "lon": 24.9497},
        "adults": [{"id": "a1", "work": {"lat": 60.1745, "lon": 24.9500},
                    "schedule": {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:30", "end": "16:00"},
                    "commute_mode": mode, "drops_off": True, "picks_up": True}],
        "children": [{"id": "kid", "birth_date": "2024-05-01", "care": "municipal", "weekly_hours": 40,
                      "language": "fi", "start_date": start}],
    }


def test_import_lists_the_example_layer_and_its_dated_events(planned, capsys):
    capsys.readouterr()
    assert main(["data", "plan", "--list"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["example"] is True
    [layer] = out["layers"]
    assert (layer["units"], layer["lines"], layer["housing"]) == (1, 1, 2)
    assert {p["role"] for p in layer["provenance"]} == {"units", "line", "housing"}
    assert all(len(p["sha256"]) == 64 for p in layer["provenance"])
    kinds = [(e["date"], e["kind"]) for e in out["events"]]
    assert ("2027-08-01", "unit_opens") in kinds and ("2028-03-01", "line_starts") in kinds


def test_units_in_force_before_and_after_the_opening(planned):
    from planner.plans import dataset_on

    before = dataset_on(planned, date(2027, 7, 31))
    after = dataset_on(planned, OPENS)
    assert PLANNED_ID not in before.units_by_id
    assert PLANNED_ID in after.units_by_id
    assert len(after.units) == len(planned.units) + 1
    assert after.units_by_id[PLANNED_ID].demo is True          # an EXAMPLE unit is never shown as real
    assert after.units_by_id[PLANNED_ID].seats == 84


def test_ranking_before_and_after_the_opening_date(planned, tmp_path, capsys):
    path = tmp_path / "family.json"
    path.write_text(json.dumps(_family("2027-07-01")), encoding="utf-8")
    capsys.readouterr()
    assert main(["rank", str(path)]) == 0
    before = json.loads(capsys.readouterr().out)
    assert PLANNED_ID not in [u["unit_id"] for u in before["units"]]
    assert before["date"] == "2027-07-01" and before["plans"]["example"] is True
    assert main(["rank", str(path), "--date", "2027-09-01"]) == 0
    after = json.loads(capsys.readouterr().out)
    ids = [u["unit_id"] for u in after["units"]]
    assert PLANNED_ID in ids
    # the planned unit is ~40 m from home on the way to work: it ranks first once open
    assert ids[0] == PLANNED_ID
    # the family's start date alone drives the time travel
    path.write_text(json.dumps(_family("2027-09-01")), encoding="utf-8")
    assert main(["rank", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["units"][0]["unit_id"] == PLANNED_ID


def test_transit_times_change_on_the_line_start_date(planned):
    from planner.plans import dataset_on

    week_before = date(2028, 2, 23)     # the same weekday one week earlier
    times, routes = {}, {}
    for day in (week_before, date(2028, 2, 29), LINE_START):
        router = dataset_on(planned, day).transit()
        trip = router.route(FIRST_STOP, LAST_STOP, datetime.combine(day, time(8, 0)))
        times[day] = trip.travel_time_s
        routes[day] = {leg.get("route") for leg in trip.legs if leg["kind"] == "ride"}
    assert "15X" not in routes[week_before] and "15X" not in routes[date(2028, 2, 29)]
    assert "15X" in routes[LINE_START]
    # 4 stops of 1.5 min, a wait of at most 5 min, short walks: clearly faster than before
    assert times[LINE_START] < times[week_before] - 60
    assert times[LINE_START] <= (6 + 5 + 3) * 60


def test_route_command_uses_the_network_of_its_date(planned, capsys):
    args = ["route", "--mode", "transit", "--from", "60.16480,24.93700", "--to", "60.17720,24.93700",
            "--depart", "08:00"]
    capsys.readouterr()
    assert main([*args, "--date", "2028-02-23"]) == 0
    before = json.loads(capsys.readouterr().out)
    assert main([*args, "--date", "2028-03-01"]) == 0
    after = json.loads(capsys.readouterr().out)
    assert after["travel_time_s"] < before["travel_time_s"]
    assert any(leg.get("route") == "15X" for leg in after["legs"])


def test_plan_compare_shows_the_added_unit(planned, capsys):
    capsys.readouterr()
    assert main(["plan", "compare", "--date", "2028-09-01", "--today", "2026-12-01"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["example"] is True
    status = {u["unit_id"]: u["status"] for u in out["comparison"]["units"]}
    assert status[PLANNED_ID] == "added"
    overall = {row["metric"]: row for row in out["comparison"]["overall"]}
    assert overall["capacity_seats"]["change"] == pytest.approx(84)
    assert overall["mean_travel_s"]["after"] <= overall["mean_travel_s"]["before"]


def test_bad_plan_files_name_every_bad_row_and_exit_2(planned, tmp_path, capsys):
    units = tmp_path / "units.csv"
    units.write_text("unit_id,name,lat,lon,opens,caretakers\n"
                     "ok-1,Fine,60.1700,24.9450,2027-08-01,10\n"
                     "bad-1,Bad date,60.1700,24.9450,2027-13-01,10\n"
                     "bad-2,Far away,61.5000,23.7600,2027-08-01,10\n"
                     "bad-3,Bad number,60.1700,24.9450,2027-08-01,many\n", encoding="utf-8")
    line = json.loads((SAMPLE / "line-tram-15-example.json").read_text(encoding="utf-8"))
    line["stops"][2]["lat"] = 61.5
    line["headways"][0]["minutes"] = 0
    line["mode"] = "zeppelin"
    bad_line = tmp_path / "line.json"
    bad_line.write_text(json.dumps(line), encoding="utf-8")
    capsys.readouterr()
    code = main(["data", "plan", "--name", "bad", "--units", str(units), "--line", str(bad_line)])
    assert code == 2
    err = capsys.readouterr().err.splitlines()
    joined = "\n".join(err)
    assert "--units row 3 opens" in joined
    assert "--units row 4 lat,lon" in joined
    assert "--units row 5 caretakers" in joined
    assert "stops[2]" in joined and "headways[0].minutes" in joined and "mode" in joined
    assert all(line.startswith("error: ") for line in err)
    assert main(["data", "plan", "--list"]) == 0          # nothing of the bad import was stored
    assert [layer["name"] for layer in json.loads(capsys.readouterr().out)["layers"]] == ["example"]


def test_occupancy_forecast_moves_with_the_plan(planned):
    from planner.plans import load_plans
    from planner.plans.model import Plans, straight_m
    from planner.siting.forecast import occupancy_forecast

    base = date(2026, 12, 1)
    with_plan = occupancy_forecast(planned, base_date=base, years=2)
    without = occupancy_forecast(planned, base_date=base, years=2, plans=Plans(planned.name))
    assert with_plan["example"] is True and "births 7.7 per 1,000" in with_plan["assumptions"]["text"]
    rows = {r["unit_id"]: {h["horizon"]: h for h in r["horizons"]} for r in with_plan["occupancy"]}
    plain = {r["unit_id"]: {h["horizon"]: h for h in r["horizons"]} for r in without["occupancy"]}
    # the planned unit: closed at +3 and +6 months (2027-03 / 2027-06), open at +12 months (2027-12)
    assert [rows[PLANNED_ID][h]["open"] for h in ("+3 months", "+6 months", "+12 months")] == [False, False, True]
    assert rows[PLANNED_ID]["+12 months"]["expected_seats"] > 0
    # the existing unit nearest to it: same before the opening, less demand after it (children move over)
    target = (60.17420, 24.95020)
    nearest = min((u for u in planned.units), key=lambda u: straight_m(target, (u.lat, u.lon))).unit_id
    assert rows[nearest]["+6 months"]["expected_seats"] == pytest.approx(plain[nearest]["+6 months"]["expected_seats"])
    assert rows[nearest]["+12 months"]["expected_seats"] < plain[nearest]["+12 months"]["expected_seats"]
    # every figure is marked as an estimate with its basis
    assert all(h["estimate"] and h["basis"] for r in with_plan["occupancy"] for h in r["horizons"])
    # the new housing shows in the demand ahead
    assert sum(r["from_new_housing"] for r in with_plan["demand"] if r["year"] == 1) > 0
    assert sum(r["from_new_housing"] for r in without["demand"]) == 0
    assert load_plans(planned).housing    # the sample plan's housing came from the import


def test_family_news_in_three_languages(planned, tmp_path, capsys):
    # home near the line's first stop, work near its last: the line runs the way of the drop-off trip
    family = _family("2028-08-15", mode="transit")
    family["home"] = {"lat": 60.1650, "lon": 24.9375}
    family["adults"][0]["work"] = {"lat": 60.1770, "lon": 24.9372}
    path = tmp_path / "family.json"
    path.write_text(json.dumps(family), encoding="utf-8")
    texts = {}
    for lang in ("fi", "sv", "en"):
        capsys.readouterr()
        assert main(["plan", "news", str(path), "--lang", lang]) == 0
        texts[lang] = json.loads(capsys.readouterr().out)
    line = [i for i in texts["en"]["items"] if i["kind"] == "line_starts"]
    assert len(line) == 1 and line[0]["change_s"] < -60          # the tram makes the drop-off trip faster
    minutes = round(-line[0]["change_s"] / 60)
    assert f"From 2028-03 the new tram line 15X shortens your drop-off trip by {minutes} min" in line[0]["text"]
    assert "EXAMPLE" in line[0]["text"]
    assert "2028-03 alkaen uusi raitiolinja 15X" in texts["fi"]["text"][-1]
    assert "Från 2028-03" in texts["sv"]["text"][-1]


def test_news_names_a_new_unit_near_home(planned, tmp_path, capsys):
    path = tmp_path / "family.json"
    path.write_text(json.dumps(_family("2027-08-15")), encoding="utf-8")
    capsys.readouterr()
    assert main(["plan", "news", str(path)]) == 0
    out = json.loads(capsys.readouterr().out)
    [opening] = [i for i in out["items"] if i["kind"] == "unit_opens"]
    assert opening["unit_id"] == PLANNED_ID and opening["distance_m"] <= 300
    assert opening["text"].startswith(f"From 2027-08 a new unit EXAMPLE: Päiväkoti Kaisaniemi (planned) "
                                      f"{opening['distance_m']} m from home")


def test_chance_of_a_place_gives_bands_with_reasons(planned, tmp_path, capsys):
    path = tmp_path / "family.json"
    path.write_text(json.dumps(_family("2027-09-01")), encoding="utf-8")
    other = next(u.unit_id for u in planned.units if "fi" in u.languages)
    capsys.readouterr()
    assert main(["chance", str(path), "--units", f"{PLANNED_ID},{other}", "--today", "2027-03-01"]) == 0
    out = json.loads(capsys.readouterr().out)
    bands = {u["unit_id"]: u for u in out["units"]}
    assert bands[PLANNED_ID]["band"] == "likely"             # new unit: every place free at first
    # asked only 3 months ahead: one step lower, and the law's 4 months named
    assert main(["chance", str(path), "--units", PLANNED_ID, "--today", "2027-06-01"]) == 0
    late = json.loads(capsys.readouterr().out)["units"][0]
    assert late["band"] == "uncertain" and any("540/2018" in r for r in late["reasons"])
    assert all(u["band"] in ("likely", "uncertain", "unlikely") and u["reasons"] for u in out["units"])
    assert "not a probability" in out["note"]
    # asking for a unit that is neither in the dataset nor in its plans: exit 2, naming --units
    assert main(["chance", str(path), "--units", "no-such-unit"]) == 2
    assert "--units" in capsys.readouterr().err


def test_closures_moves_replaced_lines_and_gtfs_versions(planned, tmp_path, capsys):
    """A second layer: a closure by id, a move by the unit's coordinates, a line replacing an existing
    one and a whole GTFS version without one route; removed again at the end."""
    import zipfile

    from planner.plans import dataset_on, load_plans
    from planner.plans.transit import read_tables, write_tables

    units = sorted(planned.units, key=lambda u: u.unit_id)
    closed, moved = units[0], units[1]
    changes = tmp_path / "changes.csv"
    changes.write_text("action,date,unit_id,lat,lon,to_lat,to_lon\n"
                       f"close,2029-01-01,{closed.unit_id},,,,\n"
                       f"move,2029-02-01,,{moved.lat + 0.0001},{moved.lon},{moved.lat + 0.001},{moved.lon}\n",
                       encoding="utf-8")
    base_feed = planned.transit().feed
    day = date(2029, 3, 7)     # a Wednesday after every change below
    running = base_feed.trips_on(day)
    route_names = sorted({base_feed.route_short_names[r] for r in running.route_index})
    replaced, dropped = route_names[0], route_names[-1]
    line = json.loads((SAMPLE / "line-tram-15-example.json").read_text(encoding="utf-8"))
    line.update(line_id="replacement-example", name="R1", start_date="2029-03-01", replaces=replaced)
    line_file = tmp_path / "line.json"
    line_file.write_text(json.dumps(line), encoding="utf-8")
    tables = read_tables(Path(planned.transit_feed_path()))
    drop_ids = set(tables["routes.txt"].loc[tables["routes.txt"]["route_short_name"] == dropped, "route_id"])
    tables["trips.txt"] = tables["trips.txt"][~tables["trips.txt"]["route_id"].isin(drop_ids)]
    keep = set(tables["trips.txt"]["trip_id"])
    tables["stop_times.txt"] = tables["stop_times.txt"][tables["stop_times.txt"]["trip_id"].isin(keep)]
    if "frequencies.txt" in tables:
        tables["frequencies.txt"] = tables["frequencies.txt"][tables["frequencies.txt"]["trip_id"].isin(keep)]
    version = write_tables(tables, tmp_path / "version.zip")
    assert zipfile.is_zipfile(version)
    capsys.readouterr()
    assert main(["data", "plan", "--name", "more", "--changes", str(changes), "--line", str(line_file),
                 "--gtfs-version", str(version), "--gtfs-from", "2029-03-05"]) == 0, capsys.readouterr().err
    try:
        plans = load_plans(planned)
        assert len(plans.layers) == 2
        before, after = dataset_on(planned, date(2028, 12, 31)), dataset_on(planned, day)
        assert closed.unit_id in before.units_by_id and closed.unit_id not in after.units_by_id
        assert after.units_by_id[moved.unit_id].lat == pytest.approx(moved.lat + 0.001)
        assert before.units_by_id[moved.unit_id].lat == pytest.approx(moved.lat)

        def names_on(when: date) -> set[str]:
            router = dataset_on(planned, when).transit()
            trips = router.feed.trips_on(when)
            return {router.feed.route_short_names[r] for r in trips.route_index}

        early, late, last = names_on(date(2029, 2, 28)), names_on(date(2029, 3, 1)), names_on(day)
        assert replaced in early and "R1" not in early            # before the replacement
        assert replaced not in late and "R1" in late              # from its start date
        assert dropped in late and dropped not in last            # the GTFS version from 2029-03-05
        assert "R1" in last and "15X" in last                     # planned lines ride on the new version too
    finally:
        assert main(["data", "plan", "--remove", "more"]) == 0
    assert [layer.name for layer in load_plans(planned).layers] == ["example"]


def test_forecast_command_states_assumptions_and_refuses_bad_ones(planned, capsys):
    capsys.readouterr()
    assert main(["forecast", "--base-date", "2026-12-01", "--years", "3", "--birth-rate", "9",
                 "--migration-rate", "-0.02"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["assumptions"]["birth_rate_per_1000"] == 9 and out["assumptions"]["migration_rate"] == -0.02
    assert "births 9 per 1,000" in out["assumptions"]["text"] and "-2.0 %" in out["assumptions"]["text"]
    assert {r["year"] for r in out["demand"]} == {0, 1, 2, 3}
    horizons = [h["horizon"] for h in out["occupancy"][0]["horizons"]]
    assert horizons == ["today", "+3 months", "+6 months", "+12 months", "year 2", "year 3"]
    assert main(["forecast", "--birth-rate", "-1", "--migration-rate", "3", "--years", "0"]) == 2
    err = capsys.readouterr().err
    assert "--birth-rate" in err and "--migration-rate" in err
    assert main(["data", "plan", "--remove", "no-such-plan"]) == 2
    assert "--remove" in capsys.readouterr().err


def test_whatif_on_a_date_starts_from_the_units_in_force(planned, capsys):
    capsys.readouterr()
    assert main(["whatif", "--date", "2027-09-01"]) == 0
    after = json.loads(capsys.readouterr().out)
    assert after["date"] == "2027-09-01" and after["plans_example"] is True
    assert PLANNED_ID in [u["unit_id"] for u in after["baseline"]["units"]]
    assert main(["whatif", "--date", "2027-07-01"]) == 0
    before = json.loads(capsys.readouterr().out)
    assert PLANNED_ID not in [u["unit_id"] for u in before["baseline"]["units"]]
    assert main(["whatif", "--date", "2027-13-01"]) == 2
    assert "--date" in capsys.readouterr().err
