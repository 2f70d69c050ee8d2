"""AppTest: every page in every language, with real content checks and bad input next to the field."""
from __future__ import annotations

import json
from datetime import date, time, timedelta

import pytest

from pages.ui import next_fee_indexation
from planner.family import parse_family
from planner.i18n import translate
from planner.money.fees import calculate_fees

PAGE_TITLES = {"family": "app.family.title", "costs": "app.costs.title", "units": "app.units.title",
               "summary": "app.summary.title"}


def _texts(elements) -> list[str]:
    return [str(e.value) for e in elements]


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("page", ["family", "costs", "units", "summary"])
def test_every_page_renders_its_title_in_every_language(app_factory, page, lang):
    at = app_factory(page, lang)
    assert not at.exception, at.exception
    assert at.title[0].value == translate(PAGE_TITLES[page], lang)
    if page == "family":  # AppTest keeps the sidebar of the first run only; the browser test sees it on every page
        assert translate("app.sidebar.nothing_stored", lang) in _texts(at.sidebar.info)
        assert at.sidebar.selectbox(key="w.lang").value == lang


def test_the_first_visit_shows_a_complete_example_family(app_factory):
    at = app_factory("family", "en")
    assert not at.error, _texts(at.error)
    assert translate("app.family.complete", "en") in _texts(at.success)
    family = at.session_state["family"]
    parsed = parse_family(family)
    assert len(parsed.adults) == 2 and len(parsed.children) == 2
    assert parsed.municipality == "Helsinki"


def test_costs_page_total_fee_equals_the_money_engine(app_factory):
    at = app_factory("costs", "en")
    family = at.session_state["family"]
    fees = calculate_fees(parse_family(family), lang="en")
    metrics = {m.label: m.value for m in at.metric}
    if fees.get("total_monthly_fee_range_eur"):   # thresholds not published (from 2026-08-01): a range
        low, high = fees["total_monthly_fee_range_eur"]
        assert metrics[translate("app.costs.total_fee", "en")] == f"€{low:,.0f}–€{high:,.0f}"
    else:
        assert metrics[translate("app.costs.total_fee", "en")] == f"€{fees['total_monthly_fee_eur']:,.0f}"
    # every child's explanation from the engine is shown
    shown = " ".join(_texts(at.markdown))
    for child in calculate_fees(parse_family(family), lang="en")["children"]:
        assert child["explanation"] in shown


def test_future_birth_date_shows_error_under_the_field_and_keeps_other_inputs(app_factory, after):
    at = app_factory("family", "en")
    future = date.today() + timedelta(days=400)
    at.text_input(key="f.adults.0.income").input("5 555,50")
    at.text_input(key="f.children.0.birth_date").input(f"{future.day}.{future.month}.{future.year}")
    at.run()
    following = after(at, "f.children.0.birth_date", 1)
    assert type(following[0]).__name__ == "Error"
    assert "birth date" in following[0].value
    assert at.text_input(key="f.adults.0.income").value == "5555.50"  # English style after the commit
    family = at.session_state["family"]
    assert family["adults"][0]["gross_monthly_income_eur"] == 5555.5
    assert family["children"][0]["birth_date"] == future.isoformat()
    assert family["children"][1]["id"] == "child2"


def test_a_shift_ending_when_it_starts_is_shown_under_the_end_time(app_factory, after):
    at = app_factory("family", "en")
    at.time_input(key="f.adults.1.end").set_value(time(7, 30))  # the same as the start
    at.run()
    following = after(at, "f.adults.1.end", 1)
    assert type(following[0]).__name__ == "Error"
    assert "different from the start" in following[0].value
    assert at.time_input(key="f.adults.0.end").value == time(16, 0)


