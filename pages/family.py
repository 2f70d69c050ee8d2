"""Family page: home, adults (work, hours, commute, drop-off / pick-up), children, incomes.

The form is seeded from the session's family dict and writes it back on every run, so the family
survives page switches and is exactly what the JSON download contains. Problems reported by
``planner.family.parse_family`` and by the dataset (unknown address, place outside the area) are
shown under the widget they concern; every other input stays as the user entered it.
"""
from __future__ import annotations

import dataclasses

from datetime import date

import streamlit as st

from pages import family_form as form
from pages import ui
from pages.safe import md
from planner.errors import InputError, PlannerError, Problem
from planner.family import parse_family
from planner.readers import MAX_BYTES, loads_json
from planner.municipalities import find_municipality, load_municipalities

UPLOAD_SEEN_KEY = "f._upload_seen"
UPLOAD_PROBLEMS_KEY = "f._upload_problems"   # problems of the last refused upload (shown until the next)
MAP_TARGET_KEY = "f._map_target"             # what a map click places: home or a work place
MAX_UPLOAD_BYTES = MAX_BYTES["family"]        # one limit for every reader of family files (planner/readers.py)


def _seed_widgets() -> None:
    """Set every widget's value from the family dict before the widgets exist (each run).

    The family dict in session state is the one source of truth: widgets write into it through
    :func:`_commit` the moment they change (also when that change arrives together with a click on
    another page, or the language), and take their value from it on every render, so nothing typed
    is lost when Streamlit drops the state of widgets that were not on screen.
    """
    values = form.widget_values(ui.family(), lang=ui.lang())
    for key, value in values.items():
        st.session_state[key] = value


def _current_values() -> dict:
    return {k: st.session_state[k] for k in list(st.session_state.keys()) if str(k).startswith("f.")
            and not str(k).startswith("f._")}


def _commit() -> None:
    """Widget callback: write the form's values into the family dict (the source of truth)."""
    values = _current_values()
    family = ui.family()
    values.update(form.missing_values(values, family, lang=ui.lang()))
    st.session_state[ui.FAMILY_KEY] = form.family_from_values(values, family)


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
            elif all(isinstance(place.get(k), (int, float)) and not isinstance(place.get(k), bool)
                     for k in ("lat", "lon")):   # a typed text that is no number is named by the form
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


C = {"on_change": _commit}   # every widget writes into the family dict when it changes


def _location_inputs(prefix: str, field: str, label: str, problems: dict) -> None:
    """Address or coordinates for one place (home or a work place)."""
    st.radio(label, options=form.LOCATION_MODES, key=f"{prefix}.mode", horizontal=True,
             format_func=ui.labeller("family.location_mode"), **C)
    if st.session_state[f"{prefix}.mode"] == "address":
        st.text_input(ui.t("family.address"), key=f"{prefix}.address", help=ui.t("family.address_help"),
                      placeholder="Mannerheimintie 1", autocomplete="street-address" if prefix == "f.home"
                      else "off", **C)
        ui.show_field_problems(problems, field)
        _address_suggestions(prefix, st.session_state[f"{prefix}.address"], field, problems)
        return
    else:
        left, right = st.columns(2)
        left.text_input(ui.t("family.lat"), key=f"{prefix}.lat", placeholder="60,1699", **C)
        right.text_input(ui.t("family.lon"), key=f"{prefix}.lon", placeholder="24,9384", **C)
    ui.show_field_problems(problems, field)


def _use_address(prefix: str, address: str) -> None:
    """Suggestion button: put the suggested address into the field (and so into the family)."""
    st.session_state[f"{prefix}.address"] = address
    _commit()


def _address_suggestions(prefix: str, text: str, field: str, problems: dict) -> None:
    """The address found in the dataset, or close addresses (buttons) when the typed one is not found,
    and the area the dataset covers when nothing is close."""
    if not text.strip():
        return
    try:
        data = ui.dataset()
        matches = data.addresses.lookup(text, limit=3)
    except (ImportError, PlannerError):
        return
    if not any(f.startswith(field) for f in problems):
        point = ui.point_of({"address": text})
        if point and matches:
            st.caption(md(ui.t("family.found", address=matches[0].address, lat=ui.fmt_decimal(point[0], 5),
                               lon=ui.fmt_decimal(point[1], 5))))
        return
    if matches:
        st.caption(ui.t("family.did_you_mean_pick"))
        columns = st.columns(len(matches))
        for i, (column, match) in enumerate(zip(columns, matches)):
            column.button(md(match.address), key=f"{prefix}.suggest.{i}", on_click=_use_address,
                          args=(prefix, match.address))
    st.caption(md(ui.t("family.covered_area", area=ui.area_name())))


