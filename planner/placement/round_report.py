"""The round report for the decision: a CSV for Excel (``;``, Finnish headers, UTF-8 with BOM) and a
printable HTML page (fi/sv/en), both made from the round's report dict (ids only; identity codes masked).

Sections: summary and rule set; placed per unit and age group; travel times by area and by language;
children without an offer and why; the review (rejected offers with their reasons, changes since the
previous run); stability figures. Every value in the HTML is escaped; every CSV cell neutralised.
"""
from __future__ import annotations

import html
from typing import Any, Callable

from planner.i18n import translate
from planner.numbers import format_number
from planner.placement.csvsafe import neutralise

UNIT_HEADERS = ("yksikon_id", "yksikko", "lapsia", "alle_3v", "3v_tayttaneet", "paikat_alle_3v",
                "paikat_3v_tayttaneet", "kaytetyt_paikat", "paikat_kierroksella", "kayttoaste_pct")
CHILD_HEADERS = ("lapsen_id", "tila", "yksikon_id", "ikaryhma", "kieli", "alue", "matka_min", "peruste_koodi",
                 "peruste")
TRAVEL_HEADERS = ("ryhma", "lapsia", "tarjottu", "ka_min", "mediaani_min", "p90_min", "pisin_min")
STATE_FI = {"offer": "tarjous", "accepted": "hyväksytty", "unplaced": "ei tarjousta", "declined": "perui"}
AGE_FI = {"under_3": "alle 3 v", "3_plus": "3 v täyttäneet"}


def _excel(value: Any) -> Any:
    """A CSV cell for Finnish Excel: numbers with a decimal comma (no grouping), text neutralised."""
    if isinstance(value, float):
        return repr(round(value, 6)).replace(".", ",")
    return neutralise(value)


def _min(seconds: Any) -> Any:
    return None if seconds is None else round(float(seconds) / 60.0, 1)


def _unit_rows(report: dict, names: dict[str, str]) -> list[list[Any]]:
    return [[row["unit_id"], names.get(row["unit_id"], ""), row["children"], row.get("children_under_3"),
             row.get("children_3_plus"), row.get("places_under_3"), row.get("places_3_plus"), row["used_seats"],
             row["capacity_seats"], row["use_percent"]] for row in report["occupancy"]]


def _child_rows(report: dict) -> list[list[Any]]:
    rows = []
    for o in report["offers"]:
        state = "accepted" if o.get("basis") == "accepted" else "offer"
        rows.append([o["child_id"], STATE_FI[state], o["unit_id"], AGE_FI.get(o.get("age_group"), ""),
                     o.get("language", ""), o.get("area") or "", _min(o["travel_time_s"]), o.get("basis", ""),
                     o["reason"]])
    for u in report["unplaced"]:
        rows.append([u["child_id"], STATE_FI["unplaced"], "", AGE_FI.get(u.get("age_group"), ""),
                     u.get("language", ""), u.get("area") or "", None, u["rule"], u["reason"]])
    for child_id in report.get("review", {}).get("declined", []):
        rows.append([child_id, STATE_FI["declined"], "", "", "", "", None, "family_declined", ""])
    return rows


def _travel_rows(rows: list[dict], key: str) -> list[list[Any]]:
    return [[r[key], r["children"], r["placed"], _min(r["mean_travel_time_s"]), _min(r["median_travel_time_s"]),
             _min(r["p90_travel_time_s"]), _min(r["max_travel_time_s"])] for r in rows]


def round_report_csv(report: dict[str, Any], unit_names: dict[str, str] | None = None) -> str:
    """The whole round as one CSV for Excel: titled sections separated by an empty row."""
    import csv
    import io

    names = unit_names or {}
    out = io.StringIO()
    out.write("\ufeff")
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")

    def section(title: str, headers, rows) -> None:
        w.writerow([title])
        w.writerow(headers)
        for row in rows:
            w.writerow([_excel(v) for v in row])
        w.writerow([])

    kind = "esiopetus" if report.get("kind") == "preschool" else "varhaiskasvatus"
    stab = report.get("stability") or {}
    section("Kierros", ("tyyppi", "menetelma", "tila", "lapsia", "tarjouksia", "ilman_tarjousta", "sisarussaanto",
                        "estavat_parit", "estavat_sisarusryhmat", "saantokokoelma", "saanto_voimassa_alkaen",
                        "saannon_tila"),
            [[kind, report["method"], report["status"], report["children"], len(report["offers"]),
              len(report["unplaced"]), report.get("sibling_rule", ""), stab.get("blocking_pairs"),
              (stab.get("blocking_group_coalitions") or 0) + (stab.get("blocking_sibling_coalitions") or 0),
              (report.get("rule_set") or {}).get("municipality", ""),
              (report.get("rule_set") or {}).get("valid_from", ""), (report.get("rule_set") or {}).get("status", "")]])
    section("Yksiköt ja ikäryhmät", UNIT_HEADERS, _unit_rows(report, names))
    section("Lapset", CHILD_HEADERS, _child_rows(report))
    section("Matka-ajat alueittain", TRAVEL_HEADERS, _travel_rows(report["travel_time_by_area"], "area"))
    section("Matka-ajat kielittäin", TRAVEL_HEADERS, _travel_rows(report["travel_time_by_language"], "language"))
    rejected = (report.get("review") or {}).get("rejected", [])
    section("Hylätyt tarjoukset", ("lapsen_id", "yksikon_id", "syykoodi"),
            [[r["child_id"], r["unit_id"], r["reason"]] for r in rejected])
    section("Muutokset edelliseen", ("lapsen_id", "ennen", "nyt", "muutos", "syykoodi"),
            [[c["child_id"], c["before"], c["after"], c["change"], c["reason"]] for c in report.get("changes", [])])
    return out.getvalue()


