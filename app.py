"""Varhaiskasvatus planner: the Streamlit router.

``streamlit run app.py`` — the family's journey (Family → Costs → Units → Summary) plus the planner
and staff pages. This file only sets up the page, the shared session keys and the sidebar, and
routes; every page lives in ``pages/`` and every calculation in ``planner/``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:  # so that `pages.ui` and `planner` import under AppTest too
    sys.path.insert(0, str(ROOT))

from pages import safe, ui  # noqa: E402

st.set_page_config(page_title="Varhaiskasvatus · Småbarnspedagogik · ECEC", page_icon=":material/child_care:",
                   layout="wide")
ui.init_state()
safe.scrub_exception_logs()  # an exception is logged as its type and line, never its text (personal data)

PAGES = [
    st.Page("pages/family.py", title=ui.t("nav.family"), icon=":material/family_restroom:", url_path="family",
            default=True),
    st.Page("pages/costs.py", title=ui.t("nav.costs"), icon=":material/euro:", url_path="costs"),
    st.Page("pages/units.py", title=ui.t("nav.units"), icon=":material/school:", url_path="units"),
    st.Page("pages/summary.py", title=ui.t("nav.summary"), icon=":material/description:", url_path="summary"),
    st.Page("pages/changes.py", title=ui.t("nav.changes"), icon=":material/timeline:", url_path="changes"),
]
EXTRA_PAGES = [
    ("pages/planner_workbench.py", "nav.planner", ":material/map:", "planner"),
    ("pages/staff_offers.py", "nav.staff", ":material/calculate:", "staff"),
]
for path, key, icon, url in EXTRA_PAGES:
    if (ROOT / path).is_file():
        PAGES.append(st.Page(path, title=ui.t(key), icon=icon, url_path=url))

ui.render_sidebar()
ui.open_default_page_by_its_name("family")  # "/family" is the Family page, never "Page not found"
navigation = st.navigation(PAGES)
try:
    navigation.run()
except Exception as error:  # noqa: BLE001 - the page-level error boundary: never a traceback on a page
    ui.show_page_failure(error)