def _home_map(family: dict) -> None:
    """Streets of the dataset with home (H) and work places (W1, W2); a click places the chosen one."""
    try:
        from streamlit_folium import st_folium

        from pages import maps

        lines, bounds = ui.streets_and_bounds()
    except (ImportError, PlannerError):
        return
    targets = ["home"] + [f"work{i}" for i, a in enumerate(family.get("adults", []))
                          if isinstance(a, dict) and a.get("situation", "work") == "work"]
    if st.session_state.get(MAP_TARGET_KEY) not in targets:
        st.session_state[MAP_TARGET_KEY] = "home"
    labels = {"home": ui.t("family.map_target_home")}
    labels.update({code: ui.t("family.map_target_work", who=ui.adult_label(family, int(code[4:])))
                   for code in targets[1:]})
    st.radio(ui.t("family.map_target"), options=targets, key=MAP_TARGET_KEY, horizontal=True,
             format_func=labels.__getitem__)
    st.caption(ui.t("family.map_click"))
    fmap = maps.new_map(bounds, height_px=340)
    maps.add_streets(fmap, lines, ui.t("units.map.streets"))
    home = ui.point_of(family.get("home"))
    if home:
        maps.add_point(fmap, *home, ui.t("units.map.home_label"), ui.t("units.map.home"))
    for i, adult in enumerate(family.get("adults", [])):
        work = ui.point_of(adult.get("work")) if isinstance(adult, dict) else None
        if work:
            maps.add_point(fmap, *work, ui.t("units.map.work_label", number=i + 1),
                           ui.t("units.map.work", number=i + 1), background="#6b3fa0")
    state = st_folium(fmap, key="family_map", height=340, use_container_width=True,
                      returned_objects=["last_clicked"])
    clicked = (state or {}).get("last_clicked") if isinstance(state, dict) else None
    if clicked and clicked != st.session_state.get("f._last_click"):
        st.session_state["f._last_click"] = clicked
        point = {"lat": round(float(clicked["lat"]), 6), "lon": round(float(clicked["lng"]), 6)}
        target = st.session_state[MAP_TARGET_KEY]
        updated = dict(family)
        if target == "home":
            updated["home"] = point
        else:
            adults = [dict(a) for a in updated["adults"]]
            adults[int(target[4:])]["work"] = point
            updated["adults"] = adults
        st.session_state[ui.FAMILY_KEY] = updated
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
                     format_func=_municipality_label(by_fi, ui.lang()), on_change=_municipality_changed)
        ui.show_field_problems(problems, "municipality")
    with col2:
        st.text_input(ui.t("family.rules_date"), key="f.date", help=ui.t("family.rules_date_help"),
                      placeholder=ui.t("family.date_placeholder"), **C)
        ui.show_field_problems(problems, "date")
    with col3:
        st.checkbox(ui.t("family.holiday_pay"), key="f.holiday_pay", help=ui.t("family.holiday_pay_help"), **C)
        st.checkbox(ui.t("family.no_income"), key="f.no_income", help=ui.t("family.no_income_help"), **C)


def _municipality_changed() -> None:
    """A new municipality: holiday pay defaults the way that municipality's own calculator does."""
    st.session_state["f.holiday_pay"] = ui.holiday_pay_default(st.session_state["f.municipality"])
    _commit()


