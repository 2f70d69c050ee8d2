"""Reports of a placement result: offers with reasons (fi/sv/en), unplaced children with the rule that
stopped them, per-unit occupancy, justified-envy pairs and travel-time distributions; CSV downloads."""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from planner.errors import InputError, Problem
from planner.i18n import translate
from planner.placement.csvsafe import write_csv
from planner.placement.identity import is_uuid
from planner.placement.assign import Assignment
from planner.placement.deferred import justified_envy, preference_lists
from planner.placement.rules import HARD_RULES, PlacementProblem, age_months_on


def _minutes(seconds: float) -> int:
    return int(math.floor(seconds / 60 + 0.5))


def _language_name(code: str, lang: str) -> str:
    try:
        return translate(f"placement.language.{code}", lang)
    except KeyError:
        return code


def _mode_name(mode: str, lang: str) -> str:
    return translate(f"placement.mode.{mode}", lang)


def unplaced_reason(problem: PlacementProblem, i: int) -> str:
    """The hard rule that left child i without an offer: language, shift_care, age, distance or capacity.

    Units are filtered rule by rule in that order; the first rule after which no unit remains is the
    reason; when units remain after all rules, their seats were taken (capacity) – unless a round rule
    (transport, a rejected offer) closed a unit that passed the others: then that rule; under the hard
    sibling rule a group that did not fit together is ``siblings``."""
    if not len(problem.units):
        return "capacity"
    codes = np.where(problem.first_failed[i] < 0, len(HARD_RULES), problem.first_failed[i])
    best = int(codes.max())
    reason = HARD_RULES[best] if best < len(HARD_RULES) else "capacity"
    if reason == "capacity":  # the open units are full: name the round rule that closed the others
        for rule in ("transport", "rejected"):
            if (problem.first_failed[i] == HARD_RULES.index(rule)).any():
                return rule
    if reason == "capacity" and problem.rules.sibling_rule == "hard" and problem.group_of(i):
        return "siblings"  # places exist, but not for the whole group in one unit
    return reason


