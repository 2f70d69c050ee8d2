"""Units page: every daycare unit of the dataset ranked for this family, with filters, the score
explained, and an offline map (home, work places, units by rank, catchment area, chosen routes).

The ranking comes from ``planner.ranking.rank_units`` (cached per family, dataset, child, language);
this page only filters and sorts the returned rows for display and draws them.
"""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import pandas as pd
import streamlit as st

from pages import ui
from planner.parse import format_opening_hours
from pages.safe import md, md_frame
from pages.summary_html import display_name
from planner.errors import InputError, PlannerError

SORTS = ("score", "drop_off_s", "pick_up_s", "extra_commute_s", "name")
PROVIDERS = ("municipal", "voucher", "private", "family")
CARE_FOR_RANKING = ("municipal", "voucher", "private", "preschool")


def _child_choice() -> str | None:
    children = [c for c in ui.family().get("children", []) if c.get("care") in CARE_FOR_RANKING]
    if not children:
        st.info(ui.t("units.no_child_in_care"))
        return None
    ids = [c["id"] for c in children]
    if st.session_state.get(ui.CHILD_KEY) not in ids:
        st.session_state[ui.CHILD_KEY] = ids[0]
    labels = {child_id: ui.person_label(child_id) for child_id in ids}
    st.selectbox(ui.t("units.child"), options=ids, key=ui.CHILD_KEY, help=ui.t("units.child_help"),
                 format_func=labels.__getitem__)
    return st.session_state[ui.CHILD_KEY]


def _transit_controls() -> None:
    """Timetable day and leaving time, shown only when an adult commutes by public transport; kept in
    the family's ``transit`` object (family file: ``{"date": "YYYY-MM-DD", "depart": "HH:MM"}``) so every
    page and a saved file agree. Empty fields: the family's date and an hour before work starts."""
    family = ui.family()
    if not any(isinstance(a, dict) and a.get("commute_mode") == "transit" for a in family.get("adults") or []):
        return
    settings = family.get("transit") if isinstance(family.get("transit"), dict) else {}
    try:
        day = date.fromisoformat(str(settings["date"])) if settings.get("date") else None
        leave = time.fromisoformat(str(settings["depart"])) if settings.get("depart") else None
    except ValueError:  # a hand-edited file: the ranking names the field; the controls start empty
        day, leave = None, None
    with st.expander(ui.t("units.transit.title"), expanded=False):
        col1, col2 = st.columns(2)
        day = col1.date_input(ui.t("units.transit.date"), value=day, key="u.transit_date", format="DD.MM.YYYY",
                              help=ui.t("units.transit.date_help"))
        leave = col2.time_input(ui.t("units.transit.depart"), value=leave, key="u.transit_depart", step=300,
                                help=ui.t("units.transit.depart_help"))
    wanted = {k: v for k, v in (("date", day.isoformat() if day else None),
                                ("depart", leave.strftime("%H:%M") if leave else None)) if v}
    if wanted != settings:
        if wanted:
            family["transit"] = wanted
        else:
            family.pop("transit", None)


def _journeys(result: dict[str, Any], row: dict[str, Any]) -> None:
    """The chosen unit's public transport legs with line names and times (planner.itinerary)."""
    timing = result.get("transit")
    if not timing:
        return
    from planner.itinerary import unit_itinerary

    key = (ui.family_json(), st.session_state.get(ui.DATASET_KEY), row["unit_id"], ui.lang())
    try:
        journeys = ui._session_cached("itinerary", key,
                                      lambda: unit_itinerary(ui.dataset(), result, row["unit_id"], lang=ui.lang()))
    except PlannerError as error:
        ui.show_error(error)
        return
    st.markdown(f"**{md(ui.t('units.journeys.title', name=display_name(row)))}**")
    st.caption(md(ui.t("units.transit.used", date=timing.get("date", "–"), time=timing.get("leave_home", "–"))))
    if not journeys:
        st.caption(ui.t("units.journeys.none"))
    for journey in journeys:
        lines = "\n".join(f"- {md(line)}" for line in journey["lines"])
        st.markdown(md(ui.t(f"units.journeys.part.{journey['part']}", depart=journey["depart"],
                            arrive=journey.get("arrive") or "–")) + "\n\n" + lines)