def test_unknown_home_address_is_shown_under_the_address(app_factory, after):
    at = app_factory("family", "en")
    at.radio(key="f.home.mode").set_value("address").run()
    at.text_input(key="f.home.address").input("Olematonkatu 999").run()
    errors = _texts(at.error)
    assert any("Olematonkatu 999" in e for e in errors), errors
    after = after(at, "f.home.address", 1)
    assert "Error" in [type(e).__name__ for e in after]
    assert at.session_state["family"]["home"] == {"address": "Olematonkatu 999"}


def test_work_place_outside_the_dataset_is_shown_under_the_work_place(app_factory, after):
    at = app_factory("family", "en")
    at.text_input(key="f.adults.0.work.lat").set_value("60.30").run()
    after = after(at, "f.adults.0.work.lon", 1)
    assert type(after[0]).__name__ == "Error"
    assert "outside" in after[0].value
    assert at.text_input(key="f.adults.1.work.lat").value == "60.1665"   # typed as text, in the page's language


def test_coordinates_are_typed_the_finnish_way_and_a_wrong_one_is_named(app_factory, after):
    at = app_factory("family", "fi")
    assert at.text_input(key="f.adults.1.work.lat").value == "60,1665"
    at.text_input(key="f.adults.0.work.lat").set_value("60,1712").run()
    assert at.session_state["family"]["adults"][0]["work"]["lat"] == pytest.approx(60.1712)
    at.text_input(key="f.adults.0.work.lat").set_value("kuusikymmentä").run()
    following = after(at, "f.adults.0.work.lon", 1)
    assert type(following[0]).__name__ == "Error" and "kirjoita luku numeroina" in following[0].value
    assert at.text_input(key="f.adults.0.work.lat").value == "kuusikymmentä"     # kept as typed
    assert at.text_input(key="f.adults.1.work.lat").value == "60,1665"           # the rest untouched


def test_family_survives_a_page_switch_and_a_language_switch(app_factory):
    at = app_factory("family", "fi")
    at.selectbox(key="w.lang").set_value("sv").run()  # AppTest keeps the sidebar of the first run only
    at.text_input(key="f.adults.1.income").input("2 100,50").run()
    assert at.title[0].value == translate("app.family.title", "sv")
    at.switch_page("pages/costs.py").run()
    at.switch_page("pages/family.py").run()
    assert not at.exception
    assert at.title[0].value == translate("app.family.title", "sv")
    assert at.text_input(key="f.adults.1.income").value == "2\u00a0100,50"
    assert at.session_state["family"]["adults"][1]["gross_monthly_income_eur"] == 2100.5


def test_no_income_reported_charges_the_maximum_fee(app_factory):
    at = app_factory("family", "en")
    at.checkbox(key="f.no_income").check().run()
    family = at.session_state["family"]
    assert all(a["gross_monthly_income_eur"] is None for a in family["adults"])
    at.switch_page("pages/costs.py").run()
    fees = calculate_fees(parse_family(family), lang="en")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[translate("app.costs.income", "en")] == translate("app.costs.not_reported", "en")
    assert metrics[translate("app.costs.total_fee", "en")] == f"€{fees['total_monthly_fee_eur']:,.0f}"


def test_costs_page_shows_scenarios_and_the_24_month_timeline(app_factory):
    at = app_factory("costs", "en")
    assert not at.dataframe  # small tables are real HTML tables (screen readers can read them)
    frames = [table.value for table in at.table]
    timeline = [f for f in frames if translate("app.costs.col.month", "en") in f.columns]
    assert timeline and len(timeline[0]) == 24
    scenario = [f for f in frames if translate("app.costs.col.scenario", "en") in f.columns]
    assert scenario and len(scenario[0]) >= 2


def test_summary_offers_html_and_family_downloads(app_factory):
    at = app_factory("summary", "en")
    labels = [e.proto.label for e in at.get("download_button")]
    assert translate("app.summary.download_html", "en") in labels
    assert translate("app.family.download", "en") in labels
    assert translate("app.summary.privacy", "en") in _texts(at.info)
    json.dumps(at.session_state["family"])  # the family file is plain JSON


