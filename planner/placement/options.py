"""The flags of ``python -m planner offers``, apart from the solvers so that building the command-line
parser does not import them (scipy.optimize and the MILP take ~0.5 s to import)."""
from __future__ import annotations

import argparse

METHODS: tuple[str, ...] = ("optimal", "deferred-acceptance", "stable")
KINDS: tuple[str, ...] = ("daycare", "preschool")


def add_offers_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of ``python -m planner offers``."""
    from planner.placement.rules import SIBLING_RULES

    parser.add_argument("--dataset", default=None)
    parser.add_argument("--children", default=None, metavar="F.csv",
                        help="the project's children CSV (child ids may be personal identity codes)")
    parser.add_argument("--units", default=None, metavar="F")
    parser.add_argument("--kind", choices=list(KINDS), default=None,
                        help="daycare (default) or preschool (default with --evaka-children): only a preschool "
                             "round writes the eVaka file")
    parser.add_argument("--method", choices=list(METHODS), default=None,
                        help="default: deferred acceptance when preferences are given, else optimal")
    parser.add_argument("--mode", choices=["walk", "bike", "car", "transit"], default="walk")
    parser.add_argument("--date", default=None, metavar="YYYY-MM-DD",
                        help="transit service day (default: the feed's representative weekday)")
    parser.add_argument("--depart", default=None, metavar="HH:MM", help="transit: leaving home (default 07:30)")
    parser.add_argument("--max-minutes", type=float, default=60.0, dest="max_minutes",
                        help="longest acceptable trip from home to the unit (default 60)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random tie-break (default 0)")
    parser.add_argument("--matrix", default=None, metavar="DIR",
                        help="travel times from a folder written by `python -m planner matrix` (others are routed)")
    parser.add_argument("--matrix-max-offset-m", type=float, default=0.0, dest="matrix_max_offset_m", metavar="M",
                        help="a home may take the nearest matrix origin within M metres (default 0: exact)")
    parser.add_argument("--evaka-csv", default=None, metavar="F",
                        help="preschool rounds: also write eVaka's lapsen_id;esiopetusyksikon_id import file")
    parser.add_argument("--daycare-csv", default=None, metavar="F",
                        help="also write the round's offers file (lapsen_id;varhaiskasvatusyksikon_id;...)")
    parser.add_argument("--evaka-children", default=None, metavar="F.csv",
                        help="eVaka's future-preschoolers report (Esiopetusoppilaat_rakenne.csv) instead of --children")
    parser.add_argument("--evaka-units", default=None, metavar="F.csv",
                        help="eVaka's preschool unit list (Esiopetusyksikot.csv) instead of the dataset's units")
    parser.add_argument("--municipality", default=None,
                        help="preschool rounds: whose dated rule set applies (default: the general rule)")
    parser.add_argument("--siblings", choices=list(SIBLING_RULES), default="soft",
                        help="siblings together: soft (a priority, default), hard (together or none), off")
    parser.add_argument("--decisions", default=None, metavar="F.csv",
                        help="review of the previous run: child_id;unit_id;decision;reason (accepted offers are kept)")
    parser.add_argument("--report-csv", default=None, metavar="F",
                        help="also write the round report for Excel (; and Finnish headers)")
    parser.add_argument("--report-html", default=None, metavar="F", help="also write the printable round report")