def unplaced_text(problem: PlacementProblem, i: int, reason: str, lang: str) -> str:
    """One sentence in ``lang`` saying why child i got no offer."""
    child = problem.children[i]
    age = age_months_on(child.birth_date, child.start_date)
    return translate(f"placement.unplaced.{reason}", lang, language=_language_name(child.language, lang),
                     minutes=_minutes(problem.rules.max_travel_time_s), years=age // 12, months=age % 12)


def offer_basis(problem: PlacementProblem, unit_of: np.ndarray, i: int) -> tuple[str, dict]:
    """Why child i got its unit: preference, catchment, sibling, current or travel (with parameters)."""
    j = int(unit_of[i])
    child = problem.children[i]
    unit_id = problem.units[j].unit_id
    params: dict[str, Any] = {"minutes": _minutes(float(problem.travel_time_s[i, j])), "unit": unit_id}
    if problem.fixed_index.size and problem.fixed_index[i] == j:
        return "accepted", params
    if unit_id in child.preferences:
        return "preference", dict(params, rank=child.preferences.index(unit_id) + 1)
    if problem.catchment_index[i] == j:
        return "catchment", params
    group = child.sibling_group
    if problem.rules.siblings_on and group and (j in problem.sibling_units[i] or any(
            int(unit_of[k]) == j for g in problem.groups if i in g for k in g if k != i)):
        return "sibling", params
    if problem.current_index[i] == j:
        return "current", params
    return "travel", params


def offer_text(basis: str, params: dict, lang: str, mode: str) -> str:
    """The short explanation of an offer in ``lang``."""
    return translate(f"placement.offer.{basis}", lang, mode=_mode_name(mode, lang), **params)


def _stats(values: list[float]) -> dict[str, Any]:
    if not values:
        return {"mean_travel_time_s": None, "median_travel_time_s": None, "p90_travel_time_s": None,
                "max_travel_time_s": None}
    arr = np.asarray(values, dtype=float)
    return {"mean_travel_time_s": round(float(arr.mean()), 1),
            "median_travel_time_s": round(float(np.median(arr)), 1),
            "p90_travel_time_s": round(float(np.percentile(arr, 90)), 1),
            "max_travel_time_s": round(float(arr.max()), 1)}


def _distribution(groups: dict[str, list[int]], unit_of: np.ndarray, problem: PlacementProblem,
                  name: str) -> list[dict[str, Any]]:
    rows = []
    for key in sorted(groups):
        members = groups[key]
        times = [float(problem.travel_time_s[i, unit_of[i]]) for i in members if unit_of[i] >= 0]
        rows.append({name: key, "children": len(members), "placed": len(times), **_stats(times)})
    return rows


def build_report(problem: PlacementProblem, assignment: Assignment, *, lang: str = "en",
                 mode: str = "walk", kind: str = "daycare") -> dict[str, Any]:
    """Everything the command and the page show for one result (JSON-ready; ids only, no personal data)."""
    unit_of = np.asarray(assignment.unit_of, dtype=int)
    offers, unplaced = [], []
    for i, child in enumerate(problem.children):
        if unit_of[i] >= 0:
            basis, params = offer_basis(problem, unit_of, i)
            offers.append({"child_id": child.child_id, "unit_id": problem.units[unit_of[i]].unit_id,
                           "age_group": "under_3" if problem.under3[i] else "3_plus", "language": child.language,
                           "area": problem.catchment_units[i],
                           "travel_time_s": round(float(problem.travel_time_s[i, unit_of[i]]), 1),
                           "seat_weight": round(float(problem.weights[i]), 4), "basis": basis,
                           "reason": offer_text(basis, params, lang, mode)})
        else:
            rule = unplaced_reason(problem, i)
            unplaced.append({"child_id": child.child_id, "rule": rule, "language": child.language,
                             "age_group": "under_3" if problem.under3[i] else "3_plus",
                             "area": problem.catchment_units[i],
                             "reason": unplaced_text(problem, i, rule, lang)})
    occupancy = []
    for j, unit in enumerate(problem.units):
        here = unit_of == j
        used, available = float(problem.weights[here].sum()), float(problem.seats[j])
        young = int((here & problem.under3).sum())
        occupancy.append({"unit_id": unit.unit_id, "children": int(here.sum()),
                          "children_under_3": young, "children_3_plus": int(here.sum()) - young,
                          "places_under_3": unit.places_under_3, "places_3_plus": unit.places_3_plus,
                          "used_seats": round(used, 2), "capacity_seats": round(available, 2),
                          "total_seats": unit.capacity_seats,
                          "capacity_assumed": bool(getattr(unit, "capacity_assumed", False)),
                          "use_percent": round(100.0 * used / available, 1) if available > 0 else None})
    envy = [{"child_id": problem.children[i].child_id, "unit_id": problem.units[j].unit_id,
             "displaced": [problem.children[k].child_id for k in displaced]}
            for i, j, displaced in justified_envy(problem, unit_of, preference_lists(problem))]
    by_area: dict[str, list[int]] = {}
    by_language: dict[str, list[int]] = {}
    for i, child in enumerate(problem.children):
        by_area.setdefault(problem.catchment_units[i] or "-", []).append(i)
        by_language.setdefault(child.language, []).append(i)
    return {
        "method": assignment.method, "status": assignment.status, "mode": mode, "kind": kind,
        "children": len(problem.children), "offers": offers, "unplaced": unplaced, "occupancy": occupancy,
        "objective": dict(assignment.objective, weights=list(assignment.weights), regime=assignment.regime)
        if assignment.weights else dict(assignment.objective),
        "justified_envy": envy,
        "travel_time_by_area": _distribution(by_area, unit_of, problem, "area"),
        "travel_time_by_language": _distribution(by_language, unit_of, problem, "language"),
    }


def offers_to_csv(report: dict[str, Any]) -> str:
    """Offers and unplaced children as CSV text (child_id,unit_id,travel_time_s,reason) for download;
    written by the csv module with formula cells neutralised (see ``planner.placement.csvsafe``)."""
    rows = [[o["child_id"], o["unit_id"], o["travel_time_s"], o["reason"]] for o in report["offers"]]
    rows += [[row["child_id"], "", "", row["reason"]] for row in report["unplaced"]]
    return write_csv(["child_id", "unit_id", "travel_time_s", "reason"], rows)


EVAKA_HEADER: tuple[str, str] = ("lapsen_id", "esiopetusyksikon_id")


def evaka_export(report: dict[str, Any], children: Sequence[Any] = ()) -> tuple[str, list[Problem]]:
    """eVaka's placement-tool import file for a **preschool** round and the offers left out of it.

    eVaka reads ``lapsen_id;esiopetusyksikon_id`` (``;``, header row, optional BOM, quotes allowed) and
    takes a child as a personal identity code or an eVaka child UUID and the unit as an eVaka unit UUID
    (espoon-voltti/evaka, PlacementToolService). So the child's full identity code (held in memory by
    ``children``) is written here and nowhere else; an offer whose child or unit id eVaka cannot read is
    left out and named in the problems. A daycare round has no eVaka file: ``InputError`` naming ``kind``.
    """
    if report.get("kind", "daycare") != "preschool":
        raise InputError.single("kind", report.get("kind", "daycare"),
                                "a preschool round: eVaka's import is for preschool places; a daycare "
                                "round downloads its own offers file")
    codes = {c.child_id: c.identity_code for c in children if getattr(c, "identity_code", None)}
    rows, problems = [], []
    for offer in report["offers"]:
        child = codes.get(offer["child_id"]) or offer["child_id"]
        unit = offer["unit_id"]
        if not (offer["child_id"] in codes or is_uuid(child)):
            problems.append(Problem("evaka lapsen_id", offer["child_id"],
                                    "a personal identity code or an eVaka child UUID (this offer is left out)"))
        elif not is_uuid(unit):
            problems.append(Problem("evaka esiopetusyksikon_id", unit,
                                    "an eVaka unit UUID: import the units from eVaka's unit list (left out)"))
        else:
            rows.append([child, unit])
    return write_csv(EVAKA_HEADER, rows, delimiter=";"), problems


def evaka_csv(report: dict[str, Any], children: Sequence[Any] = ()) -> str:
    """The text of :func:`evaka_export` (offers eVaka cannot read are left out)."""
    return evaka_export(report, children)[0]


def daycare_offers_csv(report: dict[str, Any]) -> str:
    """A daycare round's own offers file (``;``, Finnish headers, UTF-8 with BOM for Excel):
    ``lapsen_id;varhaiskasvatusyksikon_id;matka_min;peruste``. Never labelled as preschool."""
    rows = [[o["child_id"], o["unit_id"], _minutes(o["travel_time_s"]), o["reason"]] for o in report["offers"]]
    # whole minutes: no decimal separator that Finnish Excel could misread
    return write_csv(("lapsen_id", "varhaiskasvatusyksikon_id", "matka_min", "peruste"), rows, delimiter=";",
                     bom=True)
