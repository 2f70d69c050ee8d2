"""CLI handler of ``changes``: today and each life change of the family file side by side (JSON)."""
from __future__ import annotations

import argparse
from typing import Any

from planner.errors import InputError, Problem


def changes_command(args: argparse.Namespace) -> dict[str, Any]:
    """``python -m planner changes FAMILY.json [--dataset N] [--no-units] [--lang fi|sv|en]``."""
    from planner.family import load_family
    from planner.life.evaluate import evaluate_changes

    family = load_family(args.family)
    raw = family.extra.get("changes")
    if not raw:
        raise InputError(Problem.keyed("changes", raw, "life.problem.none"))
    dataset = None
    if not getattr(args, "no_units", False):
        from planner.datasets import load_dataset

        dataset = load_dataset(getattr(args, "dataset", None))
    return evaluate_changes(family, raw, dataset=dataset, lang=getattr(args, "lang", "en") or "en")


def changes_section(family: Any, *, dataset: Any = None, lang: str = "en") -> dict[str, Any] | None:
    """The ``changes`` part that ``compare`` and ``rank`` add when the family file lists changes."""
    raw = family.extra.get("changes")
    if not raw:
        return None
    from planner.life.evaluate import evaluate_changes

    return evaluate_changes(family, raw, dataset=dataset, lang=lang)