def _adult(i: int, problems: dict) -> None:
    p, field = f"f.adults.{i}", f"adults[{i}]"
    family = ui.family()
    with st.container(border=True):
        st.markdown(f"**{ui.adult_label(family, i)}**")
        st.radio(ui.t("family.situation"), options=form.SITUATIONS, key=f"{p}.situation", horizontal=True,
                 format_func=ui.labeller("family.situation"), **C)
        at_work = st.session_state[f"{p}.situation"] == "work"
        col1, col2 = st.columns(2)
        with col1:
            st.text_input(ui.t("family.income"), key=f"{p}.income", placeholder="3 100,50",
                          disabled=bool(st.session_state["f.no_income"]), help=ui.t("family.income_help"), **C)
            ui.show_field_problems(problems, f"{field}.gross_monthly_income_eur")
            for question in form.questions(family):
                if question.field == f"{field}.gross_monthly_income_eur":
                    st.warning(question.expected_in(ui.lang()), icon=":material/help:")
            if at_work:
                st.selectbox(ui.t("family.commute_mode"), options=form.MODES, key=f"{p}.commute_mode",
                             format_func=ui.labeller("mode"), **C)
                ui.show_field_problems(problems, f"{field}.commute_mode")
                st.text_input(ui.t("family.weekly_work_hours"), key=f"{p}.weekly_work_hours", placeholder="37,5",
                              help=ui.t("family.weekly_work_hours_help"), **C)
                ui.show_field_problems(problems, f"{field}.weekly_work_hours")
            st.checkbox(ui.t("family.drops_off"), key=f"{p}.drops_off", **C)
            st.checkbox(ui.t("family.picks_up"), key=f"{p}.picks_up", **C)
        if at_work:
            with col2:
                st.multiselect(ui.t("family.days"), options=form.DAYS, key=f"{p}.days",
                               placeholder=ui.t("choose_placeholder"), format_func=ui.labeller("day_short"), **C)
                ui.show_field_problems(problems, f"{field}.schedule.days")
                left, right = st.columns(2)
                with left:
                    st.time_input(ui.t("family.start"), key=f"{p}.start", step=900, **C)
                    ui.show_field_problems(problems, f"{field}.schedule.start")
                with right:
                    st.time_input(ui.t("family.end"), key=f"{p}.end", step=900, help=ui.t("family.end_help"),
                                  **C)
                    ui.show_field_problems(problems, f"{field}.schedule.end")
                ui.show_field_problems(problems, f"{field}.schedule", exact=True)
            _location_inputs(f"{p}.work", f"{field}.work", ui.t("family.work"), problems)
        else:
            col2.caption(ui.t("family.situation_note"))


def _child(i: int, problems: dict) -> None:
    p, field = f"f.children.{i}", f"children[{i}]"
    with st.container(border=True):
        st.markdown(f"**{ui.child_label(ui.family(), i)}**")
        col1, col2, col3 = st.columns(3)
        with col1:
            expected = bool(st.session_state.get(f"{p}.expected"))
            st.text_input(ui.t("family.due_date" if expected else "family.birth_date"), key=f"{p}.birth_date",
                          placeholder=ui.t("family.date_placeholder"), help=ui.t("family.birth_date_help"), **C)
            ui.show_field_problems(problems, f"{field}.birth_date")
            st.checkbox(ui.t("family.expected"), key=f"{p}.expected", help=ui.t("family.expected_help"), **C)
            st.selectbox(ui.t("family.care"), options=form.CARE_OPTIONS, key=f"{p}.care",
                         format_func=ui.labeller("care"), **C)
            ui.show_field_problems(problems, f"{field}.care")
        in_care = st.session_state[f"{p}.care"] in ("municipal", "voucher", "private", "preschool")
        with col2:
            st.text_input(ui.t("family.start_date"), key=f"{p}.start_date", disabled=not in_care,
                          placeholder=ui.t("family.date_placeholder"), **C)
            ui.show_field_problems(problems, f"{field}.start_date")
            st.text_input(ui.t("family.weekly_hours"), key=f"{p}.weekly_hours", placeholder="40",
                          disabled=not in_care, help=ui.t("family.weekly_hours_help"), **C)
            ui.show_field_problems(problems, f"{field}.weekly_hours")
        with col3:
            st.selectbox(ui.t("family.language"), options=form.CHILD_LANGUAGES, key=f"{p}.language",
                         format_func=ui.labeller("language"), **C)
            ui.show_field_problems(problems, f"{field}.language")
            st.checkbox(ui.t("family.shift_care"), key=f"{p}.shift_care", help=ui.t("family.shift_care_help"),
                        **C)
        ui.show_field_problems(problems, f"{field}.id")


# --------------------------------------------------------------------------- family file


def read_family_file(content: bytes) -> tuple[dict | None, list[str]]:
    """Check an uploaded family file completely before anything is replaced.

    Returns ``(family, [])`` for a valid family file, else ``(None, messages)``: one message per
    problem, in the chosen language, naming the field (as the form calls it) and the fix.
    """
    if len(content) > MAX_UPLOAD_BYTES:
        return None, [ui.t("family.upload_too_large", size=ui.fmt_bytes(len(content)),
                           limit=ui.fmt_bytes(MAX_UPLOAD_BYTES))]
    try:
        content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [ui.t("family.upload_not_text")]
    try:  # one reader for every JSON a user gives (depth, huge integers, NaN: planner.readers)
        data = loads_json(content, "family")
    except InputError as error:
        return None, [ui.t("family.upload_not_json", **dict(p.params or {}))
                      if p.key == "problems.input.json.invalid" else ui.problem_text(p) for p in error.problems]
    if not isinstance(data, dict):
        return None, [ui.t("family.upload_not_object")]
    if not isinstance(data.get("children"), list) or not ({"adults", "municipality", "home"} & set(data)):
        return None, [ui.t("family.upload_not_family")]
    try:
        parse_family(data)
    except InputError as error:
        return None, [f"{md(ui.field_label(p.field, data))}: {ui.problem_text(p)}" for p in error.problems]
    return data, []


