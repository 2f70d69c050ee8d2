"""The page helpers without Streamlit: form round trip, printable summary, texts in every language."""
from __future__ import annotations

import html
import json
import re
from datetime import date
from pathlib import Path

import pytest

from pages import family_form as form
from pages.summary_html import build_summary_html
from planner.family import parse_family
from planner.i18n import LANGUAGES, translate

REPO = Path(__file__).resolve().parents[2]


def _default_family(today: date) -> dict:
    from pages.ui import default_family

    return default_family(today)


def test_the_default_family_is_valid_and_fills_every_part_of_the_journey():
    family = _default_family(date(2026, 3, 15))
    parsed = parse_family(family, today=date(2026, 3, 15))
    assert parsed.municipality == "Helsinki"
    assert [c.birth_date for c in parsed.children] == [date(2024, 11, 1), date(2022, 1, 1)]
    assert {a.id for a in parsed.adults if a.drops_off} == {"parent1"}
    assert {a.id for a in parsed.adults if a.picks_up} == {"parent2"}
    assert 60.16 < family["home"]["lat"] < 60.18 and 24.93 < family["home"]["lon"] < 24.96


def test_form_values_round_trip_to_the_same_family():
    family = _default_family(date(2026, 3, 15))
    values = form.widget_values(family, today=date(2026, 3, 15))
    assert form.family_from_values(values, family) == family


def test_form_round_trip_keeps_address_locations_and_unreported_income():
    family = _default_family(date(2026, 3, 15))
    family["home"] = {"address": "Aleksanterinkatu 9"}
    for adult in family["adults"]:
        adult["gross_monthly_income_eur"] = None
    family["private_fee_eur"] = 900
    values = form.widget_values(family, today=date(2026, 3, 15))
    assert values["f.no_income"] is True
    rebuilt = form.family_from_values(values, family)
    assert rebuilt["home"] == {"address": "Aleksanterinkatu 9"}
    assert rebuilt["private_fee_eur"] == 900
    assert [a["gross_monthly_income_eur"] for a in rebuilt["adults"]] == [None, None]


def test_a_new_child_row_gets_defaults_and_keeps_existing_rows():
    family = _default_family(date(2026, 3, 15))
    values = form.widget_values(family, today=date(2026, 3, 15))
    values["f.n_children"] = 3
    missing = form.missing_values(values, family, today=date(2026, 3, 15))
    assert set(missing) == {k for k in form.child_values(2, {}, date(2026, 3, 15))}
    values.update(missing)
    rebuilt = form.family_from_values(values, family)
    assert [c["id"] for c in rebuilt["children"]] == ["child1", "child2", "child3"]
    assert rebuilt["children"][2]["birth_date"] == "2024-03-01"


def _fmt_eur(value):
    return "–" if value is None else f"{value} €"


def _fmt_min(seconds):
    return "–" if seconds is None else f"{round(seconds / 60)} min"


def test_printable_summary_is_self_contained_and_carries_every_number():
    fees = {"total_monthly_fee_eur": 133, "rule": {"valid_from": "2026-08-01", "valid_to": None,
                                                   "source": "OKM", "status": "provisional"},
            "children": [{"id": "child1", "sibling_rank": 1, "coefficient": 1.0, "monthly_fee_eur": 95,
                          "explanation": "10.7 % of 884 €", "provisional": True}]}
    units = [{"unit_id": "demo-3", "name": "Päiväkoti <Aurinko>", "demo": True, "rank": 1, "drop_off_s": 840,
              "pick_up_s": 910, "extra_commute_s": 260, "opening_hours": "Mo-Fr 06:30-17:00",
              "in_catchment": True, "languages": ["fi"], "why": "in your catchment area",
              "child_day_s": 27480, "drop_off_at": "07:56", "pick_up_at": "15:34"}]
    page = build_summary_html(t=lambda key, **p: translate(f"app.{key}", "en", **p), lang="en",
                              family=_default_family(date(2026, 11, 27)), fees=fees,
                              allowances={"total_eur": 0}, compare=None, units=units, child_id="child1",
                              fmt_eur=_fmt_eur, fmt_minutes=_fmt_min, generated_on="2026-11-27")
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>")
    assert "@media print" in page
    assert not re.search(r"(src|href)\s*=", page) and "<script" not in page  # nothing external, no scripts
    assert "Päiväkoti &lt;Aurinko&gt; (demo)" in page  # escaped, and marked as demo
    for number in ("14 min", "15 min", "4 min", "133 €", "95 €", "10.7 % of 884 €", "7 h 38 min (07:56–15:34)",
                   html.escape(translate("app.units.col.child_day", "en"))):
        assert number in page
    assert html.escape(translate("app.summary.privacy", "en")) in page
    assert "PROVISIONAL" in page
    assert "Monday, Tuesday, Wednesday, Thursday, Friday" in page and "08:00–16:00" in page  # the family
    assert "2025-07-01" in page and "Municipal daycare" in page


APP_FILES = ("app.json", "app_changes.json")   # the texts pages read with ui.t ("app." keys)