def _rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Ranking rows joined with the unit facts of the dataset (provider, ages, hours, places) as in force
    on the ranking's date (planned units included, planner/plans)."""
    from datetime import date

    from planner.plans import dataset_on

    on = result.get("date")
    by_id = dataset_on(ui.dataset(), date.fromisoformat(on) if on else None).units_by_id
    rows = []
    for rank, item in enumerate(result.get("units", []), start=1):
        unit = by_id.get(item["unit_id"])
        facts = unit.to_dict() if unit is not None else {}
        rows.append({**facts, **item, "rank": item.get("rank", rank)})
    return rows


FILTER_DEFAULTS = {"u.language": "any", "u.providers": list(PROVIDERS), "u.sort": "score"}


def _filters(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if ui.language_just_changed():
        for key, value in FILTER_DEFAULTS.items():
            st.session_state[key] = st.session_state.get(key, value)
    for key, value in FILTER_DEFAULTS.items():
        if key not in st.session_state:
            st.session_state[key] = value
    with st.expander(ui.t("units.filters"), expanded=True):
        col1, col2, col3 = st.columns(3)
        with col1:
            only_catchment = st.checkbox(ui.t("units.filter.catchment"), key="u.only_catchment")
            only_open = st.checkbox(ui.t("units.filter.open"), key="u.only_open")
            only_shift = st.checkbox(ui.t("units.filter.shift"), key="u.only_shift")
        with col2:
            language = st.selectbox(ui.t("units.filter.language"), options=["any", "fi", "sv", "en"],
                                    key="u.language",
                                    format_func=ui.labeller("language", any="units.any"))
            providers = st.multiselect(ui.t("units.filter.provider"), options=list(PROVIDERS),
                                       placeholder=ui.t("choose_placeholder"),
                                       key="u.providers",
                                       format_func=ui.labeller("provider"))
        with col3:
            max_extra = st.slider(ui.t("units.filter.max_extra"), min_value=0, max_value=120, value=120,
                                  step=5, key="u.max_extra", help=ui.t("units.filter.max_extra_help"))
            sort = st.selectbox(ui.t("units.sort"), options=SORTS, key="u.sort",
                                format_func=ui.labeller("units.sort"))
    kept = []
    for row in rows:
        extra = row.get("extra_commute_s")
        if only_catchment and not row.get("in_catchment"):
            continue
        if only_open and not row.get("open_during_child_day"):
            continue
        if only_shift and not row.get("shift_care"):
            continue
        if language != "any" and language not in (row.get("languages") or []):
            continue
        if row.get("provider", "municipal") not in providers:
            continue
        if max_extra < 120 and (extra is None or extra > max_extra * 60):
            continue
        kept.append(row)
    if sort == "name":
        kept.sort(key=lambda r: str(r.get("name", "")).casefold())
    elif sort != "score":
        kept.sort(key=lambda r: (r.get(sort) is None, r.get(sort) or 0))
    return kept


def _yes_no(value: Any) -> str:
    if value is None:
        return ui.t("units.unknown")
    return ui.t("costs.yes") if value else ui.t("costs.no")


def _age_range(row: dict[str, Any]) -> str:
    low, high = row.get("min_age_months"), row.get("max_age_months")
    if low is None and high is None:
        return ui.t("units.unknown")
    return ui.t("units.age_range", low=low if low is not None else 0, high=high if high is not None else "–")


def _table(rows: list[dict[str, Any]]) -> None:
    table = pd.DataFrame([{
        ui.t("units.col.rank"): row["rank"],
        ui.t("units.col.name"): display_name(row),
        ui.t("units.col.score"): _decimal(row.get("score")),  # 0,00–1,00: sorts as text too
        ui.t("units.col.fits"): _yes_no(row.get("fits")) + (
            ": " + "; ".join(map(_mismatch, row.get("mismatches") or [])) if row.get("mismatches") else ""),
        ui.t("units.col.drop_off"): ui.fmt_minutes(row.get("drop_off_s")),
        ui.t("units.col.pick_up"): ui.fmt_minutes(row.get("pick_up_s")),
        ui.t("units.col.extra"): ui.fmt_minutes(row.get("extra_commute_s")),
        ui.t("units.col.child_day"): _hours(row.get("child_day_s")),
        ui.t("units.col.opening_hours"): format_opening_hours(row.get("opening_hours"), ui.lang())
        or ui.t("units.unknown"),
        ui.t("units.col.open_ok"): _yes_no(row.get("open_during_child_day")),
        ui.t("units.col.catchment"): _yes_no(row.get("in_catchment")),
        ui.t("units.col.languages"): ", ".join(row.get("languages") or []),
        ui.t("units.col.ages"): _age_range(row),
        ui.t("units.col.shift_care"): _yes_no(row.get("shift_care")),
        ui.t("units.col.provider"): ui.t(f"provider.{row['provider']}") if row.get("provider") in PROVIDERS
        else row.get("provider", ""),
        ui.t("units.col.free"): _free(row),
    } for row in rows]).fillna("–")
    # Compact first (reads on a phone): rank, name, score, extra travel, child's day; every column on demand.
    compact = table[[ui.t("units.col.rank"), ui.t("units.col.name"), ui.t("units.col.score"),
                     ui.t("units.col.extra"), ui.t("units.col.child_day")]]
    st.table(md_frame(compact), hide_index=True)
    with st.expander(ui.t("units.all_columns")):
        ui.dataframe(table)


MISMATCHES = ("unreachable", "language", "age", "shift_care", "opening_hours")


def _mismatch(code: Any) -> str:
    """Why a unit does not fit the child, as words (the planner's codes are kept for others)."""
    return ui.t(f"units.mismatch.{code}") if code in MISMATCHES else str(code)


def _free(row: dict[str, Any]) -> str:
    free = row.get("free_seats")
    if free is None:
        return ui.t("units.unknown")
    text = f"{free:g}"
    return text + (" (" + ui.t("units.estimate") + ")" if row.get("capacity_estimated") else "")


def _hours(seconds: Any) -> str:
    if seconds is None:
        return "–"
    minutes = int(round(float(seconds) / 60.0))
    return f"{minutes // 60} h {minutes % 60:02d} min"


def _explanations(rows: list[dict[str, Any]]) -> None:
    st.markdown(f"**{ui.t('units.why_title')}**")
    st.caption(ui.t("units.score_explained"))
    for row in rows:
        why = str(row.get("why") or "")
        if row.get("opening_hours"):
            why = why.replace(str(row["opening_hours"]), format_opening_hours(row["opening_hours"], ui.lang()))
        st.markdown(f"{row['rank']}. **{md(display_name(row))}** — {md(ui.relabel(why))}")


def _score_parts(row: dict[str, Any], result: dict[str, Any]) -> None:
    """How the selected unit's score is made: points (0–1) × weight = contribution, per part."""
    parts = row.get("score_parts") or {}
    st.markdown(f"**{md(ui.t('units.score_of', name=display_name(row), score=_decimal(row.get('score'))))}**")
    if parts:
        st.table(pd.DataFrame([{
            ui.t("units.part"): ui.t(f"units.part.{name}") if name in SCORE_PARTS else name,
            ui.t("units.points"): _decimal(part.get("points")),
            ui.t("units.weight"): _decimal(part.get("weight")),
            ui.t("units.contribution"): _decimal(part.get("contribution")),
        } for name, part in parts.items()]), hide_index=True)
    times = ui.t("units.times", drop_off_at=row.get("drop_off_at") or "–", pick_up_at=row.get("pick_up_at") or "–")
    st.caption(md(times))
    for mismatch in row.get("mismatches") or []:
        st.warning(md(_mismatch(mismatch)), icon=":material/warning:")


def _decimal(value: Any) -> str:
    """A 0–1 number with two decimals and the language's decimal mark."""
    if value is None:
        return "–"
    text = f"{float(value):.2f}"
    return text if ui.lang() == "en" else text.replace(".", ",")


SCORE_PARTS = ("extra_commute", "child_day", "catchment", "free_places", "provider")


def _choose(rows: list[dict[str, Any]]) -> str | None:
    ids = [r["unit_id"] for r in rows]
    names = {r["unit_id"]: f"{r['rank']}. {r.get('name', r['unit_id'])}" for r in rows}
    chosen = [u for u in st.session_state.get(ui.CHOSEN_KEY, []) if u in names or u in ui.dataset().units_by_id]
    if "u.chosen" not in st.session_state:
        st.session_state["u.chosen"] = [u for u in chosen if u in names]
    st.multiselect(ui.t("units.choose"), options=ids, key="u.chosen", max_selections=ui.MAX_CHOSEN,
                   placeholder=ui.t("choose_placeholder"),
                   format_func=lambda u: names.get(u, u), help=ui.t("units.choose_help"))
    st.session_state[ui.CHOSEN_KEY] = list(st.session_state["u.chosen"])
    if st.session_state.get(ui.SELECTED_UNIT_KEY) not in ids:
        st.session_state[ui.SELECTED_UNIT_KEY] = ids[0] if ids else None
    if not ids:
        return None
    st.selectbox(ui.t("units.show_routes"), options=ids, key=ui.SELECTED_UNIT_KEY,
                 format_func=lambda u: names.get(u, u))
    return st.session_state[ui.SELECTED_UNIT_KEY]


def _route(mode: str, origin, destination, at: str | None = None) -> list:
    """The path of one trip leg from the planner's routing (empty when not available); transit
    departs at ``at`` (HH:MM) on the family's rule date. Cached: reruns redraw the same legs."""
    day = str(ui.family().get("date")) if mode == "transit" else None
    return _route_cached(st.session_state.get(ui.DATASET_KEY), mode, tuple(origin), tuple(destination), at, day)


@st.cache_data(max_entries=256, show_spinner=False)
def _route_cached(dataset_name: str | None, mode: str, origin: tuple, destination: tuple, at: str | None,
                  day: str | None) -> list:
    data = ui.dataset()
    try:
        if mode == "transit":
            router = data.transit()
            if router is None or not at:
                return []
            depart = datetime.combine(date.fromisoformat(str(day)), time.fromisoformat(at))
            return list(router.route(origin, destination, depart).path)
        return data.engine(mode).route(origin, destination).path
    except (PlannerError, ImportError, ValueError):
        return []


def _areas_for(language: str | None) -> dict:
    """The catchment areas the child's ranking used: the Swedish ones for a Swedish-speaking child when
    the dataset has them (planner/catchment.py), otherwise the main (Finnish) areas."""
    geojson = ui.catchments_geojson()
    by_language = geojson.get("language_features") or {}
    if language in by_language:
        return {"type": "FeatureCollection", "features": by_language[language]}
    return geojson


def _map(rows: list[dict[str, Any]], all_rows: list[dict[str, Any]], selected: str | None,
         own_catchment: str | None, child_language: str | None = None) -> None:
    from streamlit_folium import st_folium

    from pages import maps

    family = ui.family()
    lines, bounds = ui.streets_and_bounds()
    fmap = maps.new_map(bounds, height_px=620)
    maps.add_streets(fmap, lines, ui.t("units.map.streets"))
    labels = {r["unit_id"]: r.get("name", r["unit_id"]) for r in all_rows}
    maps.add_catchments(fmap, _areas_for(child_language), own_catchment, ui.t("units.map.catchments"),
                        {u: ui.t("units.map.catchment_of", name=n) for u, n in labels.items()})
    home = ui.point_of(family.get("home"))
    if home:
        maps.add_point(fmap, *home, ui.t("units.map.home_label"), ui.t("units.map.home"))
    works = []
    for i, adult in enumerate(family.get("adults", [])):
        work = ui.point_of(adult.get("work"))
        works.append(work)
        if work:
            maps.add_point(fmap, *work, ui.t("units.map.work_label", number=i + 1),
                           ui.t("units.map.work", number=i + 1), background="#6b3fa0")
    for row in reversed(rows):
        background, colour = maps.rank_style(row["rank"])
        maps.add_point(fmap, row["lat"], row["lon"], str(row["rank"]),
                       f"{row['rank']}. {display_name(row)}",
                       background=background, color=colour)
    chosen = next((r for r in all_rows if r["unit_id"] == selected), None)
    if chosen and home:
        unit = (chosen["lat"], chosen["lon"])
        adults = {a.get("id"): i for i, a in enumerate(family.get("adults", []))}
        legs = chosen.get("legs") or {}
        for kind, dashed, colour in (("drop_off", False, "#b45f06"), ("pick_up", True, "#38761d")):
            leg = legs.get(kind) or {}
            index = adults.get(leg.get("adult_id"))
            work = works[index] if index is not None and index < len(works) else None
            if work is None:
                continue
            mode = leg.get("mode") or "walk"
            at = chosen.get(f"{kind}_at")
            if kind == "drop_off":
                path = _route(mode, home, unit, at) + _route(mode, unit, work, at)
            else:
                path = _route(mode, work, unit, at) + _route(mode, unit, home, at)
            maps.add_route(fmap, path, ui.t(f"units.map.{kind}", number=index + 1) + f" ({ui.t('mode.' + mode)})",
                           dashed=dashed, color=colour)
    st_folium(fmap, key="units_map", height=620, use_container_width=True, returned_objects=[])
    st.caption(ui.t("units.map.legend"))


def render() -> None:
    st.title(ui.t("units.title"))
    st.caption(ui.t("units.intro"))
    child_id = _child_choice()
    if child_id is None:
        return
    _transit_controls()
    try:
        result = ui.ranking(child_id)
    except ImportError:
        ui.backend_missing(ui.t("units.part.ranking"))
        return
    except InputError as error:
        st.error(ui.t("error.fix_family"))
        ui.show_error(error, family=True)
        st.page_link("pages/family.py", label=ui.t("nav.family"), icon=":material/family_restroom:")
        return
    except PlannerError as error:
        ui.show_error(error)
        return
    all_rows = _rows(result)
    st.caption(md(ui.t("units.count", count=len(all_rows), dataset=result.get("dataset", ""))))
    if any(r.get("demo") for r in all_rows):
        st.info(ui.t("units.demo_note"), icon=":material/info:")
    rows = _filters(all_rows)
    st.subheader(ui.t("units.ranked", shown=len(rows), total=len(all_rows)))
    if not rows:
        st.warning(ui.t("units.none_match"))
    else:
        _table(rows)
    selected = _choose(rows)
    child = next((c for c in ui.family().get("children") or [] if isinstance(c, dict) and c.get("id") == child_id), {})
    _map(rows, all_rows, selected, result.get("catchment_unit_id"), child.get("language"))
    chosen = next((r for r in all_rows if r["unit_id"] == selected), None)
    if chosen:
        _score_parts(chosen, result)
        _journeys(result, chosen)
    if rows:
        _explanations(rows)
    for note in result.get("notes") or []:
        st.caption(":material/info: " + md(note))
    from pages import _plans_family  # the municipality's plans: news and chance of a place (planner/plans)

    _plans_family.render(result, child_id)
    st.page_link("pages/summary.py", label=ui.t("units.next"), icon=":material/arrow_forward:")


ui.init_state()  # idempotent; covers a first request straight to this page
render()
