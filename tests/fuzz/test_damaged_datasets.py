"""Damaged built datasets say which file and how to rebuild; killed builds leave no folders behind."""
from __future__ import annotations

import os
import shutil
import time

import pytest

from planner.datasets import store
from planner.errors import DataError


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A copy of the default dataset (built on first use) to damage."""
    source = store.load_dataset(None).path
    root = tmp_path_factory.mktemp("datasets")
    shutil.copytree(source, root / "copy")
    return root


def _damaged_copy(built, tmp_path, name, how):
    root = tmp_path / "data"
    shutil.copytree(built / "copy", root / "broken")
    path = root / "broken" / name
    if how == "truncate":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    else:
        path.write_bytes(b"\x00garbage{")
    return root


@pytest.mark.parametrize("name, part", [
    ("graph_walk.npz", lambda d: d.graph("walk")),
    ("units.json", lambda d: d.units),
    ("catchments.geojson", lambda d: d.catchments),
    ("addresses.csv", lambda d: d.addresses.lookup("Mannerheimintie 1")),
])
@pytest.mark.parametrize("how", ["truncate", "garbage"])
def test_a_damaged_file_names_itself_and_the_rebuild_command(built, tmp_path, monkeypatch, name, part, how):
    root = _damaged_copy(built, tmp_path, name, how)
    monkeypatch.setenv("PLANNER_DATA_DIR", str(root))
    with pytest.raises(DataError) as info:
        part(store.load_dataset("broken"))
    text = str(info.value)
    assert f"file {name} is damaged" in text and "python -m planner data build --name broken" in text


def test_a_damaged_summary_is_a_data_error_too(built, tmp_path, monkeypatch):
    root = _damaged_copy(built, tmp_path, "dataset.json", "truncate")
    monkeypatch.setenv("PLANNER_DATA_DIR", str(root))
    with pytest.raises(DataError, match="dataset.json is damaged"):
        store.load_dataset("broken")


def test_a_damaged_transit_feed_names_the_feed(built, tmp_path, monkeypatch):
    feeds = list((built / "copy" / "transit").glob("*.zip"))
    if not feeds:
        pytest.skip("the default dataset has no transit feed")
    root = _damaged_copy(built, tmp_path, f"transit/{feeds[0].name}", "truncate")
    monkeypatch.setenv("PLANNER_DATA_DIR", str(root))
    with pytest.raises(DataError, match=f"{feeds[0].name} is damaged"):
        store.load_dataset("broken").transit()


def test_killed_builds_folders_are_cleaned_and_live_ones_kept(tmp_path):
    dead_pid = 2**22 + 12345                       # above pid_max on Linux: no such process
    dead = tmp_path / f".x.building-{dead_pid}-1"
    alive = tmp_path / f".x.building-{os.getpid()}-2"
    stale_alive = tmp_path / f".y.building-{os.getppid()}-3"
    dataset = tmp_path / "x"
    for folder in (dead, alive, stale_alive, dataset):
        folder.mkdir()
        (folder / "graph_walk.npz").write_bytes(b"x")
    old = time.time() - store.STALE_BUILD_S - 60
    os.utime(stale_alive, (old, old))
    removed = store.clean_stale_builds(tmp_path)
    assert sorted(removed) == sorted([dead.name, stale_alive.name])
    assert alive.exists() and dataset.exists() and not dead.exists() and not stale_alive.exists()
