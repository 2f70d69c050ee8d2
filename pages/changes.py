"""Life changes page: what a move, a new sibling, a separation, a work change or a change of unit would
do to the family's money, units and days, side by side with today, and the dates to act.

The changes live in the family dict (``family["changes"]``, the family-file format of docs/life.md), so
they survive page switches and go into the saved family file. Inputs are read in a form and checked by
``planner.life`` before anything is added; every number comes from ``planner.life.evaluate_changes``.
Results are kept in this browser session only (never in a cache shared between sessions).
"""
from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from typing import Any

import streamlit as st

from pages import ui
from pages.safe import md, md_frame
from planner.errors import InputError, PlannerError, Problem
from planner.parse import format_date, parse_date, parse_money_eur

RESULT_KEY = "_life_changes_result"   # (digest of the inputs, result) for this session only
TYPES = ("move", "new_sibling", "separation", "work_change", "unit_change")


def _people(family: dict[str, Any], kind: str) -> list[tuple[str, str]]:
    """(id, label the family uses) for ``adults`` or ``children``."""
    label = ui.adult_label if kind == "adults" else ui.child_label
    return [(str(p.get("id")), label(family, i)) for i, p in enumerate(family.get(kind) or []) if isinstance(p, dict)]


def _typed_date(text: str, field: str, problems: list[Problem]) -> str | None:
    try:
        value = parse_date(text, field=field)
    except InputError as error:
        problems.extend(error.problems)
        return None
    if value is None:
        problems.append(Problem.keyed(field, text, "life.problem.date_missing"))
    return value.isoformat() if value else None


