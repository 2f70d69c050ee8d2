"""Plan a matrix into blocks, run them in this process or on Dask, keep a manifest, resume.

Layout of an output folder::

    DIR/manifest.json          the job (its key), every finished block (file, rows, sha256), complete?
    DIR/provenance.json        dataset and inputs with their hashes, versions, command, timings
    DIR/origins.parquet        id, lat, lon of every origin (in order)
    DIR/destinations.parquet   id, lat, lon of every destination (in order)
    DIR/data/mode=walk/part-00000.parquet ...   the long table, one file per mode and block

Blocks cut the *smaller* side (origins, or destinations when there are fewer), so each search runs
from the block's points and its result does not depend on which other points share the block: the
numbers are the same whatever the block size, the runner or the number of workers. The block plan
itself depends only on the job, so the files are the same bytes too.

Block files are written atomically (a temporary name, then ``os.replace``) and the manifest is
rewritten atomically after each block, so an interruption loses at most the blocks in flight; the same
command run again checks the manifest's job key, keeps the listed blocks whose files still match their
size, and computes the rest.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from planner.errors import DataError, InputError, PlannerError
from planner.matrix.compute import STREET_MODES, BlockTask, run_block, write_atomically
from planner.matrix.options import DEFAULT_BLOCK_SIZE
from planner.matrix.points import PointSet

FORMAT = "planner-matrix/1"
MODES = ("walk", "bike", "car", "transit")
AUTO_CLUSTER_SEARCHES = 2000   # at least this many searches (block-side points × modes × departures) → LocalCluster


class Interrupted(Exception):
    """Raised by the test hook ``stop_after`` to imitate an interruption after N blocks."""


@dataclass
class MatrixJob:
    """Everything that determines the numbers; :meth:`key` hashes it (resume refuses another job)."""

    dataset_path: Path
    dataset_name: str
    origins: PointSet
    destinations: PointSet
    modes: tuple[str, ...]
    departs: tuple[str, ...] = ()       # ISO local datetimes, transit only
    window_min: int = 0
    distances: bool = True
    block_size: int = DEFAULT_BLOCK_SIZE

    def _points_digest(self, points: PointSet) -> str:
        digest = hashlib.sha256()
        digest.update("\x1f".join(points.ids).encode("utf-8"))
        digest.update(np.ascontiguousarray(points.coords(), dtype=np.float64).tobytes())
        return digest.hexdigest()

    def dataset_digest(self) -> str:
        """sha256 of the dataset's ``dataset.json`` (it records its inputs' hashes)."""
        return hashlib.sha256((self.dataset_path / "dataset.json").read_bytes()).hexdigest()

    def describe(self) -> dict[str, Any]:
        return {"format": FORMAT, "dataset": self.dataset_name, "dataset_digest": self.dataset_digest(),
                "origins": {"count": len(self.origins), "sha256": self._points_digest(self.origins)},
                "destinations": {"count": len(self.destinations), "sha256": self._points_digest(self.destinations)},
                "modes": list(self.modes), "departs": list(self.departs), "window_min": self.window_min,
                "distances": self.distances, "block_size": self.block_size}

    def key(self) -> str:
        return hashlib.sha256(json.dumps(self.describe(), sort_keys=True).encode()).hexdigest()

    def side(self, mode: str) -> str:
        """Which side is cut into blocks for ``mode`` (transit: always origins)."""
        if mode != "transit" and len(self.destinations) < len(self.origins):
            return "destinations"
        return "origins"

    def tasks(self, out_dir: Path) -> list[BlockTask]:
        key = self.key()
        tasks = []
        for mode in self.modes:
            side = self.side(mode)
            points = self.origins if side == "origins" else self.destinations
            coords = points.coords()
            for block, start in enumerate(range(0, len(points), self.block_size)):
                stop = min(start + self.block_size, len(points))
                tasks.append(BlockTask(job_key=key, dataset_path=str(self.dataset_path), mode=mode, block=block,
                                       side=side, ids=points.ids[start:stop], coords=coords[start:stop],
                                       out_dir=str(out_dir),
                                       departs=self.departs if mode == "transit" else (),
                                       window_min=self.window_min if mode == "transit" else 0,
                                       distances=self.distances and mode in STREET_MODES))
        return tasks

    def searches(self) -> int:
        """Shortest-path searches the job needs (a transit window counts each minute)."""
        total = 0
        for mode in self.modes:
            side = self.origins if self.side(mode) == "origins" else self.destinations
            per = max(1, len(self.departs)) * max(1, self.window_min) if mode == "transit" else 1
            total += len(side) * per
        return total


# ------------------------------------------------------------------------------------------ files
def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def _write_points(points: PointSet, path: Path) -> None:
    import pyarrow as pa

    table = pa.table({"id": pa.array(list(points.ids), pa.string()), "lat": pa.array(points.lat, pa.float64()),
                      "lon": pa.array(points.lon, pa.float64())})
    write_atomically(table, path)


def read_manifest(out_dir: Path) -> dict[str, Any] | None:
    path = out_dir / "manifest.json"
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise DataError(f"--out {out_dir}: manifest.json is unreadable ({error}); remove the folder or add --force")
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DataError(f"--out {out_dir}: manifest.json is not a {FORMAT} manifest; use another --out or --force")
    return data


def _prepare(job: MatrixJob, out_dir: Path, force: bool) -> dict[str, Any]:
    """Create or reopen ``out_dir``; the manifest (with the finished blocks that still check out)."""
    key = job.key()
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError.single("--out", str(out_dir), "a folder (this is a file)")
    manifest = read_manifest(out_dir) if out_dir.is_dir() else None
    if manifest is not None and (force or manifest.get("job_key") != key):
        if not force:
            old_job, new_job = manifest.get("job") or {}, job.describe()
            differs = sorted(k for k in set(old_job) | set(new_job) if old_job.get(k) != new_job.get(k))
            raise InputError.single("--out", str(out_dir),
                                    "a new folder, or --force to replace it: it holds another matrix "
                                    f"(it differs in {', '.join(differs) or 'its job key'})")
        shutil.rmtree(out_dir / "data", ignore_errors=True)
        manifest = None
    elif manifest is None and out_dir.is_dir() and any(out_dir.iterdir()):
        if not force:
            raise InputError.single("--out", str(out_dir), "an empty or new folder, or --force (it has other files)")
        shutil.rmtree(out_dir / "data", ignore_errors=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    if manifest is None:
        manifest = {"format": FORMAT, "job_key": key, "job": job.describe(), "blocks": {}, "complete": False}
    kept = {}
    for name, record in manifest.get("blocks", {}).items():
        path = out_dir / record.get("file", "")
        if path.is_file() and path.stat().st_size == record.get("bytes"):
            kept[name] = record
    manifest["blocks"] = kept
    for pattern in ("data/mode=*/.*.tmp", ".*.tmp"):  # temporary files of an interrupted write
        for leftover in out_dir.glob(pattern):
            leftover.unlink(missing_ok=True)
    _write_points(job.origins, out_dir / "origins.parquet")
    _write_points(job.destinations, out_dir / "destinations.parquet")
    _write_json(out_dir / "manifest.json", manifest)
    return manifest


def block_name(task: BlockTask | dict[str, Any]) -> str:
    mode, block = (task.mode, task.block) if isinstance(task, BlockTask) else (task["mode"], task["block"])
    return f"{mode}/{block:05d}"


# -------------------------------------------------------------------------------------- progress
class Progress:
    """A progress bar on stderr: redrawn in place on a terminal, a line per 10 % otherwise."""

    def __init__(self, total: int, done: int, enabled: bool, stream=None):
        self.total, self.done, self.enabled = total, done, enabled and total > 0
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.monotonic()
        self.first_done = done
        self._last_decile = -1

    def step(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        share = self.done / self.total
        elapsed = time.monotonic() - self.started
        fresh = self.done - self.first_done
        left = elapsed / fresh * (self.total - self.done) if fresh else float("nan")
        bar = "#" * int(share * 30)
        text = (f"matrix [{bar:<30}] {self.done}/{self.total} blocks {share:6.1%}  "
                f"{elapsed:6.0f} s elapsed, about {left:.0f} s left")
        if self.tty:
            self.stream.write("\r" + text + ("\n" if self.done == self.total else ""))
            self.stream.flush()
        elif int(share * 10) > self._last_decile:
            self._last_decile = int(share * 10)
            print(text, file=self.stream, flush=True)


# --------------------------------------------------------------------------------------- runners
@dataclass
class RunnerChoice:
    """``kind``: ``single`` (this process), ``local`` (a LocalCluster of ``workers`` processes) or
    ``scheduler`` (connect to ``address``)."""

    kind: str
    workers: int = 1
    address: str | None = None
    timeout_s: float = 10.0

    def describe(self) -> str:
        if self.kind == "single":
            return "single process"
        if self.kind == "local":
            return f"dask LocalCluster ({self.workers} worker processes, 1 thread each)"
        return f"dask scheduler {self.address}"


def choose_runner(job: MatrixJob, workers: int | None, scheduler: str | None, timeout_s: float = 10.0) -> RunnerChoice:
    """``--scheduler`` wins; ``--workers 1`` = this process; ``--workers N`` = a LocalCluster; neither:
    a LocalCluster of the machine's cores for big jobs, this process for small ones."""
    if scheduler:
        return RunnerChoice("scheduler", address=scheduler, timeout_s=timeout_s)
    if workers is not None:
        return RunnerChoice("single") if workers <= 1 else RunnerChoice("local", workers=workers)
    cores = os.cpu_count() or 1
    if cores > 1 and job.searches() >= AUTO_CLUSTER_SEARCHES and len(job.tasks(Path("."))) > 1:
        return RunnerChoice("local", workers=min(cores, len(job.tasks(Path(".")))))
    return RunnerChoice("single")