def _upload() -> None:
    """Load a family file (JSON) the user saved before; replaces the form only when the file is valid."""
    uploaded = ui.uploaded_file(st.file_uploader(ui.t("family.upload"), type=["json"], key="f_upload",
                                                 help=ui.t("family.upload_help")))
    st.caption(ui.t("family.upload_note", limit=ui.fmt_bytes(ui.upload_limit_bytes("family"))))
    if uploaded is not None and st.session_state.get(UPLOAD_SEEN_KEY) != uploaded.file_id:
        st.session_state[UPLOAD_SEEN_KEY] = uploaded.file_id
        data, messages = read_family_file(uploaded.getvalue())
        st.session_state[UPLOAD_PROBLEMS_KEY] = messages
        if data is not None:
            load_family_dict(data)
            st.session_state["f._loaded"] = True
            st.rerun()
    messages = st.session_state.get(UPLOAD_PROBLEMS_KEY) or []
    if messages:
        st.error(ui.t("family.upload_refused") + "\n\n" + "\n".join(f"- {m}" for m in messages),
                 icon=":material/warning:")


def load_family_dict(data: dict) -> None:
    """Replace the session's family (a valid upload): every widget takes its value from it next run."""
    st.session_state[ui.FAMILY_KEY] = data
    st.session_state[ui.CHOSEN_KEY] = []


def _validate(family: dict, values: dict) -> dict[str, list[Problem]]:
    typed = form.input_problems(values)
    typed_fields = {p.field for p in typed}
    problems: list[Problem] = list(typed)
    try:
        parse_family(family)
    except InputError as error:
        problems.extend(p for p in error.problems if p.field not in typed_fields)
    problems.extend(_location_problems(family))
    return ui.problems_by_field(InputError(problems)) if problems else {}


def render() -> None:
    st.title(ui.t("family.title"))
    st.caption(ui.t("family.intro"))
    _seed_widgets()
    family = ui.family()
    problems = _validate(family, _current_values())
    if st.session_state.pop("f._loaded", False):
        st.success(ui.t("family.upload_done"), icon=":material/check:")
    if problems:
        count = sum(len(v) for v in problems.values())
        st.warning(ui.plural("family.has_problems", count))
    else:
        st.success(ui.t("family.complete"))

    with st.expander(ui.t("family.file"), expanded=bool(st.session_state.get(UPLOAD_PROBLEMS_KEY))):
        _upload()
        st.download_button(ui.t("family.download"), data=ui.family_json(family).encode("utf-8"),
                           file_name="perhe-familj-family.json", mime="application/json", key="f_download",
                           icon=":material/download:")

    st.subheader(ui.t("family.general"))
    _general(problems)

    st.subheader(ui.t("family.home"))
    _location_inputs("f.home", "home", ui.t("family.home_location"), problems)
    with st.expander(ui.t("family.map_title"), expanded=False):
        _home_map(family)

    st.subheader(ui.t("family.adults"))
    st.radio(ui.t("family.n_adults"), options=[1, 2], key="f.n_adults", horizontal=True, **C)
    ui.show_field_problems(problems, "adults", exact=True)
    for i in range(int(st.session_state["f.n_adults"])):
        _adult(i, problems)

    st.subheader(ui.t("family.children"))
    st.radio(ui.t("family.n_children"), options=list(range(1, form.MAX_CHILDREN + 1)), key="f.n_children",
             horizontal=True, help=ui.t("family.n_children_help"), **C)
    ui.show_field_problems(problems, "children", exact=True)
    for i in range(int(st.session_state["f.n_children"])):
        _child(i, problems)

    shown = ("municipality", "date", "home", "adults", "children")
    other = {f: v for f, v in problems.items() if not f.startswith(shown)}
    for items in other.values():
        for problem in items:
            st.error(f"{md(ui.field_label(problem.field, family), max_chars=80)}: {ui.problem_text(problem)}")
    st.page_link("pages/costs.py", label=ui.t("family.next"), icon=":material/arrow_forward:")


ui.init_state()  # idempotent; covers a first request straight to this page
render()
