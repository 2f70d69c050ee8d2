"""No internal text on Finnish and Swedish pages (issue 9): the Planner, Staff and Life changes pages
(with results on screen) and the family's pages (Family, Costs, Units, Summary) are rendered in fi and sv, with results on screen, and every text a user can see (titles,
messages, labels, help, options, table headers and the table cells as displayed) is searched for
known leaks: English words, "None"/"nan", the solver's status code, docs/ paths, snake_case keys,
the family's internal ids (child1, parent2) and numbers with a decimal point before a unit."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

ENGLISH = (r"the|and|with|infeasible|feasible|time_limit|unknown|chosen automatically|not given|Upload|Browse|"
           r"per file|none")
LEAKS = {
    # "optimal" is also Swedish ("metod: optimal"): an English word on Finnish pages only
    "English word": re.compile(rf"\b(?:{ENGLISH})\b"),
    "None/nan": re.compile(r"\b(?:None|nan|NaN|True|False)\b"),
    "docs path": re.compile(r"\bdocs/"),
    "snake_case key": re.compile(r"\b[a-z]+_[a-z0-9]+(?:_[a-z0-9]+)*\b"),
    "internal person id": re.compile(r"\b(?:child|parent)\d+\b"),
    "ISO date": re.compile(r"(?<![\w-])\d{4}-(?:0[1-9]|1[0-2])(?:-\d{2})?(?![\w-])"),
    "decimal point before a unit": re.compile(r"(?<![\d.])\d+\.\d+\s?(?:%|€|min\b|h\b|km\b|Mt\b|kt\b|MB\b|kB\b)"),
}
# File formats staff and planners must type exactly (the CSV header of a children file, a command line):
# shown on purpose, so taken out before the search.
FORMAT_WORDS = re.compile(r"\b(?:child_id|birth_date|start_date|weekly_hours|shift_care|sibling_group|"
                          r"current_unit|support_coefficient|unit_id|capacity_seats|planner-scenario|"
                          r"python -m planner[^.;)]*)\b")


def _display_values(element):
    """The cells of a table as the browser shows them (a pandas Styler's display values when given).
    The browser draws a missing value (None, NaN) of ``st.dataframe`` as the element's placeholder,
    "None" when none is set, whatever the Styler says for that cell."""
    from streamlit import dataframe_util

    proto = getattr(element, "proto", None)
    arrow = getattr(proto, "arrow_data", None)
    if arrow is not None and arrow.styler.display_values:
        frame = dataframe_util.convert_arrow_bytes_to_pandas_df(arrow.styler.display_values)
    else:
        frame = element.value
    cells = [str(c) for c in frame.columns] + [str(v) for row in frame.values.tolist() for v in row]
    if type(element).__name__ == "Dataframe" and element.value.isna().any(axis=None):
        cells.append(proto.placeholder if proto.HasField("placeholder") else "None")
    return cells


def _texts(node) -> list[str]:
    out: list[str] = []
    for child in getattr(node, "children", {}).values():
        name = type(child).__name__
        if name == "Html" or str(getattr(child, "body", "")).lstrip().startswith("<style"):
            continue  # the page chrome's own style and script (not shown)
        for attr in ("label", "help", "placeholder", "body"):
            value = getattr(child, attr, None)
            if isinstance(value, str) and value:
                out.append(value)
        if name in ("Dataframe", "Table"):
            out.extend(_display_values(child))
        elif name in ("Metric",):
            out.append(str(child.value))
        options = getattr(child, "options", None)
        if isinstance(options, list):
            out.extend(str(o) for o in options)
        out.extend(_texts(child))
    return out


FINNISH_ONLY = {"English word (fi)": re.compile(r"\b(?:optimal|status)\b")}


def leaks(at: AppTest, lang: str = "fi") -> list[str]:
    """Every (kind, text) leak on the page as a readable line."""
    found = []
    patterns = {**LEAKS, **(FINNISH_ONLY if lang == "fi" else {})}
    for text in _texts(at.main) + _texts(at.sidebar):
        cleaned = FORMAT_WORDS.sub("", text)
        for kind, pattern in patterns.items():
            match = pattern.search(cleaned)
            if match:
                found.append(f"{kind}: {match.group(0)!r} in {text[:160]!r}")
    return sorted(set(found))


def _open(page: str, lang: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "pages" / f"{page}.py"), default_timeout=240)
    at.session_state["lang"] = lang
    if page in ("planner_workbench", "staff_offers"):
        at.session_state["dataset_name"] = "demo"     # small, fictional units: a quick run
    if page == "planner_workbench":
        at.session_state["wb.show_maps"] = False
    at.run()
    assert not at.exception, at.exception
    return at


def _planner(lang: str) -> AppTest:
    at = _open("planner_workbench", lang)
    at.text_input(key="wb.lat._text").set_value("60.1745")    # add a unit (no "seats before": a missing value)
    at.text_input(key="wb.lon._text").set_value("24.944")
    at.button(key="wb.add").click().run()
    at.selectbox(key="wb.action").set_value("close").run()     # close a unit
    at.selectbox(key="wb.unit").set_value("demo-1")
    at.button(key="wb.add").click().run()
    at.button(key="wb.opt_run").click().run()
    return at


def _staff(lang: str) -> AppTest:
    at = _open("staff_offers", lang)
    at.radio(key="staff.source").set_value("example").run()
    at.button(key="staff.run").click().run()
    assert at.session_state["staff.result"] is not None
    return at


def _changes(lang: str) -> AppTest:
    at = _open("changes", lang)
    at.selectbox(key="life_type").set_value("new_sibling").run()      # a new baby
    at.text_input(key="life_new_sibling_date").set_value("15.6.2027")
    next(b for b in at.button if str(b.key).startswith("FormSubmitter:life_form_new_sibling")).click().run()
    return at


def _journey(page: str):
    def open_page(lang: str) -> AppTest:
        from tests.app.conftest import open_app

        return open_app(page, lang)
    return open_page


@pytest.mark.parametrize("lang", ["fi", "sv"])
@pytest.mark.parametrize("page", ["planner", "staff", "changes", "family", "costs", "units", "summary"])
def test_no_internal_text_on_the_page(page, lang):
    at = {"planner": _planner, "staff": _staff, "changes": _changes}.get(page, _journey(page))(lang)
    assert not at.exception, at.exception
    assert leaks(at, lang) == []


def test_the_check_finds_what_it_looks_for():
    """The patterns catch the leaks the issue lists (so a green run means something)."""
    samples = ["Ratkaisijan tila: optimal", "None", "ks. docs/siting.md", "100.0 %", "child1: 3.7 min",
               "gross_monthly_income_eur", "nan", "Limit 200MB per file", "5MB per file", "voimassa 2026-08-01",
               "2026-11", "(none)"]
    for sample in samples:
        assert any(p.search(FORMAT_WORDS.sub("", sample)) for p in [*LEAKS.values(), *FINNISH_ONLY.values()]), sample
    for fine in ["1.8.2026", "klo 8.30", "ma–pe 7.00–16.30", "100 %", "3,7 min", "child_id,lat,lon", "11/2026",
                 "2024–2027", "osm-way-123027945"]:
        assert not any(p.search(FORMAT_WORDS.sub("", fine)) for p in LEAKS.values()), fine
