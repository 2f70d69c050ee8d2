"""Costs page: ECEC fees per child and in total, Kela allowances, scenario comparison, 24-month timeline.

Every number comes from ``planner.money`` (cached per family JSON and language) and is shown with the
engine's own explanation: which rule row, which period, which sibling rank; provisional rules are
flagged.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd
import streamlit as st

from pages import ui
from pages.safe import md, md_frame
from planner.errors import InputError, PlannerError
from planner.i18n import translate
from planner.sources import describe_rule

ALLOWANCES = ("home_care_allowance", "flexible_care_allowance", "partial_care_allowance",
              "private_care_allowance")


def _result(kind: str) -> dict[str, Any] | None:
    """The money result, or None after showing why it is missing."""
    try:
        return ui.money(kind)
    except ImportError:
        ui.backend_missing(ui.t(f"costs.part.{kind}"))
    except InputError as error:
        st.error(ui.t("error.fix_family"))
        ui.show_error(error, family=True)
        st.page_link("pages/family.py", label=ui.t("nav.family"), icon=":material/family_restroom:")
    except PlannerError as error:
        ui.show_error(error)
    return None


def _rule_caption(rule: dict[str, Any] | None) -> None:
    if not rule:
        return
    status = rule.get("status", "")
    text = ui.t("costs.rule", valid_from=ui.local_dates(rule.get("valid_from")) or "–",
                valid_to=ui.local_dates(rule.get("valid_to")) or ui.t("costs.open_ended"),
                source=describe_rule(rule, ui.lang()), status=ui.t(f"costs.status.{status}")
                if status in ("verified", "provisional") else status)
    if status == "provisional":
        st.warning(":material/warning: " + text)  # rule rows are project data (sources are links)
    else:
        st.caption(text)


def _fees(result: dict[str, Any]) -> None:
    st.subheader(ui.t("costs.fees"))
    col1, col2, col3 = st.columns(3)
    fee_range = result.get("total_monthly_fee_range_eur")  # thresholds not published: a range, not one figure
    col1.metric(ui.t("costs.total_fee"), f"{ui.fmt_eur(fee_range[0])}–{ui.fmt_eur(fee_range[1])}" if fee_range
                else ui.fmt_eur(result.get("total_monthly_fee_eur")))
    if result.get("thresholds_published") is False and result.get("notes"):
        st.warning(":material/warning: " + md(ui.local_dates(result["notes"][0])))
    col2.metric(ui.t("costs.family_size"), result.get("family_size"))
    income = result.get("income_eur")
    col3.metric(ui.t("costs.income"), ui.fmt_eur(income) if income is not None else ui.t("costs.not_reported"))
    st.caption(ui.t("costs.fee_basis", percent=ui.fmt_decimal(result.get("fee_percent")),
                    threshold=ui.fmt_eur(result.get("threshold_eur")),
                    max_fee=ui.fmt_eur(result.get("max_fee_eur")), min_fee=ui.fmt_eur(result.get("min_fee_eur"))))
    # "Rests on an unconfirmed rule" per child: the child's own part-time or free-hours rule, or a rule every
    # child's fee uses (the fee table of the rule box below, the holiday-pay setting) is not confirmed yet.
    children = result.get("children", [])
    shared_provisional = bool(result.get("provisional")) and (
        (result.get("rule") or {}).get("status") == "provisional" or not any(c.get("provisional") for c in children))
    rows = []
    for child in children:
        rows.append({
            ui.t("costs.col.child"): ui.person_label(child.get("id")),
            ui.t("costs.col.care"): ui.t(f"care.{child['care']}") if child.get("care") in CARE_KEYS else
            child.get("care"),
            ui.t("costs.col.sibling_rank"): child.get("sibling_rank") if child.get("sibling_rank") else "–",
            ui.t("costs.col.coefficient"): ui.fmt_decimal(child.get("coefficient"), 4),
            ui.t("costs.col.fee"): ui.fmt_eur(child.get("monthly_fee_eur")),
            ui.t("costs.col.provisional"): ui.t("costs.yes") if child.get("provisional") or shared_provisional
            else ui.t("costs.no"),
        })
    st.table(md_frame(pd.DataFrame(rows)), hide_index=True)
    for child in result.get("children", []):
        marker = " :material/warning: " + ui.t("costs.provisional") if child.get("provisional") else ""
        st.markdown(f"- **{md(ui.person_label(child.get('id')))}** — {md(ui.fmt_eur(child.get('monthly_fee_eur')))}: "
                    f"{md(ui.relabel(child.get('explanation', '')))}{marker}")
    _rule_caption(result.get("rule"))
    shown_first = result.get("thresholds_published") is False   # notes[0] is the warning above
    for note in result.get("notes", [])[1 if shown_first else 0:]:
        st.caption(":material/info: " + md(ui.local_dates(note)))


CARE_KEYS = ("municipal", "voucher", "private", "home", "preschool", "none")


def _allowances(result: dict[str, Any]) -> None:
    st.subheader(ui.t("costs.allowances"))
    st.metric(ui.t("costs.total_allowances"), ui.fmt_eur(result.get("total_eur")))
    rows = []
    for name in ALLOWANCES:
        part = result.get(name)
        if not part:
            continue
        rows.append({
            ui.t("costs.col.allowance"): ui.t(f"costs.allowance.{name}"),
            ui.t("costs.col.eligible"): ui.t("costs.yes") if part.get("eligible") else ui.t("costs.no"),
            ui.t("costs.col.care_allowance"): ui.fmt_eur(part.get("care_allowance_eur")),
            ui.t("costs.col.sibling_supplements"): ui.fmt_eur(part.get("sibling_supplements_eur")),
            ui.t("costs.col.care_supplement"): ui.fmt_eur(part.get("care_supplement_eur")),
            ui.t("costs.col.municipal_supplement"): ui.fmt_eur(part.get("municipal_supplement_eur")),
            ui.t("costs.col.total"): ui.fmt_eur(part.get("total_eur")),
        })
    st.table(md_frame(pd.DataFrame(rows)), hide_index=True)
    for name in ALLOWANCES:
        part = result.get(name)
        if part and part.get("reasons"):
            with st.expander(ui.t("costs.why", what=ui.t(f"costs.allowance.{name}"))):
                for reason in part["reasons"]:
                    st.markdown(f"- {md(ui.relabel(reason))}")
    _rule_caption(result.get("rule"))


def _carer_label(auto_text: str):
    labels = {a.get("id"): ui.person_label(a.get("id")) for a in ui.family().get("adults", [])}  # fixed in this run
    return lambda adult_id: auto_text if adult_id == "-" else labels.get(adult_id, str(adult_id))


def _auto_carer(family: dict[str, Any]) -> str | None:
    """The adult the comparison assumes stays home when the family has not said (planner.money.compare:
    the lowest reported income, the last one on a tie)."""
    adults = [a for a in family.get("adults", []) if isinstance(a, dict) and a.get("id")]
    if not adults:
        return None

    def income(adult: dict[str, Any]) -> float:
        value = adult.get("gross_monthly_income_eur")
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0

    lowest = min(income(a) for a in adults)
    return [a["id"] for a in adults if income(a) == lowest][-1]


def _scenario_inputs() -> None:
    """Who stays home with the child, and the two numbers the comparison needs beyond the family form
    (kept in the family dict). Numbers are typed the Finnish way ("22,5", "1 200 €"); a text that
    cannot be read is named under its field and keeps the family's last good value."""
    family = ui.family()
    adults = [a.get("id") for a in family.get("adults", []) if a.get("id")]
    seeds = {"c.part_time_hours": ui.number_text(family.get("part_time_hours")),
             "c.private_fee_eur": ui.money_text(family.get("private_fee_eur")),
             "c.carer": family.get("carer") if family.get("carer") in adults else "-"}
    fresh = ui.language_just_changed()
    for key, value in seeds.items():
        if fresh or key not in st.session_state or isinstance(st.session_state[key], float):
            st.session_state[key] = value
    if st.session_state["c.carer"] not in ["-", *adults]:
        st.session_state["c.carer"] = "-"
    auto = _auto_carer(family)
    auto_text = ui.t("costs.carer_auto_named", name=ui.person_label(auto)) if auto else ui.t("costs.carer_auto")
    col1, col2, col3 = st.columns(3)
    col1.selectbox(ui.t("costs.carer"), options=["-", *adults], key="c.carer", format_func=_carer_label(auto_text),
                   help=ui.t("costs.carer_help"))
    updated = dict(family)
    hours, hours_ok = ui.number_field(ui.t("costs.part_time_hours"), "c.part_time_hours", field="part_time_hours",
                                      low=0, high=60, help=ui.t("costs.zero_means_none"),
                                      placeholder=ui.t("costs.example", value="20"),
                                      where=col2)
    fee, fee_ok = ui.money_field(ui.t("costs.private_fee"), "c.private_fee_eur", field="private_fee_eur",
                                 help=ui.t("costs.zero_means_none"),
                                 placeholder=ui.t("costs.example", value="1 000"), where=col3)
    for name, value, ok in (("part_time_hours", hours, hours_ok), ("private_fee_eur", fee, fee_ok)):
        if not ok:
            continue  # the last good value stays in the family; the box keeps the typed text
        if not value:
            updated.pop(name, None)
        else:
            updated[name] = int(value) if value == int(value) else value
    carer = st.session_state["c.carer"]
    if carer == "-":
        updated.pop("carer", None)
    else:
        updated["carer"] = carer
    st.session_state[ui.FAMILY_KEY] = updated