def round_report_html(report: dict[str, Any], lang: str = "fi", unit_names: dict[str, str] | None = None) -> str:
    """A printable HTML page of the round in ``lang`` (every value escaped)."""
    names = unit_names or {}
    t: Callable[..., str] = lambda key, **p: translate(f"placement.report.{key}", lang, **p)  # noqa: E731
    e = html.escape

    def cell(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return format_number(value, lang)
        return str(value)

    def table(headers: list[str], rows: list[list[Any]]) -> str:
        head = "".join(f"<th scope=\"col\">{e(h)}</th>" for h in headers)
        body = "".join("<tr>" + "".join(f"<td>{e(cell(v))}</td>" for v in row) + "</tr>" for row in rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    kind = t(f"kind.{report.get('kind', 'daycare')}")
    stab = report.get("stability") or {}
    rule = report.get("rule_set")
    parts = [f"<h1>{e(t('title', kind=kind))}</h1>",
             f"<p>{e(t('summary', children=report['children'], offers=len(report['offers']), unplaced=len(report['unplaced']), method=report['method'], status=report['status']))}</p>"]
    if rule:
        parts.append(f"<p>{e(t('rule_set', municipality=rule['municipality'], area=rule['area_rule'], transport=rule['transport_rule'], valid_from=rule['valid_from'], status=rule['status']))}</p>"
                     f"<p class=\"src\">{e(rule['source'])}</p>")
    parts.append(f"<p>{e(t('stability', pairs=stab.get('blocking_pairs', 0), coalitions=(stab.get('blocking_group_coalitions') or 0) + (stab.get('blocking_sibling_coalitions') or 0), children=stab.get('children_in_blocks', 0)))}</p>")
    parts.append(f"<h2>{e(t('units'))}</h2>")
    parts.append(table([t(f"col.{c}") for c in ("unit_id", "unit", "children", "under_3", "three_plus", "places_under_3",
                                                  "places_3_plus", "used", "available", "use_percent")],
                       _unit_rows(report, names)))
    for key, rows, group in (("by_area", report["travel_time_by_area"], "area"),
                             ("by_language", report["travel_time_by_language"], "language")):
        parts.append(f"<h2>{e(t(key))}</h2>")
        parts.append(table([t(f"col.{c}") for c in ("group", "children", "placed", "mean", "median", "p90", "max")],
                           _travel_rows(rows, group)))
    parts.append(f"<h2>{e(t('unplaced', count=len(report['unplaced'])))}</h2>")
    parts.append(table([t("col.child_id"), t("col.rule"), t("col.reason")],
                       [[u["child_id"], u["rule"], u["reason"]] for u in report["unplaced"]]))
    review = report.get("review") or {}
    parts.append(f"<h2>{e(t('rejected', count=len(review.get('rejected', []))))}</h2>")
    parts.append(table([t("col.child_id"), t("col.unit_id"), t("col.reason_code")],
                       [[r["child_id"], r["unit_id"], r["reason"]] for r in review.get("rejected", [])]))
    if report.get("changes"):
        parts.append(f"<h2>{e(t('changes'))}</h2>")
        parts.append(table([t("col.child_id"), t("col.before"), t("col.after"), t("col.change")],
                           [[c["child_id"], c["before"], c["after"], t(f"change.{c['change']}")]
                            for c in report["changes"]]))
    parts.append(f"<h2>{e(t('offers', count=len(report['offers'])))}</h2>")
    parts.append(table([t("col.child_id"), t("col.unit_id"), t("col.unit"), t("col.travel_min"), t("col.reason")],
                       [[o["child_id"], o["unit_id"], names.get(o["unit_id"], ""), _min(o["travel_time_s"]),
                         o["reason"]] for o in report["offers"]]))
    style = ("body{font-family:system-ui,sans-serif;margin:1.5rem;color:#111}table{border-collapse:collapse;"
             "margin:.5rem 0 1.2rem;font-size:.9rem}th,td{border:1px solid #888;padding:.2rem .45rem;text-align:left}"
             "th{background:#eee}.src{font-size:.8rem;color:#333}@media print{body{margin:0}h2{break-after:avoid}"
             "tr{break-inside:avoid}}")
    return (f"<!DOCTYPE html><html lang=\"{e(lang)}\"><head><meta charset=\"utf-8\"><title>{e(t('title', kind=kind))}"
            f"</title><style>{style}</style></head><body>{''.join(parts)}"
            f"<p class=\"src\">{e(t('privacy'))}</p></body></html>")