def _other_side(job: MatrixJob, task: BlockTask) -> tuple[tuple[str, ...], np.ndarray]:
    points = job.destinations if task.side == "origins" else job.origins
    return points.ids, points.coords()


def _run_single(job: MatrixJob, tasks: Sequence[BlockTask], on_done: Callable[[dict], None]) -> None:
    others = {side: _other_side(job, t) for t in tasks for side in [t.side]}
    for task in tasks:
        on_done(run_block(task, others[task.side]))


class _Preload:
    """Dask worker plugin: load the dataset's engines once when a worker starts (or joins)."""

    name = "planner-matrix-preload"

    def __init__(self, dataset_path: str, modes: Sequence[str]):
        self.dataset_path, self.modes = dataset_path, list(modes)

    def setup(self, worker: Any) -> None:
        from planner.matrix.compute import warm

        warm(self.dataset_path, self.modes)

    def teardown(self, worker: Any) -> None:  # nothing to release: the process ends
        return None


def _worker_plugin(dataset_path: str, modes: Sequence[str]) -> Any:
    from distributed.diagnostics.plugin import WorkerPlugin

    class Preload(_Preload, WorkerPlugin):
        pass

    return Preload(dataset_path, modes)


def connect(runner: RunnerChoice) -> tuple[Any, Any]:
    """A ``distributed.Client`` (and the LocalCluster it owns, or None); InputError when unreachable."""
    import logging

    try:
        from distributed import Client, LocalCluster
    except ImportError as error:  # pragma: no cover - pinned in requirements.txt
        raise DataError(f"dask.distributed is not installed ({error}); pip install -r requirements.txt") from error
    if runner.kind == "scheduler":
        address = runner.address or ""
        if "://" not in address and ":" not in address:
            raise InputError.single("--scheduler", address, "an address like tcp://host:8786")
        try:
            client = Client(address, timeout=runner.timeout_s, set_as_default=False)
        except (OSError, TimeoutError) as error:
            raise InputError.single("--scheduler", address,
                                    f"a running Dask scheduler (none answered within {runner.timeout_s:g} s: "
                                    f"{type(error).__name__}); start one with `dask scheduler` or drop --scheduler")
        return client, None
    cluster = LocalCluster(n_workers=runner.workers, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=logging.ERROR)
    return Client(cluster, set_as_default=False), cluster