LEAVE_MODES = ("default", "none", "period")
PRICED_CARE = ("municipal", "voucher", "preschool")


def _mt(key: str, **params: Any) -> str:
    """A money-input text (``money.inputs.*``) in the chosen language."""
    return translate(f"money.inputs.{key}", ui.lang(), **params)


def _iso(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _leave_label(language: str, count: int):
    """Labels of the leave choices in ``language`` (captured: right also when called outside a run)."""
    return lambda mode: translate(f"money.inputs.leave_{mode}", language, count=count)


def _small_children(family: dict[str, Any]) -> list[dict[str, Any]]:
    """Children under 2 on the family's date (or not yet born): parental allowance can be paid for them."""
    on = _iso(family.get("date")) or date.today()
    out = []
    for child in family.get("children", []):
        birth = _iso(child.get("birth_date"))
        if child.get("id") and birth is not None and birth > on - timedelta(days=731):
            out.append(child)
    return out


def _money_inputs() -> None:
    """Parental leave, daily ECEC hours and each private provider's fee (issue 10), kept in the family
    dict: ``parental_leave``, ``children[].daily_hours``, ``children[].private_fee_eur``."""
    family = ui.family()
    adults = [a.get("id") for a in family.get("adults", []) if a.get("id")]
    small = _small_children(family)
    leave = family.get("parental_leave")
    fresh = ui.language_just_changed()
    seeds: dict[str, Any] = {}
    for child in family.get("children", []):
        cid = child.get("id")
        if child.get("care") in PRICED_CARE:
            seeds[f"c.daily.{cid}"] = ui.number_text(child.get("daily_hours"))
        if child.get("care") == "private":
            seeds[f"c.cfee.{cid}"] = ui.money_text(child.get("private_fee_eur"))
    several = isinstance(leave, list) and len(leave) > 1
    first = leave[0] if isinstance(leave, list) and len(leave) == 1 and isinstance(leave[0], dict) else {}
    mode = "file" if several else "default" if leave is None else "none" if not leave else "period"
    seeds["c.leave.mode"] = mode
    child_ids = [c["id"] for c in small]
    seeds["c.leave.adult"] = first.get("adult") if first.get("adult") in adults else (adults[0] if adults else "-")
    seeds["c.leave.child"] = first.get("child") if first.get("child") in child_ids else (
        child_ids[0] if child_ids else "-")
    birth = _iso(next((c.get("birth_date") for c in small if c["id"] == seeds["c.leave.child"]), None))
    seeds["c.leave.from"] = _iso(first.get("from")) or birth or date.today()
    seeds["c.leave.to"] = _iso(first.get("to")) or (seeds["c.leave.from"] + timedelta(days=365))
    for key, value in seeds.items():
        if fresh or key not in st.session_state or isinstance(st.session_state[key], float):
            st.session_state[key] = value
    modes = [*LEAVE_MODES, "file"] if several else list(LEAVE_MODES)
    if st.session_state["c.leave.mode"] not in modes:
        st.session_state["c.leave.mode"] = mode

    updated = dict(family)
    with st.expander(_mt("title")):
        st.caption(_mt("intro"))
        children = [dict(c) for c in family.get("children", [])]
        for child in children:
            cid = child.get("id")
            if f"c.daily.{cid}" in seeds:
                value, ok = ui.number_field(_mt("daily_hours", child=ui.person_label(cid)), f"c.daily.{cid}",
                                            field="daily_hours", low=0, high=24, help=_mt("daily_hours_help"),
                                            placeholder=ui.t("costs.example", value="8"))
                if ok:  # a text that cannot be read keeps the last good value (named under the box)
                    if value:
                        child["daily_hours"] = int(value) if value == int(value) else value
                    else:
                        child.pop("daily_hours", None)
            if f"c.cfee.{cid}" in seeds:
                value, ok = ui.money_field(_mt("child_fee", child=ui.person_label(cid)), f"c.cfee.{cid}",
                                           field="private_fee_eur", help=_mt("child_fee_help"),
                                           placeholder=ui.t("costs.example", value="1 000"))
                if ok:
                    if value:
                        child["private_fee_eur"] = int(value) if value == int(value) else value
                    else:
                        child.pop("private_fee_eur", None)
        updated["children"] = children

        st.markdown("**" + _mt("leave") + "**")
        if not small:
            st.caption(_mt("no_small_child"))
        else:
            st.radio(_mt("leave"), options=modes, key="c.leave.mode", label_visibility="collapsed",
                     format_func=_leave_label(ui.lang(), len(leave) if several else 0))
            chosen = st.session_state["c.leave.mode"]
            if chosen == "period" and adults:
                labels = {pid: ui.person_label(pid) for pid in [*adults, *child_ids]}  # fixed in this run
                col1, col2 = st.columns(2)
                col1.selectbox(_mt("leave_adult"), options=adults, key="c.leave.adult", format_func=labels.get)
                col2.selectbox(_mt("leave_child"), options=child_ids, key="c.leave.child", format_func=labels.get)
                col3, col4 = st.columns(2)
                col3.date_input(_mt("leave_from"), key="c.leave.from", format="DD.MM.YYYY")
                col4.date_input(_mt("leave_to"), key="c.leave.to", format="DD.MM.YYYY")
                updated["parental_leave"] = [{
                    "adult": st.session_state["c.leave.adult"], "child": st.session_state["c.leave.child"],
                    "from": st.session_state["c.leave.from"].isoformat(),
                    "to": st.session_state["c.leave.to"].isoformat()}]
            elif chosen == "none":
                updated["parental_leave"] = []
            elif chosen == "default":
                updated.pop("parental_leave", None)
            st.caption(_mt("leave_help"))
    st.session_state[ui.FAMILY_KEY] = updated


HOME_SCENARIOS = ("youngest_home",)


def _is_home(scenario: dict[str, Any]) -> bool:
    """A scenario in which a child under school age is cared for at home by a parent."""
    if scenario.get("name") in HOME_SCENARIOS:
        return True
    if scenario.get("name") == "as_entered":
        return any(isinstance(c, dict) and c.get("care") == "home" for c in ui.family().get("children", []))
    return False


def _carer_chosen() -> bool:
    return bool(ui.family().get("carer"))


def _home_assumption(compare: dict[str, Any]) -> None:
    """Say, next to the comparison, who the options with a child at home assume stays home, and ask
    when the family has not said (the control is the "who stays home" box above)."""
    usable = [s for s in compare.get("scenarios", []) if s.get("applicable", True) and s.get("net_eur") is not None]
    if not any(_is_home(s) for s in usable) or not compare.get("carer"):
        return
    name = ui.person_label(compare["carer"])
    if _carer_chosen():
        st.caption(":material/child_care: " + md(ui.t("costs.home_assumed", name=name)))
    else:
        st.info(md(ui.t("costs.home_question", name=name, field=ui.t("costs.carer"))), icon=":material/help:")


# scenario -> the family field it needs from the inputs above (hint shown while it is not given)
MISSING_HINTS = {"part_time": "part_time_hours", "private": "private_fee_eur"}


def _net_chart(usable: list[dict[str, Any]]) -> None:
    """Horizontal bars of the net € / month per scenario; the scenario names are never cut."""
    import altair as alt

    after_tax = all(s.get("net_after_tax_eur") is not None for s in usable)
    net = translate("money.col.net_after_tax", ui.lang()) if after_tax else ui.t("costs.col.net")
    data = pd.DataFrame({"scenario": [s.get("title") or s.get("name") for s in usable],
                         "net": [float(s["net_after_tax_eur" if after_tax else "net_eur"]) for s in usable]})
    chart = alt.Chart(data).mark_bar(aria=False).encode(
        # a short axis title (the long one was cut at 390 px; the cards above name the figure)
        x=alt.X("net:Q", title=ui.t("costs.chart_eur_month"), axis=alt.Axis(format="d")),  # no English commas
        y=alt.Y("scenario:N", title=None, sort=None, axis=alt.Axis(labelLimit=0)),
        tooltip=[alt.Tooltip("scenario:N", title=ui.t("costs.col.scenario")),
                 alt.Tooltip("net:Q", title=net, format=",.2f")],
    )
    st.altair_chart(chart.configure(aria=False), width="stretch", alt=ui.t("costs.compare_chart_alt"))


def _net_cards(usable: list[dict[str, Any]]) -> None:
    """One card per scenario that leads with the net € / month (reads on a phone: cards stack)."""
    per_row = 3
    for start in range(0, len(usable), per_row):
        columns = st.columns(per_row)
        for column, scenario in zip(columns, usable[start:start + per_row]):
            with column.container(border=True):
                after_tax = scenario.get("net_after_tax_eur")
                st.metric(scenario.get("title") or scenario.get("name"),
                          ui.fmt_eur(after_tax if after_tax is not None else scenario.get("net_eur")),
                          help=ui.relabel(scenario.get("description")))
                st.caption(" · ".join([
                    translate("money.col.net_after_tax", ui.lang()) if after_tax is not None
                    else ui.t("costs.col.net"),
                    f"{ui.t('costs.col.earnings')} {ui.fmt_eur(scenario.get('earnings_eur'))}",
                    f"{ui.t('costs.col.fees')} {ui.fmt_eur(scenario.get('fees_eur'))}",
                    f"{ui.t('costs.col.allowances')} {ui.fmt_eur(scenario.get('allowances_eur'))}",
                ] + ([ui.t("costs.col.provisional")] if scenario.get("provisional") else [])))


def _tax_notes(usable: list[dict[str, Any]]) -> None:
    """The income tax notes once (an ESTIMATED municipal rate, provisional tax parameters)."""
    seen: list[str] = []
    for scenario in usable:
        for note in (scenario.get("tax") or {}).get("notes", []):
            if note not in seen:
                seen.append(note)
                st.warning(":material/warning: " + md(note))


def _compare(result: dict[str, Any]) -> None:
    scenarios = result.get("scenarios", [])
    if not scenarios:
        return
    usable = [s for s in scenarios if s.get("applicable", True) and s.get("net_eur") is not None]
    table = pd.DataFrame([{
        ui.t("costs.col.scenario"): s.get("title") or s.get("name"),
        ui.t("costs.col.description"): ui.relabel(s.get("description")),
        ui.t("costs.col.earnings"): ui.fmt_amount(s.get("earnings_eur")),
        ui.t("costs.col.fees"): ui.fmt_amount(s.get("fees_eur")),
        ui.t("costs.col.allowances"): ui.fmt_amount(s.get("allowances_eur")),
        ui.t("costs.col.net"): ui.fmt_amount(s.get("net_eur")),
        translate("money.col.taxes", ui.lang()): ui.fmt_amount(
            None if s.get("taxes_eur") is None else s["taxes_eur"] + (s.get("contributions_eur") or 0)),
        translate("money.col.net_after_tax", ui.lang()): ui.fmt_amount(s.get("net_after_tax_eur")),
        ui.t("costs.col.taxable"): ui.fmt_amount(s.get("taxable_eur")),
        ui.t("costs.col.provisional"): ui.t("costs.yes") if s.get("provisional") else ui.t("costs.no"),
    } for s in usable])
    if usable:
        _home_assumption(result)
        _net_cards(usable)
        _tax_notes(usable)
        _net_chart(usable)
        st.caption(ui.t("costs.chart_alt"))
        with st.expander(ui.t("costs.compare_table")):
            st.table(md_frame(table), hide_index=True)
    for s in scenarios:
        if s not in usable:
            missing = MISSING_HINTS.get(s.get("name"))
            reasons = (ui.t(f"costs.missing.{s['name']}") if missing and not ui.family().get(missing)
                       else "; ".join(s.get("reasons") or []))
            st.caption(md(ui.t("costs.scenario_missing", title=s.get("title") or s.get("name"), reasons=reasons)))
    st.caption(ui.t("costs.compare_note"))


def _number(value: Any) -> float:
    """A euro amount for a chart; unknown (None) becomes NaN so the line has a gap there."""
    return float("nan") if value is None else float(value)


def _line_chart(data: pd.DataFrame) -> None:
    """Fees and allowances per month as lines (Altair); the marks carry no ARIA roles of their own:
    the chart's text alternative and the table under it say the same."""
    import altair as alt

    month = ui.t("costs.col.month")
    long = data.reset_index().melt(id_vars=month, var_name="series", value_name="eur")
    chart = alt.Chart(long).mark_line(point=alt.OverlayMarkDef(aria=False), aria=False).encode(
        x=alt.X(f"{month}:N", title=month, sort=None),
        y=alt.Y("eur:Q", title="€", axis=alt.Axis(format="d")),
        color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip(f"{month}:N"), alt.Tooltip("series:N", title=" "),
                 alt.Tooltip("eur:Q", title="€", format=",.2f")],
    ).configure(aria=False)
    st.altair_chart(chart, width="stretch", alt=ui.t("costs.timeline_chart_alt"))


