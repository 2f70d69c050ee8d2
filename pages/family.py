"""Family page: home, adults (work, hours, commute, drop-off / pick-up), children, incomes.

The form is seeded from the session's family dict and writes it back on every run, so the family
survives page switches and is exactly what the JSON download contains. Problems reported by
``planner.family.parse_family`` and by the dataset (unknown address, place outside the area) are
shown under the widget they concern; every other input stays as the user entered it.
"""
from __future__ import annotations

import dataclasses

import json
from datetime import date

import streamlit as st

from pages import family_form as form
from pages import ui
from planner.errors import InputError, PlannerError, Problem
from planner.family import parse_family
from planner.municipalities import find_municipality, load_municipalities

PENDING_KEY = "f._pending"        # widget values to apply before the widgets exist (map click, upload)
UPLOAD_SEEN_KEY = "f._upload_seen"


def _apply_pending() -> None:
    pending = st.session_state.pop(PENDING_KEY, None)
    if pending:
        for key, value in pending.items():
            st.session_state[key] = value


def _seed_widgets() -> None:
    """Give every widget without a value the value from the family dict (or a new-row default)."""
    present = {k: st.session_state[k] for k in list(st.session_state.keys()) if str(k).startswith("f.")}
    for key, value in form.missing_values(present, ui.family()).items():
        st.session_state[key] = value


def _current_values() -> dict:
    return {k: st.session_state[k] for k in list(st.session_state.keys()) if str(k).startswith("f.")}


def _location_problems(family: dict) -> list[Problem]:
    """Addresses the dataset cannot find and points outside it, with the family-file field path."""
    try:
        data = ui.dataset()
    except (ImportError, PlannerError):
        return []
    problems: list[Problem] = []
    places = [("home", family.get("home"))]
    places += [(f"adults[{i}].work", a.get("work")) for i, a in enumerate(family.get("adults", []))]
    for field, place in places:
        if not isinstance(place, dict):
            continue
        try:
            if place.get("address"):
                lat, lon = data.addresses.resolve(place["address"], field=f"{field}.address")
            elif place.get("lat") is not None:
                lat, lon = float(place["lat"]), float(place["lon"])
            else:
                continue
            _snap(data, lat, lon)
        except InputError as error:
            for problem in error.problems:
                target = problem.field if problem.field.startswith(field) else field
                problems.append(dataclasses.replace(problem, field=target))
    return problems


def _snap(data, lat: float, lon: float) -> None:
    """InputError when the point is off the dataset's street network (outside the area)."""
    try:
        engine = data.engine("walk")
    except ImportError:  # routing engine not installed in this build: nothing to check against
        return
    engine.snap(lat, lon)


def _validate(family: dict) -> dict[str, list[Problem]]:
    problems: list[Problem] = []
    try:
        parse_family(family)
    except InputError as error:
        problems.extend(error.problems)
    problems.extend(_location_problems(family))
    return ui.problems_by_field(InputError(problems)) if problems else {}


def _location_inputs(prefix: str, field: str, label: str, problems: dict) -> None:
    """Address or coordinates for one place (home or a work place)."""
    st.radio(label, options=form.LOCATION_MODES, key=f"{prefix}.mode", horizontal=True,
             format_func=ui.labeller("family.location_mode"))
    if st.session_state[f"{prefix}.mode"] == "address":
        st.text_input(ui.t("family.address"), key=f"{prefix}.address", help=ui.t("family.address_help"),
                      placeholder="Mannerheimintie 1")
        _address_suggestions(st.session_state[f"{prefix}.address"], field, problems)
    else:
        left, right = st.columns(2)
        left.number_input(ui.t("family.lat"), key=f"{prefix}.lat", min_value=-90.0, max_value=90.0,
                          step=0.0005, format="%.5f")
        right.number_input(ui.t("family.lon"), key=f"{prefix}.lon", min_value=-180.0, max_value=180.0,
                           step=0.0005, format="%.5f")
    ui.show_field_problems(problems, field)


def _address_suggestions(text: str, field: str, problems: dict) -> None:
    """The address found in the dataset, or close addresses when the typed one is not found."""
    if not text.strip():
        return
    try:
        matches = ui.dataset().addresses.lookup(text, limit=3)
    except (ImportError, PlannerError):
        return
    if not any(f.startswith(field) for f in problems):
        point = ui.point_of({"address": text})
        if point and matches:
            st.caption(ui.t("family.found", address=matches[0].address, lat=f"{point[0]:.5f}",
                            lon=f"{point[1]:.5f}"))
        return
    if matches:
        st.caption(ui.t("family.did_you_mean", addresses=", ".join(m.address for m in matches)))


