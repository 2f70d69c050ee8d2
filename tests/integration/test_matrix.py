"""``python -m planner matrix``: single process vs a Dask LocalCluster, resume, bad input, consumers.

Points are taken from the loaded default dataset (never hard-coded unit ids). The LocalCluster tests
use 2 worker processes with one thread each and a few small blocks, so they stay within seconds.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import socket
from pathlib import Path

import numpy as np
import pyarrow.dataset as ds
import pytest

from planner.cli import main
from planner.datasets import load_dataset
from planner.matrix import run as matrix_run
from planner.matrix.commands import build_job
from planner.matrix.run import Interrupted, RunnerChoice, run_matrix
from planner.matrix.store import MatrixStore


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(None)


@pytest.fixture(scope="module")
def grid_file(dataset, tmp_path_factory) -> Path:
    """Eight origins near demand points / units of the dataset, plus one far outside the area."""
    demand = dataset.demand
    rows = ["id,lat,lon"]
    picks = np.linspace(0, len(demand) - 1, 6).astype(int)
    for k, i in enumerate(picks):
        rows.append(f"cell-{k},{demand.lat.iloc[i]:.6f},{demand.lon.iloc[i]:.6f}")
    for k, unit in enumerate(list(dataset.units)[:2]):
        rows.append(f"near-unit-{k},{unit.lat + 0.0004:.6f},{unit.lon - 0.0003:.6f}")
    rows.append("far-away,61.5,23.7")
    path = tmp_path_factory.mktemp("grid") / "cells.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _args(**kw) -> argparse.Namespace:
    base = dict(dataset=None, origins=["demand"], destinations=["units"], modes="walk", depart="08:00", date=None,
                window=0, out=None, workers=1, scheduler=None, scheduler_timeout=10.0, block_size=64,
                no_distances=False, force=False, no_progress=True)
    base.update(kw)
    return argparse.Namespace(**base)


def _digests(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((out / "data").rglob("*.parquet"))}


def _table(out: Path):
    return ds.dataset(out / "data", format="parquet", partitioning="hive").to_table().to_pandas()


def test_single_process_matches_engine_and_routes(dataset, grid_file, tmp_path):
    job, _ = build_job(_args(origins=[f"grid:{grid_file}"], modes="walk,bike,car", block_size=3))
    summary = run_matrix(job, tmp_path / "m", RunnerChoice("single"), progress=False)
    n_o, n_d = len(job.origins), len(job.destinations)
    assert summary["rows"] == 3 * n_o * n_d
    table = _table(tmp_path / "m")
    assert list(table.columns[:6]) == ["from_id", "to_id", "depart", "travel_time_s", "distance_m", "travel_time_p10_s"]
    origins = job.origins.coords()
    dests = job.destinations.coords()
    for mode in ("walk", "bike", "car"):
        engine = dataset.engine(mode)
        expected = engine.matrix([tuple(p) for p in origins], [tuple(p) for p in dests], on_outside="none")
        part = table[table["mode"] == mode]
        got = np.full((n_o, n_d), np.inf)
        o_index = {v: i for i, v in enumerate(job.origins.ids)}
        d_index = {v: j for j, v in enumerate(job.destinations.ids)}
        for row in part.itertuples():
            got[o_index[row.from_id], d_index[row.to_id]] = np.inf if np.isnan(row.travel_time_s) else row.travel_time_s
        np.testing.assert_array_equal(got, expected)
        # the far-away origin is outside the network: null times and distances, never 0
        far = part[part["from_id"] == "far-away"]
        assert far["travel_time_s"].isna().all() and far["distance_m"].isna().all()
        # distance_m is the fastest path's length: the route's own (path rebuilt and summed another way)
        for row in part[part["from_id"].isin(["cell-0", "near-unit-1"])].itertuples():
            route = engine.route(tuple(origins[o_index[row.from_id]]), tuple(dests[d_index[row.to_id]]))
            assert row.travel_time_s == pytest.approx(route.travel_time_s, abs=1e-6)
            assert row.distance_m == pytest.approx(route.distance_m, abs=0.01)
        assert part["depart"].isna().all()


def test_blocks_of_destinations_give_the_engines_matrix(dataset, grid_file, tmp_path):
    """More origins than destinations: the blocks cut the destinations and search backwards from them."""
    job, _ = build_job(_args(origins=[f"grid:{grid_file}", "demand"], modes="bike", block_size=4))
    assert job.side("bike") == "destinations" and len(job.origins) > len(job.destinations)
    run_matrix(job, tmp_path / "m", RunnerChoice("single"), progress=False)
    table = _table(tmp_path / "m")
    expected = dataset.engine("bike").matrix([tuple(p) for p in job.origins.coords()],
                                             [tuple(p) for p in job.destinations.coords()], on_outside="none")
    o_index = {v: i for i, v in enumerate(job.origins.ids)}
    d_index = {v: j for j, v in enumerate(job.destinations.ids)}
    got = np.full(expected.shape, np.inf)
    values = table["travel_time_s"].fillna(np.inf).to_numpy()
    got[[o_index[v] for v in table["from_id"]], [d_index[v] for v in table["to_id"]]] = values
    np.testing.assert_array_equal(got, expected)


def test_local_cluster_gives_the_same_bytes(grid_file, tmp_path):
    job, _ = build_job(_args(origins=[f"grid:{grid_file}", "demand"], modes="walk,car", block_size=2))
    single = run_matrix(job, tmp_path / "single", RunnerChoice("single"), progress=False)
    dask = run_matrix(job, tmp_path / "dask", RunnerChoice("local", workers=2), progress=False)
    assert dask["runner"].startswith("dask LocalCluster (2 worker")
    assert dask["blocks"]["computed"] == single["blocks"]["computed"] > 2
    assert _digests(tmp_path / "dask") == _digests(tmp_path / "single")
    assert len(_digests(tmp_path / "single")) == single["blocks"]["total"]


def test_a_running_scheduler_is_used_and_a_worker_failure_is_one_line(grid_file, tmp_path, capsys, monkeypatch):
    from distributed import LocalCluster

    argv = ["matrix", "--origins", f"grid:{grid_file}", "--destinations", "units", "--modes", "car",
            "--block-size", "3", "--no-progress"]
    assert main(argv + ["--workers", "1", "--out", str(tmp_path / "single")]) == 0
    capsys.readouterr()
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        assert main(argv + ["--scheduler", cluster.scheduler_address, "--out", str(tmp_path / "remote")]) == 0
        summary = json.loads(capsys.readouterr().out)
        assert summary["runner"] == f"dask scheduler {cluster.scheduler_address}"
        assert _digests(tmp_path / "remote") == _digests(tmp_path / "single")
        # a worker that cannot read the dataset (not on a shared path): one line naming the block
        monkeypatch.setattr(matrix_run.MatrixJob, "tasks", _tasks_with_missing_dataset)
        assert main(argv + ["--scheduler", cluster.scheduler_address, "--out", str(tmp_path / "bad")]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "a Dask worker failed on block" in err[0] and "shared path" in err[0]


_real_tasks = matrix_run.MatrixJob.tasks


def _tasks_with_missing_dataset(self, out_dir):
    import dataclasses

    return [dataclasses.replace(t, dataset_path="/nonexistent/dataset") for t in _real_tasks(self, out_dir)]


def test_an_interrupted_run_resumes(grid_file, tmp_path):
    job, _ = build_job(_args(origins=[f"grid:{grid_file}"], modes="walk,bike", block_size=1))
    out = tmp_path / "m"
    with pytest.raises(Interrupted):
        run_matrix(job, out, RunnerChoice("single"), progress=False, stop_after=3)
    manifest = json.loads((out / "manifest.json").read_text())
    assert len(manifest["blocks"]) == 3 and manifest["complete"] is False
    with pytest.raises(Exception):  # consumers refuse an unfinished matrix
        MatrixStore.open(out)
    # a half-written temporary file and a block file the manifest never listed are redone
    (out / "data" / "mode=walk" / ".part-00009.parquet.x.tmp").write_bytes(b"half")
    resumed = run_matrix(job, out, RunnerChoice("single"), progress=False)
    assert resumed["blocks"]["reused"] == 3
    assert resumed["blocks"]["computed"] == resumed["blocks"]["total"] - 3
    assert not list(out.rglob("*.tmp"))
    fresh = run_matrix(job, tmp_path / "fresh", RunnerChoice("single"), progress=False)
    assert _digests(out) == _digests(tmp_path / "fresh")
    again = run_matrix(job, out, RunnerChoice("single"), progress=False)
    assert again["blocks"]["computed"] == 0 and fresh["rows"] == again["rows"]


def test_ctrl_c_keeps_blocks_and_says_how_to_resume(grid_file, tmp_path, monkeypatch, capsys):
    calls = {"n": 0}
    real = matrix_run.run_block

    def flaky(task, other):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(task, other)

    monkeypatch.setattr(matrix_run, "run_block", flaky)
    argv = ["matrix", "--origins", f"grid:{grid_file}", "--destinations", "units", "--block-size", "1",
            "--workers", "1", "--no-progress", "--out", str(tmp_path / "m")]
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 130
    assert "run the same command again to resume" in capsys.readouterr().err
    monkeypatch.setattr(matrix_run, "run_block", real)
    assert main(argv) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["blocks"]["reused"] == 2
    provenance = json.loads((tmp_path / "m" / "provenance.json").read_text())
    assert provenance["dataset"]["provenance"] and provenance["versions"]["pyarrow"]
    assert provenance["origins"]["sha256"] == hashlib.sha256(grid_file.read_bytes()).hexdigest()
    assert provenance["last_run"]["reused_blocks"] == 2


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("extra, field", [
    (["--modes", "walk,boat"], "--modes: got 'boat'"),
    (["--origins", "grid:{bad}"], "--origins row 3 lat,lon: got 'x,24.94'"),
    (["--origins", "grid:/nonexistent/cells.csv"], "--origins: got 'grid:/nonexistent/cells.csv'"),
    (["--origins", "parcels"], "--origins: got 'parcels'"),
    (["--scheduler", "tcp://127.0.0.1:{port}", "--scheduler-timeout", "1"], "--scheduler: got 'tcp://127.0.0.1:"),
])
def test_bad_input_is_one_clear_line(extra, field, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,lat,lon\na,60.17,24.94\nb,x,24.94\n", encoding="utf-8")
    extra = [e.format(bad=bad, port=_closed_port()) for e in extra]
    argv = ["matrix", "--destinations", "units", "--out", str(tmp_path / "m"), "--no-progress"]
    if "--origins" not in extra:
        argv += ["--origins", "demand"]
    assert main(argv + extra) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: " + field), captured.err
    assert "Traceback" not in captured.err and captured.out == ""
    if "--scheduler" in extra:
        assert not (tmp_path / "m").exists()  # nothing written when the cluster is unreachable


def test_another_job_in_the_same_folder_is_refused(grid_file, tmp_path, capsys):
    base = ["matrix", "--origins", f"grid:{grid_file}", "--destinations", "units", "--workers", "1",
            "--no-progress", "--out", str(tmp_path / "m")]
    assert main(base) == 0
    capsys.readouterr()
    assert main(base + ["--modes", "bike"]) == 2
    assert "holds another matrix (it differs in modes)" in capsys.readouterr().err
    assert main(base + ["--modes", "bike", "--force"]) == 0


def test_transit_window_gives_median_and_spread(dataset, grid_file, tmp_path):
    if dataset.transit() is None:
        pytest.skip("the default dataset has no transit feed")
    job, _ = build_job(_args(origins=[f"grid:{grid_file}"], modes="transit", depart="08:00,08:20", window=3,
                             date=None))
    run_matrix(job, tmp_path / "m", RunnerChoice("single"), progress=False)
    table = _table(tmp_path / "m")
    assert set(table["depart"]) == set(job.departs) and len(job.departs) == 2
    row = table[(table["from_id"] == "cell-0") & (table["depart"] == job.departs[0])].iloc[0]
    from datetime import datetime

    unit = dataset.units_by_id[row.to_id]
    origin = tuple(job.origins.coords()[0])
    spread = dataset.transit().window(origin, [(unit.lat, unit.lon)], datetime.fromisoformat(job.departs[0]), 3)
    assert row.travel_time_s == spread["median_s"][0]
    assert row.travel_time_p10_s == spread["p10_s"][0] and row.travel_time_p90_s == spread["p90_s"][0]
    assert row.travel_time_p10_s <= row.travel_time_s <= row.travel_time_p90_s
    assert table["distance_m"].isna().all()


# ------------------------------------------------------------------------------------- consumers
@pytest.fixture(scope="module")
def demand_matrix(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("matrix") / "m"
    assert main(["matrix", "--origins", "demand", "--destinations", "units", "--modes", "walk", "--workers", "1",
                 "--no-progress", "--out", str(out)]) == 0
    return out


def test_whatif_with_a_matrix_gives_the_same_answer_without_routing(dataset, demand_matrix, capsys, monkeypatch):
    assert main(["whatif", "--max-minutes", "5"]) == 0
    plain = json.loads(capsys.readouterr().out)
    engine = dataset.engine("walk")
    monkeypatch.setattr(type(engine), "matrix", lambda *a, **k: (_ for _ in ()).throw(AssertionError("routed")))
    assert main(["whatif", "--max-minutes", "5", "--matrix", str(demand_matrix)]) == 0
    with_matrix = json.loads(capsys.readouterr().out)
    assert with_matrix.pop("travel_times")["source"] == "matrix"
    assert with_matrix == plain


def test_site_and_offers_accept_a_matrix(demand_matrix, repo_root, capsys):
    candidates = repo_root / "docs" / "examples" / "candidates-small.csv"
    site = ["site", "--candidates", str(candidates), "--add", "1", "--objective", "coverage", "--max-minutes", "5"]
    assert main(site) == 0
    plain = json.loads(capsys.readouterr().out)
    assert main(site + ["--matrix", str(demand_matrix)]) == 0
    with_matrix = json.loads(capsys.readouterr().out)
    assert with_matrix.pop("travel_times")["locations_from_matrix"] > 0
    assert with_matrix == plain
    children = repo_root / "docs" / "examples" / "children-small.csv"
    assert main(["offers", "--children", str(children), "--matrix", str(demand_matrix),
                 "--matrix-max-offset-m", "0"]) == 0
    info = json.loads(capsys.readouterr().out)["travel_times"]
    assert info["origins_routed"] + info["origins_from_matrix"] > 0
    assert main(["whatif", "--mode", "bike", "--matrix", str(demand_matrix)]) == 2
    assert "a matrix with mode bike" in capsys.readouterr().err


def test_offers_with_a_matrix_of_the_homes_give_the_same_offers(repo_root, tmp_path, capsys):
    """A matrix whose origins are the homes' coordinates (the children file read as a point file):
    every child's row comes from the matrix and the offers are the same as with routing."""
    children = repo_root / "docs" / "examples" / "children-small.csv"
    assert main(["matrix", "--origins", f"grid:{children}", "--destinations", "units", "--workers", "1",
                 "--no-progress", "--out", str(tmp_path / "m")]) == 0
    capsys.readouterr()
    assert main(["offers", "--children", str(children)]) == 0
    plain = json.loads(capsys.readouterr().out)
    assert main(["offers", "--children", str(children), "--matrix", str(tmp_path / "m")]) == 0
    with_matrix = json.loads(capsys.readouterr().out)
    info = with_matrix.pop("travel_times")
    assert info["origins_routed"] == 0 and info["destinations_routed"] == 0 and info["origins_from_matrix"] > 0
    assert with_matrix == plain