def test_units_page_lists_every_unit_in_the_ranking_order(app_factory):
    from planner.datasets import load_dataset
    from planner.parse import format_opening_hours
    from planner.ranking import rank_units

    at = app_factory("units", "en")
    dataset = load_dataset()
    expected = rank_units(parse_family(at.session_state["family"]), dataset, child_id="child1", lang="en")
    table = next(df.value for df in at.dataframe if translate("app.units.col.rank", "en") in df.value.columns)
    assert len(table) == len(dataset.units)
    names = [n.removesuffix(" (demo)") for n in table[translate("app.units.col.name", "en")]]
    assert names == [u["name"] for u in expected["units"]]
    reasons = " ".join(_texts(at.markdown))
    first = expected["units"][0]
    hours = first.get("opening_hours")
    assert (first["why"].replace(hours, format_opening_hours(hours, "en")) if hours else first["why"]) in reasons
    assert "Mo-Fr" not in reasons  # opening hours as people read them, not OSM syntax
    # a unit that does not fit says why in words, not the planner's code
    fits = list(table[translate("app.units.col.fits", "en")])
    for row, text in zip(expected["units"], fits):
        for code in row["mismatches"]:
            assert translate(f"app.units.mismatch.{code}", "en") in text and "_" not in text
    assert "Demo: Demo" not in " ".join(table[translate("app.units.col.name", "en")])
    # the offline map: Leaflet from this app only, a rank label per unit, home and both work places
    spec = json.loads(at.get("component_instance")[0].proto.json_args)
    assert spec["js_links"] == ["/app/static/leaflet/leaflet.js"]
    assert spec["css_links"] == ["/app/static/leaflet/leaflet.css"]
    assert "tile" not in spec["script"].lower()
    assert spec["script"].count("L.marker(") == len(dataset.units) + 3
    for rank in range(1, len(dataset.units) + 1):
        assert f"\\u003e{rank}\\u003c/div\\u003e" in spec["script"]


def test_units_filter_keeps_only_the_catchment_unit(app_factory):
    at = app_factory("units", "en")
    at.checkbox(key="u.only_catchment").check().run()
    table = next(df.value for df in at.dataframe if translate("app.units.col.rank", "en") in df.value.columns)
    assert list(table[translate("app.units.col.catchment", "en")]) == [translate("app.costs.yes", "en")]


@pytest.mark.parametrize("page", ["costs", "units", "summary"])
def test_later_pages_point_back_to_the_family_when_it_is_invalid(app_factory, page):
    at = app_factory("family", "sv")
    future = date.today() + timedelta(days=30)
    at.text_input(key="f.children.1.birth_date").input(f"{future.day}.{future.month}.{future.year}").run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception
    errors = _texts(at.error)
    assert translate("app.error.fix_family", "sv") in errors
    label = f'{translate("app.family.child", "sv", number=2)} · {translate("app.family.birth_date", "sv")}'
    assert any(e.startswith(label) for e in errors), errors
    assert not any("children[1]" in e for e in errors)  # never the file's internal path


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_field_problems_are_shown_in_the_chosen_language(app_factory, after, lang):
    at = app_factory("family", lang)
    future = date.today() + timedelta(days=400)
    at.text_input(key="f.children.0.birth_date").input(future.isoformat())
    at.run()
    shown = after(at, "f.children.0.birth_date", 1)[0]
    assert type(shown).__name__ == "Error"
    problem = None
    try:
        family = dict(at.session_state["family"])
        parse_family(family)
    except ValueError as error:  # InputError is a ValueError
        problem = next(p for p in error.problems if p.field == "children[0].birth_date")
    assert problem is not None and problem.key, "the birth-date problem must carry an i18n key"
    assert problem.expected_in(lang) in shown.value
    assert problem.expected not in shown.value  # not the English text