def _timeline(result: dict[str, Any]) -> None:
    st.subheader(ui.t("costs.timeline"))
    months = result.get("rows", [])
    if not months:
        return
    child_ids = [c["id"] for c in months[0].get("children", [])]
    rows = []
    fees_col, allowances_col = ui.t("costs.col.fees"), ui.t("costs.col.allowances")
    chart = pd.DataFrame({
        fees_col: [_number(m.get("total_monthly_fee_eur")) for m in months],
        allowances_col: [_number(m.get("allowances_eur")) for m in months],  # unknown = gap, not 0
    }, index=pd.Index([ui.local_dates(m.get("month", "")) for m in months], name=ui.t("costs.col.month")))
    compact, rows = [], []
    for month in months:
        row: dict[str, Any] = {ui.t("costs.col.month"): ui.local_dates(month.get("month", ""))}
        fees_by_child = {c["id"]: c.get("monthly_fee_eur") for c in month.get("children", [])}
        for child_id in child_ids:
            row[ui.t("costs.col.child_fee", child=ui.person_label(child_id))] = ui.fmt_amount(fees_by_child.get(child_id))
        fee_range = month.get("fee_range_eur")
        row[fees_col] = (f"{ui.fmt_amount(fee_range[0])}–{ui.fmt_amount(fee_range[1])}" if fee_range
                         else ui.fmt_amount(month.get("total_monthly_fee_eur")))
        row[allowances_col] = ui.fmt_amount(month.get("allowances_eur"))
        row[ui.t("costs.col.provisional")] = ui.t("costs.yes") if month.get("provisional") else ui.t("costs.no")
        row[ui.t("costs.col.explanation")] = ui.relabel("; ".join([*month.get("changes", []),
                                                                     *month.get("notes", [])]))
        rows.append(row)
        compact.append({ui.t("costs.col.month"): row[ui.t("costs.col.month")], fees_col: row[fees_col],
                        allowances_col: row[allowances_col]})
    _line_chart(chart)
    st.caption(ui.t("costs.chart_alt"))
    st.table(md_frame(pd.DataFrame(compact)), hide_index=True)
    with st.expander(ui.t("costs.timeline_details")):
        st.table(md_frame(pd.DataFrame(rows)), hide_index=True)
    total = result.get("total_fees_eur")
    total_range = result.get("total_fees_range_eur")
    if total is not None:
        st.caption(ui.t("costs.timeline_total", months=result.get("months", len(months)),
                        total=f"{ui.fmt_eur(total_range[0])}–{ui.fmt_eur(total_range[1])}" if total_range
                        else ui.fmt_eur(total)))
    if result.get("provisional"):
        st.warning(":material/warning: " + ui.t("costs.timeline_provisional"))


