"""The ``matrix`` command's flags, kept free of heavy imports (the parser is built for every command)."""
from __future__ import annotations

import argparse

DEFAULT_BLOCK_SIZE = 64
MAX_DEPARTS = 48
MAX_WINDOW_MIN = 180


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``matrix`` command's flags (called from :func:`planner.cli.build_parser`)."""
    parser.add_argument("--dataset", default=None, help="dataset name (default: the embedded default)")
    parser.add_argument("--origins", action="append", required=True, metavar="SPEC",
                        help="demand | units | grid:F | addresses:F | candidates:F (repeat to combine)")
    parser.add_argument("--destinations", action="append", required=True, metavar="SPEC",
                        help="units | candidates:F | grid:F | demand | addresses:F (repeat to combine)")
    parser.add_argument("--modes", default="walk", metavar="M[,M]", help="walk, bike, car, transit (default walk)")
    parser.add_argument("--depart", default="08:00", metavar="HH:MM[,HH:MM]", help="transit departure time(s)")
    parser.add_argument("--date", default=None, metavar="YYYY-MM-DD",
                        help="transit service date (default: the first Tuesday of the feed's period)")
    parser.add_argument("--window", type=int, default=0, metavar="MINUTES",
                        help="transit: departures every minute over this window; median, p10 and p90")
    parser.add_argument("--out", required=True, metavar="DIR", help="output folder (resumed when it holds this job)")
    parser.add_argument("--workers", type=int, default=None, metavar="N",
                        help="1 = this process; N > 1 = a local Dask cluster of N processes (default: by job size)")
    parser.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT", help="use a running Dask cluster")
    parser.add_argument("--scheduler-timeout", type=float, default=10.0, dest="scheduler_timeout", metavar="S",
                        help="seconds to wait for --scheduler (default 10)")
    parser.add_argument("--block-size", type=int, default=DEFAULT_BLOCK_SIZE, dest="block_size", metavar="N",
                        help=f"points per block of the smaller side (default {DEFAULT_BLOCK_SIZE})")
    parser.add_argument("--no-distances", action="store_true", dest="no_distances",
                        help="skip distance_m (about half the work of street modes)")
    parser.add_argument("--force", action="store_true", help="replace an output folder holding another matrix")
    parser.add_argument("--no-progress", action="store_true", dest="no_progress", help="no progress bar on stderr")