def _run_dask(job: MatrixJob, tasks: Sequence[BlockTask], runner: RunnerChoice,
              on_done: Callable[[dict], None], connection: tuple[Any, Any] | None = None) -> dict[str, Any]:
    from distributed import as_completed

    started = time.perf_counter()
    client, cluster = connection or connect(runner)
    try:
        if cluster is not None:
            client.wait_for_workers(runner.workers, timeout=120)
        client.register_plugin(_worker_plugin(str(job.dataset_path), job.modes), name=_Preload.name)
        startup_s = time.perf_counter() - started  # workers up and the dataset loaded in each
        others = {}
        for task in tasks:
            if task.side not in others:  # the other side goes to every worker once, not with each task
                others[task.side] = client.scatter(_other_side(job, task), broadcast=True, hash=False)
        futures = [client.submit(run_block, task, others[task.side], pure=False,
                                 key=f"matrix-{task.job_key[:10]}-{task.mode}-{task.block:05d}-{uuid.uuid4().hex[:6]}")
                   for task in tasks]
        with client.as_current():
            for future in as_completed(futures):
                try:
                    record = future.result()
                except PlannerError:
                    raise
                except Exception as error:  # a worker's failure: say which block and what to check
                    raise DataError(f"a Dask worker failed on block {future.key}: {type(error).__name__}: "
                                    f"{error}; every worker must reach the dataset at {job.dataset_path} and the "
                                    "output folder (a shared path), with the same planner version") from None
                on_done(record)
        workers = len(client.scheduler_info(n_workers=-1).get("workers", {})) if hasattr(client, "scheduler_info") else None
        return {"workers": workers, "startup_s": round(startup_s, 3)}
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# ------------------------------------------------------------------------------------------- run
def run_matrix(job: MatrixJob, out_dir: str | Path, runner: RunnerChoice, *, force: bool = False,
               progress: bool = True, stop_after: int | None = None,
               provenance: dict[str, Any] | None = None) -> dict[str, Any]:
    """Compute (or finish) the matrix of ``job`` into ``out_dir``; a summary for the command's JSON.

    ``stop_after`` (tests): raise :class:`Interrupted` after that many newly computed blocks.
    """
    out_dir = Path(out_dir)
    started = time.perf_counter()
    # a remote scheduler is reached first: an unreachable one fails before anything is written
    connection = connect(runner) if runner.kind == "scheduler" else None
    try:
        manifest = _prepare(job, out_dir, force)
    except BaseException:
        if connection is not None:
            connection[0].close()
        raise
    tasks = job.tasks(out_dir)
    todo = [t for t in tasks if block_name(t) not in manifest["blocks"]]
    reused = len(tasks) - len(todo)
    bar = Progress(len(tasks), reused, progress and len(tasks) > 1)
    state = {"computed": 0, "rss": {}, "block_seconds": 0.0, "cpu_s": 0.0}

    def on_done(record: dict[str, Any]) -> None:
        manifest["blocks"][block_name(record)] = {k: record[k] for k in ("file", "rows", "bytes", "sha256")}
        _write_json(out_dir / "manifest.json", manifest)
        state["computed"] += 1
        state["block_seconds"] += record["seconds"]
        state["cpu_s"] += record.get("cpu_s", 0.0)
        state["rss"][record["pid"]] = max(state["rss"].get(record["pid"], 0), record["rss_bytes"])
        bar.step()
        if stop_after is not None and state["computed"] >= stop_after:
            raise Interrupted(f"stopped after {stop_after} blocks")

    info: dict[str, Any] = {}
    if todo:
        if runner.kind == "single":
            _run_single(job, todo, on_done)
        else:
            info = _run_dask(job, todo, runner, on_done, connection)
    elif connection is not None:
        connection[0].close()
    manifest["complete"] = True
    _write_json(out_dir / "manifest.json", manifest)
    elapsed = time.perf_counter() - started
    rows = sum(r["rows"] for r in manifest["blocks"].values())
    summary = {
        "out": str(out_dir), "dataset": job.dataset_name, "modes": list(job.modes),
        "origins": len(job.origins), "destinations": len(job.destinations),
        "departs": list(job.departs), "window_min": job.window_min, "distances": job.distances,
        "rows": rows, "blocks": {"total": len(tasks), "computed": state["computed"], "reused": reused},
        "runner": runner.describe(), "workers": info.get("workers", 1 if runner.kind == "single" else runner.workers),
        "elapsed_s": round(elapsed, 3), "startup_s": info.get("startup_s", 0.0),
        "blocks_cpu_s": round(state["cpu_s"], 3),
        "worker_rss_max_mb": round(max(state["rss"].values(), default=0) / 2**20, 1),
        "worker_rss_mb": {str(pid): round(rss / 2**20, 1) for pid, rss in sorted(state["rss"].items())},
        "files": {"manifest": "manifest.json", "provenance": "provenance.json", "data": "data/mode=<mode>/*.parquet",
                  "origins": "origins.parquet", "destinations": "destinations.parquet"},
    }
    record = {**(provenance or {}), "job": job.describe(), "job_key": job.key(), "runner": runner.describe(),
              "last_run": {"finished": datetime.now().astimezone().isoformat(timespec="seconds"),
                           "computed_blocks": state["computed"], "reused_blocks": reused,
                           "elapsed_s": round(elapsed, 3)}}
    _write_json(out_dir / "provenance.json", record)
    return summary


def iter_blocks(out_dir: Path) -> Iterable[Path]:
    """The block files listed in a manifest, in plan order."""
    manifest = read_manifest(out_dir) or {"blocks": {}}
    for name in sorted(manifest["blocks"]):
        yield out_dir / manifest["blocks"][name]["file"]