def _faq(at, lang: str) -> dict[int, str]:
    """Question number -> the answer text shown under that question's expander."""
    answers = {}
    for expander in at.expander:
        for number in range(1, 11):
            if expander.label == translate(f"app.costs.faq.q{number}", lang):
                answers[number] = " ".join(m.value for m in expander.markdown)
    return answers


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_costs_page_answers_the_ten_questions_families_ask(app_factory, lang):
    at = app_factory("costs", lang)
    assert not at.exception, at.exception
    answers = _faq(at, lang)
    assert sorted(answers) == list(range(1, 11))
    assert all(answers.values())
    assert answers[5] == translate("money.fee.july", lang)
    if lang == "en":  # the numbers are the money engine's, for this family
        fees = calculate_fees(parse_family(at.session_state["family"]), lang="en")
        assert f"Your family size is {fees['family_size']}:" in answers[2]
        assert f"€{fees['base_fee_eur']}" in answers[1] and "reported income" in answers[1]
        assert "does not count as income" in answers[6]  # Helsinki's municipal setting
        assert "40 %" in answers[3] and "20 %" in answers[3] and "Child 2 sibling rank 2" in answers[3]
        assert "h " in answers[10] and "drop-off" in answers[10]
        assert f"valid from {fees['rule']['valid_from']}" in answers[9]
        assert f"expected on {next_fee_indexation(fees['date']).isoformat()}" in answers[9]


def test_maximum_fee_answer_says_income_was_not_reported(app_factory):
    at = app_factory("family", "en")
    at.checkbox(key="f.no_income").check().run()
    at.switch_page("pages/costs.py").run()
    fees = calculate_fees(parse_family(at.session_state["family"]), lang="en")
    expected = translate("app.costs.faq.a1_not_reported", "en", max_fee=f"€{fees['max_fee_eur']}")
    assert _faq(at, "en")[1] == expected


@pytest.mark.parametrize(("content", "reason_key", "params"), [
    (b"[1, 2]", "app.family.upload_not_object", {}),
    (b'{"adults": ', "app.family.upload_not_json", {"line": 1, "column": 12}),
    (b"\xff\xfe", "app.family.upload_not_text", {}),
])
def test_a_bad_family_file_is_explained_in_the_chosen_language_and_keeps_the_form(app_factory, content,
                                                                                  reason_key, params):
    at = app_factory("family", "sv")
    before = json.loads(json.dumps(at.session_state["family"]))
    at.file_uploader(key="f_upload").set_value(("familj.json", content, "application/json")).run()
    shown = [e.value for e in at.error]
    assert any(translate("app.family.upload_refused", "sv") in e and translate(reason_key, "sv", **params) in e
               for e in shown), shown
    assert at.session_state["family"] == before


def test_units_scores_use_the_languages_decimal_mark(app_factory):
    at = app_factory("units", "fi")
    column = translate("app.units.col.score", "fi")
    table = next(df.value for df in at.dataframe if column in df.value.columns)
    scores = list(table[column])
    assert all(len(s) == 4 and s[1] == "," for s in scores), scores  # 0,98 — not 0.98


def test_ranking_is_cached_per_input_not_recomputed_on_a_filter_change(app_factory, monkeypatch):
    import planner.ranking

    calls = []
    real = planner.ranking.rank_units

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(planner.ranking, "rank_units", counting)
    at = app_factory("units", "en")
    assert len(calls) == 1
    at.checkbox(key="u.only_catchment").check().run()   # a filter: same family, no new ranking
    at.selectbox(key="u.sort").set_value("name").run()
    assert len(calls) == 1
    at.switch_page("pages/family.py").run()
    at.text_input(key="f.adults.0.work.lat").set_value("60,1700").run()   # a new input: ranked again
    at.switch_page("pages/units.py").run()
    assert len(calls) == 2


