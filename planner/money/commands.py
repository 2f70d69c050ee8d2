"""CLI handlers: ``fees``, ``allowances``, ``compare``, ``timeline`` (FAMILY.json → JSON dict)."""
from __future__ import annotations

import argparse
from typing import Any

from planner.family import load_family
from planner.money.allowances import calculate_allowances
from planner.money.compare import compare_scenarios
from planner.money.fees import calculate_fees
from planner.money.timeline import check_months, fee_timeline


def _lang(args: argparse.Namespace) -> str:
    return getattr(args, "lang", None) or "en"


def fees_command(args: argparse.Namespace) -> dict[str, Any]:
    family = load_family(args.family)
    return calculate_fees(family, lang=_lang(args))


def allowances_command(args: argparse.Namespace) -> dict[str, Any]:
    family = load_family(args.family)
    return calculate_allowances(family, lang=_lang(args))


def compare_command(args: argparse.Namespace) -> dict[str, Any]:
    family = load_family(args.family)
    result = compare_scenarios(family, lang=_lang(args))
    if family.extra.get("changes"):  # life changes side by side (planner/life, docs/life.md)
        from planner.life.commands import changes_section

        result["changes"] = changes_section(family, lang=_lang(args))
    return result


def timeline_command(args: argparse.Namespace) -> dict[str, Any]:
    months = getattr(args, "months", 24)
    check_months(months, "--months")
    family = load_family(args.family)
    result = fee_timeline(family, months=months, lang=_lang(args))
    from planner.life.timing import dates_to_act  # the dates to act belong next to the months (docs/life.md)

    result["dates_to_act"] = dates_to_act(family, lang=_lang(args))
    return result


def tax_command(args: argparse.Namespace) -> dict[str, Any]:
    from planner.money.compare import family_net_after_tax
    from planner.money.allowances import calculate_allowances as allowances_of

    family = load_family(args.family)
    allowances = allowances_of(family, lang=_lang(args))
    return family_net_after_tax(family, family.date, allowances, lang=_lang(args))
