"""Planner page (municipality planners): the baseline, what-if scenarios and the site optimiser.

Reads widgets, calls ``planner.siting`` (inputs, metrics, candidates, the site optimiser) and renders;
``pages._workbench_core`` formats tables and maps the form to scenario changes. Only the
dataset and its travel-time cache are cached (``st.cache_resource``); scenarios and results live in
``st.session_state``. Maps are drawn offline (``pages.maps``); every marker carries a text label.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # so that the page also runs on its own (AppTest.from_file)
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from pages import _workbench_core as core  # noqa: E402
from pages import longrun, ui  # noqa: E402
from pages.safe import md  # noqa: E402
from planner.readers import check_size, loads_json  # noqa: E402
from planner.errors import InfeasibleError, InputError, PlannerError  # noqa: E402
from planner.i18n import translate  # noqa: E402

SCENARIO_KEY = "wb.scenario"        # scenario document (scenario-file format)
PROBLEMS_KEY = "wb.problems"        # field -> list of problem texts of the last change
OPT_KEY = "wb.optimiser"            # last optimiser result (or error text)
CLICK_KEY = "wb.last_click"
ACTIONS = ("add", "move", "resize", "close")
OBJECTIVES = ("p-median", "coverage")


def t(key: str, /, **params: Any) -> str:
    """The text ``app_planner.<key>`` in the chosen language."""
    return translate(f"app_planner.{key}", ui.lang(), **params)


def _labels(prefix: str, language: str | None = None):
    """A ``format_func`` for option codes: ``app_planner.<prefix>.<code>`` in the language chosen now
    (captured, so labels stay right when called outside a script run)."""
    language = language or ui.lang()
    return lambda code: translate(f"app_planner.{prefix}.{code}", language)


def _init() -> None:
    ui.init_state()
    defaults = {SCENARIO_KEY: {"format": "planner-scenario", "version": 1, "name": t("whatif.default_name"),
                               "description": "", "changes": []},
                PROBLEMS_KEY: {}, OPT_KEY: None, CLICK_KEY: None,
                "wb.lat": 60.1699, "wb.lon": 24.9384, "wb.show_maps": True}
    for key, value in defaults.items():
        if key not in st.session_state:
            st.session_state[key] = value


@st.cache_resource(show_spinner=False)
def _cached_inputs(dataset_name: str | None, mode: str, class_id: int, _dataset: Any, arrive_by: Any = None):
    """Demand points, catchments and the travel-time cache of one dataset and mode (no personal data).
    ``class_id`` = id of the ``SitingInputs`` class: when Streamlit re-imports ``planner`` after a source
    change, the cached object of the old class is not handed to code that checks the new class.
    ``arrive_by``: transit only, the moment of the one time model (planner.network.timemodel)."""
    from planner.siting.scenario import SitingInputs

    return SitingInputs.from_dataset(_dataset, modes=(mode,), arrive_by=arrive_by)


def _transit_moment(data: Any, mode: str) -> Any:
    """Transit only: the timetable day (empty = the feed's representative weekday) and the time to be at
    the unit, through the one time model; its notes (which day, service hours) are shown."""
    if mode != "transit" or data.transit() is None:
        return None
    from datetime import time

    from planner.network.timemodel import transit_time

    cols = st.columns(2)
    day = cols[0].date_input(t("transit.date"), value=None, key="wb.transit_date", format="DD.MM.YYYY",
                             help=t("transit.date_help"))
    clock = cols[1].time_input(t("transit.arrive"), value=time(8, 0), key="wb.transit_arrive", step=300,
                               help=t("transit.arrive_help"))
    timing = transit_time(data.transit(), day, clock, lang=ui.lang())
    for note in timing.notes:
        st.caption(md(note))
    return timing.moment


def _inputs(dataset_name: str | None, mode: str, dataset: Any, arrive_by: Any = None):
    from planner.siting.scenario import SitingInputs

    return _cached_inputs(dataset_name, mode, id(SitingInputs), dataset, arrive_by)


def _scenario():
    from planner.siting.scenario import Scenario

    return Scenario.from_dict(st.session_state[SCENARIO_KEY])


# --------------------------------------------------------------------------- callbacks (run before the page)


def _add_change(units: list) -> None:
    """Validate the change in the form and append it to the scenario; problems go next to the fields."""
    from planner.siting.scenario import Scenario

    state = st.session_state
    action = state["wb.action"]
    unit_id = state.get("wb.new_id", "") if action == "add" else (state.get("wb.unit") or "")
    capacity = state.get("wb.capacity")
    change = core.change_from_form(action, unit_id, name=state.get("wb.name", ""), lat=state.get("wb.lat"),
                                   lon=state.get("wb.lon"), address=state.get("wb.address", ""),
                                   capacity_seats=capacity if capacity else None)
    document = state[SCENARIO_KEY]
    try:
        change = core.resolve_change(change, ui.dataset().addresses)
        candidate = {**document, "changes": [*document["changes"], change]}
        Scenario.from_dict(candidate).apply(units)
    except InputError as error:
        state[PROBLEMS_KEY] = _by_short_field(error)
        return
    state[PROBLEMS_KEY] = {}
    state[SCENARIO_KEY] = candidate
    if action == "add":
        state["wb.new_id"] = _next_new_id(candidate)


def _next_new_id(document: dict) -> str:
    """``new-N`` with N one more than the number of added units in the scenario."""
    added = {c["unit_id"] for c in document["changes"] if c["action"] == "add"}
    number = len(added) + 1
    while f"new-{number}" in added:
        number += 1
    return f"new-{number}"


def _by_short_field(error: InputError) -> dict[str, list[str]]:
    """Problems keyed by the last part of their field (``changes[2].lat`` -> ``lat``)."""
    grouped: dict[str, list[str]] = {}
    for problem in error.problems:
        field = problem.field.rsplit(".", 1)[-1] if "." in problem.field else problem.field
        if field.startswith("changes["):
            field = "unit_id"
        grouped.setdefault(field, []).append(ui.problem_text(problem))
    return grouped


def _remove_change(index: int, units: list) -> None:
    """Remove one change, unless a later change needs it (moves the unit it adds, adds back the unit it
    closes): then the scenario stays as it was and the page says which change to remove first."""
    from planner.siting.scenario import Scenario

    document = st.session_state[SCENARIO_KEY]
    changes = [c for i, c in enumerate(document["changes"]) if i != index]
    candidate = {**document, "changes": changes}
    try:
        Scenario.from_dict(candidate).apply(units)
    except InputError as error:
        match = re.match(r"changes\[(\d+)\]", error.problems[0].field)
        other = int(match.group(1)) if match else index
        other += 1 if other >= index else 0       # its place in the list as shown (before the removal)
        st.session_state[PROBLEMS_KEY] = {"remove": [t("whatif.remove_blocked", number=index + 1, other=other + 1)]}
        return
    st.session_state[SCENARIO_KEY] = candidate
    st.session_state[PROBLEMS_KEY] = {}


def _clear_changes() -> None:
    document = st.session_state[SCENARIO_KEY]
    st.session_state[SCENARIO_KEY] = {**document, "changes": []}
    st.session_state[PROBLEMS_KEY] = {}


def _rename() -> None:
    name = st.session_state.get("wb.scenario_name", "").strip() or t("whatif.default_name")
    st.session_state[SCENARIO_KEY] = {**st.session_state[SCENARIO_KEY], "name": name}


def _load_uploaded(units: list) -> None:
    """Read an uploaded scenario file. Only a file whose changes all apply to the units on the page
    replaces the scenario; otherwise its problems are shown under the uploader and the earlier scenario
    stays in force."""
    uploaded = ui.uploaded_file(st.session_state.get("wb.upload"))   # None while a replaced file is on its way
    if uploaded is None:
        return
    try:
        content = uploaded.getvalue()
        check_size(len(content), "scenario", "scenario", uploaded.name)
        data = loads_json(content, "scenario", uploaded.name)   # UTF-8, depth, huge numbers: InputError
        document = _checked_document(data, units)
    except InputError as error:
        st.session_state[PROBLEMS_KEY] = {"upload": [ui.problem_line(p) for p in error.problems]
                                          + [t("whatif.load_kept")]}
        return
    st.session_state[SCENARIO_KEY] = document
    st.session_state[PROBLEMS_KEY] = {}
    st.session_state["wb.scenario_name"] = document["name"]        # the name box shows the file's name
    if st.session_state.get("wb.new_id") in {c["unit_id"] for c in document["changes"]}:
        st.session_state["wb.new_id"] = _next_new_id(document)   # a typed id is kept unless the file took it


def _checked_document(data: Any, units: list) -> dict:
    """A scenario document that applies to ``units``: its form checked, addresses placed with the
    dataset's address index, then every change applied (unknown or duplicate unit ids). InputError
    names ``changes[i].field`` for every problem."""
    from planner.errors import ProblemCollector
    from planner.siting.scenario import Scenario

    document = Scenario.from_dict(data).to_dict()
    addresses = ui.dataset().addresses
    problems, changes = ProblemCollector(), []
    for index, change in enumerate(document["changes"]):
        try:
            if change["action"] in ("add", "move"):
                change = core.resolve_change(change, addresses, field=f"changes[{index}].address")
        except InputError as error:
            problems.extend(error)
        changes.append(change)
    problems.raise_if_any()
    document = {**document, "changes": changes}
    Scenario.from_dict(document).apply(units)
    return document


def _run_optimiser(inputs: Any, units: list, mode: str, max_minutes: float) -> None:
    from planner.siting.candidates import candidates_for
    from planner.siting.sites import optimise_sites

    state = st.session_state
    state[OPT_KEY] = None   # a stopped run leaves no older result behind
    lang = ui.lang()
    try:
        candidates = candidates_for(state["wb.cand_source"], ui.dataset(), mode=mode,
                                    spacing_m=float(state.get("wb.grid_m") or 0.0),
                                    text=state.get("wb.points", "") or "", demand=inputs.demand)
        k, objective, capacity = int(state["wb.k"]), state["wb.objective"], state.get("wb.cand_capacity") or None
        # in a worker thread with a progress bar and a Stop button; stopped when the session ends (pages/longrun.py)
        outcome = longrun.run(
            lambda progress: optimise_sites(inputs, units, candidates, k=k, objective=objective, mode=mode,
                                            max_minutes=max_minutes, candidate_capacity=capacity, lang=lang,
                                            progress=progress),
            key="wb.opt", lang=lang, deadline_s=longrun.OPTIMISER_LIMIT_S)
        result = core.optimiser_summary(outcome)
        result["settings"] = t("opt.settings", mode=translate(f"app_planner.mode_name.{mode}", ui.lang()),
                               minutes=f"{max_minutes:g}", k=int(state["wb.k"]),
                               objective=translate(f"app_planner.opt.objective_name.{state['wb.objective']}",
                                                   ui.lang()))
        state[OPT_KEY] = {"ok": result}
    except longrun.Cancelled as error:
        state[OPT_KEY] = {"cancelled": error.text(lang)}
    except InfeasibleError as error:
        state[OPT_KEY] = {"infeasible": md(error)}
    except InputError as error:
        state[OPT_KEY] = {"input": [ui.problem_line(p) for p in error.problems]}


# --------------------------------------------------------------------------- rendering helpers


def _errors(field: str) -> None:
    for text in st.session_state[PROBLEMS_KEY].get(field, []):
        st.error(text, icon=":material/warning:")


def _refit_when_shown(bounds: Any):
    """A map drawn in a tab that is not shown has size 0, so Leaflet fits the bounds at world zoom (and
    map clicks then give far-away coordinates). This refits the bounds once the map gets its real size."""
    from branca.element import MacroElement
    from jinja2 import Template

    class _Refit(MacroElement):
        _template = Template("""
            {% macro script(this, kwargs) %}
            (function (map) {
                var box = [[{{ this.south }}, {{ this.west }}], [{{ this.north }}, {{ this.east }}]];
                var wasHidden = map.getContainer().clientWidth === 0;
                if (typeof ResizeObserver === "undefined") { return; }
                new ResizeObserver(function () {
                    var hidden = map.getContainer().clientWidth === 0;
                    if (wasHidden && !hidden) { map.invalidateSize(); map.fitBounds(box); }
                    wasHidden = hidden;
                }).observe(map.getContainer());
            })({{ this._parent.get_name() }});
            {% endmacro %}
        """)

    element = _Refit()
    (element.south, element.west), (element.north, element.east) = [[float(v) for v in corner] for corner in bounds]
    return element


# Maps are drawn only in the tab on screen (the tabs rerun the page when one is chosen): each map is a
# heavy frame of streets and catchments, and a page with all six took ~1.3 s to switch to in Chromium.
_TAB_SHOWN = [True]


def _tab_shown(tab: Any) -> bool:
    """Whether ``tab`` is the one on screen (True when Streamlit cannot tell, e.g. in older versions)."""
    shown = getattr(tab, "open", None)
    return True if shown is None else bool(shown)


def _map(points: list[dict[str, Any]], key: str, *, clickable: bool = False) -> dict | None:
    """Streets, catchments and labelled unit markers; returns the last click when ``clickable``.
    Nothing is drawn when the user has switched maps off (the tables carry the same information)."""
    if not st.session_state.get("wb.show_maps", True) or not _TAB_SHOWN[0]:
        return None
    from streamlit_folium import st_folium

    from pages import maps

    lines, bounds = ui.streets_and_bounds()
    fmap = maps.new_map(bounds, height_px=420)
    fmap.add_child(_refit_when_shown(bounds))
    maps.add_streets(fmap, lines, t("map.streets"))
    maps.add_catchments(fmap, ui.catchments_geojson(), None, t("map.catchments"), {})
    for point in points:
        maps.add_point(fmap, point["lat"], point["lon"], point["label"], point["tooltip"],
                       background=point.get("background", "#0b5394"), color=point.get("color", "#ffffff"))
    returned = ["last_clicked"] if clickable else []
    output = st_folium(fmap, key=key, height=420, use_container_width=True, returned_objects=returned)
    return output if clickable else None


def _unit_points(units: list, numbers: dict[str, str] | None = None) -> list[dict[str, Any]]:
    numbers = numbers or {u.unit_id: str(i) for i, u in enumerate(units, start=1)}
    return [{"lat": u.lat, "lon": u.lon, "label": numbers.get(u.unit_id, u.unit_id),
             "tooltip": f"{numbers.get(u.unit_id, '')}. " + core.unit_label(u.unit_id, u.name, u.demo, ui.lang())}
            for u in units]


def _settings() -> tuple[str, float, str]:
    cols = st.columns(3)
    with cols[0]:
        mode = st.selectbox(t("mode"), core.MODES, format_func=_labels("mode_name"), key="wb.mode",
                            help=t("mode_help"))
    with cols[1]:
        minutes = ui.number_box(t("max_minutes"), "wb.minutes", default=10.0, low=1, high=120,
                                help=t("max_minutes_help")) or 10.0
    with cols[2]:
        assignment = st.radio(t("assignment"), ("catchment", "nearest"), key="wb.assignment", horizontal=True,
                              format_func=_labels("assignment_name"), help=t("assignment_help"))
    st.toggle(t("show_maps"), key="wb.show_maps", help=t("show_maps_help"))
    return mode, float(minutes), assignment


# --------------------------------------------------------------------------- sections


def _baseline(inputs: Any, units: list, mode: str, minutes: float, assignment: str) -> None:
    from planner.siting.scenario import evaluate

    lang = ui.lang()
    try:   # the first call per dataset and mode routes every unit: a bar and a Stop button when slow
        evaluation = longrun.run(lambda progress: evaluate(inputs, units, mode, minutes, assignment,
                                                           progress=progress),
                                 key="wb.baseline", lang=lang, deadline_s=longrun.WHATIF_LIMIT_S, auto=True)
    except longrun.Cancelled as error:
        st.warning(error.text(lang), icon=":material/timer_off:")
        return
    if evaluation is None:
        return
    st.subheader(t("baseline.title"))
    if evaluation.estimated:
        st.info(t("note.demand_estimated_long"), icon=":material/info:")
    overall = evaluation.overall
    # two metrics per row: four in a row truncate the longer labels ("Share within the time limit, % (10 m…")
    cols = st.columns(2) + st.columns(2)
    cols[0].metric(core.coverage_label(minutes, ui.lang()),
                   ui.fmt_number(core.overall_value("coverage_share", overall["coverage_share"]), "%"),
                   help=t("metric.coverage_share"))
    cols[1].metric(t("metric.mean_travel_s"),
                   ui.fmt_number(core.overall_value("mean_travel_s", overall["mean_travel_s"]), "min"))
    cols[2].metric(t("metric.p90_travel_s"),
                   ui.fmt_number(core.overall_value("p90_travel_s", overall["p90_travel_s"]), "min"))
    cols[3].metric(t("metric.access_seats_per_child"),
                   ui.fmt_number(core.overall_value("access_seats_per_child", overall["access_seats_per_child"])))
    st.markdown("**" + t("baseline.units") + "**")
    ui.dataframe(core.unit_table(evaluation, units, ui.lang()))
    st.caption(t("baseline.units_caption"))
    st.markdown("**" + t("baseline.areas") + "**")
    ui.dataframe(core.area_table(evaluation.areas, ui.lang(), units=units))
    st.caption(t("baseline.areas_caption", minutes=f"{minutes:g}"))
    _map(_unit_points(units), "wb.map.baseline")
    st.caption(t("map.legend_units"))


def _change_form(units: list, current_units: list) -> None:
    st.subheader(t("whatif.add_title"))
    click = _map(_unit_points(current_units), "wb.map.click", clickable=True)
    clicked = (click or {}).get("last_clicked")
    if clicked and clicked != st.session_state[CLICK_KEY]:
        st.session_state[CLICK_KEY] = clicked
        st.session_state["wb.lat"] = round(float(clicked["lat"]), 6)
        st.session_state["wb.lon"] = round(float(clicked["lng"]), 6)
    st.caption(t("whatif.click_hint"))
    action = st.selectbox(t("whatif.action"), ACTIONS, format_func=_labels("action"), key="wb.action")
    ids = [u.unit_id for u in current_units]
    names = {u.unit_id: core.unit_label(u.unit_id, u.name, u.demo, ui.lang()) for u in current_units}
    if action == "add":
        cols = st.columns(2)
        with cols[0]:
            if "wb.new_id" not in st.session_state:
                st.session_state["wb.new_id"] = _next_new_id(st.session_state[SCENARIO_KEY])
            st.text_input(t("whatif.new_id"), key="wb.new_id", help=t("whatif.new_id_help"))
            _errors("unit_id")
        with cols[1]:
            st.text_input(t("whatif.name"), key="wb.name")
    else:
        st.selectbox(t("whatif.unit"), ids, format_func=lambda u: f"{u} · {names.get(u, u)}", key="wb.unit")
        _errors("unit_id")
    if action in ("add", "move"):
        cols = st.columns(3)
        with cols[0]:
            ui.number_box(t("whatif.lat"), "wb.lat", default=60.1699, low=0, high=90)
            _errors("lat")
        with cols[1]:
            ui.number_box(t("whatif.lon"), "wb.lon", default=24.9384, low=0, high=180)
            _errors("lon")
        with cols[2]:
            st.text_input(t("whatif.address"), key="wb.address", help=t("whatif.address_help"))
            _errors("address")
    if action in ("add", "resize"):
        ui.number_box(t("whatif.capacity"), "wb.capacity", default=None, low=0, high=1000,
                      help=t("whatif.capacity_help"))
        _errors("capacity_seats")
    st.button(t("whatif.add_button"), key="wb.add", on_click=_add_change, args=(units,), type="primary")


def _scenario_files(units: list) -> None:
    document = st.session_state[SCENARIO_KEY]
    cols = st.columns(2)
    with cols[0]:
        if "wb.scenario_name" not in st.session_state:   # set here (not value=): a loaded file renames it
            st.session_state["wb.scenario_name"] = document.get("name") or t("whatif.default_name")
        st.text_input(t("whatif.scenario_name"), key="wb.scenario_name", on_change=_rename)
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        st.download_button(t("whatif.save"), data=text.encode("utf-8"), key="wb.save",
                           file_name=f"{document.get('name', 'scenario')}.json", mime="application/json")
    with cols[1]:
        st.file_uploader(t("whatif.load"), type=["json"], key="wb.upload", on_change=_load_uploaded,
                         args=(units,), help=t("whatif.load_help"))
        _errors("upload")
        ui.upload_limit_note("scenario", "JSON")


def _whatif(inputs: Any, units: list, mode: str, minutes: float, assignment: str) -> None:
    from planner.siting.scenario import run_what_if

    scenario = _scenario()
    try:
        current_units = scenario.apply(units)
    except InputError:
        current_units = units
    _change_form(units, current_units)
    st.subheader(t("whatif.changes_title"))
    if not scenario.changes:
        st.info(t("whatif.no_changes"))
    names = {u.unit_id: core.unit_label(u.unit_id, u.name, u.demo, ui.lang()) for u in [*units, *current_units]}
    for index, change in enumerate(scenario.changes):
        cols = st.columns([6, 1])
        cols[0].markdown(f"{index + 1}. {md(change.describe(ui.lang(), names.get(change.unit_id)))}")
        cols[1].button(t("whatif.remove", number=index + 1), key=f"wb.remove.{index}", on_click=_remove_change,
                       args=(index, units))
    _errors("remove")
    if scenario.changes:
        st.button(t("whatif.clear"), key="wb.clear", on_click=_clear_changes)
    _scenario_files(units)
    if not scenario.changes:
        return
    lang = ui.lang()
    try:   # new unit locations are routed in a worker thread: a bar and a Stop button when it takes a while
        outcome = longrun.run(
            lambda progress: run_what_if(inputs, units, scenario, mode=mode, max_minutes=minutes,
                                         assignment=assignment, lang=lang, progress=progress),
            key="wb.whatif", lang=lang, deadline_s=longrun.WHATIF_LIMIT_S, auto=True)
    except longrun.Cancelled as error:
        st.warning(error.text(lang), icon=":material/timer_off:")
        return
    except InputError as error:
        ui.show_error(error)
        return
    if outcome is None:   # stopped: the page says so and offers to compute again
        return
    baseline, after, comparison = outcome
    st.subheader(t("whatif.result_title"))
    if baseline.estimated:
        st.caption(t("note.demand_estimated_long"))
    st.markdown("**" + t("whatif.overall") + "**")
    ui.dataframe(core.overall_table(comparison.overall, ui.lang()))
    st.markdown("**" + t("whatif.changed_units") + "**")
    ui.dataframe(core.changed_units_table(comparison, ui.lang(), units))
    st.markdown("**" + t("whatif.changed_points", count=len(comparison.changed_points)) + "**")
    if len(comparison.changed_points):
        ui.dataframe(core.changed_points_table(comparison, ui.lang(), units))
    else:
        st.caption(t("whatif.no_changed_points"))
    st.markdown("**" + t("whatif.areas_after") + "**")
    ui.dataframe(core.area_table(comparison.areas, ui.lang(), "_after", units))
    numbers = {u.unit_id: str(i) for i, u in enumerate(units, start=1)}
    added = [u for u in after.units.itertuples() if u.unit_id not in numbers]
    after_numbers = {**numbers, **{u.unit_id: f"+{i}" for i, u in enumerate(added, start=1)}}
    cols = st.columns(2)
    with cols[0]:
        st.markdown("**" + t("whatif.map_before") + "**")
        _map(_unit_points(units, numbers), "wb.map.before")
    with cols[1]:
        st.markdown("**" + t("whatif.map_after") + "**")
        _map(_unit_points(current_units, after_numbers), "wb.map.after")
    st.caption(t("whatif.map_legend"))


def _optimiser(inputs: Any, units: list, mode: str, minutes: float) -> None:
    st.subheader(t("opt.title"))
    st.caption(t("opt.intro"))
    source = st.radio(t("opt.source"), core.CANDIDATE_SOURCES, key="wb.cand_source", horizontal=True,
                      format_func=_labels("opt.source_name"))
    if source == "grid":
        ui.number_box(t("opt.grid_m"), "wb.grid_m", default=400.0, low=50, high=5000)
    elif source == "points":
        st.text_area(t("opt.points"), key="wb.points", placeholder="60.1699,24.9384,70", help=t("opt.points_help"))
    else:
        st.caption(t("opt.buildings_note", count=core.MAX_BUILDING_CANDIDATES))
    cols = st.columns(3)
    with cols[0]:
        ui.number_box(t("opt.k"), "wb.k", default=1, low=0, high=20, decimals=0)
    with cols[1]:
        st.radio(t("opt.objective"), OBJECTIVES, key="wb.objective", format_func=_labels("opt.objective_name"))
    with cols[2]:
        ui.number_box(t("opt.capacity"), "wb.cand_capacity", default=0.0, low=0, high=1000,
                      help=t("opt.capacity_help"))
    if st.button(t("opt.run"), key="wb.opt_run", type="primary"):
        _run_optimiser(inputs, units, mode, minutes)
    outcome = st.session_state[OPT_KEY]
    if longrun.stopped("wb.opt") and not outcome:
        st.info(translate("progress.cancelled.stopped", ui.lang()), icon=":material/stop_circle:")
    if not outcome:
        return
    if "cancelled" in outcome:
        st.warning(outcome["cancelled"], icon=":material/timer_off:")
        return
    if "infeasible" in outcome:
        st.error(t("opt.infeasible", reason=outcome["infeasible"]), icon=":material/warning:")
        return
    if "input" in outcome:
        for text in outcome["input"]:
            st.error(text, icon=":material/warning:")
        return
    result = outcome["ok"]
    if result.get("unmet_seats", 0) > 0:    # places still short: a warning, not a success
        st.warning(md(result["explanation"]), icon=":material/warning:")
    else:
        st.success(md(result["explanation"]))
    proven = result["status"] == "optimal"   # solver words stay out of the sentence (the CLI has them)
    st.caption(md(result["settings"] + " " + t("opt.status_optimal" if proven else "opt.status_other",
                                               status=result["status"], candidates=result["candidates"])))
    ui.dataframe(core.chosen_table(result, ui.lang()))
    ui.dataframe(core.optimiser_metrics_table(result, ui.lang()))
    points = _unit_points(units) + [{"lat": row["lat"], "lon": row["lon"], "label": f"N{row['rank']}",
                                     "tooltip": t("opt.new_site", rank=row["rank"], id=row["id"]),
                                     "background": "#ffffff", "color": "#1a1a1a"} for row in result["chosen"]]
    _map(points, "wb.map.opt")
    st.caption(t("opt.map_legend"))


def _plans(data: Any, mode: str, minutes: float, assignment: str) -> None:
    """The municipality's plans: dated events, today vs a plan date, the occupancy and demand forecast."""
    from datetime import date, timedelta

    from pages import _plans_core as plans_core
    from planner.plans import load_plans
    from planner.plans.commands import compare_years
    from planner.siting.forecast import occupancy_forecast

    lang = ui.lang()
    st.subheader(translate("plans.page.title", lang))
    plans = load_plans(data)
    if not plans:
        st.info(md(translate("plans.page.none", lang, command="python -m planner data plan --name N --units F "
                                                              "--line F.json --housing F.csv")), icon=":material/info:")
        return
    if plans.example:
        st.warning(translate("plans.page.example", lang), icon=":material/warning:")
    events = plans.events()
    st.markdown("**" + translate("plans.page.events", lang) + "**")
    ui.dataframe(plans_core.events_table(events, lang))
    today = date.today()
    last = max((date.fromisoformat(e["date"]) for e in events), default=today)
    day = st.date_input(translate("plans.page.date", lang), value=max(last, today + timedelta(days=1)),
                        min_value=today, key="wb.plan_date", help=translate("plans.page.date_help", lang))
    try:
        result = compare_years(data, day, today=today, mode=mode, max_minutes=minutes, assignment=assignment,
                               lang=lang)
        forecast = occupancy_forecast(data, base_date=today, years=5, mode="walk" if mode == "transit" else mode,
                                      assignment=assignment, max_minutes=minutes, lang=lang)
    except InputError as error:
        ui.show_error(error)
        return
    except PlannerError as error:
        st.error(md(str(error)))
        return
    st.markdown("**" + translate("plans.page.compare", lang) + "**")
    ui.dataframe(plans_core.compare_overall_table(result, lang))
    demo_ids = {u.unit_id for u in data.units if u.demo} | \
        {p.unit.unit_id for layer in plans.layers for p in layer.units if p.unit.demo}
    st.markdown("**" + translate("plans.page.units", lang) + "**")
    ui.dataframe(plans_core.compare_units_table(result, demo_ids, lang))
    st.caption(translate("plans.page.compare_caption", lang))
    _plans_map(data, plans, day, lang)
    st.markdown("**" + translate("plans.page.forecast", lang) + "**")
    ui.dataframe(plans_core.forecast_table(forecast, lang))
    st.markdown("**" + translate("plans.page.demand", lang) + "**")
    ui.dataframe(plans_core.demand_table(forecast, lang))
    st.caption(md(translate("plans.page.assumptions", lang, text=forecast["assumptions"]["text"])))


def _plans_map(data: Any, plans: Any, day: Any, lang: str) -> None:
    """Units in force on the plan date (new ones marked U) and the planned lines in service by then."""
    if not st.session_state.get("wb.show_maps", True) or not _TAB_SHOWN[0]:
        return
    from streamlit_folium import st_folium

    from pages import maps
    from planner.plans import dataset_on

    lines, bounds = ui.streets_and_bounds()
    fmap = maps.new_map(bounds, height_px=420)
    fmap.add_child(_refit_when_shown(bounds))
    maps.add_streets(fmap, lines, t("map.streets"))
    today_ids = {u.unit_id for u in data.units}
    for line in plans.lines_on(day):
        maps.add_route(fmap, [(s.lat, s.lon) for s in line.stops],
                       translate("plans.page.map_line", lang, name=line.name, start=line.start_date.isoformat()),
                       dashed=True, color="#b45f06")
    numbers = {u.unit_id: str(i) for i, u in enumerate(data.units, start=1)}
    for unit in dataset_on(data, day, plans).units:
        label = core.unit_label(unit.unit_id, unit.name, unit.demo, lang)
        if unit.unit_id in today_ids:
            maps.add_point(fmap, unit.lat, unit.lon, numbers[unit.unit_id], f"{numbers[unit.unit_id]}. {label}")
        else:
            maps.add_point(fmap, unit.lat, unit.lon, "U", translate("plans.page.map_new_unit", lang, name=label),
                           background="#ffffff", color="#1a1a1a")
    st_folium(fmap, key="wb.map.plans", height=420, use_container_width=True, returned_objects=[])
    st.caption(translate("plans.page.map_legend", lang))


def _usable_units(data, mode: str, lang: str):
    from planner.datasets.reach import usable_units

    return usable_units(data, mode, lang=lang)


def render() -> None:
    """The whole page."""
    _init()
    st.title(t("title"))
    st.caption(t("intro"))
    try:
        data = ui.dataset()
    except (PlannerError, ImportError) as error:
        st.error(md(t("no_dataset", reason=str(error))))
        return
    units = list(data.units)
    if any(u.demo for u in units):
        st.warning(t("demo_units"), icon=":material/info:")
    mode, minutes, assignment = _settings()
    try:
        units, left_out = _usable_units(data, mode, ui.lang())
    except (PlannerError, ImportError) as error:
        st.error(t("no_dataset", reason=str(error)))
        return
    for item in left_out:  # a unit the network cannot reach is named and left out, never stops the page
        st.warning(item["reason"], icon=":material/wrong_location:")
    try:
        inputs = _inputs(data.name, mode, data, _transit_moment(data, mode))
    except InputError as error:
        ui.show_error(error)
        return
    except PlannerError as error:
        st.error(md(t("no_demand", reason=str(error))))
        return
    tabs = st.tabs([t("tab.baseline"), t("tab.whatif"), t("tab.optimiser"), translate("plans.page.tab", ui.lang())],
                   key="wb.tab", on_change="rerun")
    _TAB_SHOWN[0] = _tab_shown(tabs[0])
    with tabs[0]:
        _baseline(inputs, units, mode, minutes, assignment)
    _TAB_SHOWN[0] = _tab_shown(tabs[1])
    with tabs[1]:
        _whatif(inputs, units, mode, minutes, assignment)
    _TAB_SHOWN[0] = _tab_shown(tabs[2])
    with tabs[2]:
        # The optimiser keeps the units of the current what-if (its closures, moves and resizes).
        try:
            planned_units = _scenario().apply(units)
        except InputError:  # said on the page, never silently: the what-if tab shows the problems
            st.warning(t("opt.scenario_invalid"), icon=":material/warning:")
            planned_units = units
        _optimiser(inputs, planned_units, mode, minutes)
    _TAB_SHOWN[0] = _tab_shown(tabs[3])
    with tabs[3]:
        _plans(data, mode, minutes, assignment)


render()