# ----------------------------------------------------------------- the questions families ask


def _first_fee_change(timeline: dict[str, Any] | None) -> tuple[str, Any] | None:
    """The first month whose family total differs from the month before, with the new total."""
    months = (timeline or {}).get("rows", [])
    for before, month in zip(months, months[1:]):
        if month.get("total_monthly_fee_eur") != before.get("total_monthly_fee_eur"):
            return ui.local_dates(month.get("month", "")), month.get("total_monthly_fee_eur")
    return None


def _day_answer() -> str:
    """Question 10 from the ranking of the Units page (best unit's drop-off to pick-up)."""
    try:
        ranked = ui.ranking(st.session_state.get(ui.CHILD_KEY))
    except (ImportError, PlannerError):
        return ui.t("costs.faq.a10_unknown")
    units = ranked.get("units") or []
    if not units or units[0].get("child_day_s") is None:
        return ui.t("costs.faq.a10_unknown")
    best = units[0]
    minutes = int(round(float(best["child_day_s"]) / 60.0))
    return ui.t("costs.faq.a10", unit=best.get("name", ""), length=f"{minutes // 60} h {minutes % 60:02d} min",
                drop_off=best.get("drop_off_at") or "–", pick_up=best.get("pick_up_at") or "–",
                child=ui.person_label(ranked.get("child_id")) if ranked.get("child_id") else "")