def _home_map(family: dict) -> None:
    """Streets of the dataset with home (H) and work places (W1, W2); a click moves home there."""
    try:
        from streamlit_folium import st_folium

        from pages import maps

        lines, bounds = ui.streets_and_bounds()
    except (ImportError, PlannerError):
        return
    st.caption(ui.t("family.map_click"))
    fmap = maps.new_map(bounds, height_px=380)
    maps.add_streets(fmap, lines, ui.t("units.map.streets"))
    home = ui.point_of(family.get("home"))
    if home:
        maps.add_point(fmap, *home, ui.t("units.map.home_label"), ui.t("units.map.home"))
    for i, adult in enumerate(family.get("adults", [])):
        work = ui.point_of(adult.get("work"))
        if work:
            maps.add_point(fmap, *work, ui.t("units.map.work_label", number=i + 1),
                           ui.t("units.map.work", number=i + 1), background="#6b3fa0")
    state = st_folium(fmap, key="family_map", height=380, use_container_width=True,
                      returned_objects=["last_clicked"])
    clicked = (state or {}).get("last_clicked") if isinstance(state, dict) else None
    if clicked and clicked != st.session_state.get("f._last_click"):
        st.session_state["f._last_click"] = clicked
        st.session_state[PENDING_KEY] = {"f.home.mode": "coordinates",
                                         "f.home.lat": round(float(clicked["lat"]), 6),
                                         "f.home.lon": round(float(clicked["lng"]), 6)}
        st.rerun()


def _municipality_label(by_fi: dict, language: str):
    return lambda name: by_fi[name].name(language) if name in by_fi else name


def _general(problems: dict) -> None:
    names = [m.name_fi for m in load_municipalities()]
    current = st.session_state["f.municipality"]
    found = find_municipality(current) if isinstance(current, str) else None
    if found is not None and found.name_fi != current:
        st.session_state["f.municipality"] = current = found.name_fi
    if current not in names:
        names = [current, *names]
    by_fi = {m.name_fi: m for m in load_municipalities()}
    col1, col2, col3 = st.columns([3, 2, 3])
    with col1:
        st.selectbox(ui.t("family.municipality"), options=names, key="f.municipality",
                     format_func=_municipality_label(by_fi, ui.lang()))
        ui.show_field_problems(problems, "municipality")
    with col2:
        st.date_input(ui.t("family.rules_date"), key="f.date", help=ui.t("family.rules_date_help"),
                      min_value=date(2018, 8, 1), max_value=date(2035, 12, 31), format="YYYY-MM-DD")
        ui.show_field_problems(problems, "date")
    with col3:
        st.checkbox(ui.t("family.holiday_pay"), key="f.holiday_pay", help=ui.t("family.holiday_pay_help"))
        st.checkbox(ui.t("family.no_income"), key="f.no_income", help=ui.t("family.no_income_help"))


def _adult(i: int, problems: dict) -> None:
    p, field = f"f.adults.{i}", f"adults[{i}]"
    with st.container(border=True):
        st.markdown(f"**{ui.t('family.adult', number=i + 1)}**")
        col1, col2 = st.columns(2)
        with col1:
            st.number_input(ui.t("family.income"), key=f"{p}.income", min_value=0.0, step=100.0,
                            disabled=bool(st.session_state["f.no_income"]), help=ui.t("family.income_help"))
            ui.show_field_problems(problems, f"{field}.gross_monthly_income_eur")
            st.selectbox(ui.t("family.commute_mode"), options=form.MODES, key=f"{p}.commute_mode",
                         format_func=ui.labeller("mode"))
            ui.show_field_problems(problems, f"{field}.commute_mode")
            st.number_input(ui.t("family.weekly_work_hours"), key=f"{p}.weekly_work_hours", min_value=0.0,
                            max_value=60.0, step=1.0, help=ui.t("family.weekly_work_hours_help"))
            ui.show_field_problems(problems, f"{field}.weekly_work_hours")
            st.checkbox(ui.t("family.drops_off"), key=f"{p}.drops_off")
            st.checkbox(ui.t("family.picks_up"), key=f"{p}.picks_up")
        with col2:
            st.multiselect(ui.t("family.days"), options=form.DAYS, key=f"{p}.days",
                           placeholder=ui.t("choose_placeholder"),
                           format_func=ui.labeller("day"))
            ui.show_field_problems(problems, f"{field}.schedule.days")
            left, right = st.columns(2)
            with left:
                st.time_input(ui.t("family.start"), key=f"{p}.start", step=900)
                ui.show_field_problems(problems, f"{field}.schedule.start")
            with right:
                st.time_input(ui.t("family.end"), key=f"{p}.end", step=900)
                ui.show_field_problems(problems, f"{field}.schedule.end")
            ui.show_field_problems(problems, f"{field}.schedule", exact=True)
        _location_inputs(f"{p}.work", f"{field}.work", ui.t("family.work"), problems)


