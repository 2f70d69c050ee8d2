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
    if summary.get("covers"):
        result["covers"] = translate(summary["covers"], lang)
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
    from planner.datasets.build import build_dataset, build_embedded_dataset
    from planner.datasets.store import DEFAULT_DATASET, DEMO_DATASET, TAMPERE_DATASET

    lang = getattr(args, "lang", "en") or "en"
    files = {"--osm": args.osm, "--units": args.units, "--gtfs": args.gtfs,
             "--catchments": args.catchments, "--population": args.population}
    embedded = [(flag, name) for flag, name in (("--default", DEFAULT_DATASET),
                                                ("--tampere", TAMPERE_DATASET), ("--demo", DEMO_DATASET))
                if getattr(args, flag.lstrip("-"), False)]
    if len(embedded) > 1:
        raise InputError([Problem(flag, "given", "only one of --default, --tampere, --demo")
                          for flag, _ in embedded[1:]])
    if embedded:
        flag, embedded_name = embedded[0]
        extra = [Problem(value_flag, value, f"nothing: {flag} builds from the files shipped in data/ (use "
                                            "--name for your own files)")
                 for value_flag, value in files.items() if value is not None]
        if args.name is not None:
            extra.append(Problem("--name", args.name, f"nothing with {flag} (its name is fixed)"))
        if getattr(args, "transit_walk_min", None) is not None:
            extra.append(Problem("--transit-walk-min", args.transit_walk_min,
                                 f"nothing with {flag} (its settings are fixed; use --name for your own build)"))
        if extra:
            raise InputError(extra)
        summary = build_embedded_dataset(embedded_name, force=args.force)
    else:
        problems = []
        if not args.name:
            problems.append(Problem("--name", args.name, "a dataset name (letters, digits, '-'), or --default"))
        elif args.name in (DEFAULT_DATASET, DEMO_DATASET):
            flag = "--default" if args.name == DEFAULT_DATASET else "--demo"
            problems.append(Problem("--name", args.name, "another name: this one is reserved for a dataset "
                                                         f"shipped in data/ (build it with {flag})"))
        if not args.osm:
            problems.append(Problem("--osm", args.osm, "an OpenStreetMap extract (.osm.pbf), or --default / "
                                                       "--tampere"))
        if problems:
            raise InputError(problems)
        summary = build_dataset(args.name, args.osm, units=args.units, gtfs=args.gtfs,
                                catchments=args.catchments, population=args.population, force=args.force,
                                transit_walk_min=getattr(args, "transit_walk_min", None))
    return _with_notes(summary, lang)
