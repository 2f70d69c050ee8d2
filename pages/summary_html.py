"""The printable summary: one self-contained HTML page (inline CSS with a print stylesheet, no
external files, no scripts), built from results the pages already have. No Streamlit here."""
from __future__ import annotations

import html
from typing import Any, Callable, Mapping, Sequence

from planner.numbers import format_number
from planner.sources import describe_rule

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#fff;
     max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:1.6rem;border-bottom:2px solid #0b5394}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #8a8a8a;padding:.3rem .5rem;
     text-align:left;vertical-align:top}th{background:#e8eef6}td.num{text-align:right;white-space:nowrap}
.note{font-size:.9rem;color:#333}.flag{font-weight:bold}
@media print{body{margin:0;max-width:none;font-size:10.5pt}h2{break-after:avoid}
     table,tr{break-inside:avoid}.noprint{display:none}a{color:inherit;text-decoration:none}}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]], numeric: set[int] = frozenset()) -> str:
    head = "".join(f"<th scope=\"col\">{_e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td class=\"num\">{_e(c)}</td>" if i in numeric else f"<td>{_e(c)}</td>"
                         for i, c in enumerate(row)) + "</tr>"
        for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _labels(t: Callable[..., str], family: Mapping[str, Any]) -> dict[str, str]:
    """Person id -> the label the family sees ("Lapsi 1", or the name the family gave)."""
    labels: dict[str, str] = {}
    for group, key in (("adults", "family.adult"), ("children", "family.child")):
        for i, person in enumerate(family.get(group) or []):
            if isinstance(person, Mapping):
                name = person.get("name")
                labels[str(person.get("id"))] = str(name) if isinstance(name, str) and name.strip() \
                    else t(key, number=i + 1)
    return labels


def _relabel(text: Any, labels: Mapping[str, str]) -> str:
    """A planner text with people's ids (three characters or more, whole words) replaced by their labels."""
    import re

    out = "" if text is None else str(text)
    for person_id, label in labels.items():
        if len(person_id) >= 3:
            out = re.sub(rf"(?<![\w-]){re.escape(person_id)}(?![\w-])", label, out)
    return out


def _family_section(t: Callable[..., str], family: Mapping[str, Any]) -> str:
    """The family as entered: adults' days, hours, mode and roles; children's care."""
    label = _labels(t, family)
    adults = []
    for adult in family.get("adults", []) or []:
        schedule = adult.get("schedule") or {}
        roles = [t("family.drops_off")] if adult.get("drops_off") else []
        roles += [t("family.picks_up")] if adult.get("picks_up") else []
        adults.append([label.get(str(adult.get("id")), adult.get("id")), ", ".join(t(f"day.{d}") for d in schedule.get("days", [])),
                       f"{schedule.get('start', '–')}–{schedule.get('end', '–')}",
                       t(f"mode.{adult['commute_mode']}") if adult.get("commute_mode") else "–", "; ".join(roles)])
    children = [[label.get(str(c.get("id")), c.get("id")), c.get("birth_date"), t(f"care.{c['care']}") if c.get("care") else "–",
                 c.get("start_date", "–"), c.get("weekly_hours", "–")] for c in family.get("children", []) or []]
    return (f"<h2>{_e(t('family.title'))}</h2>"
            + _table([t("family.adults"), t("family.days"), f"{t('family.start')}–{t('family.end')}",
                      t("family.commute_mode"), t("summary.col.roles")], adults)
            + _table([t("family.children"), t("family.birth_date"), t("family.care"), t("family.start_date"),
                      t("family.weekly_hours")], children, numeric={4}))


def day_text(unit: Mapping[str, Any]) -> str:
    """The child's day at a unit (drop-off to pick-up) as ``7 h 38 min (07:56–15:34)``; unknown: ``–``."""
    seconds = unit.get("child_day_s")
    if seconds is None:
        return "–"
    minutes = int(round(float(seconds) / 60.0))
    text = f"{minutes // 60} h {minutes % 60:02d} min"
    if unit.get("drop_off_at") and unit.get("pick_up_at"):
        text += f" ({unit['drop_off_at']}–{unit['pick_up_at']})"
    return text


