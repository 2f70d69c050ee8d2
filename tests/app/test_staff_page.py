"""Staff page (placement offers): AppTest in every language plus hand-worked checks of its glue.

The round below is worked out by hand on the ``demo`` fixture dataset's fictional units (free seats: demo-1 3,
demo-2 0, demo-3 2 (the only shift-care unit), demo-4 5 (fi+sv, from 36 months), demo-5 4 (the only
English unit), demo-6 1, demo-7 2, demo-8 1, demo-9 0):

* c3 (sv, 4 y) can only go to demo-4: demo-2 is full and every other unit teaches in Finnish/English;
* c4 (en) can only go to demo-5, c5 (shift care) only to demo-3;
* c6 (sv, 15 months) fits nowhere: demo-2 has no free seat, demo-4 takes children from 36 months and
  the other 7 units teach in another language → 7 of 8 children get an offer; the planner's reason is
  "capacity" (a Swedish-language unit for its age exists, demo-2, but has no free seat).

Every reason, table and file shown must be the one ``planner.placement`` returns for the same inputs.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from planner.i18n import translate
from planner.placement.report import daycare_offers_csv, offers_to_csv

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
    at.session_state["dataset_name"] = "demo"  # the hand-worked round uses the fictional demo units
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


def _planner_report(lang: str, method: str = "optimal", mode: str = "walk", max_minutes: float = 60.0,
                    seed: int = 0):
    """The report ``planner.placement`` itself gives for CHILDREN_CSV on the demo dataset."""
    from planner.datasets import load_dataset
    from planner.placement.commands import plan_offers, rules_for, travel_inputs

    dataset = load_dataset("demo")
    children = core.read_children_strict(CHILDREN_CSV, addresses=dataset.addresses)
    units = list(dataset.units)
    travel, catchment_units = travel_inputs(dataset, children, units, mode)
    return plan_offers(children, units, travel, catchment_units, method=method,
                       rules=rules_for(max_minutes, seed), lang=lang, mode=mode)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_round_shows_the_planners_report_and_downloads_in_every_language(lang):
    at = _open(lang)
    assert at.title[0].value == translate("app_staff.title", lang)
    assert translate("app_staff.privacy", lang) in [i.value for i in at.info]
    _run_pasted(at, CHILDREN_CSV)
    assert not at.error, [e.value for e in at.error]
    method = translate("app_staff.method_name.optimal", lang)
    status = translate("app_staff.status_name.optimal", lang)
    assert at.success[0].value == translate("app_staff.summary", lang, offers=7, children=8, unplaced=1,
                                            method=method, status=status)
    expected = _planner_report(lang)
    offers = _frames(at)[0]
    col = lambda key: translate(f"app_staff.col.{key}", lang)  # noqa: E731
    assert len(offers) == 7
    by_child = dict(zip(offers[col("child_id")], offers[col("unit_id")]))
    assert by_child["c3"] == "demo-4" and by_child["c4"] == "demo-5" and by_child["c5"] == "demo-3"
    assert list(offers[col("reason")]) == [o["reason"] for o in expected["offers"]]
    assert translate("placement.offer.catchment", lang, minutes=2, unit="demo-1",
                     mode=translate("placement.mode.walk", lang)) == offers[col("reason")].iloc[0]
    assert all(name.count("(demo)") == 1 and not name.lower().startswith("demo:") for name in offers[col("unit")])
    unplaced = _frames(at)[1]
    assert list(unplaced[col("child_id")]) == ["c6"]
    assert unplaced[col("reason")].iloc[0] == translate(
        "placement.unplaced.capacity", lang, language=translate("placement.language.sv", lang), minutes=60)
    occupancy = _frames(at)[2]
    assert list(occupancy[col("used_seats")]) == [row["used_seats"] for row in expected["occupancy"]]
    buttons = {b.key: b.label for b in at.get("download_button")}
    assert buttons == {"staff.dl_offers": translate("app_staff.download_offers", lang),
                       "staff.dl_daycare": translate("app_staff.download_daycare", lang),
                       "staff.dl_report_csv": translate("app_staff.download_report_csv", lang),
                       "staff.dl_report_html": translate("app_staff.download_report_html", lang)}
    result = at.session_state["staff.result"]
    assert result["evaka_csv"] is None  # a daycare round: no eVaka preschool file
    assert result["daycare_csv"] == daycare_offers_csv(expected)
    assert result["daycare_csv"].splitlines()[0] == "\ufefflapsen_id;varhaiskasvatusyksikon_id;matka_min;peruste"
    assert result["offers_csv"] == offers_to_csv(expected)
    assert result["offers_csv"].splitlines()[0] == "child_id,unit_id,travel_time_s,reason"


def test_deferred_acceptance_is_stable_and_tables_by_area_and_language():
    at = _run_pasted(_open("en"), CHILDREN_CSV, method="deferred-acceptance")
    result = at.session_state["staff.result"]
    assert result["method"] == "deferred-acceptance"
    assert result["status"] == "stable" and result["justified_envy"] == []
    assert translate("app_staff.no_envy", "en") in [c.value for c in at.caption]
    assert translate("app_staff.status_name.stable", "en") in at.success[0].value
    languages = {row["language"]: (row["children"], row["placed"]) for row in result["travel_time_by_language"]}
    assert languages == {"en": (1, 1), "fi": (5, 5), "sv": (2, 1)}
    frames = _frames(at)
    group = translate("app_staff.col.group", "en")
    names = [translate(f"app.language.{code}", "en") for code in ("en", "fi", "sv")]   # by name, not code
    by_language = next(f for f in frames if group in f.columns and list(f[group]) == names)
    assert list(by_language[translate("app_staff.col.group", "en")]) == names
    # c4 (en) walks 19.0 s to demo-5: shown as 0.3 min
    assert by_language[translate("app_staff.col.mean_min", "en")].iloc[0] == pytest.approx(
        round(result["travel_time_by_language"][0]["mean_travel_time_s"] / 60, 1))


def test_optimal_round_lists_justified_envy_pairs():
    at = _run_pasted(_open("en"), CHILDREN_CSV)
    envy = at.session_state["staff.result"]["justified_envy"]
    assert envy, "the MILP trades envy for catchment placements in this round"
    table = _frames(at)[3]
    assert list(table[translate("app_staff.col.child_id", "en")]) == [row["child_id"] for row in envy]
    from planner.datasets import load_dataset

    names = {u.unit_id: core.unit_name(u.unit_id, u.name, bool(u.demo), "en") for u in load_dataset("demo").units}
    assert list(table[translate("app_staff.col.envies", "en")]) == [names[row["unit_id"]] for row in envy]  # by name


def test_seed_reaches_deferred_acceptance():
    at = _open("fi")
    at.text_input(key="staff.seed._text").set_value("3")
    at = _run_pasted(at, CHILDREN_CSV, method="deferred-acceptance")
    expected = _planner_report("fi", method="deferred-acceptance", seed=3)
    assert at.session_state["staff.result"]["offers"] == expected["offers"]


def test_public_transport_round_uses_the_timetable():
    at = _open("sv")
    at.selectbox(key="staff.mode").set_value("transit")
    at = _run_pasted(at, CHILDREN_CSV)
    assert not at.error, [e.value for e in at.error]
    result = at.session_state["staff.result"]
    assert result["mode"] == "transit" and len(result["offers"]) == 7


def test_shorter_trip_limit_reaches_the_planner():
    at = _open("en")
    at.text_input(key="staff.max_minutes._text").set_value("5.0")
    at = _run_pasted(at, CHILDREN_CSV)
    result = at.session_state["staff.result"]
    expected = _planner_report("en", max_minutes=5.0)
    assert [o["child_id"] for o in result["offers"]] == [o["child_id"] for o in expected["offers"]]
    assert "c3" in {row["child_id"] for row in result["unplaced"]}  # c3 walks 21 min to demo-4
    assert any("5 min" in row["reason"] for row in result["unplaced"])


def test_bad_row_shows_error_under_the_input_and_keeps_the_other_inputs(after):
    at = _open("en")
    at.radio(key="staff.source").set_value("paste").run()
    at.radio(key="staff.method").set_value("deferred-acceptance")
    at.selectbox(key="staff.mode").set_value("bike")
    at.text_area(key="staff.paste").input(HEADER + "\nc1,60.17,24.94,2030-01-01,2026-08-01,40,fi,false,\n")
    at.button(key="staff.run").click().run()
    following = after(at, "staff.paste", 1)
    assert type(following[0]).__name__ == "Error"
    assert "children row 2 birth_date" in following[0].value
    assert at.session_state["staff.result"] is None
    assert at.radio(key="staff.method").value == "deferred-acceptance"
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


def test_page_layer_has_no_reasons_csv_writers_or_distributions_of_its_own():
    source = (REPO / "pages" / "_staff_core.py").read_text(encoding="utf-8")
    for name in ("_offer_reason", "_unplaced_reason", "def distribution", "def offers_to_csv", "def evaka_csv",
                 "def travel_times", "import csv", "solve_optimal", "solve_deferred"):
        assert name not in source
    page = (REPO / "pages" / "staff_offers.py").read_text(encoding="utf-8")
    assert "planner.placement" not in page.replace("``planner.placement``", "")


def test_run_round_rejects_unknown_method_and_trip_limit():
    from planner.errors import InputError

    with pytest.raises(InputError) as error:
        core.run_round([], [], [], None, method="lottery", mode="walk", max_minutes=60, lang="en")
    assert error.value.problems[0].field == "method"
    with pytest.raises(InputError) as error:
        core.run_round([], [], [], None, method="optimal", mode="walk", max_minutes=0, lang="en")
    assert error.value.problems[0].field == "--max-minutes"


def test_small_example_is_the_default_example():
    at = _open("en")
    at.radio(key="staff.source").set_value("example").run()
    assert at.selectbox(key="staff.example").value == "children-small.csv"
    at.button(key="staff.run").click().run()
    result = at.session_state["staff.result"]
    assert len(result["offers"]) + len(result["unplaced"]) == 10


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


def test_unit_name_marks_demo_units_exactly_once():
    assert core.unit_name("demo-2", "Demo: Daghemmet Måsen", True, "sv") == "Daghemmet Måsen (demo)"
    assert core.unit_name("u1", "Päiväkoti Aurinko", False, "fi") == "Päiväkoti Aurinko"
    assert core.unit_name("u1", "", True, "en") == "u1 (demo)"


def test_review_loop_on_the_page_keeps_accepted_and_shows_rejections():
    at = _run_pasted(_open("en"), CHILDREN_CSV)
    first = {o["child_id"]: o["unit_id"] for o in at.session_state["staff.result"]["offers"]}
    at.selectbox(key="staff.review_child").set_value("c1")
    at.radio(key="staff.review_decision").set_value("accepted")
    at.button(key="staff.review_save").click().run()
    at.selectbox(key="staff.review_child").set_value("c2")
    at.radio(key="staff.review_decision").set_value("rejected")
    at.selectbox(key="staff.review_reason").set_value("too_far")
    at.button(key="staff.review_save").click().run()
    assert set(at.session_state["staff.decisions"]) == {"c1", "c2"}
    at.button(key="staff.rerun").click().run()
    assert not at.exception, at.exception
    result = at.session_state["staff.result"]
    now = {o["child_id"]: o["unit_id"] for o in result["offers"]}
    assert now["c1"] == first["c1"] and now.get("c2") != first["c2"]
    assert result["review"]["rejected"] == [{"child_id": "c2", "unit_id": first["c2"], "decision": "rejected",
                                             "reason": "too_far"}]
    frames = _frames(at)
    rejected = next(f for f in frames if translate("app_staff.col.reason_code", "en") in f.columns
                    and list(f[translate("app_staff.col.child_id", "en")]) == ["c2"])
    assert rejected[translate("app_staff.col.reason_code", "en")].iloc[0] == translate("app_staff.reason_name.too_far",
                                                                                        "en")
    changes = {c["child_id"]: c["change"] for c in result["changes"]}
    assert changes["c1"] == "kept" and changes["c2"] in ("moved", "lost")


def test_preschool_round_with_evaka_files_on_the_page():
    from planner.datasets import load_dataset
    from planner.placement.evaka import read_evaka_placements

    at = _open("fi")
    chosen = at.session_state["dataset_name"] if "dataset_name" in at.session_state else None
    dataset = load_dataset(chosen)  # the dataset the page uses: its addresses and units
    entries = [e for e in dataset.addresses.entries if e.housenumber][:2]
    kids = ("lapsen_id;lapsen_sukunimi;lapsen_etunimi;lapsen_syntyma_pvm;lapsen_kieli;lapsen_osoite;postinumero;"
            "toimipaikka;toimintayksikon_id;toimintayksikon_nimi;ominaisuudet\n"
            f"150320A345C;X;Y;15.03.2020;fi;{entries[0].street} {entries[0].housenumber};00100;HELSINKI;;;\n"
            f"8d3f6a0e-1b2c-4d5e-9f00-000000000002;X;Y;02.02.2020;fi;{entries[1].street} {entries[1].housenumber};"
            "00100;HELSINKI;;;\n")
    unit = dataset.units[0]
    units = ("Id;Nimi;Lahiosoite;Postinumero;Postitoimipaikka;Paikkojen_lkm;ominaisuudet;kieli;lat;lon\n"
             f"5a6b7c8d-0000-4000-8000-000000000001;Esikoulu;-;00100;HELSINKI;14;;fi;{unit.lat};{unit.lon}\n")
    at.radio(key="staff.kind").set_value("preschool").run()
    at.selectbox(key="staff.municipality").set_value("Helsinki")
    at.radio(key="staff.format").set_value("evaka")
    at.radio(key="staff.units_source").set_value("evaka").run()
    at.file_uploader(key="staff.units_upload").set_value(("Esiopetusyksikot.csv", units.encode("utf-8"), "text/csv"))
    at.file_uploader(key="staff.upload").set_value(("Esiopetusoppilaat_rakenne.csv", kids.encode("utf-8"), "text/csv"))
    at.button(key="staff.run").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    result = at.session_state["staff.result"]
    assert result["kind"] == "preschool" and result["rule_set"]["municipality"] == "Helsinki"
    buttons = {b.key for b in at.get("download_button")}
    assert "staff.dl_evaka" in buttons and "staff.dl_daycare" not in buttons
    assert {o["child_id"] for o in result["offers"]} == {"150320A****", "8d3f6a0e-1b2c-4d5e-9f00-000000000002"}
    assert read_evaka_placements(result["evaka_csv"]) == {
        "150320A345C": "5a6b7c8d-0000-4000-8000-000000000001",
        "8d3f6a0e-1b2c-4d5e-9f00-000000000002": "5a6b7c8d-0000-4000-8000-000000000001"}
    shown = " ".join(str(f.to_dict()) for f in _frames(at))
    assert "345C" not in shown and "150320A****" in shown  # masked everywhere on the page


def test_pasted_path_is_not_read_on_the_page():
    at = _open("en")
    at.radio(key="staff.source").set_value("paste").run()
    at.text_area(key="staff.paste").input("/etc/passwd")
    at.button(key="staff.run").click().run()
    assert not at.exception
    texts = " ".join(e.value for e in at.error)
    assert "root:" not in texts and "columns" in texts


def test_evaka_example_files_make_a_preschool_round_without_uploads():
    at = _open("sv")
    at.radio(key="staff.source").set_value("example").run()  # the children example is chosen first
    at.radio(key="staff.kind").set_value("preschool").run()
    at.radio(key="staff.format").set_value("evaka").run()
    at.radio(key="staff.units_source").set_value("evaka_example").run()
    assert at.selectbox(key="staff.example").options == ["evaka-esiopetusoppilaat.csv"]
    at.button(key="staff.run").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    result = at.session_state["staff.result"]
    assert result["kind"] == "preschool" and len(result["offers"]) + len(result["unplaced"]) == 12
    assert result["evaka_csv"].splitlines()[0] == "lapsen_id;esiopetusyksikon_id"
    assert len(result["evaka_csv"].splitlines()) == 1 + len(result["offers"])
