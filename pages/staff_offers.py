"""Staff page: a placement round from a children CSV (offers, reasons, occupancy, envy, downloads).

Children's data is processed in memory only: never written to disk, logs or caches. Only the dataset
(and its routing engines) is cached; the round's result lives in ``st.session_state`` and is dropped
with the session or with the "forget" button.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # so that the page also runs on its own (AppTest.from_file)
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from pages import _staff_core as core  # noqa: E402
from pages import ui  # noqa: E402
from planner.errors import InfeasibleError, InputError, PlannerError  # noqa: E402
from planner.i18n import translate  # noqa: E402

RESULT_KEY = "staff.result"       # the last round's result (children ids, units, times) – memory only
PROBLEMS_KEY = "staff.problems"   # texts of the problems of the last run, shown under the input
SOURCES = ("upload", "paste", "example")


def t(key: str, /, **params: Any) -> str:
    """The text ``app_staff.<key>`` in the chosen language."""
    return translate(f"app_staff.{key}", ui.lang(), **params)


def _labels(prefix: str):
    language = ui.lang()
    return lambda code: translate(f"app_staff.{prefix}.{code}", language)


def _init() -> None:
    ui.init_state()
    for key, value in {RESULT_KEY: None, PROBLEMS_KEY: []}.items():
        if key not in st.session_state:
            st.session_state[key] = value


def _source_bytes() -> bytes | str | None:
    """The children CSV chosen on the page (uploaded, pasted or the example); None when none yet."""
    state = st.session_state
    source = state.get("staff.source", SOURCES[0])
    if source == "upload":
        uploaded = state.get("staff.upload")
        return uploaded.getvalue() if uploaded is not None else None
    if source == "paste":
        text = state.get("staff.paste", "")
        return text if text.strip() else None
    examples = {p.name: p for p in core.example_files()}
    chosen = examples.get(state.get("staff.example") or "")
    return chosen.read_bytes() if chosen else None


def _run() -> None:
    """Button callback: run the round and keep the result in session state only."""
    state = st.session_state
    state[RESULT_KEY] = None
    state[PROBLEMS_KEY] = []
    data = _source_bytes()
    if data is None:
        state[PROBLEMS_KEY] = [t("no_file")]
        return
    language = ui.lang()
    try:
        dataset = ui.dataset()
        children = core.read_children_strict(data, addresses=dataset.addresses)
        mode = state["staff.mode"]
        units = list(dataset.units)
        times_s = core.travel_times(dataset, mode, [[c.lat, c.lon] for c in children],
                                    [[u.lat, u.lon] for u in units])
        state[RESULT_KEY] = core.run_round(children, units, times_s, dataset.catchments,
                                           method=state["staff.method"], mode=mode,
                                           max_minutes=float(state["staff.max_minutes"]), lang=language)
    except InputError as error:
        state[PROBLEMS_KEY] = [f"{p.field}: {ui.problem_text(p)}" for p in error.problems]
    except (InfeasibleError, PlannerError) as error:
        state[PROBLEMS_KEY] = [str(error)]


def _forget() -> None:
    """Drop the result and any pasted children text from the session."""
    st.session_state[RESULT_KEY] = None
    st.session_state[PROBLEMS_KEY] = []
    if "staff.paste" in st.session_state:
        st.session_state["staff.paste"] = ""


def _inputs() -> None:
    st.radio(t("source"), SOURCES, key="staff.source", horizontal=True, format_func=_labels("source_name"))
    source = st.session_state.get("staff.source", SOURCES[0])
    if source == "upload":
        st.file_uploader(t("upload"), type=["csv", "txt"], key="staff.upload", help=t("columns_help"))
    elif source == "paste":
        st.text_area(t("paste"), key="staff.paste", height=160, help=t("columns_help"),
                     placeholder="child_id,lat,lon,birth_date,start_date,weekly_hours,language,shift_care,"
                                 "sibling_group")
    else:
        names = [p.name for p in core.example_files()]
        if names:
            st.selectbox(t("example"), names, key="staff.example")
        else:
            st.info(t("no_example"))
    for text in st.session_state[PROBLEMS_KEY]:
        st.error(text, icon=":material/warning:")
    cols = st.columns(3)
    with cols[0]:
        st.radio(t("method"), core.METHODS, key="staff.method", format_func=_labels("method_name"),
                 help=t("method_help"))
    with cols[1]:
        st.selectbox(t("mode"), core.MODES, key="staff.mode", format_func=_labels("mode_name"))
    with cols[2]:
        st.number_input(t("max_minutes"), min_value=1.0, max_value=240.0, value=60.0, step=5.0,
                        key="staff.max_minutes", help=t("max_minutes_help"))
    cols = st.columns(2)
    cols[0].button(t("run"), key="staff.run", type="primary", on_click=_run)
    cols[1].button(t("forget"), key="staff.forget", on_click=_forget)


def _table(rows: list[dict[str, Any]], columns: dict[str, str]) -> None:
    """Rows shown with translated headers (``columns``: row key -> text key of the header)."""
    st.dataframe([{t(f"col.{header}"): row.get(key) for key, header in columns.items()} for row in rows],
                 hide_index=True, width="stretch")


def _results(result: dict[str, Any]) -> None:
    st.subheader(t("results"))
    method = translate(f"app_staff.method_name.{result['method']}", ui.lang())
    st.success(t("summary", offers=len(result["offers"]), children=result["children"],
                 unplaced=len(result["unplaced"]), method=method, status=result["status"]))
    cols = st.columns(2)
    cols[0].download_button(t("download_offers"), data=result["offers_csv"].encode("utf-8"),
                            file_name="offers.csv", mime="text/csv", key="staff.dl_offers")
    cols[1].download_button(t("download_evaka"), data=result["evaka_csv"].encode("utf-8"),
                            file_name="evaka-placements.csv", mime="text/csv", key="staff.dl_evaka")
    st.markdown("**" + t("offers", count=len(result["offers"])) + "**")
    _table(result["offers"], {"child_id": "child_id", "unit_id": "unit_id", "unit": "unit",
                              "travel_min": "travel_min", "seats": "seats", "reason": "reason"})
    st.markdown("**" + t("unplaced", count=len(result["unplaced"])) + "**")
    if result["unplaced"]:
        _table(result["unplaced"], {"child_id": "child_id", "area": "area", "reason": "reason"})
    else:
        st.caption(t("all_placed"))
    st.markdown("**" + t("occupancy") + "**")
    _table(result["occupancy"], {"unit_id": "unit_id", "unit": "unit", "children": "children",
                                 "used_seats": "used_seats", "available_seats": "available_seats",
                                 "use_percent": "use_percent"})
    if any(row["capacity_estimated"] for row in result["occupancy"]):
        st.caption(t("capacity_estimated"))
    st.markdown("**" + t("envy", count=len(result["envy"])) + "**")
    st.caption(t("envy_help"))
    if result["envy"]:
        _table(result["envy"], {"child_id": "child_id", "has": "has", "envies": "envies", "displaced": "displaced"})
    else:
        st.caption(t("no_envy"))
    distribution = {"group": "group", "children": "children", "mean_min": "mean_min", "median_min": "median_min",
                    "p90_min": "p90_min", "max_min": "max_min"}
    cols = st.columns(2)
    with cols[0]:
        st.markdown("**" + t("by_area") + "**")
        _table(result["by_area"], distribution)
    with cols[1]:
        st.markdown("**" + t("by_language") + "**")
        _table(result["by_language"], distribution)
    levels = result["objective"]
    st.caption(t("objective", placed=levels["placed"], catchment=levels["in_catchment"],
                 siblings=levels["siblings_together"], current=levels["current_unit_kept"],
                 hours=round(levels["total_travel_time_s"] / 3600.0, 1)))


def render() -> None:
    """The whole page."""
    _init()
    st.title(t("title"))
    st.caption(t("intro"))
    st.info(t("privacy"), icon=":material/lock:")
    try:
        units = ui.dataset().units
    except (PlannerError, ImportError) as error:
        st.error(t("no_dataset", reason=str(error)))
        return
    if any(getattr(u, "demo", False) for u in units):
        st.warning(t("demo_units"), icon=":material/info:")
    _inputs()
    result = st.session_state[RESULT_KEY]
    if result is not None:
        _results(result)


render()