def _answers(fees: dict[str, Any], allowances: dict[str, Any] | None, compare: dict[str, Any] | None,
             timeline: dict[str, Any] | None) -> list[str]:
    """Plain-language answers to the ten questions of finnish-rules.md section 4, numbers from planner."""
    from planner.i18n import translate
    from planner.rules import rule_book

    on = fees.get("date")
    book = rule_book()
    period = book.fee_period_on(on)
    settings = book.settings_on(fees.get("municipality"), on)
    if not fees.get("income_reported"):
        a1 = ui.t("costs.faq.a1_not_reported", max_fee=ui.fmt_eur(fees.get("max_fee_eur")))
    else:
        a1 = ui.t("costs.faq.a1_reported", income=ui.fmt_eur(fees.get("income_eur")),
                  percent=ui.fmt_decimal(fees.get("fee_percent")), threshold=ui.fmt_eur(fees.get("threshold_eur")),
                  base=ui.fmt_eur(fees.get("base_fee_eur")), max_fee=ui.fmt_eur(fees.get("max_fee_eur")))
    a2 = ui.t("costs.faq.a2", size=fees.get("family_size"))
    ranks = "; ".join(ui.t("costs.faq.a3_child", child=ui.person_label(c.get("id")), rank=c["sibling_rank"],
                           fee=ui.fmt_eur(c.get("monthly_fee_eur")))
                      for c in fees.get("children", []) if c.get("sibling_rank"))
    a3 = ui.t("costs.faq.a3", second=ui.fmt_decimal(period.sibling_2_share * 100, 0),
              third=ui.fmt_decimal(period.sibling_3_share * 100, 0), ranks=ranks or "–")
    coefficients = "; ".join(f"{ui.person_label(c.get('id'))}: {ui.fmt_decimal(c.get('coefficient'), 2)}"
                             for c in fees.get("children", []))
    a4 = ui.t("costs.faq.a4", coefficients=coefficients or "–")
    a5 = translate("money.fee.july", ui.lang())
    counts = "counts" if settings.home_care_allowance_counts_as_income else "not_counted"
    a6 = ui.t(f"costs.faq.a6_{counts}", municipality=fees.get("municipality", ""),
              counted=ui.fmt_eur(fees.get("counted_benefits_eur") or 0),
              factor=ui.fmt_decimal(settings.holiday_pay_factor, 4))
    home = (allowances or {}).get("home_care_allowance") or {}
    a7 = ui.t("costs.faq.a7_yes" if home.get("eligible") else "costs.faq.a7_no",
              total=ui.fmt_eur(home.get("total_eur") or 0))
    usable = [s for s in (compare or {}).get("scenarios", [])
              if s.get("applicable", True) and s.get("net_eur") is not None]
    a8 = _best_answer(usable, (compare or {}).get("carer")) if usable else ui.t("costs.faq.a8_unknown")
    change = _first_fee_change(timeline)
    indexed = period.rule.valid_from
    a9 = ui.t("costs.faq.a9", valid_from=ui.local_dates(indexed.isoformat()),
              next=ui.local_dates(ui.next_fee_indexation(on).isoformat())) + " " + (
        ui.t("costs.faq.a9_change", month=change[0], total=ui.fmt_eur(change[1])) if change
        else ui.t("costs.faq.a9_no_change", months=(timeline or {}).get("months", 24)))
    if period.rule.status == "provisional":
        a9 += " " + ui.t("costs.faq.a9_provisional")
    return [a1, a2, a3, a4, a5, a6, a7, a8, a9, _day_answer()]


