"""Staff page: a placement round from a children CSV (offers, reasons, occupancy, envy, downloads).

Children's data is processed in memory only: never written to disk, logs or caches. Only the dataset
(and its routing engines) is cached; the round's result lives in ``st.session_state`` and is dropped
with the session or with the "forget" button. Every reason, table and download comes from
``planner.placement`` (through ``pages/_staff_core.py``); this page reads widgets and renders.
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
from pages import longrun, ui  # noqa: E402
from pages.safe import md  # noqa: E402
from planner.errors import InfeasibleError, InputError, PlannerError  # noqa: E402
from planner.i18n import translate  # noqa: E402

RESULT_KEY = "staff.result"       # the last round's result (children ids, units, times) – memory only
ROUND_RUN_KEY = "staff.round"    # the running round (its Stop button and "stopped" flag)
PROBLEMS_KEY = "staff.problems"   # texts of the problems of the last run, shown under the input
DECISIONS_KEY = "staff.decisions"  # child_id -> {unit_id, decision, reason}: the review, memory only
FORMATS = ("children", "evaka")
UNIT_SOURCES = ("dataset", "evaka", "evaka_example")
SOURCES = ("upload", "paste", "example")
DEFAULT_EXAMPLE = "children-small.csv"
EVAKA_CHILDREN_EXAMPLES = "evaka-esiopetusoppilaat*.csv"
EVAKA_UNITS_EXAMPLES = "evaka-esiopetusyksikot*.csv"


def _example_pattern() -> str:
    """Example children files of the chosen format (the project's CSV or eVaka's report)."""
    state = st.session_state
    evaka = state.get("staff.kind") == "preschool" and state.get("staff.format") == "evaka"
    return EVAKA_CHILDREN_EXAMPLES if evaka else "children-*.csv"


def t(key: str, /, **params: Any) -> str:
    """The text ``app_staff.<key>`` in the chosen language."""
    return translate(f"app_staff.{key}", ui.lang(), **params)


def _labels(prefix: str):
    language = ui.lang()
    return lambda code: translate(f"app_staff.{prefix}.{code}", language)


def _init() -> None:
    ui.init_state()
    for key, value in {RESULT_KEY: None, PROBLEMS_KEY: [], DECISIONS_KEY: {}}.items():
        if key not in st.session_state:
            st.session_state[key] = value


def _source_bytes() -> bytes | str | None:
    """The children CSV chosen on the page (uploaded, pasted or the example); None when none yet."""
    state = st.session_state
    source = state.get("staff.source", SOURCES[0])
    if source == "upload":
        uploaded = ui.uploaded_file(state.get("staff.upload"))
        return uploaded.getvalue() if uploaded is not None else None
    if source == "paste":
        text = state.get("staff.paste", "")
        return text if text.strip() else None
    examples = {p.name: p for p in core.example_files(pattern=_example_pattern())}
    chosen = examples.get(state.get("staff.example") or "")
    return chosen.read_bytes() if chosen else None


def _run(keep_review: bool = False) -> None:
    """Button callback: run the round through ``planner.placement``; keep the result in session state only.
    ``keep_review``: a re-run with the staff's decisions (accepted offers fixed, rejected ones not repeated)."""
    state = st.session_state
    state[RESULT_KEY] = None
    state[PROBLEMS_KEY] = []
    if not keep_review:
        state[DECISIONS_KEY] = {}
    data = _source_bytes()
    if data is None:
        state[PROBLEMS_KEY] = [t("no_file")]
        return
    kind = state.get("staff.kind", core.KINDS[0])
    preschool = kind == "preschool"
    units_bytes = None
    if preschool and state.get("staff.units_source") == "evaka":
        uploaded = ui.uploaded_file(state.get("staff.units_upload"))
        if uploaded is None:
            state[PROBLEMS_KEY] = [t("no_units_file")]
            return
        units_bytes = uploaded.getvalue()
    elif preschool and state.get("staff.units_source") == "evaka_example":
        files = core.example_files(pattern=EVAKA_UNITS_EXAMPLES)
        if not files:
            state[PROBLEMS_KEY] = [t("no_units_file")]
            return
        units_bytes = files[0].read_bytes()
    decisions = [dict(v, child_id=k) for k, v in state[DECISIONS_KEY].items()] if keep_review else []
    lang = ui.lang()
    options = dict(method=state["staff.method"], mode=state["staff.mode"],
                   max_minutes=float(state["staff.max_minutes"]), seed=int(state.get("staff.seed", 0) or 0),
                   lang=lang, kind=kind, source_format=state.get("staff.format", FORMATS[0]) if preschool else "children",
                   units_source=units_bytes, municipality=state.get("staff.municipality") if preschool else None,
                   siblings=state.get("staff.siblings", core.SIBLING_RULES[0]), decisions=decisions)
    dataset = ui.dataset()
    try:   # in a worker thread: a progress bar, a Stop button, stopped when the session ends (pages/longrun.py)
        state[RESULT_KEY] = longrun.run(
            lambda progress: core.place_from_dataset(dataset, data, progress=progress, **options),
            key=ROUND_RUN_KEY, lang=lang, deadline_s=longrun.ROUND_LIMIT_S)
    except longrun.Cancelled as error:
        state[PROBLEMS_KEY] = [error.text(lang)]
    except InputError as error:
        state[PROBLEMS_KEY] = [ui.problem_line(p) for p in error.problems]
    except (InfeasibleError, PlannerError) as error:
        state[PROBLEMS_KEY] = [md(error)]


