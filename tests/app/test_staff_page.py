"""Staff page (placement offers): AppTest in every language plus hand-worked checks of its glue.

The round below is worked out by hand on the default dataset's demo units (free seats: demo-1 3,
demo-2 0, demo-3 2 (the only shift-care unit), demo-4 5 (fi+sv, from 36 months), demo-5 4 (the only
English unit), demo-6 1, demo-7 2, demo-8 1, demo-9 0):

* c3 (sv, 4 y) can only go to demo-4: demo-2 is full and every other unit teaches in Finnish/English;
* c4 (en) can only go to demo-5, c5 (shift care) only to demo-3;
* c6 (sv, 15 months) fits nowhere: demo-2 has no free seat, demo-4 takes children from 36 months and
  the other 7 units teach in another language → 7 of 8 children get an offer.
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

from pages import _staff_core as core  # noqa: E402

PAGE = str(REPO / "pages" / "staff_offers.py")
HEADER = "child_id,lat,lon,birth_date,start_date,weekly_hours,language,shift_care,sibling_group"
CHILDREN_CSV = "\n".join([
    HEADER,
    "c1,60.1700,24.9450,2024-03-10,2026-08-01,40,fi,false,",
    "c2,60.1699,24.9510,2022-01-15,2026-08-01,40,fi,false,",
    "c3,60.1765,24.9380,2022-02-01,2026-08-01,35,sv,false,",
    "c4,60.1660,24.9515,2023-03-01,2026-08-01,20,en,false,",
    "c5,60.1762,24.9520,2024-05-01,2026-08-01,40,fi,true,",
    "c6,60.1760,24.9378,2025-05-01,2026-08-01,40,sv,false,",
    "c7,60.1683,24.9367,2021-09-01,2026-08-01,40,fi,false,g1",
    "c8,60.1683,24.9367,2023-01-01,2026-08-01,40,fi,false,g1",
]) + "\n"


def _open(lang: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    return at


def _run_pasted(at: AppTest, text: str, method: str = "optimal") -> AppTest:
    at.radio(key="staff.source").set_value("paste").run()
    at.radio(key="staff.method").set_value(method)
    at.text_area(key="staff.paste").input(text)
    at.button(key="staff.run").click().run()
    assert not at.exception, at.exception
    return at


def _frames(at: AppTest) -> list:
    return [frame.value for frame in at.dataframe]


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_round_shows_offers_reasons_and_downloads_in_every_language(lang):
    at = _open(lang)
    assert at.title[0].value == translate("app_staff.title", lang)
    assert translate("app_staff.privacy", lang) in [i.value for i in at.info]
    _run_pasted(at, CHILDREN_CSV)
    assert not at.error, [e.value for e in at.error]
    method = translate("app_staff.method_name.optimal", lang)
    assert at.success[0].value == translate("app_staff.summary", lang, offers=7, children=8, unplaced=1,
                                            method=method, status="optimal")
    offers = _frames(at)[0]
    col = lambda key: translate(f"app_staff.col.{key}", lang)  # noqa: E731
    assert len(offers) == 7
    by_child = dict(zip(offers[col("child_id")], offers[col("unit_id")]))
    assert by_child["c3"] == "demo-4" and by_child["c4"] == "demo-5" and by_child["c5"] == "demo-3"
    assert all(translate("app_staff.reason.rules", lang) in reason for reason in offers[col("reason")])
    assert all("(demo)" in name for name in offers[col("unit")])
    unplaced = _frames(at)[1]
    assert list(unplaced[col("child_id")]) == ["c6"]
    reason = unplaced[col("reason")].iloc[0]
    assert translate("app_staff.unplaced.rule.language", lang, units=7, minutes="60") in reason
    assert translate("app_staff.unplaced.rule.age", lang, units=1, minutes="60") in reason
    buttons = {b.key: b.label for b in at.get("download_button")}
    assert buttons == {"staff.dl_offers": translate("app_staff.download_offers", lang),
                       "staff.dl_evaka": translate("app_staff.download_evaka", lang)}
    result = at.session_state["staff.result"]
    assert result["evaka_csv"].splitlines()[0] == "lapsen_id;esiopetusyksikon_id"
    assert len(result["evaka_csv"].splitlines()) == 8
    assert result["offers_csv"].splitlines()[0] == "child_id,unit_id,travel_time_s,reason"


def test_deferred_acceptance_is_stable_and_tables_by_area_and_language():
    at = _run_pasted(_open("en"), CHILDREN_CSV, method="deferred")
    result = at.session_state["staff.result"]
    assert result["status"] == "stable" and result["envy"] == []
    assert translate("app_staff.no_envy", "en") in [c.value for c in at.caption]
    languages = {row["group"]: row["children"] for row in result["by_language"]}
    assert languages == {"en": 1, "fi": 5, "sv": 1}
    frames = _frames(at)
    assert list(frames[-1][translate("app_staff.col.group", "en")]) == ["en", "fi", "sv"]


def test_public_transport_round_uses_the_timetable():
    at = _open("sv")
    at.selectbox(key="staff.mode").set_value("transit")
    at = _run_pasted(at, CHILDREN_CSV)
    assert not at.error, [e.value for e in at.error]
    result = at.session_state["staff.result"]
    assert result["mode"] == "transit" and len(result["offers"]) == 7
    mode = translate("app_staff.mode_name.transit", "sv")
    assert all(f"({mode})" in offer["reason"] for offer in result["offers"])


def test_bad_row_shows_error_under_the_input_and_keeps_the_other_inputs(after):
    at = _open("en")
    at.radio(key="staff.source").set_value("paste").run()
    at.radio(key="staff.method").set_value("deferred")
    at.selectbox(key="staff.mode").set_value("bike")
    at.text_area(key="staff.paste").input(HEADER + "\nc1,60.17,24.94,2030-01-01,2026-08-01,40,fi,false,\n")
    at.button(key="staff.run").click().run()
    following = after(at, "staff.paste", 1)
    assert type(following[0]).__name__ == "Error"
    assert "children row 2 birth_date" in following[0].value
    assert at.session_state["staff.result"] is None
    assert at.radio(key="staff.method").value == "deferred"
    assert at.selectbox(key="staff.mode").value == "bike"
    assert at.text_area(key="staff.paste").value.startswith(HEADER)


def test_example_file_can_be_chosen(tmp_path, monkeypatch):
    (tmp_path / "children-demo.csv").write_text(CHILDREN_CSV, encoding="utf-8")
    monkeypatch.setattr(core, "EXAMPLES_DIR", tmp_path)
    at = _open("fi")
    at.radio(key="staff.source").set_value("example").run()
    assert at.selectbox(key="staff.example").options == ["children-demo.csv"]
    at.button(key="staff.run").click().run()
    assert len(at.session_state["staff.result"]["offers"]) == 7


def test_forget_removes_the_result():
    at = _run_pasted(_open("en"), CHILDREN_CSV)
    assert at.session_state["staff.result"] is not None
    at.button(key="staff.forget").click().run()
    assert at.session_state["staff.result"] is None
    assert at.text_area(key="staff.paste").value == ""
    assert not at.get("download_button")


def test_download_files_are_exact():
    offers = [{"child_id": "a", "unit_id": "u1", "travel_time_s": 299.6, "reason": "x, y"},
              {"child_id": "b", "unit_id": "u2", "travel_time_s": 60.0, "reason": "z"}]
    assert core.offers_to_csv(offers) == 'child_id,unit_id,travel_time_s,reason\na,u1,300,"x, y"\nb,u2,60,z\n'
    assert core.evaka_csv(offers) == "lapsen_id;esiopetusyksikon_id\na;u1\nb;u2\n"


def test_distribution_hand_worked():
    offers = [{"language": "fi", "travel_min": m} for m in (1.0, 2.0, 3.0, 10.0)] + \
             [{"language": "sv", "travel_min": 4.0}, {"language": "sv", "travel_min": None}]
    rows = {r["group"]: r for r in core.distribution(offers, "language")}
    assert rows["fi"] == {"group": "fi", "children": 4, "mean_min": 4.0, "median_min": 2.5, "p90_min": 7.9,
                          "max_min": 10.0}
    assert rows["sv"]["children"] == 1


def test_children_data_is_never_cached_or_written():
    for name in ("staff_offers.py", "_staff_core.py"):
        source = (REPO / "pages" / name).read_text(encoding="utf-8")
        assert "cache_data" not in source and "cache_resource" not in source
        assert "open(" not in source and "write_text" not in source and "logging" not in source


def test_uploaded_file_is_read_in_memory():
    at = _open("fi")
    at.file_uploader(key="staff.upload").set_value(("lapset.csv", CHILDREN_CSV.encode("utf-8"), "text/csv"))
    at.button(key="staff.run").click().run()
    assert not at.exception, at.exception
    assert len(at.session_state["staff.result"]["offers"]) == 7