def _child(i: int, problems: dict) -> None:
    p, field = f"f.children.{i}", f"children[{i}]"
    with st.container(border=True):
        st.markdown(f"**{ui.t('family.child', number=i + 1)}**")
        col1, col2, col3 = st.columns(3)
        with col1:
            st.date_input(ui.t("family.birth_date"), key=f"{p}.birth_date", min_value=date(2000, 1, 1),
                          max_value=date(2040, 12, 31), format="YYYY-MM-DD")
            ui.show_field_problems(problems, f"{field}.birth_date")
            st.selectbox(ui.t("family.care"), options=form.CARE_OPTIONS, key=f"{p}.care",
                         format_func=ui.labeller("care"))
            ui.show_field_problems(problems, f"{field}.care")
        in_care = st.session_state[f"{p}.care"] in ("municipal", "voucher", "private", "preschool")
        with col2:
            st.date_input(ui.t("family.start_date"), key=f"{p}.start_date", min_value=date(2000, 1, 1),
                          max_value=date(2040, 12, 31), format="YYYY-MM-DD", disabled=not in_care)
            ui.show_field_problems(problems, f"{field}.start_date")
            st.number_input(ui.t("family.weekly_hours"), key=f"{p}.weekly_hours", min_value=0.0,
                            max_value=80.0, step=1.0, disabled=not in_care,
                            help=ui.t("family.weekly_hours_help"))
            ui.show_field_problems(problems, f"{field}.weekly_hours")
        with col3:
            st.selectbox(ui.t("family.language"), options=form.CHILD_LANGUAGES, key=f"{p}.language",
                         format_func=ui.labeller("language"))
            ui.show_field_problems(problems, f"{field}.language")
            st.checkbox(ui.t("family.shift_care"), key=f"{p}.shift_care", help=ui.t("family.shift_care_help"))
        ui.show_field_problems(problems, f"{field}.id")


def _upload() -> None:
    """Load a family file (JSON) the user saved before; replaces the form."""
    uploaded = st.file_uploader(ui.t("family.upload"), type=["json"], key="f_upload",
                                help=ui.t("family.upload_help"))
    if uploaded is None:
        return
    if st.session_state.get(UPLOAD_SEEN_KEY) == uploaded.file_id:
        return
    st.session_state[UPLOAD_SEEN_KEY] = uploaded.file_id
    try:
        data = json.loads(uploaded.getvalue().decode("utf-8"))
    except UnicodeDecodeError:
        st.error(ui.t("family.upload_bad", error=ui.t("family.upload_not_text")))
        return
    except json.JSONDecodeError as error:
        st.error(ui.t("family.upload_bad", error=ui.t("family.upload_not_json", line=error.lineno,
                                                           column=error.colno)))
        return
    if not isinstance(data, dict):
        st.error(ui.t("family.upload_bad", error=ui.t("family.upload_not_object")))
        return
    load_family_dict(data)
    st.rerun()


def load_family_dict(data: dict) -> None:
    """Replace the session's family (upload): every widget gets its value from the file on the next
    run (set before the widgets exist, so the browser's old values do not win)."""
    st.session_state[ui.FAMILY_KEY] = data
    st.session_state[PENDING_KEY] = form.widget_values(data)
    st.session_state[ui.CHOSEN_KEY] = []


def render() -> None:
    st.title(ui.t("family.title"))
    st.caption(ui.t("family.intro"))
    if ui.language_just_changed():
        st.session_state[PENDING_KEY] = {**form.widget_values(ui.family()),
                                         **st.session_state.get(PENDING_KEY, {})}
    _apply_pending()
    _seed_widgets()
    family = form.family_from_values(_current_values(), ui.family())
    st.session_state[ui.FAMILY_KEY] = family
    problems = _validate(family)
    if problems:
        st.warning(ui.t("family.has_problems", count=sum(len(v) for v in problems.values())))
    else:
        st.success(ui.t("family.complete"))

    with st.expander(ui.t("family.file"), expanded=False):
        _upload()
        st.download_button(ui.t("family.download"), data=ui.family_json(family).encode("utf-8"),
                           file_name="family.json", mime="application/json", key="f_download")

    st.subheader(ui.t("family.general"))
    _general(problems)

    st.subheader(ui.t("family.home"))
    _location_inputs("f.home", "home", ui.t("family.home_location"), problems)
    with st.expander(ui.t("family.map_title"), expanded=True):
        _home_map(family)

    st.subheader(ui.t("family.adults"))
    st.radio(ui.t("family.n_adults"), options=[1, 2], key="f.n_adults", horizontal=True)
    ui.show_field_problems(problems, "adults", exact=True)
    for i in range(int(st.session_state["f.n_adults"])):
        _adult(i, problems)

    st.subheader(ui.t("family.children"))
    st.number_input(ui.t("family.n_children"), key="f.n_children", min_value=1,
                    max_value=form.MAX_CHILDREN, step=1, help=ui.t("family.n_children_help"))
    ui.show_field_problems(problems, "children", exact=True)
    for i in range(int(st.session_state["f.n_children"])):
        _child(i, problems)

    shown = ("municipality", "date", "home", "adults", "children")
    other = {f: v for f, v in problems.items() if not f.startswith(shown)}
    for items in other.values():
        for problem in items:
            st.error(f"{problem.field}: {ui.problem_text(problem)}")
    st.page_link("pages/costs.py", label=ui.t("family.next"), icon=":material/arrow_forward:")


ui.init_state()  # idempotent; covers a first request straight to this page
render()