def _with_progress(action) -> None:
    """Run the round (a progress bar and a Stop button while it runs), then draw the page again with the
    result. (A round is bounded: at most 20,000 children per file, 120 s per MILP solver call and
    ``longrun.ROUND_LIMIT_S`` in all.)"""
    action()
    st.rerun()


def _rerun() -> None:
    """Button callback: run again with the review decisions."""
    _run(keep_review=True)


def _save_decision() -> None:
    """Button callback: store the decision chosen for one offered child (memory only)."""
    state = st.session_state
    result = state.get(RESULT_KEY)
    child_id = state.get("staff.review_child")
    if not result or child_id is None:
        return
    offered = {o["child_id"]: o["unit_id"] for o in result["offers"]}
    if child_id not in offered:
        return
    decision = state.get("staff.review_decision", "pending")
    reason = state.get("staff.review_reason") or ""
    if decision == "accepted" and reason not in core.ACCEPT_REASONS:
        reason = "family_accepted"
    state[DECISIONS_KEY] = dict(state[DECISIONS_KEY], **{
        child_id: {"unit_id": offered[child_id], "decision": decision, "reason": reason}})


def _forget() -> None:
    """Drop the result, the review and any pasted children text from the session."""
    st.session_state[RESULT_KEY] = None
    st.session_state[PROBLEMS_KEY] = []
    st.session_state[DECISIONS_KEY] = {}
    if "staff.paste" in st.session_state:
        st.session_state["staff.paste"] = ""


