"""Planner page, Plans tab: with the EXAMPLE plan the tab warns that it is an example, lists the dated
changes and shows today vs the plan date and the forecast (values from planner.plans called directly)."""
from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from planner.i18n import translate

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
PAGE = str(REPO / "pages" / "planner_workbench.py")
SAMPLE = REPO / "docs" / "examples" / "plan-example"


@pytest.fixture(scope="module")
def planned_dir(tmp_path_factory):
    from planner.datasets import load_dataset
    from planner.plans.commands import import_layer

    source = load_dataset(None)
    folder = tmp_path_factory.mktemp("plans-app")
    shutil.copytree(source.path, folder / source.name)
    old = os.environ.get("PLANNER_DATA_DIR")
    os.environ["PLANNER_DATA_DIR"] = str(folder)
    st.cache_resource.clear()     # the page's dataset cache must see the copy, not an earlier load
    try:
        dataset = load_dataset(None)
        import_layer(dataset, "example", units=str(SAMPLE / "planned-units.csv"),
                     lines=[str(SAMPLE / "line-tram-15-example.json")], housing=str(SAMPLE / "housing.csv"),
                     example=True)
        yield dataset
    finally:
        st.cache_resource.clear()
        if old is None:
            os.environ.pop("PLANNER_DATA_DIR", None)
        else:
            os.environ["PLANNER_DATA_DIR"] = old


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_plans_tab_shows_the_example_plan(planned_dir, lang):
    at = AppTest.from_file(PAGE, default_timeout=180)
    at.session_state["lang"] = lang
    at.session_state["wb.show_maps"] = lang == "en"     # one language draws the maps
    at.session_state["wb.mode"] = "walk"
    at.session_state["wb.tab"] = translate("plans.page.tab", lang)   # the Plans tab on screen: its map is drawn
    at.run()
    assert not at.exception, at.exception
    tab = at.tabs[3]
    assert tab.label == translate("plans.page.tab", lang)
    assert any(w.value == translate("plans.page.example", lang) for w in tab.warning)
    frames = [d.value for d in tab.dataframe]
    events, overall, units, forecast, demand = frames
    what = translate("plans.page.col.what", lang)
    assert translate("plans.page.kind.unit_opens", lang) in set(events[what])
    assert translate("plans.page.kind.line_starts", lang) in set(events[what])
    status = dict(zip(units[translate("plans.page.col.unit", lang)], units[translate("plans.page.col.status", lang)]))
    added = [name for name, value in status.items() if value == translate("plans.page.status.added", lang)]
    assert len(added) == 1 and "Kaisaniemi" in added[0]
    assert len(forecast) == len(planned_dir.units) + 1
    assert translate("plans.page.col.housing", lang) in demand.columns
    births = "7,7" if lang == "fi" else "7.7"               # Finnish decimal comma
    assert any(births in c.value for c in tab.caption)    # the assumptions stated next to the figures
    assert translate("plans.page.horizon.months", lang, n=3) in " ".join(forecast.columns)
    if lang == "en":
        assert translate("plans.page.map_legend", lang) in [c.value for c in tab.caption]


def test_units_page_shows_the_plans_for_the_start_date(planned_dir):
    from tests.app.conftest import open_app

    at = open_app("family", "en")
    family = json.loads(json.dumps(at.session_state["family"]))
    family["home"] = {"lat": 60.1738, "lon": 24.9497}
    for child in family["children"]:
        child["start_date"] = "2027-09-01"
    at.session_state["family"] = family
    at.switch_page("pages/units.py").run()
    assert not at.exception, at.exception
    box = next(e for e in at.expander if e.label == translate("plans.family.title", "en"))
    assert any(w.value == translate("plans.page.example", "en") for w in box.warning)
    assert any("2027-09-01" in c.value for c in box.caption)
    texts = " ".join(m.value for m in box.markdown)
    assert "From 2027-08 a new unit" in texts and "Kaisaniemi" in texts     # the planned unit near home
    box.toggle[0].set_value(True).run()
    assert not at.exception, at.exception
    box = next(e for e in at.expander if e.label == translate("plans.family.title", "en"))
    lines = [m.value for m in box.markdown]
    assert any(band in " ".join(lines) for band in ("likely", "uncertain", "unlikely"))
    assert any("not a probability" in c.value for c in box.caption)
