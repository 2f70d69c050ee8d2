"""Life changes in the family file: parse the ``changes`` list and build the family after each change.

A change is a dict with a ``type``:

- ``move``: ``date``, ``homes`` (1–3 of ``{"municipality", "home", "label"}``; ``home`` a location);
- ``new_sibling``: ``due_date``, optional ``id``, ``care_after_leave`` (default ``home``), ``start_date``
  (ECEC start when ``care_after_leave`` is municipal or voucher), ``language``, ``parental_leave_until`` and
  ``leave_adult`` (default: the money engine's stated parental-allowance default, see docs/money.md);
- ``separation``: ``date``, ``households`` (exactly 2 of ``{"label", "adults", "children",
  "municipality", "home", "new_partner", "other_children"}``; each child listed in the household of its
  registered home);
- ``work_change``: ``date``, ``adult`` and at least one of ``gross_monthly_income_eur``, ``schedule``,
  ``work``, ``commute_mode``, ``weekly_work_hours``;
- ``unit_change``: ``child``, ``current_unit`` (the unit the child attends now).

:func:`parse_changes` checks every field and raises one :class:`InputError` with dotted paths
(``changes[1].due_date``). :func:`variants_of` turns one change into the family dicts to compare with
today, each with the date the change takes effect. Nothing is stored or logged.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from planner.errors import InputError, ProblemCollector
from planner.family import CARE_TYPES, Child, Family, parse_family
from planner.family import _date  # the family file's own date check (same texts)
from planner.money.allowances import default_parental_end
from planner.municipalities import canonical_name

CHANGE_TYPES = ("move", "new_sibling", "separation", "work_change", "unit_change")
MAX_HOMES = 3
WORK_FIELDS = ("gross_monthly_income_eur", "schedule", "work", "commute_mode", "weekly_work_hours")


@dataclass(frozen=True)
class Variant:
    """The family after a change: one family dict per household (two after a separation)."""

    change_index: int
    change_type: str
    label: str
    effective: date
    households: tuple[dict[str, Any], ...]
    household_labels: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)


def _change_date(change: dict, path: str, family: Family, problems: ProblemCollector,
                 key: str = "date", required: bool = False) -> date | None:
    value = change.get(key)
    if value is None:
        if required:
            problems.add_keyed(f"{path}.{key}", value, "life.problem.date_missing")
        return None if required else family.date
    on = _date(value, f"{path}.{key}", problems)
    if on is not None and on < family.date:
        problems.add_keyed(f"{path}.{key}", value, "life.problem.before_family_date", date=family.date.isoformat())
        return None
    return on


def _ids(value: Any, path: str, known: set[str], problems: ProblemCollector, *, allow_empty: bool) -> list[str]:
    if not isinstance(value, list) or (not value and not allow_empty):
        problems.add_keyed(path, value, "life.problem.id_list", ids=", ".join(sorted(known)))
        return []
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or item not in known:
            problems.add_keyed(f"{path}[{i}]", item, "life.problem.unknown_id", ids=", ".join(sorted(known)))
        else:
            out.append(item)
    return out


def _check_location(value: Any, path: str, problems: ProblemCollector, *, required: bool) -> None:
    if value is None:
        if required:
            problems.add_keyed(path, value, "life.problem.home_missing")
        return
    if not isinstance(value, dict) or not (isinstance(value.get("address"), str) and value["address"].strip()
                                           or _is_point(value)):
        problems.add_keyed(path, value, "life.problem.location", point='{"lat": 60.17, "lon": 24.94}',
                           address='{"address": "Mannerheimintie 1, Helsinki"}')


def _is_point(value: dict) -> bool:
    lat, lon = value.get("lat"), value.get("lon")
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lat, lon)) \
        and -90 <= lat <= 90 and -180 <= lon <= 180


def _municipality(value: Any, path: str, problems: ProblemCollector) -> str | None:
    name = canonical_name(value) if isinstance(value, str) else None
    if name is None:
        problems.add_keyed(path, value, "problems.municipality.unknown")
    return name


def parse_changes(family: Family, raw: Any, *, today: date | None = None) -> list[dict[str, Any]]:
    """Validate the ``changes`` list against ``family``; one InputError with every problem."""
    today = today or date.today()
    if raw is None:
        return []
    problems = ProblemCollector()
    if not isinstance(raw, list):
        raise InputError(_keyed("changes", raw, "life.problem.list"))
    adult_ids = {a.id for a in family.adults}
    child_ids = {c.id for c in family.children}
    out: list[dict[str, Any]] = []
    for i, change in enumerate(raw):
        path = f"changes[{i}]"
        if not isinstance(change, dict):
            problems.add_keyed(path, change, "life.problem.change_type", types=", ".join(CHANGE_TYPES))
            continue
        kind = change.get("type")
        if kind not in CHANGE_TYPES:
            problems.add_keyed(f"{path}.type", kind, "problems.one_of", options="|".join(CHANGE_TYPES))
            continue
        before = len(problems.problems)
        clean: dict[str, Any] = {"type": kind, "index": i}
        if kind == "move":
            clean["date"] = _change_date(change, path, family, problems)
            homes = change.get("homes")
            if not isinstance(homes, list) or not 1 <= len(homes) <= MAX_HOMES:
                problems.add_keyed(f"{path}.homes", homes, "life.problem.homes_count", max=MAX_HOMES)
                homes = []
            clean["homes"] = []
            for k, home in enumerate(homes):
                hpath = f"{path}.homes[{k}]"
                if not isinstance(home, dict):
                    problems.add_keyed(hpath, home, "life.problem.home_entry")
                    continue
                municipality = _municipality(home.get("municipality"), f"{hpath}.municipality", problems)
                _check_location(home.get("home"), f"{hpath}.home", problems, required=True)
                label = home.get("label")
                clean["homes"].append({"municipality": municipality, "home": home.get("home"),
                                       "label": label if isinstance(label, str) and label.strip()
                                       else f"{municipality} {k + 1}"})
        elif kind == "new_sibling":
            due = _change_date(change, path, family, problems, key="due_date", required=True)
            if due is not None and due < today:
                problems.add_keyed(f"{path}.due_date", change.get("due_date"), "life.problem.due_past",
                                   today=today.isoformat())
                due = None
            clean["due_date"] = due
            baby_id = change.get("id", "baby")
            if not isinstance(baby_id, str) or not baby_id.strip() or baby_id in child_ids | adult_ids:
                problems.add_keyed(f"{path}.id", baby_id, "life.problem.new_id")
            clean["id"] = baby_id
            care = change.get("care_after_leave", "home")
            if care not in CARE_TYPES or care in ("preschool", "none"):
                problems.add_keyed(f"{path}.care_after_leave", care, "problems.one_of",
                                   options="home|municipal|voucher|private")
            clean["care_after_leave"] = care
            clean["start_date"] = None
            if change.get("start_date") is not None:
                clean["start_date"] = _date(change.get("start_date"), f"{path}.start_date", problems)
                if clean["start_date"] is not None and due is not None and clean["start_date"] < due:
                    problems.add_keyed(f"{path}.start_date", change.get("start_date"), "problems.child.start_before_birth")
            clean["language"] = change.get("language")
            leave_adult = change.get("leave_adult", family.adults[0].id if family.adults else None)
            if leave_adult not in adult_ids:
                problems.add_keyed(f"{path}.leave_adult", leave_adult, "life.problem.unknown_id",
                                   ids=", ".join(sorted(adult_ids)))
            clean["leave_adult"] = leave_adult
            clean["leave_until"] = None
            if change.get("parental_leave_until") is not None:
                until = _date(change.get("parental_leave_until"), f"{path}.parental_leave_until", problems)
                if until is not None and due is not None and not due <= until <= _months_later(due, 24):
                    problems.add_keyed(f"{path}.parental_leave_until", change.get("parental_leave_until"),
                                       "life.problem.leave_range", due=due.isoformat())
                    until = None
                clean["leave_until"] = until
        elif kind == "separation":
            clean["date"] = _change_date(change, path, family, problems)
            households = change.get("households")
            if not isinstance(households, list) or len(households) != 2:
                problems.add_keyed(f"{path}.households", households, "life.problem.households_count")
                households = []
            clean["households"] = []
            seen_adults: list[str] = []
            seen_children: list[str] = []
            for k, household in enumerate(households):
                hpath = f"{path}.households[{k}]"
                if not isinstance(household, dict):
                    problems.add_keyed(hpath, household, "life.problem.household_entry")
                    continue
                adults = _ids(household.get("adults"), f"{hpath}.adults", adult_ids, problems, allow_empty=False)
                kids = _ids(household.get("children", []), f"{hpath}.children", child_ids, problems, allow_empty=True)
                seen_adults += adults
                seen_children += kids
                municipality = household.get("municipality")
                if municipality is not None:
                    municipality = _municipality(municipality, f"{hpath}.municipality", problems)
                _check_location(household.get("home"), f"{hpath}.home", problems, required=False)
                partner = household.get("new_partner")
                if partner is not None and (not isinstance(partner, dict) or len(adults) != 1):
                    problems.add_keyed(f"{hpath}.new_partner", partner, "life.problem.partner")
                    partner = None
                others = household.get("other_children", [])
                if not isinstance(others, list):
                    problems.add_keyed(f"{hpath}.other_children", others, "life.problem.other_children")
                    others = []
                label = household.get("label")
                clean["households"].append({
                    "label": label if isinstance(label, str) and label.strip() else f"{k + 1}",
                    "adults": adults, "children": kids, "municipality": municipality,
                    "home": household.get("home"), "new_partner": partner, "other_children": others})
            if households:
                for adult in sorted(adult_ids):
                    if seen_adults.count(adult) != 1:
                        problems.add_keyed(f"{path}.households", adult, "life.problem.adult_once")
                for child in sorted(child_ids):
                    if seen_children.count(child) != 1:
                        problems.add_keyed(f"{path}.households", child, "life.problem.child_once")
        elif kind == "work_change":
            clean["date"] = _change_date(change, path, family, problems, required=True)
            adult = change.get("adult")
            if adult not in adult_ids:
                problems.add_keyed(f"{path}.adult", adult, "life.problem.unknown_id", ids=", ".join(sorted(adult_ids)))
            clean["adult"] = adult
            new = {key: change[key] for key in WORK_FIELDS if key in change}
            if not new:
                problems.add_keyed(path, None, "life.problem.work_nothing", fields=", ".join(WORK_FIELDS))
            clean["new"] = new
        elif kind == "unit_change":
            child = change.get("child")
            if child not in child_ids:
                problems.add_keyed(f"{path}.child", child, "life.problem.unknown_id", ids=", ".join(sorted(child_ids)))
            current = change.get("current_unit")
            if not isinstance(current, str) or not current.strip():
                problems.add_keyed(f"{path}.current_unit", current, "life.problem.current_unit")
            clean["child"], clean["current_unit"] = child, current
        if len(problems.problems) == before:
            out.append(clean)
    problems.raise_if_any()
    return out


def _keyed(field_name: str, value: Any, key: str, **params: Any):
    from planner.errors import Problem

    return Problem.keyed(field_name, value, key, **params)


def _months_later(day: date, months: int) -> date:
    from planner.money.common import add_months

    return add_months(day, months)


def _base(family: Family) -> dict[str, Any]:
    data = family.to_dict()
    data.pop("changes", None)
    return data


def _parse(data: dict[str, Any], today: date) -> Family:
    return parse_family(data, today=today)


def variants_of(family: Family, change: dict[str, Any], *, today: date | None = None) -> list[Variant]:
    """The family dict(s) after ``change`` (validated by :func:`parse_changes`)."""
    today = today or date.today()
    kind, index = change["type"], change["index"]
    if kind == "move":
        out = []
        for home in change["homes"]:
            data = _base(family)
            data["municipality"] = home["municipality"]
            data["home"] = copy.deepcopy(home["home"])
            data["date"] = change["date"].isoformat()
            out.append(Variant(index, kind, home["label"], change["date"], (data,)))
        return out
    if kind == "new_sibling":
        due = change["due_date"]
        data = _base(family)
        leave_until = change["leave_until"] or default_parental_end(Child(change["id"], due))
        baby: dict[str, Any] = {"id": change["id"], "birth_date": due.isoformat(), "care": change["care_after_leave"]}
        if change["care_after_leave"] in ("municipal", "voucher", "private"):
            baby["start_date"] = (change["start_date"] or leave_until + timedelta(days=1)).isoformat()
        if change["leave_until"] is not None:  # the family's own period; otherwise the money engine's default
            data["parental_leave"] = list(data.get("parental_leave") or []) + [
                {"adult": change["leave_adult"], "child": change["id"], "from": due.isoformat(),
                 "to": leave_until.isoformat()}]
        if isinstance(change.get("language"), str):
            baby["language"] = change["language"]
        data["children"] = data["children"] + [baby]
        label = change["id"]
        return [Variant(index, kind, label, due, (data,),
                        details={"due_date": due, "parental_leave_until": leave_until,
                                 "leave_default": change["leave_until"] is None, "baby_id": change["id"]})]
    if kind == "separation":
        base = _base(family)
        households = []
        labels = []
        for household in change["households"]:
            data = copy.deepcopy(base)
            data["adults"] = [a for a in base["adults"] if a["id"] in household["adults"]]
            if household["new_partner"] is not None:
                partner = {"id": "partner", **copy.deepcopy(household["new_partner"])}
                data["adults"].append(partner)
            data["children"] = [c for c in base["children"] if c["id"] in household["children"]]
            data["children"] += copy.deepcopy(household["other_children"])
            if household["municipality"]:
                data["municipality"] = household["municipality"]
            if household["home"] is not None:
                data["home"] = copy.deepcopy(household["home"])
            data["date"] = change["date"].isoformat()
            if len(data["adults"]) == 1:  # a single parent drops off and picks up
                data["adults"][0]["drops_off"] = data["adults"][0]["picks_up"] = True
            if data.get("carer") not in {a["id"] for a in data["adults"]}:
                data.pop("carer", None)
            households.append(data)
            labels.append(household["label"])
        return [Variant(index, kind, " / ".join(labels), change["date"], tuple(households), tuple(labels))]
    if kind == "work_change":
        data = _base(family)
        for adult in data["adults"]:
            if adult["id"] == change["adult"]:
                adult.update(copy.deepcopy(change["new"]))
        data["date"] = change["date"].isoformat()
        return [Variant(index, kind, change["adult"], change["date"], (data,))]
    if kind == "unit_change":
        return [Variant(index, kind, change["child"], family.date, (_base(family),),
                        details={"child": change["child"], "current_unit": change["current_unit"]})]
    raise AssertionError(kind)


def parse_variant(variant: Variant, *, today: date | None = None) -> tuple[Family | None, ...]:
    """Parse every household of ``variant``; problems are named under ``changes[i]``.

    A household where no child lives (after a separation) is ``None``: it gets no fee decision.
    """
    today = max(today or date.today(), variant.effective, variant.details.get("due_date", variant.effective))
    families = []
    problems = ProblemCollector()
    for k, data in enumerate(variant.households):
        if not data["children"]:  # no child lives here: no fee decision, no allowances
            families.append(None)
            continue
        try:
            families.append(_parse(data, today))
        except InputError as error:
            prefix = f"changes[{variant.change_index}]" + (f".households[{k}]" if len(variant.households) > 1 else "")
            for problem in error.problems:
                problems.problems.append(type(problem)(f"{prefix}.{problem.field}", problem.value, problem.expected,
                                                       problem.key, problem.params))
    problems.raise_if_any()
    return tuple(families)