def build_summary_html(*, t: Callable[..., str], lang: str, family: Mapping[str, Any],
                       fees: Mapping[str, Any] | None, allowances: Mapping[str, Any] | None,
                       compare: Mapping[str, Any] | None, units: Sequence[Mapping[str, Any]],
                       child_id: str | None, fmt_eur: Callable[[Any], str],
                       fmt_minutes: Callable[[Any], str], generated_on: str) -> str:
    """The summary page as HTML text. ``t(key, **params)`` gives app texts (without the ``app.``
    prefix); ``units`` are ranking rows joined with unit facts, in the family's order of choice."""
    parts = [f"<!DOCTYPE html><html lang=\"{_e(lang)}\"><head><meta charset=\"utf-8\">",
             f"<title>{_e(t('summary.html_title'))}</title><style>{CSS}</style></head><body>",
             f"<h1>{_e(t('summary.html_title'))}</h1>",
             f"<p class=\"note\">{_e(t('summary.generated', date=generated_on, municipality=family.get('municipality', ''), rules_date=family.get('date', '')))}</p>"]

    parts.append(_family_section(t, family))
    parts.append(f"<h2>{_e(t('summary.chosen_units'))}</h2>")
    if units:
        rows = []
        for position, unit in enumerate(units, start=1):
            rows.append([
                position, display_name(unit),
                unit.get("rank"), fmt_minutes(unit.get("drop_off_s")), fmt_minutes(unit.get("pick_up_s")),
                fmt_minutes(unit.get("extra_commute_s")), day_text(unit), unit.get("opening_hours") or "–",
                t("costs.yes") if unit.get("in_catchment") else t("costs.no"),
                ", ".join(unit.get("languages") or []),
            ])
        parts.append(_table([t("summary.col.choice"), t("units.col.name"), t("units.col.rank"),
                             t("units.col.drop_off"), t("units.col.pick_up"), t("units.col.extra"),
                             t("units.col.child_day"), t("units.col.opening_hours"), t("units.col.catchment"),
                             t("units.col.languages")], rows, numeric={0, 2, 3, 4, 5}))
        parts.append(f"<p class=\"note\">{_e(t('summary.for_child', child=_labels(t, family).get(str(child_id), child_id) if child_id else '–'))}</p><ul>")
        for unit in units:
            parts.append(f"<li><strong>{_e(unit.get('name'))}</strong>: {_e(unit.get('why', ''))}</li>")
        parts.append("</ul>")
    else:
        parts.append(f"<p>{_e(t('summary.no_units'))}</p>")

    if fees:
        parts.append(f"<h2>{_e(t('costs.fees'))}</h2>")
        fee_range = fees.get("total_monthly_fee_range_eur")  # thresholds not published: a range, as on Costs
        total = (f"{fmt_eur(fee_range[0])}–{fmt_eur(fee_range[1])}" if fee_range
                 else fmt_eur(fees.get("total_monthly_fee_eur")))
        parts.append(f"<p><strong>{_e(t('costs.total_fee'))}: {_e(total)}</strong></p>")
        rows = [[_labels(t, family).get(str(c.get("id")), c.get("id")), c.get("sibling_rank") or "–",
                 "–" if c.get("coefficient") is None else format_number(c["coefficient"], lang), fmt_eur(c.get("monthly_fee_eur")),
                 _relabel(c.get("explanation", ""), _labels(t, family)) + (" — " + t("costs.provisional") if c.get("provisional") else "")]
                for c in fees.get("children", [])]
        parts.append(_table([t("costs.col.child"), t("costs.col.sibling_rank"), t("costs.col.coefficient"),
                             t("costs.col.fee"), t("costs.col.explanation")], rows, numeric={1, 2, 3}))
        rule = fees.get("rule") or {}
        if rule:
            status = rule.get("status", "")
            parts.append("<p class=\"note" + (" flag" if status == "provisional" else "") + "\">" + _e(t(
                "costs.rule", valid_from=rule.get("valid_from") or "–",
                valid_to=rule.get("valid_to") or t("costs.open_ended"), source=describe_rule(rule, lang),
                status=t(f"costs.status.{status}") if status in ("verified", "provisional") else status)) + "</p>")
    if allowances:
        parts.append(f"<h2>{_e(t('costs.allowances'))}</h2>")
        parts.append(f"<p><strong>{_e(t('costs.total_allowances'))}: {_e(fmt_eur(allowances.get('total_eur')))}</strong></p><ul>")
        for name in ("home_care_allowance", "flexible_care_allowance", "partial_care_allowance",
                     "private_care_allowance"):
            part = allowances.get(name) or {}
            if part:
                parts.append(f"<li>{_e(t(f'costs.allowance.{name}'))}: {_e(fmt_eur(part.get('total_eur')))}"
                             f" — {_e(_relabel('; '.join(part.get('reasons') or []), _labels(t, family)))}</li>")
        parts.append("</ul>")
    if compare and compare.get("scenarios"):
        usable = [s for s in compare["scenarios"] if s.get("net_eur") is not None]
        parts.append(f"<h2>{_e(t('costs.compare'))}</h2>")
        parts.append(_table([t("costs.col.scenario"), t("costs.col.fees"), t("costs.col.allowances"),
                             t("costs.col.net")],
                            [[s.get("title") or s.get("name"), fmt_eur(s.get("fees_eur")),
                              fmt_eur(s.get("allowances_eur")), fmt_eur(s.get("net_eur"))] for s in usable],
                            numeric={1, 2, 3}))
        parts.append(f"<p class=\"note\">{_e(t('costs.compare_note'))}</p>")

    parts.append(f"<h2>{_e(t('summary.privacy_title'))}</h2><p class=\"note\">{_e(t('summary.privacy'))}</p>")
    parts.append("</body></html>")
    return "".join(parts)


def display_name(unit: Mapping[str, Any]) -> str:
    """The unit's name, marked "(demo)" when it is a made-up unit and its name does not say so."""
    name = str(unit.get("name", unit.get("unit_id")))
    return name + (" (demo)" if unit.get("demo") and "demo" not in name.casefold() else "")
