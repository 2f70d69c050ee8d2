"""``python -m planner matrix``: travel-time matrices as partitioned Parquet, here or on a Dask cluster.

    python -m planner matrix --origins demand --destinations units --modes walk,bike,car --out m/
    python -m planner matrix --origins grid:cells.gpkg --destinations units --modes transit \\
        --depart 07:30,08:00 --date 2025-03-04 --window 30 --out m/ --workers 2
    python -m planner matrix ... --scheduler tcp://10.0.0.5:8786

Prints a JSON summary (rows, blocks computed / reused, runner, seconds); the table itself is in
``DIR/data/mode=<mode>/part-*.parquet`` (see :mod:`planner.matrix.run`). Bad input: one line per
problem on stderr, exit 2. Ctrl-C keeps the finished blocks; the same command again resumes.
"""
from __future__ import annotations

import argparse
import platform
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from planner.errors import InputError, Problem, ProblemCollector, interrupted_by_user
from planner.matrix.run import MODES, MatrixJob, choose_runner, run_matrix

from planner.matrix.options import MAX_DEPARTS, MAX_WINDOW_MIN


def parse_modes(text: str | None) -> tuple[str, ...]:
    """``"walk,bike"`` → ``("walk", "bike")``; InputError naming ``--modes`` for an unknown one."""
    modes = [m.strip().lower() for m in (text or "").split(",") if m.strip()]
    bad = [m for m in modes if m not in MODES]
    if bad or not modes:
        raise InputError([Problem("--modes", m, "walk, bike, car or transit (comma-separated)") for m in (bad or [text])])
    return tuple(dict.fromkeys(modes))


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in ("numpy", "scipy", "pyarrow", "dask", "distributed"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:  # pragma: no cover
            found[name] = "not installed"
    return found


def build_job(args: argparse.Namespace) -> tuple[MatrixJob, Any]:
    """Validate the flags and read the inputs; every problem at once (InputError)."""
    from planner.datasets import load_dataset
    from planner.matrix.points import PointSet, load_points, parse_spec

    problems = ProblemCollector()
    modes: tuple[str, ...] = ()
    try:
        modes = parse_modes(args.modes)
    except InputError as error:
        problems.extend(error)
    if args.block_size is None or args.block_size < 1:
        problems.add("--block-size", args.block_size, "a whole number of points, 1 or more (e.g. 64)")
    if args.workers is not None and args.workers < 1:
        problems.add("--workers", args.workers, "1 or more worker processes")
    if args.window is None or not 0 <= args.window <= MAX_WINDOW_MIN:
        problems.add("--window", args.window, f"minutes from 0 to {MAX_WINDOW_MIN}")
    if not (args.scheduler_timeout and args.scheduler_timeout > 0):
        problems.add("--scheduler-timeout", args.scheduler_timeout, "seconds above 0")
    for flag in ("origins", "destinations"):
        for spec in getattr(args, flag):
            try:
                parse_spec(spec, f"--{flag}")
            except InputError as error:
                problems.extend(error)
    problems.raise_if_any()
    dataset = load_dataset(args.dataset)
    departs: tuple[str, ...] = ()
    if "transit" in modes:
        departs = _departs(args, dataset)
    for mode in modes:
        if mode != "transit" and mode not in dataset.modes:
            problems.add("--modes", mode, f"a mode of dataset {dataset.name}: {', '.join(dataset.modes)}")
    problems.raise_if_any()
    sides = {}
    for flag in ("origins", "destinations"):
        sets = []
        for spec in getattr(args, flag):
            try:
                sets.append(load_points(spec, dataset, f"--{flag}"))
            except InputError as error:
                problems.extend(error)
        if sets:
            sides[flag] = PointSet.concat(sets)
            ids = sides[flag].ids
            if len(set(ids)) != len(ids):
                problems.add(f"--{flag}", ", ".join(getattr(args, flag)), "point sets whose ids do not overlap")
    problems.raise_if_any()
    job = MatrixJob(dataset_path=Path(dataset.path).resolve(), dataset_name=dataset.name,
                    origins=sides["origins"], destinations=sides["destinations"], modes=modes, departs=departs,
                    window_min=int(args.window) if "transit" in modes else 0,
                    distances=not args.no_distances, block_size=int(args.block_size))
    return job, dataset


def _departs(args: argparse.Namespace, dataset: Any) -> tuple[str, ...]:
    from planner.network.transit import parse_depart

    router = dataset.transit()
    if router is None:
        raise InputError.single("--modes", "transit", f"walk, bike or car: dataset {dataset.name} has no GTFS feed")
    day = args.date
    if not day:
        from planner.siting.scenario import default_arrival

        day = default_arrival(router).date().isoformat()
    texts = [t.strip() for t in (args.depart or "08:00").split(",") if t.strip()]
    if not texts or len(texts) > MAX_DEPARTS:
        raise InputError.single("--depart", args.depart, f"1 to {MAX_DEPARTS} times HH:MM, comma-separated")
    problems = ProblemCollector()
    found = []
    for text in texts:
        try:
            found.append(parse_depart(text, day).isoformat(timespec="minutes"))
        except InputError as error:
            problems.extend(error)
    problems.raise_if_any()
    return tuple(dict.fromkeys(found))


def matrix_command(args: argparse.Namespace) -> dict[str, Any]:
    """Handler of ``python -m planner matrix`` (see the module docstring)."""
    from planner.matrix.run import Interrupted

    job, dataset = build_job(args)
    runner = choose_runner(job, args.workers, args.scheduler, timeout_s=args.scheduler_timeout)
    provenance = {
        "command": "python -m planner matrix " + " ".join(_safe_argv()),
        "dataset": {"name": dataset.name, "path": str(job.dataset_path),
                    "provenance": dataset.meta.get("provenance"), "counts": dataset.meta.get("counts")},
        "origins": job.origins.source, "destinations": job.destinations.source,
        "engine": "planner.network.engine.TravelTimeEngine.matrix (street modes); "
                  "planner.network.transit.TransitRouter.one_to_many / window (transit)",
        "distance_m": "length of the fastest path (tree of the same search); null for transit",
        "depart": "null for walk, bike and car (their times do not depend on the hour)",
        "versions": _versions(),
    }
    try:
        return run_matrix(job, args.out, runner, force=args.force, progress=not args.no_progress,
                          provenance=provenance)
    except (KeyboardInterrupt, Interrupted, SystemError) as error:
        if isinstance(error, SystemError) and not interrupted_by_user(error):
            raise
        print(f"interrupted: the finished blocks are kept in {args.out}; run the same command again to resume",
              file=sys.stderr)
        raise SystemExit(130) from None


def _safe_argv() -> list[str]:
    """The command's arguments for the provenance file (addresses files are named, not read)."""
    argv = sys.argv[1:]
    return argv[argv.index("matrix") + 1:] if "matrix" in argv else argv