def _best_answer(usable: list[dict[str, Any]], carer: str | None) -> str:
    """Question 8: the option with the most money left, never a child-at-home option called best
    without saying who cares for the child (asked when the family has not chosen)."""
    taxed = all(s.get("net_after_tax_eur") is not None for s in usable)
    net_key = "net_after_tax_eur" if taxed else "net_eur"
    lead_key = "costs.faq.a8_after_tax" if taxed else "costs.faq.a8"

    def title(scenario: dict[str, Any]) -> str:
        return scenario.get("title") or scenario.get("name") or ""

    listing = "; ".join(f"{title(s)} {ui.fmt_eur(s[net_key])}" for s in usable)
    best = max(usable, key=lambda s: s[net_key])
    name = ui.person_label(carer) if carer else ui.t("costs.carer_someone")
    if _is_home(best) and not _carer_chosen():
        away = [s for s in usable if not _is_home(s)]
        answer = ui.t("costs.faq.a8_home_question", best=title(best), net=ui.fmt_eur(best[net_key]), name=name,
                      field=ui.t("costs.carer"))
        if away:
            other = max(away, key=lambda s: s[net_key])
            answer += " " + ui.t("costs.faq.a8_without_home", best=title(other), net=ui.fmt_eur(other[net_key]))
        return answer + " " + ui.t("costs.faq.a8_all", all=listing)
    answer = ui.t(lead_key, best=title(best), net=ui.fmt_eur(best[net_key]), all=listing)
    if _is_home(best):
        answer += " " + ui.t("costs.home_assumed", name=name)
    return answer