def _keys(lang: str) -> set[str]:
    """Every ``app.`` text key of ``lang`` (``app.json`` and the Life changes page's ``app_changes.json``)."""
    keys: set[str] = set()
    for path in sorted((REPO / "planner" / "locales" / lang).glob("app*.json")):   # also app_units_transit.json
        keys |= {k for k in json.loads(path.read_text(encoding="utf-8")) if k.startswith("app.")}
    for name in APP_FILES:
        keys |= set(json.loads((REPO / "planner" / "locales" / lang / name).read_text(encoding="utf-8")))
    return keys


def test_every_app_text_exists_in_finnish_swedish_and_english():
    keys = {lang: _keys(lang) for lang in LANGUAGES}
    assert keys["fi"] == keys["sv"] == keys["en"]
    assert all(k.startswith("app.") for k in keys["en"])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_text_key_the_pages_use_exists(lang):
    used = set()
    mine = ("family", "family_form", "costs", "units", "summary", "summary_html", "ui", "maps", "changes")
    for path in [REPO / "app.py", *(REPO / "pages" / f"{name}.py" for name in mine)]:
        source = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'\bt\(\s*"([a-z_.0-9]+)"', source))
        used |= {f"{prefix}." for prefix in re.findall(r'labeller\(\s*"([a-z_.]+)"', source)}
    known = _keys(lang)
    missing = sorted(k for k in used if not k.endswith(".") and f"app.{k}" not in known)
    assert not missing, missing
    prefixes = [k for k in used if k.endswith(".")]
    assert all(any(key.startswith(f"app.{p}") for key in known) for p in prefixes)


def test_a_demo_unit_whose_name_says_demo_is_not_marked_twice():
    from pages.summary_html import display_name

    assert display_name({"unit_id": "d", "name": "Demo: Aurinko", "demo": True}) == "Demo: Aurinko"
    assert display_name({"unit_id": "d", "name": "Aurinko", "demo": True}) == "Aurinko (demo)"
    assert display_name({"unit_id": "d", "name": "Aurinko", "demo": False}) == "Aurinko"


def test_next_fee_indexation_is_the_next_even_year_first_of_august():
    from pages.ui import next_fee_indexation as next_indexation

    assert next_indexation(date(2026, 11, 27)) == date(2028, 8, 1)
    assert next_indexation(date(2026, 7, 31)) == date(2026, 8, 1)
    assert next_indexation(date(2026, 8, 1)) == date(2028, 8, 1)
    assert next_indexation(date(2025, 1, 1)) == date(2026, 8, 1)


def test_a_replaced_upload_that_is_already_deleted_counts_as_no_file():
    """Streamlit hands a rerun that overtakes a file's replacement a ``DeletedFile`` (no content); the
    pages read uploads through ``ui.uploaded_file``, which gives None for it and the file otherwise
    (the browser test tests/browser/test_upload_race.py shows the crash this prevents)."""
    from streamlit.runtime.uploaded_file_manager import DeletedFile, UploadedFile, UploadedFileRec

    from pages.ui import uploaded_file

    real = UploadedFile(UploadedFileRec("id-1", "scenario.json", "application/json", b"{}"), None)
    assert uploaded_file(real) is real
    assert uploaded_file(DeletedFile("id-0")) is None
    assert uploaded_file(None) is None
    sources = {path.name: path.read_text(encoding="utf-8") for path in (REPO / "pages").glob("*.py")}
    raw = [name for name, text in sources.items()
           if re.search(r"""(state|session_state)(\.get\(|\[)["'][\w.]*upload["']""", text)
           and "uploaded_file(" not in text]
    assert raw == [], f"pages reading an uploader's value without ui.uploaded_file: {raw}"


@pytest.mark.parametrize("lang, shown", [("fi", "Kodit, jotka eivät ole minkään yksikön alueella"),
                                         ("sv", "Hem utanför alla enheters områden"),
                                         ("en", "Homes in no unit's area")])
def test_homes_in_no_catchment_are_an_area_named_in_the_readers_language(lang, shown):
    # central Helsinki: 72.9 estimated children live outside every unit's area (seen on the Planner page)
    import numpy as np

    from pages import _workbench_core as core
    from planner.siting.accessibility import area_metrics

    areas = area_metrics(np.array([300.0, 600.0, 900.0]), np.array([1.0, 2.0, 3.0]), ["u1", None, "u1"], 600.0)
    table = core.area_table(areas, lang)
    assert list(table.iloc[:, 0]) == [shown, "u1"] or list(table.iloc[:, 0]) == ["u1", shown]
    assert "(none)" not in table.to_string()


def test_a_problem_ending_in_a_question_is_not_closed_twice():
    # "tarkoititko Aleksanterinkatu?" under the template "Annettu “{value}”: {expected}." read "…?."
    from pages import ui
    from planner.errors import Problem

    asked = Problem.keyed("home", "Aleksanterinktu", "problems.address.suggest_1", first="Aleksanterinkatu")
    text = ui.problem_text(asked)
    assert text.endswith("Aleksanterinkatu?") and "?." not in text
    plain_fix = Problem("home", "x", "a street and a number")
    assert ui.problem_text(plain_fix).endswith("a street and a number.")
