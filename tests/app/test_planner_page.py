"""Planner page: baseline, what-if and optimiser through AppTest (every language) plus its glue.

Expected values come from ``planner.siting`` called directly on the same dataset (the page must show
the backend's numbers). Candidates, inputs and the optimiser are tested in ``tests/unit/siting``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from planner.i18n import translate

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from pages import _workbench_core as core  # noqa: E402

PAGE = str(REPO / "pages" / "planner_workbench.py")


def _open(lang: str, maps: bool = False) -> AppTest:
    """The page in ``lang``; maps off unless asked (they take most of a run; one test draws them)."""
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state["lang"] = lang
    at.session_state["dataset_name"] = "demo"  # the checks below use the fictional demo units' ids
    at.session_state["wb.show_maps"] = maps
    at.run()
    assert not at.exception, at.exception
    return at


def col(key: str, lang: str) -> str:
    return translate(f"app_planner.col.{key}", lang)


@pytest.fixture(scope="module")
def dataset():
    from planner.datasets import load_dataset

    return load_dataset("demo")


@pytest.fixture(scope="module")
def inputs(dataset):
    from planner.siting.scenario import SitingInputs

    return SitingInputs.from_dataset(dataset)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_baseline_then_closing_a_unit_changes_the_tables(lang, dataset, inputs):
    from planner.siting.scenario import evaluate

    at = _open(lang, maps=lang == "en")
    assert at.title[0].value == translate("app_planner.title", lang)
    assert not at.error, [e.value for e in at.error]
    table = at.dataframe[0].value
    assert list(table[col("unit_id", lang)]) == [u.unit_id for u in dataset.units]
    demo = translate("app_planner.demo", lang)
    assert all(f"({demo})" in name for name in table[col("unit", lang)])
    # marked once: "Demo: X" is shown as "X (demo)", never "Demo: X (demo)"
    assert not any(name.lower().startswith("demo:") or name.count(f"({demo})") != 1
                   for name in table[col("unit", lang)])
    # the coverage metric has a short label that fits its column; the long wording is its help text
    assert at.metric[0].label == translate("app_planner.metric.coverage_within", lang, minutes="10")
    assert all(translate("app_planner.note.demand_estimated", lang) in n for n in table[col("notes", lang)])
    expected = evaluate(inputs, dataset.units, "walk", 10.0, "catchment")
    assert list(table[col("demand_seats", lang)]) == [round(v, 1) for v in expected.units["demand_seats"]]
    areas = at.dataframe[1].value
    names = {u.unit_id: core.unit_label(u.unit_id, u.name, bool(u.demo), lang) for u in dataset.units}
    assert list(areas[col("area", lang)]) == [names.get(a, a) for a in expected.areas["area"]]  # by name, not id
    _close_demo_1_and_check(at, lang, dataset, inputs)


def _close_demo_1_and_check(at, lang, dataset, inputs):
    """What-if "close demo-1": the change is listed and the tables change as the backend says."""
    from planner.siting.scenario import Scenario, run_what_if

    at.selectbox(key="wb.action").set_value("close").run()
    at.selectbox(key="wb.unit").set_value("demo-1")
    at.button(key="wb.add").click().run()
    assert not at.exception, at.exception
    assert at.session_state["wb.scenario"]["changes"] == [{"action": "close", "unit_id": "demo-1"}]
    demo_1 = next(u for u in dataset.units if u.unit_id == "demo-1")
    name = core.unit_label(demo_1.unit_id, demo_1.name, bool(demo_1.demo), lang)   # the change names the unit
    assert translate("siting.change.close", lang, unit_id=name) in [m.value.split(". ", 1)[-1] for m in at.markdown]
    frames = [f.value for f in at.dataframe]
    changed_units = next(f for f in frames if col("status", lang) in f.columns)
    status = dict(zip(changed_units[col("unit_id", lang)], changed_units[col("status", lang)]))
    assert status["demo-1"] == translate("app_planner.status.closed", lang)
    demo = translate("app_planner.demo", lang)
    names = dict(zip(changed_units[col("unit_id", lang)], changed_units[col("unit", lang)]))
    assert names["demo-1"] == core.unit_label("demo-1", dataset.units[0].name, True, lang)
    assert all(n.count(f"({demo})") == 1 and not n.lower().startswith("demo:") for n in names.values())
    _, _, comparison = run_what_if(inputs, dataset.units,
                                   Scenario.from_dict({"changes": [{"action": "close", "unit_id": "demo-1"}]}),
                                   lang=lang)
    points = next(f for f in frames if col("reason", lang) in f.columns)
    assert len(points) == len(comparison.changed_points) > 0
    before = set(comparison.changed_points["nearest_before"]) | set(comparison.changed_points["assigned_before"])
    assert "demo-1" in before


def test_adding_a_unit_with_an_existing_id_shows_the_error_under_the_id_and_keeps_inputs(after):
    at = _open("en")
    at.text_input(key="wb.new_id").input("demo-2")
    at.text_input(key="wb.name").input("My new unit")
    at.text_input(key="wb.lat._text").set_value("60.171")
    at.button(key="wb.add").click().run()
    following = after(at, "wb.new_id", 1)
    assert type(following[0]).__name__ == "Error"
    assert "demo-2" in following[0].value
    assert at.session_state["wb.scenario"]["changes"] == []
    assert at.text_input(key="wb.name").value == "My new unit"
    assert at.session_state["wb.lat"] == pytest.approx(60.171)


def test_adding_and_removing_a_unit(dataset):
    at = _open("en")
    at.text_input(key="wb.new_id").input("new-1")
    at.text_input(key="wb.lat._text").set_value("60.1745")
    at.text_input(key="wb.lon._text").set_value("24.9440")
    at.text_input(key="wb.capacity._text").set_value("70.0")
    at.button(key="wb.add").click().run()
    assert at.session_state["wb.scenario"]["changes"] == [
        {"action": "add", "unit_id": "new-1", "lat": 60.1745, "lon": 24.944, "capacity_seats": 70.0}]
    frames = [f.value for f in at.dataframe]
    changed_units = next(f for f in frames if col("status", "en") in f.columns)
    row = changed_units[changed_units[col("unit_id", "en")] == "new-1"].iloc[0]
    assert row[col("status", "en")] == "added" and row[col("capacity_after", "en")] == 70.0
    assert at.text_input(key="wb.new_id").value == "new-2"
    at.button(key="wb.remove.0").click().run()
    assert at.session_state["wb.scenario"]["changes"] == []


def test_optimiser_shows_the_backend_choice_and_explains_infeasibility_with_numbers(dataset, inputs):
    from planner.siting.candidates import candidates_for
    from planner.siting.sites import optimise_sites

    at = _open("en")
    at.text_input(key="wb.grid_m._text").set_value("500.0")
    at.button(key="wb.opt_run").click().run()
    outcome = at.session_state["wb.optimiser"]["ok"]
    assert len(outcome["chosen"]) == 1 and outcome["chosen"][0]["id"].startswith("G")
    assert at.success[0].value == outcome["explanation"]
    if outcome["status"] == "optimal":   # said in words, not as the solver's status code
        assert any("proved this the best choice" in c.value for c in at.caption)
    # the page shows exactly what planner.siting computes (the same call the `site` command makes)
    expected = optimise_sites(inputs, list(dataset.units), candidates_for("grid", dataset, spacing_m=500.0),
                              k=1, objective="p-median", mode="walk", max_minutes=10.0, lang="en")
    assert [row["id"] for row in outcome["chosen"]] == [row["id"] for row in expected.chosen]
    assert outcome["explanation"] == expected.explanation
    assert outcome["after"]["mean_travel_s"] == pytest.approx(expected.after["mean_travel_s"])
    chosen = next(f.value for f in at.dataframe if col("served_seats", "en") in f.value.columns)
    assert list(chosen[col("rank", "en")]) == ["N1"]
    assert list(chosen[col("served_seats", "en")]) == [round(expected.chosen[0]["assigned_seats"], 1)]
    # Close units (largest first) until the remaining seats + one 7-seat site fall short of demand:
    # the optimiser keeps the what-if's units, still proposes a site and warns how many seats are missing.
    units = sorted(dataset.units, key=lambda u: -(u.seats or 0))
    remaining = sum(u.seats or 0 for u in units)
    closed = []
    for unit in units:
        if remaining + 7 < float(inputs.seats.sum()):
            break
        remaining -= unit.seats or 0
        closed.append({"action": "close", "unit_id": unit.unit_id})
    at.session_state["wb.scenario"] = {**at.session_state["wb.scenario"], "changes": closed}
    at.radio(key="wb.objective").set_value("p-median")
    at.text_input(key="wb.cand_capacity._text").set_value("7.0")
    at.button(key="wb.opt_run").click().run()
    result = at.session_state["wb.optimiser"]["ok"]
    short = float(inputs.seats.sum()) - remaining - 7
    assert result["unmet_seats"] >= short - 1e-6   # at least what the closed seats leave without a place
    assert len(result["chosen"]) == 1 and not at.error
    assert any("Places are still short" in w.value for w in at.warning)


def test_typed_points_report_every_bad_line_in_the_language_of_the_page():
    at = _open("fi")
    at.radio(key="wb.cand_source").set_value("points").run()
    at.text_area(key="wb.points").input("60.17,24.94\nabc,24.9\n60.1,24.9,-5\n")
    at.button(key="wb.opt_run").click().run()
    assert not at.exception, at.exception
    shown = at.session_state["wb.optimiser"]["input"]
    assert [text.split(":")[0] for text in shown] == ["points line 2 lat", "points line 3 capacity_seats"]
    assert translate("problems.candidates.lat", "fi") in shown[0]
    assert [e.value for e in at.error] == shown


def test_change_from_form_keeps_only_the_fields_of_the_action():
    assert core.change_from_form("close", " u1 ", lat=1.0, lon=2.0, capacity_seats=5.0) == \
        {"action": "close", "unit_id": "u1"}
    assert core.change_from_form("move", "u1", lat=60.1, lon=24.9, address=" Mikonkatu 11 ") == \
        {"action": "move", "unit_id": "u1", "address": "Mikonkatu 11"}
    assert core.change_from_form("resize", "u1", capacity_seats=84) == \
        {"action": "resize", "unit_id": "u1", "capacity_seats": 84.0}


def test_scenario_file_loads_and_a_bad_one_is_explained_under_the_uploader(after, dataset):
    import json

    at = _open("sv")
    good = {"format": "planner-scenario", "version": 1, "name": "stäng-1",
            "changes": [{"action": "resize", "unit_id": "demo-2", "capacity_seats": 84}]}
    at.file_uploader(key="wb.upload").set_value(("s.json", json.dumps(good).encode(), "application/json")).run()
    assert not at.exception, at.exception
    assert at.session_state["wb.scenario"]["changes"] == [{"action": "resize", "unit_id": "demo-2",
                                                            "capacity_seats": 84.0}]
    demo_2 = next(u for u in dataset.units if u.unit_id == "demo-2")
    name = core.unit_label(demo_2.unit_id, demo_2.name, bool(demo_2.demo), "sv")
    assert translate("siting.change.resize", "sv", unit_id=name, seats="84") in \
        [m.value.split(". ", 1)[-1] for m in at.markdown]
    bad = {"changes": [{"action": "explode", "unit_id": "demo-2"}]}
    at.file_uploader(key="wb.upload").set_value(("b.json", json.dumps(bad).encode(), "application/json")).run()
    following = after(at, "wb.upload", 1)
    assert type(following[0]).__name__ == "Error" and "changes[0].action" in following[0].value
    assert len(at.session_state["wb.scenario"]["changes"]) == 1     # the loaded scenario is kept


def test_a_scenario_file_that_does_not_apply_leaves_the_earlier_scenario_in_force(after):
    """A file closing a unit the dataset does not have is refused with the field named in the page's
    language; the scenario already on the page stays in force and on screen (guide: never lose input)."""
    import json

    at = _open("fi")
    good = {"name": "s", "changes": [{"action": "resize", "unit_id": "demo-2", "capacity_seats": 84}]}
    at.file_uploader(key="wb.upload").set_value(("s.json", json.dumps(good).encode(), "application/json")).run()
    kept = at.session_state["wb.scenario"]
    assert at.text_input(key="wb.scenario_name").value == "s"
    shown = [m.value for m in at.markdown if m.value.startswith("1. ")]
    bad = {"name": "b", "changes": [{"action": "close", "unit_id": "no-such-unit"}]}
    at.file_uploader(key="wb.upload").set_value(("b.json", json.dumps(bad).encode(), "application/json")).run()
    assert not at.exception, at.exception
    texts = [e.value for e in after(at, "wb.upload", 2)]
    assert "changes[0].unit_id" in texts[0] and "no-such-unit" in texts[0]
    assert texts[1] == translate("app_planner.whatif.load_kept", "fi")
    assert at.session_state["wb.scenario"] == kept
    assert [m.value for m in at.markdown if m.value.startswith("1. ")] == shown
    assert translate("app_planner.opt.scenario_invalid", "fi") not in [w.value for w in at.warning]


def test_a_change_another_needs_is_not_removed():
    """Removing the addition of new-1 while a later change resizes new-1 would break the scenario: the
    page keeps both changes and says which one to remove first."""
    at = _open("en")
    at.session_state["wb.scenario"] = {
        "format": "planner-scenario", "version": 1, "name": "s", "description": "",
        "changes": [{"action": "add", "unit_id": "new-1", "lat": 60.1745, "lon": 24.944},
                    {"action": "close", "unit_id": "demo-1"},
                    {"action": "resize", "unit_id": "new-1", "capacity_seats": 40}]}
    at.run()
    at.button(key="wb.remove.0").click().run()
    assert len(at.session_state["wb.scenario"]["changes"]) == 3
    assert translate("app_planner.whatif.remove_blocked", "en", number=1, other=3) in [e.value for e in at.error]
    at.button(key="wb.remove.2").click().run()
    at.button(key="wb.remove.0").click().run()
    assert at.session_state["wb.scenario"]["changes"] == [{"action": "close", "unit_id": "demo-1"}]
    assert not at.error, [e.value for e in at.error]


def test_unit_label_marks_demo_units_exactly_once():
    assert core.unit_label("demo-1", "Demo: Päiväkoti Aurinko", True, "en") == "Päiväkoti Aurinko (demo)"
    assert core.unit_label("demo-1", "demo - Aurinko", True, "fi") == \
        "Aurinko (" + translate("app_planner.demo", "fi") + ")"
    assert core.unit_label("u1", "Päiväkoti Aurinko", True, "sv") == \
        "Päiväkoti Aurinko (" + translate("app_planner.demo", "sv") + ")"
    assert core.unit_label("u1", "Demokratia-päiväkoti", False, "en") == "Demokratia-päiväkoti"
    assert core.unit_label("u1", "Demo:", True, "en") == "u1 (demo)"
    assert core.unit_label("u1", None, False, "en") == "u1"


@pytest.mark.parametrize("lang, expected", [("en", "Within 7.5 min, %"), ("fi", "7.5 min sisällä, %"),
                                            ("sv", "Inom 7.5 min, %")])
def test_coverage_metric_label_is_short(lang, expected):
    assert core.coverage_label(7.5, lang) == expected


def test_maps_in_tabs_refit_their_bounds_once_shown():
    """A map in a hidden tab is drawn at size 0 (world zoom, map clicks far away): the page adds a
    script that refits the dataset's bounds when the map gets its size."""
    import ast

    import folium

    source = (REPO / "pages" / "planner_workbench.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    func = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "_refit_when_shown")
    namespace: dict = {"Any": object}
    exec(compile(ast.Module([func], []), "refit", "exec"), namespace)
    fmap = folium.Map(tiles=None)
    fmap.add_child(namespace["_refit_when_shown"]([[60.16, 24.93], [60.18, 24.96]]))
    html = fmap.get_root().render()
    assert "ResizeObserver" in html
    assert "[[60.16, 24.93], [60.18, 24.96]]" in html
    assert "fitBounds(box)" in html and fmap.get_name() in html


def test_optimiser_says_when_it_ignores_a_broken_scenario():
    """A scenario whose change cannot apply (closing a unit that does not exist) is not dropped silently."""
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state["lang"] = "en"
    at.session_state["wb.show_maps"] = False
    at.session_state["wb.scenario"] = {"format": "planner-scenario", "version": 1, "name": "s", "description": "",
                                       "changes": [{"action": "close", "unit_id": "no-such-unit"}]}
    at.run()
    assert not at.exception, at.exception
    assert translate("app_planner.opt.scenario_invalid", "en") in [w.value for w in at.warning]


def test_transit_has_a_timetable_day_and_arrival_time_through_the_one_time_model():
    import datetime as dt

    at = _open("fi")
    assert not at.get("date_input")                                  # walking: no timetable controls
    at.selectbox(key="wb.mode").set_value("transit").run()
    assert not at.exception, at.exception
    assert at.time_input(key="wb.transit_arrive").value == dt.time(8, 0)
    captions = " ".join(c.value for c in at.caption)
    assert "tyypillinen arkipäivä" in captions                        # which day is used, said on the page
    at.time_input(key="wb.transit_arrive").set_value(dt.time(3, 0)).run()   # outside the service hours
    assert not at.exception, at.exception
    assert "Varoitus" in " ".join(c.value for c in at.caption) and "03:00" in " ".join(c.value for c in at.caption)


def test_numbers_are_typed_the_finnish_way_and_a_wrong_one_is_named():
    """No browser number field (English tooltips, "10.00"): the time limit and coordinates are text boxes
    read with a decimal comma; a text that is no number is named under its box and the last value kept."""
    at = _open("fi")
    assert not at.number_input
    assert at.text_input(key="wb.minutes._text").value == "10"
    at.text_input(key="wb.minutes._text").set_value("12,5").run()
    assert at.session_state["wb.minutes"] == 12.5
    at.text_input(key="wb.minutes._text").set_value("kymmenen").run()
    assert any("kirjoita luku numeroina" in e.value for e in at.error)
    assert at.session_state["wb.minutes"] == 12.5 and at.text_input(key="wb.minutes._text").value == "kymmenen"
    at.text_input(key="wb.lat._text").set_value("60,171").run()
    assert at.session_state["wb.lat"] == pytest.approx(60.171)