def _inputs() -> None:
    st.radio(t("kind"), core.KINDS, key="staff.kind", horizontal=True, format_func=_labels("kind_name"),
             help=t("kind_help"))
    preschool = st.session_state.get("staff.kind", core.KINDS[0]) == "preschool"
    if preschool:
        cols = st.columns(3)
        general = t("general_rule")  # the label is made now, in the page's language
        with cols[0]:
            st.selectbox(t("municipality"), core.rule_municipalities(), key="staff.municipality",
                         format_func=lambda name: general if name == "*" else name,
                         help=t("municipality_help"))
        with cols[1]:
            st.radio(t("format"), FORMATS, key="staff.format", format_func=_labels("format_name"),
                     help=t("format_help"))
        with cols[2]:
            st.radio(t("units_source"), UNIT_SOURCES, key="staff.units_source",
                     format_func=_labels("units_source_name"))
        if st.session_state.get("staff.units_source") == "evaka":
            st.file_uploader(t("units_upload"), type=["csv", "txt"], key="staff.units_upload",
                             help=t("units_upload_help"))
            ui.upload_limit_note("units", "CSV")
    st.radio(t("source"), SOURCES, key="staff.source", horizontal=True, format_func=_labels("source_name"))
    source = st.session_state.get("staff.source", SOURCES[0])
    if source == "upload":
        st.file_uploader(t("upload"), type=["csv", "txt"], key="staff.upload", help=t("columns_help"))
        ui.upload_limit_note("children", "CSV")
    elif source == "paste":
        st.text_area(t("paste"), key="staff.paste", height=160, help=t("columns_help"),
                     placeholder="child_id,lat,lon,birth_date,start_date,weekly_hours,language,shift_care,"
                                 "sibling_group")
    else:
        names = [p.name for p in core.example_files(pattern=_example_pattern())]
        if names:
            default = names.index(DEFAULT_EXAMPLE) if DEFAULT_EXAMPLE in names else 0
            st.selectbox(t("example"), names, index=default, key="staff.example")
        else:
            st.info(t("no_example"))
    if longrun.stopped(ROUND_RUN_KEY) and st.session_state[RESULT_KEY] is None:
        st.info(translate("progress.cancelled.stopped", ui.lang()), icon=":material/stop_circle:")
    for text in st.session_state[PROBLEMS_KEY]:
        st.error(text, icon=":material/warning:")
    cols = st.columns([3, 2, 2, 1])
    with cols[0]:
        st.radio(t("method"), core.METHODS, key="staff.method", format_func=_labels("method_name"),
                 help=t("method_help"))
    with cols[1]:
        st.selectbox(t("mode"), core.MODES, key="staff.mode", format_func=_labels("mode_name"))
    with cols[2]:
        ui.number_box(t("max_minutes"), "staff.max_minutes", default=60.0, low=1, high=240,
                      help=t("max_minutes_help"))
    with cols[3]:
        ui.number_box(t("seed"), "staff.seed", default=0, low=0, high=2**31 - 1, decimals=0, help=t("seed_help"))
    st.radio(t("siblings"), core.SIBLING_RULES, key="staff.siblings", format_func=_labels("siblings_name"),
             help=t("siblings_help"), horizontal=True)
    cols = st.columns(2)
    if cols[0].button(t("run"), key="staff.run", type="primary"):
        _with_progress(_run)
    cols[1].button(t("forget"), key="staff.forget", on_click=_forget)


def _table(rows: list[dict[str, Any]], columns: dict[str, str]) -> None:
    """Rows shown with translated headers (``columns``: row key -> text key of the header)."""
    ui.dataframe([{t(f"col.{header}"): row.get(key) for key, header in columns.items()} for row in rows])


def _minutes(seconds: Any) -> float | None:
    """Seconds shown as minutes with one decimal; None stays None."""
    return None if seconds is None else round(float(seconds) / 60.0, 1)


def _date_text(value: Any) -> str:
    """An ISO date as the chosen language writes it (1.8.2026); other text as it is."""
    from datetime import date

    from planner.parse import format_date

    try:
        return format_date(date.fromisoformat(str(value)), ui.lang())
    except ValueError:
        return str(value)


def _unit_names() -> dict[str, str]:
    """Unit id -> name shown on the page, demo units marked ``(demo)``."""
    names = {}
    for unit in ui.dataset().units:
        names[unit.unit_id] = core.unit_name(unit.unit_id, getattr(unit, "name", ""),
                                             bool(getattr(unit, "demo", False)), ui.lang())
    return names


def _group_label(group: str, value: Any) -> str:
    """A distribution's group as people read it: a language by its name, no area as "–"."""
    if group == "language" and value in ("fi", "sv", "en"):
        return ui.labeller("language")(value)
    return "–" if value in (None, "", "-") else str(value)


def _distribution(rows: list[dict[str, Any]], group: str) -> None:
    shown = [{"group": _group_label(group, row[group]), "children": row["children"], "placed": row["placed"],
              **{f"{k}_min": _minutes(row[f"{k}_travel_time_s"]) for k in ("mean", "median", "p90", "max")}}
             for row in rows]
    _table(shown, {"group": "group", "children": "children", "placed": "placed", "mean_min": "mean_min",
                   "median_min": "median_min", "p90_min": "p90_min", "max_min": "max_min"})