def test_summary_shows_the_childs_day_for_each_chosen_unit(app_factory):
    from pages import ui

    at = app_factory("summary", "en")
    best = ui._ranking(ui.family_json(at.session_state["family"]), at.session_state["dataset_name"],
                       "child1", "en")["units"][0]
    at.multiselect(key="s.chosen").set_value([best["unit_id"]]).run()
    table = next(t.value for t in at.table if translate("app.summary.col.choice", "en") in t.value.columns)
    minutes = round(best["child_day_s"] / 60)
    expected = f"{minutes // 60} h {minutes % 60:02d} min ({best['drop_off_at']}–{best['pick_up_at']})"
    assert list(table[translate("app.units.col.child_day", "en")]) == [expected]


def test_unrelated_or_wrong_typed_family_files_are_refused_field_by_field(app_factory):
    at = app_factory("family", "sv")
    before = json.loads(json.dumps(at.session_state["family"]))
    at.file_uploader(key="f_upload").set_value(("annat.json", b'{"foo": 1}', "application/json")).run()
    assert any(translate("app.family.upload_not_family", "sv") in e.value for e in at.error)
    wrong = json.loads(json.dumps(before))
    wrong["adults"][0]["gross_monthly_income_eur"] = "neljätuhatta"
    at.file_uploader(key="f_upload").set_value(("fel.json", json.dumps(wrong).encode(), "application/json")).run()
    label = f'{translate("app.family.adult", "sv", number=1)} · {translate("app.family.income", "sv")}'
    assert any(label in e.value and "neljätuhatta" in e.value for e in at.error), [e.value for e in at.error]
    assert at.session_state["family"] == before and not at.exception


def test_holiday_pay_defaults_as_the_municipalitys_calculator_and_fi_pages_show_no_ids(app_factory):
    at = app_factory("costs", "fi")
    assert at.session_state["family"]["holiday_pay"] is True   # Helsinki adds about 5 % (hel.fi)
    shown = " ".join([*(m.value for m in at.markdown), *(str(t.value) for t in at.table)])
    assert "child1" not in shown and "parent1" not in shown
    assert translate("app.family.child", "fi", number=1) in shown


def test_summary_shows_the_fee_as_the_costs_page_does(app_factory):
    """Where the income thresholds are not published the Costs page gives a range; so does the Summary."""
    from planner.family import parse_family

    at = app_factory("summary", "en")
    fees = calculate_fees(parse_family(at.session_state["family"]), lang="en")
    metric = next(m.value for m in at.metric if m.label == translate("app.costs.total_fee", "en"))
    fee_range = fees.get("total_monthly_fee_range_eur")
    expected = (f"€{fee_range[0]:,.0f}–€{fee_range[1]:,.0f}" if fee_range
                else f"€{fees['total_monthly_fee_eur']:,.0f}")
    assert metric == expected


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_fee_table_says_a_fee_rests_on_an_unconfirmed_rule_when_the_rule_box_says_provisional(app_factory, lang):
    """The per-child column once read "Alustava: ei" right above a rule box "tila: ALUSTAVA" (the fee table
    of 1.8.2026 is provisional): the column now names what it tells (the fee rests on an unconfirmed
    rule) and agrees with the box; the box's status word says what provisional means."""
    at = app_factory("costs", lang)
    assert not at.exception, at.exception
    column = translate("app.costs.col.provisional", lang)
    fee_table = next(t.value for t in at.table if translate("app.costs.col.coefficient", lang) in t.value.columns)
    assert column in fee_table.columns and "Alustava" not in fee_table.columns, list(fee_table.columns)
    status = translate("app.costs.status.provisional", lang)
    boxes = [w.value for w in at.warning] + [c.value for c in at.caption]
    fee_rule_box = next(b for b in boxes if translate("app.costs.rule", lang).split("{")[0] in b)
    if status in fee_rule_box:   # the fee table in force is provisional: every child's fee rests on it
        assert set(fee_table[column]) == {translate("app.costs.yes", lang)}, fee_table[column].tolist()
    assert "(" in status and status.split(" (")[0].upper() == status.split(" (")[0]   # word + what it means