def _form(family: dict[str, Any], kind: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The inputs of one change type; returns (change, problems) when the form is submitted."""
    problems: list[Problem] = []
    today_text = format_date(date.today(), ui.lang())
    with st.form(f"life_form_{kind}", clear_on_submit=False, border=True):
        change: dict[str, Any] = {"type": kind}
        if kind == "move":
            when = st.text_input(ui.t("life.page.date"), value=today_text, key=f"life_{kind}_date")
            homes = []
            for k in range(3):
                cols = st.columns(2)
                municipality = cols[0].text_input(ui.t("life.page.municipality", number=k + 1),
                                                  key=f"life_move_municipality_{k}")
                address = cols[1].text_input(ui.t("life.page.address", number=k + 1), key=f"life_move_address_{k}")
                if municipality.strip() or address.strip():
                    homes.append({"municipality": municipality.strip(), "label": address.strip() or municipality.strip(),
                                  "home": {"address": address.strip()} if address.strip() else None})
            change["homes"] = homes
        elif kind == "new_sibling":
            when = st.text_input(ui.t("life.page.due_date"), key=f"life_{kind}_date")
            care = st.selectbox(ui.t("life.page.care_after_leave"), ("home", "municipal", "private"),
                                format_func=ui.labeller("care"), key="life_sibling_care")
            leave = st.text_input(ui.t("life.page.leave_until"), key="life_sibling_leave")
            change["care_after_leave"] = care
            change["id"] = ui.t("life.page.baby_id")
        elif kind == "separation":
            when = st.text_input(ui.t("life.page.date"), value=today_text, key=f"life_{kind}_date")
            homes: dict[str, list[str]] = {"1": [], "2": []}
            adults = _people(family, "adults")
            if len(adults) < 2:
                st.info(ui.t("life.page.needs_two_adults"))
            for kind_key, people in (("adults", adults), ("children", _people(family, "children"))):
                for i, (person_id, label) in enumerate(people):
                    choice = st.radio(ui.t("life.page.lives_in", name=label), ("1", "2"), horizontal=True,
                                      index=min(i, 1) if kind_key == "adults" else 0,
                                      format_func=lambda h: ui.t("life.page.household", number=h),
                                      key=f"life_sep_{kind_key}_{i}")
                    homes[choice].append((kind_key, person_id))
            partner = st.text_input(ui.t("life.page.partner_income"), key="life_sep_partner")
            change["households"] = []
            for number in ("1", "2"):
                change["households"].append({
                    "label": ui.t("life.page.household", number=number),
                    "adults": [p for k, p in homes[number] if k == "adults"],
                    "children": [p for k, p in homes[number] if k == "children"]})
        elif kind == "work_change":
            when = st.text_input(ui.t("life.page.date"), key=f"life_{kind}_date")
            adults = _people(family, "adults")
            adult = st.selectbox(ui.t("life.page.who"), [a for a, _ in adults],
                                 format_func=dict(adults).get, key="life_work_adult")
            income = st.text_input(ui.t("life.page.new_income"), key="life_work_income")
            change["adult"] = adult
        else:  # unit_change
            when = None
            children = _people(family, "children")
            child = st.selectbox(ui.t("life.page.which_child"), [c for c, _ in children],
                                 format_func=dict(children).get, key="life_unit_child")
            units = _unit_choices()
            unit = st.selectbox(ui.t("life.page.current_unit"), [u for u, _ in units], format_func=dict(units).get,
                                key="life_unit_current") if units else None
            change.update(child=child, current_unit=unit)
        submitted = st.form_submit_button(ui.t("life.page.add"), type="primary")
    if not submitted:
        return None, []
    if kind == "new_sibling":
        change["due_date"] = _typed_date(when, "due_date", problems)
        if leave.strip():
            change["parental_leave_until"] = _typed_date(leave, "parental_leave_until", problems)
    elif when is not None:
        change["date"] = _typed_date(when, "date", problems)
    if kind == "separation" and partner.strip():
        try:
            amount = parse_money_eur(partner, field="new_partner")
            change["households"][1]["new_partner"] = {"gross_monthly_income_eur": float(amount)}
        except InputError as error:
            problems.extend(error.problems)
    if kind == "work_change":
        try:
            amount = parse_money_eur(income, field="gross_monthly_income_eur")
        except InputError as error:
            problems.extend(error.problems)
        else:
            if amount is not None:
                change["gross_monthly_income_eur"] = float(amount)
    return change, problems


def _unit_choices() -> list[tuple[str, str]]:
    try:
        return [(u.unit_id, u.name) for u in ui.dataset().units]
    except PlannerError:
        return []


def _check(family: dict[str, Any], change: dict[str, Any]) -> list[Problem]:
    """Problems of ``change`` against the family (planner.life.parse_changes)."""
    from planner.family import parse_family
    from planner.life.changes import parse_changes

    try:
        parsed = parse_family({k: v for k, v in family.items() if k != "changes"})
        parse_changes(parsed, [change])
    except InputError as error:
        return [Problem(p.field.replace("changes[0].", ""), p.value, p.expected, p.key, p.params)
                for p in error.problems]
    return []


FIELD_KEYS = {"date": "life.page.date", "due_date": "life.page.due_date", "parental_leave_until": "life.page.leave_until",
              "homes": "life.page.homes", "households": "life.page.households", "adult": "life.page.who",
              "gross_monthly_income_eur": "life.page.new_income", "new_partner": "life.page.partner_income",
              "child": "life.page.which_child", "current_unit": "life.page.current_unit",
              "care_after_leave": "life.page.care_after_leave"}


def _field_label(field: str) -> str:
    """The form's own label of a problem's field (``homes[1].home`` → the homes label), never an internal path."""
    head = field.split(".")[0].split("[")[0]
    return ui.t(FIELD_KEYS[head]) if head in FIELD_KEYS else field


def _names(family: dict[str, Any]) -> dict[str, str]:
    return dict(_people(family, "adults") + _people(family, "children"))


def _describe(change: dict[str, Any], family: dict[str, Any]) -> str:
    kind = change.get("type")
    names = _names(family)
    if kind == "move":
        where = ", ".join(str(h.get("label") or h.get("municipality")) for h in change.get("homes", []))
        return ui.t("life.page.describe.move", where=where, date=_date_text(change.get("date")))
    if kind == "new_sibling":
        return ui.t("life.page.describe.new_sibling", date=_date_text(change.get("due_date")))
    if kind == "separation":
        return ui.t("life.page.describe.separation", date=_date_text(change.get("date")))
    if kind == "work_change":
        return ui.t("life.page.describe.work_change", name=names.get(change.get("adult"), change.get("adult")),
                    date=_date_text(change.get("date")))
    return ui.t("life.page.describe.unit_change", name=names.get(change.get("child"), change.get("child")))


def _date_text(value: Any) -> str:
    try:
        return format_date(date.fromisoformat(str(value)), ui.lang())
    except ValueError:
        return "–"


def _result(family: dict[str, Any]) -> dict[str, Any]:
    """The evaluation, recomputed only when the family, dataset or language changes (session only)."""
    from planner.family import parse_family
    from planner.life.evaluate import evaluate_changes

    dataset_name = st.session_state.get(ui.DATASET_KEY)
    text = json.dumps(family, sort_keys=True, ensure_ascii=False, default=str)
    digest = hashlib.sha256(f"{text}|{dataset_name}|{ui.lang()}".encode()).hexdigest()
    cached = st.session_state.get(RESULT_KEY)
    if cached and cached[0] == digest:
        return cached[1]
    parsed = parse_family(family)
    try:
        dataset = ui.dataset()
    except PlannerError:
        dataset = None
    names = _names(family)
    names[ui.t("life.page.baby_id")] = ui.t("life.page.baby_id")
    result = evaluate_changes(parsed, family.get("changes") or [], dataset=dataset, lang=ui.lang(), names=names)
    st.session_state[RESULT_KEY] = (digest, result)
    return result


def _money_row(label: str, money: dict[str, Any] | None) -> dict[str, str]:
    if money is None:
        return {ui.t("life.page.col.situation"): label, ui.t("life.page.col.fee"): "–",
                ui.t("life.page.col.allowances"): "–", ui.t("life.page.col.size"): "–"}
    return {ui.t("life.page.col.situation"): label,
            ui.t("life.page.col.fee"): ui.fmt_eur(money.get("total_monthly_fee_eur")),
            ui.t("life.page.col.allowances"): ui.fmt_eur(money.get("allowances_eur")),
            ui.t("life.page.col.size"): str(money.get("family_size", "–"))}


def _named(text: Any, names: dict[str, str]) -> str:
    """A planner text with the family's own names instead of ids (``child2`` → ``Lapsi 2``), escaped."""
    value = str(text)
    for person_id, label in sorted(names.items(), key=lambda kv: -len(kv[0])):
        if person_id and person_id != label:
            # "lapsi child2" / "barnet child2" / "child child2" (engine texts) → the name alone
            value = re.sub(rf"\b(?:lapsi|barnet|barn|child)\s+{re.escape(person_id)}\b", lambda _m, t=label: t, value,
                           flags=re.IGNORECASE)
            value = re.sub(rf"\b{re.escape(person_id)}\b", lambda _m, t=label: t, value)
    return md(value)


def _month(month: str) -> str:
    """``2027-07`` as people of the chosen language write it (``7/2027`` in fi and sv)."""
    year, _, number = str(month).partition("-")
    return month if ui.lang() == "en" or not number else f"{int(number)}/{year}"


def _render_change(item: dict[str, Any], names: dict[str, str], known_dates: set[tuple]) -> None:
    import pandas as pd

    st.markdown(f"#### {_named(item.get('label'), names)}")
    if item.get("explanation"):
        st.markdown(_named(item["explanation"], names))
    rows = [_money_row(ui.t("life.page.today"), item.get("before"))]
    if item.get("after"):
        key = "life.page.after_birth" if item.get("type") == "new_sibling" else "life.page.after"
        rows.append(_money_row(ui.t(key), item["after"]))
    if item.get("after_leave"):
        rows.append(_money_row(ui.t("life.page.after_leave"), item["after_leave"]))
    for household in item.get("households", []):
        rows.append(_money_row(str(household.get("label")), household.get("money")))
    st.table(md_frame(pd.DataFrame(rows)), hide_index=True)
    for household in item.get("households", []):
        st.caption(_named(household.get("explanation", ""), names))
    if item.get("parental_leave"):
        st.caption(_named(item["parental_leave"]["text"], names))
    timeline = item.get("timeline")
    if timeline:
        st.markdown(md(ui.t("life.page.timeline", fees=ui.fmt_eur(timeline.get("fees_eur")),
                            allowances=ui.fmt_eur(timeline.get("allowances_eur")))))
        changed = [r for r in timeline.get("rows", []) if r.get("changes")]
        for row in changed[:8]:
            st.markdown(f"- **{md(_month(row['month']))}**: {_named('; '.join(row['changes']), names)}")
    if item.get("fee_revision"):
        st.caption(md(ui.t("life.page.fee_applied", fee=ui.fmt_eur(item["fee_revision"].get("fee_applied_eur")))))
    units = item.get("units")
    if units and units.get("available"):
        for unit in units.get("units", []):
            st.markdown(f"- {md(unit.get('name'))}: {md(unit.get('why'))}")
    elif units:
        st.caption(md(ui.t("life.page.no_units", reason=units.get("reason", ""))))
    for unit in item.get("better_units", []):
        st.markdown(f"- {md(unit.get('name'))}: {md(unit.get('why'))}")
    if item.get("transfer"):
        st.caption(md(item["transfer"]))
    notes = item.get("notes", []) + (item.get("after") or {}).get("notes", []) \
        + (item.get("after_leave") or {}).get("notes", [])
    for note in dict.fromkeys(notes):
        st.caption(":material/info: " + _named(note, names))
    new = [e for e in item.get("dates_to_act", [])
           if not e.get("past") and (e["child_id"], e["what"], str(e["date"])) not in known_dates]
    if new:
        st.markdown(ui.t("life.page.new_dates"))
        for entry in new:
            st.markdown(f"- {_named(entry['text'], names)}")


def _render_today_only(family: dict[str, Any]) -> None:
    """With no change added yet: the dates to act and the path to preschool for the family as it is."""
    try:
        result = _result(family)
    except PlannerError as error:
        ui.show_error(error)
        return
    names = _names(family)
    st.subheader(ui.t("life.page.dates_title"))
    for entry in result["today"].get("dates_to_act", []):
        if not entry.get("past"):
            st.markdown(f"- {_named(entry['text'], names)}")
    _render_preschool(result["today"].get("preschool_path", []), names)


def main() -> None:
    if ui.FAMILY_KEY not in st.session_state:   # a fresh server's first request ran this page outside app.py
        ui.init_state()                         # (leaves the legacy pages mode and reruns through app.py)
    st.title(ui.t("life.page.title"))
    st.write(ui.t("life.page.intro"))
    family = ui.family()
    from planner.family import parse_family

    try:
        parse_family({k: v for k, v in family.items() if k != "changes"})
    except InputError as error:
        st.error(ui.t("error.fix_family"))
        ui.show_error(error, family=True)
        st.page_link("pages/family.py", label=ui.t("nav.family"), icon=":material/family_restroom:")
        return

    st.subheader(ui.t("life.page.add_title"))
    kind = st.selectbox(ui.t("life.page.type"), TYPES, format_func=ui.labeller("life.page.type"),
                        key="life_type")
    change, problems = _form(family, kind)
    if change is not None:
        problems = problems or _check(family, change)
        if problems:
            for problem in problems:
                st.error(f"{md(_field_label(problem.field))}: {ui.problem_text(problem)}", icon=":material/warning:")
        else:
            family.setdefault("changes", []).append(change)
            st.success(ui.t("life.page.added"))

    changes = family.get("changes") or []
    if not changes:
        st.info(ui.t("life.page.none_yet"))
        _render_today_only(family)
        return
    st.subheader(ui.t("life.page.list_title"))
    for i, change in enumerate(list(changes)):
        cols = st.columns([5, 1])
        cols[0].markdown(f"{i + 1}. {md(_describe(change, family))}")
        if cols[1].button(ui.t("life.page.remove"), key=f"life_remove_{i}"):
            changes.pop(i)
            st.rerun()
    try:
        result = _result(family)
    except InputError as error:
        ui.show_error(error)
        return
    except PlannerError as error:
        ui.show_error(error)
        return
    st.subheader(ui.t("life.page.results_title"))
    today = result["today"]
    st.markdown(md(ui.t("life.page.today_line", fee=ui.fmt_eur(today["money"].get("total_monthly_fee_eur")),
                        allowances=ui.fmt_eur(today["money"].get("allowances_eur")))))
    names = _names(family)
    known = {(e["child_id"], e["what"], str(e["date"])) for e in today.get("dates_to_act", [])}
    for item in result["changes"]:
        _render_change(item, names, known)
    st.subheader(ui.t("life.page.dates_title"))
    for entry in today.get("dates_to_act", []):
        if not entry.get("past"):
            st.markdown(f"- {_named(entry['text'], names)}")
    _render_preschool(today.get("preschool_path", []), names)


def _render_preschool(path: list[dict[str, Any]], names: dict[str, str]) -> None:
    """The path to preschool: dates, free hours, the connected ECEC fee and the unit by the municipality's rule."""
    if not path:
        return
    st.subheader(ui.t("life.page.preschool_title"))
    for entry in path:
        st.markdown(f"- {_named(entry['text'], names)}")
        if entry.get("rule_text"):
            st.caption(md(entry["rule_text"]))
        if entry.get("unit"):
            st.caption(md(ui.t("life.page.preschool_unit", name=entry["unit"]["name"], why=entry["unit"]["why"])))
        if entry.get("two_year_trial"):
            st.caption(_named(entry["two_year_trial"], names))


main()
