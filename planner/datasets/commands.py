"""``python -m planner data list`` and ``python -m planner data build``."""
from __future__ import annotations

import argparse
from typing import Any

from planner.errors import InputError, Problem
from planner.i18n import translate


def _with_notes(summary: dict[str, Any], lang: str) -> dict[str, Any]:
    """The summary with its note keys as texts in ``lang`` (``notes``)."""
    result = dict(summary)
    result["notes"] = [translate(key, lang) for key in summary.get("notes", [])]
    return result


def list_command(args: argparse.Namespace) -> dict[str, Any]:
    """``data list``: every built dataset's summary (name, area_km2, units, modes, provenance)."""
    from planner.datasets.store import DEFAULT_DATASET, data_dir, list_datasets, unreadable_datasets

    lang = getattr(args, "lang", "en") or "en"
    datasets = [_with_notes(summary, lang) for summary in list_datasets()]
    result: dict[str, Any] = {"data_dir": str(data_dir()), "default": DEFAULT_DATASET, "datasets": datasets}
    if not any(d["name"] == DEFAULT_DATASET for d in datasets):
        result["hint"] = translate("data.hint.build_default", lang)
    broken = unreadable_datasets()
    if broken:  # listed, not hidden: the user sees why a dataset is missing from the list
        result["unreadable"] = broken
    return result


def build_command(args: argparse.Namespace) -> dict[str, Any]:
    """``data build``: build from local files (or ``--default``) and print the summary."""
    from planner.datasets.build import build_dataset, build_default_dataset
    from planner.datasets.store import DEFAULT_DATASET

    lang = getattr(args, "lang", "en") or "en"
    files = {"--osm": args.osm, "--units": args.units, "--gtfs": args.gtfs,
             "--catchments": args.catchments, "--population": args.population}
    if args.default:
        extra = [Problem(flag, value, "nothing: --default builds from the embedded files (use --name for "
                                      "your own files)") for flag, value in files.items() if value is not None]
        if args.name is not None:
            extra.append(Problem("--name", args.name, "nothing with --default (its name is fixed)"))
        if extra:
            raise InputError(extra)
        summary = build_default_dataset(force=args.force)
    else:
        problems = []
        if not args.name:
            problems.append(Problem("--name", args.name, "a dataset name (letters, digits, '-'), or --default"))
        elif args.name == DEFAULT_DATASET:
            problems.append(Problem("--name", args.name, "another name: this one is reserved for the embedded "
                                                         "default (build it with --default)"))
        if not args.osm:
            problems.append(Problem("--osm", args.osm, "an OpenStreetMap extract (.osm.pbf), or --default"))
        if problems:
            raise InputError(problems)
        summary = build_dataset(args.name, args.osm, units=args.units, gtfs=args.gtfs,
                                catchments=args.catchments, population=args.population, force=args.force)
    return _with_notes(summary, lang)
