"""Seeded random placement instances for the tests (plain inputs, no dataset)."""
from __future__ import annotations

from datetime import date

import numpy as np

from planner.placement.children import Child
from planner.placement.rules import PlacementUnit

START = date(2026, 8, 1)


def child(cid: str, *, age_years: int = 4, hours: float = 40, language: str = "fi", shift: bool = False,
          group: str | None = None, current: str | None = None, prefs: tuple[str, ...] = (),
          support: float = 1.0) -> Child:
    return Child(cid, 60.17, 24.94, date(START.year - age_years, 3, 1), START, hours, language, shift, group,
                 current, prefs, support)


def random_instance(seed: int, n: int, m: int, *, equal_weights: bool = False, prefs: bool = False,
                    max_s: float = 1800.0):
    """Children, units, travel matrix and catchment units of a random round."""
    rng = np.random.default_rng(seed)
    children = []
    for i in range(n):
        age = 4 if equal_weights else int(rng.integers(1, 6))
        hours = 40 if equal_weights else float(rng.choice([20, 40]))
        language = str(rng.choice(["fi", "sv", "ar"], p=[0.7, 0.2, 0.1]))
        group = f"g{int(rng.integers(n // 2 + 1))}" if rng.random() < 0.4 else None
        current = f"u{int(rng.integers(m))}" if rng.random() < 0.3 else None
        pref = tuple(f"u{j}" for j in rng.permutation(m)[: int(rng.integers(0, 3))]) if prefs else ()
        children.append(child(f"c{i}", age_years=age, hours=hours, language=language,
                              shift=bool(rng.random() < 0.1), group=group, current=current, prefs=pref))
    units = []
    for j in range(m):
        languages = ("sv",) if j % 4 == 3 else (("fi", "sv") if j % 5 == 4 else ("fi",))
        units.append(PlacementUnit(f"u{j}", languages=languages, shift_care=j % 3 == 0,
                                   min_age_months=None if j % 2 else 24,
                                   available_seats=float(rng.integers(1, 4)) + (0.0 if equal_weights else 0.5)))
    travel = rng.uniform(60, max_s * 1.2, size=(n, m)).round()
    travel[rng.random((n, m)) < 0.05] = np.inf
    catchment = [f"u{int(rng.integers(m))}" if rng.random() < 0.8 else None for _ in range(n)]
    return children, units, travel, catchment