def test_a_real_ctrl_c_keeps_the_finished_blocks(grid_file, repo_root, tmp_path):
    """SIGINT to a running ``python -m planner matrix``: exit 130, finished blocks listed in the
    manifest, and the same command finishes the job with files identical to an uninterrupted run."""
    import os
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "m"
    argv = [sys.executable, "-m", "planner", "matrix", "--origins", f"grid:{grid_file}", "--destinations", "demand",
            "--modes", "walk,bike,car", "--block-size", "1", "--workers", "1", "--no-progress"]
    env = {**os.environ, "PYTHONPATH": str(repo_root)}
    process = subprocess.Popen(argv + ["--out", str(out)], cwd=repo_root, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    manifest = out / "manifest.json"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if manifest.is_file() and json.loads(manifest.read_text() or "{}").get("blocks"):
            process.send_signal(signal.SIGINT)
            break
        time.sleep(0.01)
    _, err = process.communicate(timeout=120)
    if process.returncode == 0:
        pytest.skip("the run finished before the interrupt arrived (nothing to resume)")
    assert process.returncode == 130, err
    assert "run the same command again to resume" in err and "Traceback" not in err
    kept = json.loads(manifest.read_text())
    assert kept["complete"] is False and 1 <= len(kept["blocks"]) < 27
    done = subprocess.run(argv + ["--out", str(out)], cwd=repo_root, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["blocks"]["reused"] >= len(kept["blocks"]) and summary["blocks"]["total"] == 27
    fresh = subprocess.run(argv + ["--out", str(tmp_path / "fresh")], cwd=repo_root, env=env, capture_output=True,
                           text=True, timeout=300)
    assert fresh.returncode == 0, fresh.stderr
    assert _digests(out) == _digests(tmp_path / "fresh")
