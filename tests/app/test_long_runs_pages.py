"""Planner and Staff pages: a run that reaches its deadline says so in the page's language and leaves
no result (AppTest; the deadline is made tiny so the first check of the run is past it).

The Stop button and a closed tab are proved in a real browser (tests/browser/test_long_runs.py)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from pages import longrun  # noqa: E402
from planner.progress import Cancelled  # noqa: E402

CHILDREN_CSV = ("child_id,lat,lon,birth_date,start_date,weekly_hours,language,shift_care,sibling_group\n"
                "c1,60.1700,24.9450,2022-03-10,2026-08-01,40,fi,false,\n")


def _open(page: str, lang: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "pages" / page), default_timeout=120)
    at.session_state["lang"] = lang
    at.session_state["dataset_name"] = "demo"
    at.session_state["wb.show_maps"] = False
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_optimiser_at_its_deadline_says_so_and_shows_no_sites(lang, monkeypatch):
    at = _open("planner_workbench.py", lang)
    monkeypatch.setattr(longrun, "OPTIMISER_LIMIT_S", 1e-9)
    at.text_input(key="wb.grid_m._text").set_value("500.0")
    at.button(key="wb.opt_run").click().run()
    assert not at.exception, at.exception
    expected = Cancelled("deadline", limit_s=1e-9).text(lang)
    assert at.session_state["wb.optimiser"] == {"cancelled": expected}
    assert expected in [w.value for w in at.warning]
    assert not at.success   # no explanation of chosen sites


def test_a_round_at_its_deadline_says_so_and_keeps_no_result(monkeypatch):
    at = _open("staff_offers.py", "fi")
    monkeypatch.setattr(longrun, "ROUND_LIMIT_S", 1e-9)
    at.radio(key="staff.source").set_value("paste").run()
    at.text_area(key="staff.paste").input(CHILDREN_CSV)
    at.button(key="staff.run").click().run()
    assert not at.exception, at.exception
    assert at.session_state["staff.result"] is None
    expected = Cancelled("deadline", limit_s=1e-9).text("fi")
    assert at.session_state["staff.problems"] == [expected]
    assert any(expected in e.value for e in at.error) or any(expected in w.value for w in at.warning)