def _results(result: dict[str, Any]) -> None:
    """Render the planner's report as it is: tables, reasons and the two download files."""
    st.subheader(t("results"))
    names = _unit_names()
    method = translate(f"app_staff.method_name.{result['method']}", ui.lang())
    try:
        status = t(f"status_name.{result['status']}")
    except KeyError:  # a status the planner adds later is shown by its code
        status = result["status"]
    st.success(t("summary", offers=len(result["offers"]), children=result["children"],
                 unplaced=len(result["unplaced"]), method=method, status=status))
    for unit_id, name in (result.get("unit_names") or {}).items():  # eVaka's units: names from its list
        if name:
            names.setdefault(unit_id, name)
    rule = result.get("rule_set")
    if rule:
        st.caption(md(t("rule_set", municipality=rule["municipality"] if rule["municipality"] != "*"
                         else t("general_rule"), area=t(f"area_rule.{rule['area_rule']}"),
                         valid_from=_date_text(rule["valid_from"]),
                         status=ui.t(f"costs.status.{rule['status']}") if rule["status"] in ("verified", "provisional")
                         else rule["status"])))
    for problem in result.get("evaka_problems", []):
        st.warning(md(f"{problem['field']}: {problem['value']} – {problem['expected']}"), icon=":material/info:")
    cols = st.columns(2)
    cols[0].download_button(t("download_report_csv"), data=result["report_csv"].encode("utf-8"),
                            file_name="kierrosraportti.csv", mime="text/csv", key="staff.dl_report_csv")
    cols[1].download_button(t("download_report_html"), data=result["report_html"].encode("utf-8"),
                            file_name="round-report.html", mime="text/html", key="staff.dl_report_html")
    cols = st.columns(2)
    cols[0].download_button(t("download_offers"), data=result["offers_csv"].encode("utf-8"),
                            file_name="offers.csv", mime="text/csv", key="staff.dl_offers")
    if result.get("evaka_csv") is not None:  # preschool rounds only
        cols[1].download_button(t("download_evaka"), data=result["evaka_csv"].encode("utf-8"),
                                file_name="evaka-placements.csv", mime="text/csv", key="staff.dl_evaka")
    else:  # a daycare round exports its own file, never labelled as preschool
        cols[1].download_button(t("download_daycare"), data=result["daycare_csv"].encode("utf-8"),
                                file_name="daycare-offers.csv", mime="text/csv", key="staff.dl_daycare")
    st.markdown("**" + t("offers", count=len(result["offers"])) + "**")
    offers = [dict(o, unit=names.get(o["unit_id"], o["unit_id"]), travel_min=_minutes(o["travel_time_s"]))
              for o in result["offers"]]
    _table(offers, {"child_id": "child_id", "unit_id": "unit_id", "unit": "unit", "travel_min": "travel_min",
                    "seat_weight": "seats", "reason": "reason"})
    st.markdown("**" + t("unplaced", count=len(result["unplaced"])) + "**")
    if result["unplaced"]:
        _table(result["unplaced"], {"child_id": "child_id", "reason": "reason"})
    else:
        st.caption(t("all_placed"))
    st.markdown("**" + t("occupancy") + "**")
    occupancy = [dict(row, unit=names.get(row["unit_id"], row["unit_id"]),
                      places_under_3="–" if row.get("places_under_3") is None else row["places_under_3"],
                      places_3_plus="–" if row.get("places_3_plus") is None else row["places_3_plus"])
                 for row in result["occupancy"]]
    _table(occupancy, {"unit_id": "unit_id", "unit": "unit", "children": "children",
                       "children_under_3": "under_3", "children_3_plus": "three_plus",
                       "places_under_3": "places_under_3", "places_3_plus": "places_3_plus",
                       "used_seats": "used_seats", "capacity_seats": "available_seats", "use_percent": "use_percent"})
    if any(getattr(u, "capacity_estimated", False) for u in ui.dataset().units):
        st.caption(t("capacity_estimated"))
    envy = result["justified_envy"]
    st.markdown("**" + t("envy", count=len(envy)) + "**")
    st.caption(t("envy_help"))
    if envy:
        offered = {o["child_id"]: o["unit_id"] for o in result["offers"]}
        _table([dict(row, has=names.get(offered.get(row["child_id"]), offered.get(row["child_id"], "–")),
                     unit_id=names.get(row["unit_id"], row["unit_id"]),
                     displaced=", ".join(row["displaced"]) or "–")
                for row in envy],
               {"child_id": "child_id", "has": "has", "unit_id": "envies", "displaced": "displaced"})
    else:
        st.caption(t("no_envy"))
    cols = st.columns(2)
    with cols[0]:
        st.markdown("**" + t("by_area") + "**")
        _distribution(result["travel_time_by_area"], "area")
    with cols[1]:
        st.markdown("**" + t("by_language") + "**")
        _distribution(result["travel_time_by_language"], "language")
    levels = result["objective"]
    st.caption(t("objective", placed=levels["placed"], catchment=levels["in_catchment"],
                 siblings=levels["siblings_together"], current=levels["current_unit_kept"],
                 hours=ui.fmt_number(round(levels["total_travel_time_s"] / 3600.0, 1))))
    stability = result.get("stability") or {}
    st.caption(t("stability", pairs=stability.get("blocking_pairs", 0),
                 coalitions=stability.get("blocking_group_coalitions", 0)
                 + stability.get("blocking_sibling_coalitions", 0),
                 children=stability.get("children_in_blocks", 0),
                 siblings=t(f"siblings_name.{result.get('sibling_rule', 'soft')}")))
    _review(result, names)


