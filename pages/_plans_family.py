"""The municipality's plans on the family's Units page: what the ranking's date means, the plan news
for the family (planner.plans.news) and, on request, the chance of a place in the best units
(planner.plans.chance). Results are kept in this browser session only (``ui._session_cached``: never a
process-wide cache, as they hold the family's data)."""
from __future__ import annotations

import json
from datetime import date
from typing import Any

import streamlit as st

from pages import ui
from pages.safe import md
from planner.errors import PlannerError
from planner.i18n import translate


def _news(family_text: str, dataset_name: str | None, child_id: str | None, language: str) -> dict:
    from planner.family import parse_family
    from planner.plans.news import family_news

    return family_news(parse_family(json.loads(family_text)), ui._dataset(dataset_name), lang=language,
                       child_id=child_id)


def _chance(family_text: str, dataset_name: str | None, child_id: str | None, units: tuple[str, ...],
            language: str, today: str) -> dict:
    from planner.family import parse_family
    from planner.plans.chance import chance_of_place

    return chance_of_place(parse_family(json.loads(family_text)), ui._dataset(dataset_name), list(units),
                           child_id=child_id, today=date.fromisoformat(today), lang=language)


def render(result: dict[str, Any], child_id: str | None) -> None:
    """The plans box under the ranking (nothing when the dataset has no plans and nothing is asked)."""
    lang = ui.lang()
    dataset_name = st.session_state.get(ui.DATASET_KEY)
    plans = result.get("plans")
    with st.expander(translate("plans.family.title", lang), expanded=bool(plans)):
        if plans:
            if plans.get("example"):
                st.warning(translate("plans.page.example", lang), icon=":material/warning:")
            st.caption(md(translate("plans.family.ranked_for", lang, date=plans["day"])))
            try:
                key = (ui.family_json(), dataset_name, child_id, lang)
                news = ui._session_cached("plans.news", key, lambda: _news(*key))
            except PlannerError as error:
                ui.show_error(error)
            else:
                for text in news["text"]:
                    st.markdown("- " + md(text))
        top = [row["unit_id"] for row in result.get("units", []) if row.get("fits")][:3]
        if top and st.toggle(translate("plans.family.chance_toggle", lang), key="units.chance"):
            try:
                key = (ui.family_json(), dataset_name, child_id, tuple(top), lang, date.today().isoformat())
                chance = ui._session_cached("plans.chance", key, lambda: _chance(*key))
            except PlannerError as error:
                ui.show_error(error)
                return
            for row in chance["units"]:
                st.markdown("- " + md(translate("plans.family.chance_line", lang, unit=row["name"],
                                                band=row["band_text"], reasons="; ".join(row["reasons"]))))
            st.caption(md(chance["note"]))
