"""The family's fees and allowances month by month, as the children age.

Each month is evaluated on its first day (the first month on the start date itself): birthdays change
the family size and sibling order, home care allowance ends when a child turns 3, children starting
school leave ECEC, a child's ``start_date`` starts the fee, and the fee rules change on 1 August of the
indexation years. Each row lists what changed since the previous month.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from planner.errors import InputError, MissingRuleError, Problem
from planner.family import Family
from planner.i18n import translate
from planner.money.allowances import calculate_allowances
from planner.money.common import add_months, euros_to_cents, round_half_up, text
from planner.money.fees import calculate_fees, five_year_start
from planner.numbers import format_eur, format_number

MAX_MONTHS = 120


def month_dates(start: date, months: int) -> list[date]:
    """``start`` and the first day of each following month (``months`` dates in all)."""
    first = date(start.year, start.month, 1)
    return [start] + [add_months(first, k) for k in range(1, months)]


def check_months(months: Any, field: str = "months") -> None:
    """``InputError`` naming ``field`` unless ``months`` is a whole number from 1 to ``MAX_MONTHS``."""
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= MAX_MONTHS:
        params = {"max_months": str(MAX_MONTHS)}
        raise InputError(Problem(field, months, translate("problems.months", "en", **params), "problems.months",
                                 params))


def fee_timeline(family: Family, start: date | None = None, months: int = 24, lang: str = "en") -> dict[str, Any]:
    """Fees and allowances for ``months`` months from ``start`` (default: the family's date).

    Raises MissingRuleError when no fee row covers a month; allowance amounts missing for a month are
    reported as ``null`` with a note instead (Kela amounts after 2027 are not known yet).
    """
    check_months(months)
    start = start or family.date
    rows: list[dict[str, Any]] = []
    previous: dict[str, Any] | None = None
    for on in month_dates(start, months):
        fees = calculate_fees(family, on, lang)
        try:
            allowances = calculate_allowances(family, on, lang)
        except MissingRuleError:
            allowances = None
        if on.month == 7:
            fees = _apply_july_rule(family, on, fees, lang)
        row = _row(family, on, fees, allowances, previous, lang)
        rows.append(row)
        previous = {"fees": fees, "allowances": allowances, "row": row}
    total_fees = sum(r["total_monthly_fee_eur"] for r in rows)
    low_total = sum((r["fee_range_eur"] or [r["total_monthly_fee_eur"]] * 2)[0] for r in rows)
    return {"municipality": family.municipality, "start": start, "months": months, "rows": rows,
            "total_fees_eur": total_fees,
            "total_fees_range_eur": [low_total, total_fees] if low_total != total_fees else None,
            "thresholds_published": all(r["thresholds_published"] for r in rows),
            "provisional": any(r["provisional"] for r in rows)}


def _last_day_of(year: int, month: int) -> date:
    return add_months(date(year, month, 1), 1) - timedelta(days=1)


def _apply_july_rule(family: Family, on: date, fees: dict[str, Any], lang: str) -> dict[str, Any]:
    """July by the municipality's rule (municipal_settings.csv ``july_rule``), applied where it is known.

    The child's place is known from its ``start_date`` (else from the family's date, when it was already
    in care). ``free_if_started_by``: no fee when the place started by the end of month M of the previous
    year (eVaka: a place every month from August, Espoo September, to June); ``half_if_started_after``
    (Vantaa): no fee when started by then, else half the fee. Unknown rule: only a note.
    """
    from planner.rules import rule_book

    settings = rule_book().settings_on(family.municipality, on)
    fees = dict(fees)
    notes: list[str] = []
    if settings.july_rule == "unknown" or settings.july_start_month is None:
        fees["july_notes"] = [text("money.timeline.july", lang)]
        return fees
    deadline = _last_day_of(on.year - 1, settings.july_start_month)
    by_id = {c.id: c for c in family.children}
    children = []
    total = 0
    for item in fees["children"]:
        item = dict(item)
        child = by_id.get(item["id"])
        fee = item["monthly_fee_eur"]
        if child is not None and fee > 0:
            known_from = child.start_date or family.date
            started_in_time = known_from <= deadline
            if started_in_time:
                item["monthly_fee_eur"] = 0
                notes.append(text("money.timeline.july_free", lang, id=child.id, deadline=deadline.isoformat()))
            elif settings.july_rule == "half_if_started_after":
                item["monthly_fee_eur"] = int(round_half_up(Decimal(fee) / 2))
                notes.append(text("money.timeline.july_half", lang, id=child.id, deadline=deadline.isoformat()))
            else:
                notes.append(text("money.timeline.july_charged", lang, id=child.id, deadline=deadline.isoformat()))
            item["july_fee_before_eur"] = fee
        total += item["monthly_fee_eur"]
        children.append(item)
    fees["children"] = children
    fees["total_monthly_fee_eur"] = total
    if fees.get("total_monthly_fee_range_eur"):
        fees["total_monthly_fee_range_eur"] = [min(total, fees["total_monthly_fee_range_eur"][0]), total]
    fees["july_notes"] = notes or [text("money.timeline.july", lang)]
    return fees


def _row(family: Family, on: date, fees: dict[str, Any], allowances: dict[str, Any] | None,
         previous: dict[str, Any] | None, lang: str) -> dict[str, Any]:
    changes: list[str] = []
    notes: list[str] = []
    if allowances is None:
        notes.append(text("money.timeline.allowances_missing", lang))
    if on.month == 7:
        notes.extend(fees.get("july_notes") or [text("money.timeline.july", lang)])
    if previous is not None:
        changes = _changes(family, on, fees, allowances, previous, lang)
    home = allowances["home_care_allowance"]["total_eur"] if allowances else None
    return {
        "month": on.strftime("%Y-%m"), "date": on,
        "total_monthly_fee_eur": fees["total_monthly_fee_eur"],
        "family_size": fees["family_size"],
        "children": [{"id": c["id"], "monthly_fee_eur": c["monthly_fee_eur"], "sibling_rank": c["sibling_rank"],
                      "care": c["care"]} for c in fees["children"]],
        "home_care_allowance_eur": home,
        "allowances_eur": allowances["total_eur"] if allowances else None,
        "rule": {"valid_from": fees["rule"]["valid_from"], "status": fees["rule"]["status"]},
        "thresholds_published": fees.get("thresholds_published", True),
        "fee_range_eur": fees.get("total_monthly_fee_range_eur"),
        "provisional": bool(fees["provisional"] or (allowances and allowances["provisional"])),
        "changes": changes, "notes": notes,
    }


def _changes(family: Family, on: date, fees: dict[str, Any], allowances: dict[str, Any] | None,
             previous: dict[str, Any], lang: str) -> list[str]:
    before_fees = previous["fees"]
    before_day = previous["row"]["date"]
    changes = []
    if fees["rule"]["valid_from"] != before_fees["rule"]["valid_from"]:
        changes.append(text("money.timeline.rule_period", lang, valid_from=fees["rule"]["valid_from"].isoformat(),
                            status=fees["rule"]["status"]))
        if not fees.get("thresholds_published", True):
            changes.append(text("money.timeline.not_published", lang))
    free_before = {c["id"]: c.get("free_hours_per_day", 0) for c in before_fees["children"]}
    for child in family.children:
        if before_day < child.birthday(3) <= on:
            changes.append(text("money.timeline.turned_3", lang, id=child.id))
        if before_day < child.school_start() <= on and child.care != "none":
            changes.append(text("money.timeline.school", lang, id=child.id))
        if child.start_date is not None and before_day < child.start_date <= on:
            changes.append(text("money.timeline.started", lang, id=child.id))
        if before_day < five_year_start(child) <= on and child.care in ("municipal", "voucher"):
            now_free = next((c.get("free_hours_per_day", 0) for c in fees["children"] if c["id"] == child.id), 0)
            if now_free and not free_before.get(child.id):
                changes.append(text("money.timeline.five_free", lang, id=child.id,
                                    hours=format_number(now_free, lang)))
        if before_day < child.preschool_start() <= on and child.care != "none":
            changes.append(text("money.timeline.preschool", lang, id=child.id))
    old_ranks = {c["id"]: c["sibling_rank"] for c in before_fees["children"]}
    for child in fees["children"]:
        old = old_ranks.get(child["id"])
        if old is not None and child["sibling_rank"] is not None and old != child["sibling_rank"]:
            changes.append(text("money.timeline.rank", lang, id=child["id"], old=old, new=child["sibling_rank"]))
    if fees["family_size"] != before_fees["family_size"]:
        changes.append(text("money.timeline.size", lang, old=before_fees["family_size"], new=fees["family_size"]))
    if fees["total_monthly_fee_eur"] != before_fees["total_monthly_fee_eur"]:
        changes.append(text("money.timeline.fee_change", lang, old=_eur(before_fees["total_monthly_fee_eur"], lang),
                            new=_eur(fees["total_monthly_fee_eur"], lang)))
    before_allowances = previous["allowances"]
    if allowances and before_allowances:
        was = before_allowances["home_care_allowance"]["municipal_supplement_eur"]
        now = allowances["home_care_allowance"]["municipal_supplement_eur"]
        if was and not now:
            changes.append(text("money.timeline.municipal_ends", lang, amount=_eur(was, lang)))
    if allowances and before_allowances and allowances["total_eur"] != before_allowances["total_eur"]:
        changes.append(text("money.timeline.allowance_change", lang, old=_eur(before_allowances["total_eur"], lang),
                            new=_eur(allowances["total_eur"], lang)))
    return changes


def _eur(euros: int | float, lang: str) -> str:
    """A euro amount of the JSON output (``377.68``) as a money text (``377,68 €`` in fi/sv,
    ``377.68 €`` in English; cents always shown with two digits, whole euros without)."""
    return format_eur(euros_to_cents(Decimal(str(euros))), lang)
