"""Process start-up and memory: cold ``python -m planner rank`` and the Tampere dataset loaded (prints figures).

    .venv/bin/python benchmarks/startup.py [--runs 5]

* Cold rank: ``python -m planner rank docs/examples/family-espoo.json`` in a new process, ``--runs``
  times (the default dataset, its walking cache, numba's machine code and the project's bytecode
  already on disk, as after ``scripts/setup.sh``). Wall and CPU (user + system of the child) medians, and the slowest imports from one run with
  ``python -X importtime`` (target: < 1.5 s; before: 2.0 s CPU).
* Memory: a new process loads Tampere's walk, bike and car engines and the transit router, then runs
  one door-to-door transit one-to-all; its resident memory (VmRSS) and peak (VmHWM). Needs
  ``data build --tampere`` (skipped otherwise). Target <= 300 MiB; before: 407-418 MiB.

* ``--compare DIR``: the same cold ``rank`` alternately here and in ``DIR`` (another checkout of the
  project with its own built default dataset, e.g. ``git worktree add ../before <commit>`` then
  ``data build --default`` there), ``--runs`` rounds: both medians and the median per-round ratio. On a
  shared virtual machine the CPU's speed drifts by 20 % within minutes, so only runs interleaved like
  this compare two versions fairly.

Figures depend on the machine's load (printed): other work slows the wall times, the CPU times less.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FAMILY = REPO / "docs" / "examples" / "family-espoo.json"
BEFORE_RANK_CPU_S = 2.0
BEFORE_TAMPERE_MIB = 407.0

MEMORY_SCRIPT = r"""
import sys
from datetime import datetime
sys.path.insert(0, sys.argv[1])
from planner.datasets.store import load_dataset


def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) / 1024
    return float("nan")


dataset = load_dataset("tampere")
for mode in ("walk", "bike", "car"):
    dataset.engine(mode)
router = dataset.transit()
graph = router.graph
depart = datetime(2021, 12, 15, 8, 0)
router.one_to_all((float(graph.lat[1000]), float(graph.lon[1000])), depart)
print(f"{status('VmRSS'):.1f} {status('VmHWM'):.1f} {int('pandas' in sys.modules)}")
"""


def _child_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _rank_once(checkout: Path, python: str) -> tuple[float, float]:
    """Wall and CPU seconds of one cold ``rank`` in ``checkout`` run by ``python``."""
    cpu, start = _child_cpu_s(), time.perf_counter()
    subprocess.run([python, "-m", "planner", "rank", str(FAMILY.relative_to(REPO))], cwd=checkout,
                   stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start, _child_cpu_s() - cpu


def cold_rank(runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of a cold ``rank`` (the first run also warms the OS file cache)."""
    _rank_once(REPO, sys.executable)
    walls, cpus = zip(*(_rank_once(REPO, sys.executable) for _ in range(runs)))
    return statistics.median(walls), statistics.median(cpus)


def compare_cold_rank(other: Path, runs: int) -> dict[str, float]:
    """Cold ``rank`` here and in ``other`` alternately (``runs`` rounds, the order swapped every round):
    median CPU seconds of each and the median of the per-round ratios here / other."""
    other_python = str(other / ".venv" / "bin" / "python")
    here, there = (REPO, sys.executable), (other, other_python)
    for checkout, python in (here, there):   # warm the OS file cache and numba's cache
        _rank_once(checkout, python)
    cpu_here, cpu_there = [], []
    for round_ in range(runs):
        for checkout, python in ((here, there) if round_ % 2 == 0 else (there, here)):
            (cpu_here if checkout == REPO else cpu_there).append(_rank_once(checkout, python)[1])
    ratios = [a / b for a, b in zip(cpu_here, cpu_there)]
    return {"here_cpu_s": statistics.median(cpu_here), "other_cpu_s": statistics.median(cpu_there),
            "ratio": statistics.median(ratios), "ratio_min": min(ratios), "ratio_max": max(ratios),
            "here_max_cpu_s": max(cpu_here)}


def slowest_imports(count: int = 8) -> list[tuple[str, float]]:
    """Imports made at top level (not from inside another import) by cumulative time (ms) in one cold
    ``rank`` (``python -X importtime``)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "planner", "rank", str(FAMILY)], cwd=REPO,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True)
    top: list[tuple[str, float]] = []
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if not line.startswith("import time:") or len(parts) != 3 or parts[2].startswith("  "):
            continue
        try:
            top.append((parts[2].strip(), int(parts[1]) / 1000))
        except ValueError:   # the header line
            continue
    return sorted(top, key=lambda item: -item[1])[:count]


def tampere_memory() -> tuple[float, float, bool] | None:
    """(RSS MiB, peak MiB, pandas imported) after loading Tampere and one transit query, or None."""
    from planner.datasets.store import data_dir

    if not (data_dir() / "tampere" / "dataset.json").is_file():
        return None
    done = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT, str(REPO)], cwd=REPO, capture_output=True,
                          text=True, check=True)
    rss, peak, pandas = done.stdout.split()
    return float(rss), float(peak), pandas == "1"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--compare", type=Path, default=None, metavar="DIR",
                        help="another checkout (with .venv and the default dataset built): interleaved cold ranks")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    if args.compare is not None:
        found = compare_cold_rank(args.compare.resolve(), args.runs)
        print(f"cold rank, {args.runs} interleaved rounds: here {found['here_cpu_s']:.2f} s CPU (slowest "
              f"{found['here_max_cpu_s']:.2f}), {args.compare} {found['other_cpu_s']:.2f} s CPU; ratio here / there "
              f"{found['ratio']:.2f} ({found['ratio_min']:.2f}-{found['ratio_max']:.2f}); load average now "
              f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        return 0
    wall, cpu = cold_rank(args.runs)
    print(f"cold `python -m planner rank {FAMILY.relative_to(REPO)}` x{args.runs}: median {wall:.2f} s wall, "
          f"{cpu:.2f} s CPU (before {BEFORE_RANK_CPU_S:.1f} s CPU: ratio {cpu / BEFORE_RANK_CPU_S:.2f}; target < 1.5 s)")
    print("  slowest top-level imports (cumulative ms): "
          + ", ".join(f"{name} {ms:.0f}" for name, ms in slowest_imports()))
    memory = tampere_memory()
    if memory is None:
        print("Tampere memory: skipped (build it with `python -m planner data build --tampere`)")
    else:
        rss, peak, pandas = memory
        print(f"Tampere loaded (walk + bike + car engines, transit, one one-to-all): {rss:.0f} MiB RSS, peak "
              f"{peak:.0f} MiB; pandas imported: {'yes' if pandas else 'no'} (before {BEFORE_TAMPERE_MIB:.0f} MiB: "
              f"ratio {rss / BEFORE_TAMPERE_MIB:.2f}; target <= 300 MiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
