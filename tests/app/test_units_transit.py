"""Units page with a public transport commuter: the timetable day / leaving time controls (kept in the
family's ``transit`` object, re-ranking) and the chosen unit's legs with line names (fi/sv/en)."""
from __future__ import annotations

import datetime as dt

from planner.i18n import translate
from tests.app.conftest import open_app


def test_transit_controls_rerank_and_the_chosen_unit_shows_its_legs():
    at = open_app("family", "sv")
    at.selectbox(key="f.adults.0.commute_mode").set_value("transit").run()
    at.switch_page("pages/units.py").run()
    assert not at.exception, at.exception
    assert at.time_input(key="u.transit_depart").value is None          # empty: an hour before work
    at.time_input(key="u.transit_depart").set_value(dt.time(7, 30)).run()
    at.date_input(key="u.transit_date").set_value(dt.date(2026, 3, 4)).run()
    assert not at.exception, at.exception
    assert at.session_state["family"]["transit"] == {"date": "2026-03-04", "depart": "07:30"}
    texts = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert translate("app.units.transit.used", "sv", date="2026-03-04", time="07:30") in texts.replace("\\", "")
    title = translate("app.units.journeys.title", "sv", name="").strip()
    assert title in texts
    parts = [m.value for m in at.markdown if "avgång" in m.value]   # "Hem → enhet, avgång 07:30, framme …"
    assert parts or translate("app.units.journeys.none", "sv") in texts
    for part in parts:
        assert "\n- " in part   # each part lists its legs
    # back on the Family page and here again: the settings are still there (kept in the family dict)
    at.switch_page("pages/family.py").run()
    at.switch_page("pages/units.py").run()
    assert at.time_input(key="u.transit_depart").value == dt.time(7, 30)


def test_a_swedish_speaking_childs_map_shows_the_swedish_areas():
    import json

    from planner.datasets import load_dataset

    def area_labels(at) -> int:
        script = json.loads(at.get("component_instance")[0].proto.json_args)["script"]
        return script.count('\\"label\\"') + script.count('"label"')

    at = open_app("family", "sv")
    finnish_labels = area_labels(open_app("units", "sv"))
    at.session_state["family"]["children"][0]["language"] = "sv"
    at.switch_page("pages/units.py").run()
    assert not at.exception, at.exception
    areas = load_dataset(at.session_state["dataset_name"]).catchments
    swedish = areas.language_polygons.get("sv") or {}
    assert swedish and len(swedish) < len(areas.polygons)
    # the map's areas are the Swedish partition now (fewer polygons than the Finnish one)
    assert area_labels(at) < finnish_labels
