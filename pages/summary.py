"""Summary page: the family's 1–3 chosen units with all their numbers and the costs, downloadable as
a printable HTML page and as the family file (JSON) to load again later. Nothing is stored here."""
from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from pages import ui
from pages.safe import md, md_frame
from pages.summary_html import build_summary_html, day_text, display_name
from planner.errors import InputError, PlannerError


def _safe(call, *args) -> Any:
    try:
        return call(*args)
    except ImportError:
        return None
    except InputError as error:
        st.error(ui.t("error.fix_family"))
        ui.show_error(error, family=True)
        st.page_link("pages/family.py", label=ui.t("nav.family"), icon=":material/family_restroom:")
        st.stop()
    except PlannerError as error:
        ui.show_error(error)
        return None


def _ranked_rows(child_id: str | None) -> list[dict[str, Any]]:
    if child_id is None:
        return []
    result = _safe(ui.ranking, child_id)
    if not result:
        return []
    by_id = ui.dataset().units_by_id
    rows = []
    for rank, item in enumerate(result.get("units", []), start=1):
        unit = by_id.get(item["unit_id"])
        rows.append({**(unit.to_dict() if unit else {}), **item, "rank": item.get("rank", rank)})
    return rows


def _child_id() -> str | None:
    children = [c for c in ui.family().get("children", [])
                if c.get("care") in ("municipal", "voucher", "private", "preschool")]
    ids = [c["id"] for c in children]
    chosen = st.session_state.get(ui.CHILD_KEY)
    return chosen if chosen in ids else (ids[0] if ids else None)


def render() -> None:
    st.title(ui.t("summary.title"))
    st.info(ui.t("summary.privacy"), icon=":material/lock:")
    child_id = _child_id()
    rows = _ranked_rows(child_id)
    by_id = {r["unit_id"]: r for r in rows}
    names = {r["unit_id"]: f"{r['rank']}. {r.get('name', r['unit_id'])}" for r in rows}
    if "s.chosen" not in st.session_state:
        st.session_state["s.chosen"] = [u for u in st.session_state.get(ui.CHOSEN_KEY, []) if u in by_id]
    if rows:
        st.multiselect(ui.t("units.choose"), options=list(by_id), key="s.chosen",
                       placeholder=ui.t("choose_placeholder"),
                       max_selections=ui.MAX_CHOSEN, format_func=lambda u: names.get(u, u))
        st.session_state[ui.CHOSEN_KEY] = list(st.session_state["s.chosen"])
    chosen = [by_id[u] for u in st.session_state.get(ui.CHOSEN_KEY, []) if u in by_id]

    st.subheader(ui.t("summary.chosen_units"))
    if not chosen:
        st.warning(ui.t("summary.no_units"))
    else:
        st.caption(md(ui.t("summary.for_child", child=ui.person_label(child_id) if child_id else "–")))
        table = pd.DataFrame([{
            ui.t("summary.col.choice"): i,
            ui.t("units.col.name"): display_name(r),
            ui.t("units.col.rank"): r["rank"],
            ui.t("units.col.drop_off"): ui.fmt_minutes(r.get("drop_off_s")),
            ui.t("units.col.pick_up"): ui.fmt_minutes(r.get("pick_up_s")),
            ui.t("units.col.extra"): ui.fmt_minutes(r.get("extra_commute_s")),
            ui.t("units.col.child_day"): day_text(r),
            ui.t("units.col.opening_hours"): r.get("opening_hours") or ui.t("units.unknown"),
            ui.t("units.col.catchment"): ui.t("costs.yes") if r.get("in_catchment") else ui.t("costs.no"),
            ui.t("units.col.languages"): ", ".join(r.get("languages") or []),
        } for i, r in enumerate(chosen, start=1)])
        st.table(md_frame(table), hide_index=True)
        for r in chosen:
            st.markdown(f"- **{md(display_name(r))}**: {md(r.get('why', ''))}")

    fees = _safe(ui.money, "fees")
    allowances = _safe(ui.money, "allowances")
    compare = _safe(ui.money, "compare")
    st.subheader(ui.t("summary.costs"))
    col1, col2 = st.columns(2)
    if fees:
        fee_range = fees.get("total_monthly_fee_range_eur")  # thresholds not published: a range, as on Costs
        col1.metric(ui.t("costs.total_fee"), f"{ui.fmt_eur(fee_range[0])}–{ui.fmt_eur(fee_range[1])}" if fee_range
                    else ui.fmt_eur(fees.get("total_monthly_fee_eur")))
    if allowances:
        col2.metric(ui.t("costs.total_allowances"), ui.fmt_eur(allowances.get("total_eur")))
    if fees and fees.get("provisional"):
        st.caption(":material/warning: " + ui.t("costs.provisional"))

    page = build_summary_html(
        t=ui.t, lang=ui.lang(), family=ui.family(), fees=fees, allowances=allowances, compare=compare,
        units=chosen, child_id=child_id, fmt_eur=ui.fmt_eur, fmt_minutes=ui.fmt_minutes,
        generated_on=date.today().isoformat())
    st.subheader(ui.t("summary.download"))
    col1, col2 = st.columns(2)
    col1.download_button(ui.t("summary.download_html"), data=page.encode("utf-8"),
                         file_name="varhaiskasvatus-summary.html", mime="text/html", key="s_download_html",
                         icon=":material/print:")
    col2.download_button(ui.t("family.download"), data=ui.family_json().encode("utf-8"),
                         file_name="family.json", mime="application/json", key="s_download_json",
                         icon=":material/download:")
    st.caption(ui.t("summary.download_note"))


ui.init_state()  # idempotent; covers a first request straight to this page
render()
