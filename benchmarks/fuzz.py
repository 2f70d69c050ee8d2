"""Fuzzing on demand: N hostile inputs per file format (default 10 000), counting uncaught exceptions.

Run: ``.venv/bin/python benchmarks/fuzz.py [N] [--only TEXT] [--seed S]``. Uses the seeded case
builders of ``tests/fuzz/cases.py`` (the same the hypothesis suite drives): valid examples mutated
with wrong types, 400-digit and non-finite numbers, control characters, markup, deep nesting,
truncation, other encodings, broken zips. An input must parse or give problems (a ``PlannerError``);
anything else is counted as uncaught, grouped by exception and place (no input values are printed).
Prints one line per format and the load average (the machine is shared). Exit 1 if any is uncaught.
"""
from __future__ import annotations

import argparse
import collections
import random
import sys
import time
import traceback
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fuzz import cases  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", nargs="?", type=int, default=10_000, help="cases per format (default 10 000)")
    parser.add_argument("--only", default=None, help="only formats whose name contains this text")
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    total_uncaught = 0
    print(f"fuzzing {args.n} cases per format, seed {args.seed}; load average {_load()}")
    for name, (make, run) in cases.FORMATS.items():
        if args.only and args.only.lower() not in name.lower():
            continue
        rng = random.Random(f"{args.seed}:{name}")
        found: collections.Counter = collections.Counter()
        problems = 0
        start = time.perf_counter()
        for _ in range(args.n):
            case = make(rng)
            error = cases.check(run, case)
            if error is None:
                problems += 1
                continue
            frames = [f for f in traceback.extract_tb(error.__traceback__) if "/planner/" in f.filename]
            where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
            found[(type(error).__name__, where)] += 1
        uncaught = sum(found.values())
        total_uncaught += uncaught
        seconds = time.perf_counter() - start
        print(f"{name:34s} {args.n:6d} cases  {uncaught:4d} uncaught  {seconds:7.1f} s", flush=True)
        for (kind, where), count in found.most_common():
            print(f"    {count:5d} {kind} at {where}")
    print(f"total uncaught: {total_uncaught}; load average {_load()}")
    return 1 if total_uncaught else 0


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


if __name__ == "__main__":
    raise SystemExit(main())