def _review(result: dict[str, Any], names: dict[str, str]) -> None:
    """The review loop: a decision per offer with a reason code, the decisions so far, the re-run, and
    the rejected offers and changes of the last run (memory only)."""
    st.subheader(t("review"))
    st.caption(t("review_help"))
    offered = [o["child_id"] for o in result["offers"]]
    if offered:
        cols = st.columns([2, 2, 3])
        with cols[0]:
            st.selectbox(t("review_child"), offered, key="staff.review_child")
        with cols[1]:
            st.radio(t("review_decision"), core.DECISIONS, key="staff.review_decision",
                     format_func=_labels("decision_name"))
        with cols[2]:
            st.selectbox(t("review_reason"), core.REASONS, key="staff.review_reason",
                         format_func=_labels("reason_name"), help=t("review_reason_help"))
        st.button(t("review_save"), key="staff.review_save", on_click=_save_decision)
    decisions = st.session_state[DECISIONS_KEY]
    if decisions:
        _table([{"child_id": k, "unit_id": v["unit_id"], "unit": names.get(v["unit_id"], v["unit_id"]),
                 "decision": t(f"decision_name.{v['decision']}"),
                 "reason": t(f"reason_name.{v['reason']}") if v["reason"] else ""} for k, v in decisions.items()],
               {"child_id": "child_id", "unit_id": "unit_id", "unit": "unit", "decision": "decision",
                "reason": "reason_code"})
        if st.button(t("rerun"), key="staff.rerun", type="primary"):
            _with_progress(_rerun)
    review = result.get("review") or {}
    if review.get("rejected"):
        st.markdown("**" + t("rejected", count=len(review["rejected"])) + "**")
        _table([dict(r, reason=t(f"reason_name.{r['reason']}")) for r in review["rejected"]],
               {"child_id": "child_id", "unit_id": "unit_id", "reason": "reason_code"})
    if result.get("changes"):
        st.markdown("**" + t("changes") + "**")
        _table([dict(c, change=t(f"change_name.{c['change']}")) for c in result["changes"]],
               {"child_id": "child_id", "before": "before", "after": "after", "change": "change"})


def render() -> None:
    """The whole page."""
    _init()
    st.title(t("title"))
    st.caption(t("intro"))
    st.info(t("privacy"), icon=":material/lock:")
    try:
        units = ui.dataset().units
    except (PlannerError, ImportError) as error:
        st.error(md(t("no_dataset", reason=str(error))))
        return
    if any(getattr(u, "demo", False) for u in units):
        st.warning(t("demo_units"), icon=":material/info:")
    _inputs()
    result = st.session_state[RESULT_KEY]
    if result is not None:
        _results(result)


render()