def _questions(fees: dict[str, Any], allowances: dict[str, Any] | None, compare: dict[str, Any] | None,
               timeline: dict[str, Any] | None) -> None:
    """The ten questions families ask, each answered for this family (question as a visible heading)."""
    st.subheader(ui.t("costs.faq.title"))
    for number, answer in enumerate(_answers(fees, allowances, compare, timeline), start=1):
        with st.expander(ui.t(f"costs.faq.q{number}"), expanded=False):
            st.markdown(md(answer))
    st.page_link("pages/units.py", label=ui.t("costs.faq.units_link"), icon=":material/schedule:")


def render() -> None:
    st.title(ui.t("costs.title"))
    st.caption(md(ui.t("costs.intro", date=ui.local_dates(ui.family().get("date", "")))))
    _money_inputs()
    fees = _result("fees")
    if fees is None:
        return
    _fees(fees)
    allowances = _result("allowances")
    if allowances is not None:
        _allowances(allowances)
    st.subheader(ui.t("costs.compare"))
    _scenario_inputs()
    compare = _result("compare")
    if compare is not None:
        _compare(compare)
    timeline = _result("timeline")
    if timeline is not None:
        _timeline(timeline)
    _questions(fees, allowances, compare, timeline)
    st.page_link("pages/units.py", label=ui.t("costs.next"), icon=":material/arrow_forward:")


ui.init_state()  # idempotent; covers a first request straight to this page
render()
