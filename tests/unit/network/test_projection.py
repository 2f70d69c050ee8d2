"""ETRS-TM35FIN in numpy (planner/network/projection.py) agrees with PROJ (pyproj) over Finland."""
from __future__ import annotations

import numpy as np
from pyproj import Transformer

from planner.network.projection import from_tm35fin, to_tm35fin


def test_forward_and_inverse_equal_pyproj_over_finland():
    rng = np.random.default_rng(16)
    lat, lon = rng.uniform(59.5, 70.1, 2000), rng.uniform(19.0, 31.6, 2000)
    x_ref, y_ref = Transformer.from_crs("EPSG:4326", "EPSG:3067", always_xy=True).transform(lon, lat)
    x, y = to_tm35fin(lat, lon)
    assert np.abs(x - x_ref).max() < 1e-6 and np.abs(y - y_ref).max() < 1e-6   # metres
    back_lat, back_lon = from_tm35fin(x_ref, y_ref)
    assert np.abs(back_lat - lat).max() < 1e-10 and np.abs(back_lon - lon).max() < 1e-10   # degrees


def test_hand_checked_point_helsinki_railway_square():
    # the central meridian maps to easting 500,000 m exactly; 60.1699 N 24.9384 E is west of it
    x, y = to_tm35fin(np.array([60.0, 60.1699]), np.array([27.0, 24.9384]))
    assert x[0] == 500000.0
    assert 385611.0 < x[1] < 385612.0 and 6672118.0 < y[1] < 6672119.0
