"""WGS84 <-> EPSG:3067 (ETRS-TM35FIN) in numpy, without pyproj.

ETRS-TM35FIN is a transverse Mercator projection of the GRS80 ellipsoid: central meridian 27° E,
scale 0.9996, false easting 500,000 m, false northing 0 (JHS 154). The formulas are Krüger's series
to sixth order in the third flattening n, as given by Karney (2011, "Transverse Mercator with an
accuracy of a few nanometers", J. Geodesy 85:475-485), with Newton's method for the inverse
conformal latitude; over Finland they agree with PROJ to well under a millimetre
(tests/unit/network/test_projection.py compares them with pyproj).

Why not pyproj: a pyproj ``Transformer`` rebuilds its PROJ objects in every new thread, and
Streamlit runs each page rerun in a new thread, so every rerun paid 36-50 ms (more on a loaded
machine) before its first coordinate. These functions have no state at all.
"""
from __future__ import annotations

import math

import numpy as np

A_GRS80 = 6378137.0
F_GRS80 = 1 / 298.257222101
LON0_DEG = 27.0
K0 = 0.9996
FALSE_EASTING_M = 500000.0
FALSE_NORTHING_M = 0.0

_N = F_GRS80 / (2 - F_GRS80)
_E2 = F_GRS80 * (2 - F_GRS80)
_E = math.sqrt(_E2)
_RECT = A_GRS80 / (1 + _N) * (1 + _N ** 2 / 4 + _N ** 4 / 64 + _N ** 6 / 256)   # rectifying radius
_n = _N
_ALPHA = (
    _n / 2 - 2 * _n ** 2 / 3 + 5 * _n ** 3 / 16 + 41 * _n ** 4 / 180 - 127 * _n ** 5 / 288 + 7891 * _n ** 6 / 37800,
    13 * _n ** 2 / 48 - 3 * _n ** 3 / 5 + 557 * _n ** 4 / 1440 + 281 * _n ** 5 / 630 - 1983433 * _n ** 6 / 1935360,
    61 * _n ** 3 / 240 - 103 * _n ** 4 / 140 + 15061 * _n ** 5 / 26880 + 167603 * _n ** 6 / 181440,
    49561 * _n ** 4 / 161280 - 179 * _n ** 5 / 168 + 6601661 * _n ** 6 / 7257600,
    34729 * _n ** 5 / 80640 - 3418889 * _n ** 6 / 1995840,
    212378941 * _n ** 6 / 319334400,
)
_BETA = (
    _n / 2 - 2 * _n ** 2 / 3 + 37 * _n ** 3 / 96 - _n ** 4 / 360 - 81 * _n ** 5 / 512 + 96199 * _n ** 6 / 604800,
    _n ** 2 / 48 + _n ** 3 / 15 - 437 * _n ** 4 / 1440 + 46 * _n ** 5 / 105 - 1118711 * _n ** 6 / 3870720,
    17 * _n ** 3 / 480 - 37 * _n ** 4 / 840 - 209 * _n ** 5 / 4480 + 5569 * _n ** 6 / 90720,
    4397 * _n ** 4 / 161280 - 11 * _n ** 5 / 504 - 830251 * _n ** 6 / 7257600,
    4583 * _n ** 5 / 161280 - 108847 * _n ** 6 / 3991680,
    20648693 * _n ** 6 / 638668800,
)


def to_tm35fin(lat_deg, lon_deg) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 (GRS80) degrees -> ETRS-TM35FIN easting, northing in metres."""
    phi = np.radians(np.asarray(lat_deg, dtype=float))
    lam = np.radians(np.asarray(lon_deg, dtype=float) - LON0_DEG)
    sin_phi = np.sin(phi)
    t = np.sinh(np.arctanh(sin_phi) - _E * np.arctanh(_E * sin_phi))
    xi_p = np.arctan2(t, np.cos(lam))
    eta_p = np.arctanh(np.sin(lam) / np.sqrt(1 + t * t))
    xi, eta = xi_p.copy(), eta_p.copy()
    for j, a in enumerate(_ALPHA, start=1):
        xi += a * np.sin(2 * j * xi_p) * np.cosh(2 * j * eta_p)
        eta += a * np.cos(2 * j * xi_p) * np.sinh(2 * j * eta_p)
    return FALSE_EASTING_M + K0 * _RECT * eta, FALSE_NORTHING_M + K0 * _RECT * xi


def from_tm35fin(x_m, y_m) -> tuple[np.ndarray, np.ndarray]:
    """ETRS-TM35FIN easting, northing (metres) -> WGS84 ``(lat, lon)`` degrees."""
    xi = (np.asarray(y_m, dtype=float) - FALSE_NORTHING_M) / (K0 * _RECT)
    eta = (np.asarray(x_m, dtype=float) - FALSE_EASTING_M) / (K0 * _RECT)
    xi_p, eta_p = xi.copy(), eta.copy()
    for j, b in enumerate(_BETA, start=1):
        xi_p -= b * np.sin(2 * j * xi) * np.cosh(2 * j * eta)
        eta_p -= b * np.cos(2 * j * xi) * np.sinh(2 * j * eta)
    sinh_eta = np.sinh(eta_p)
    tau_p = np.sin(xi_p) / np.sqrt(sinh_eta ** 2 + np.cos(xi_p) ** 2)
    lam = np.arctan2(sinh_eta, np.cos(xi_p))
    tau = tau_p.copy()
    for _ in range(5):   # Newton: conformal -> geodetic latitude (converges in 2-3 steps)
        root = np.sqrt(1 + tau * tau)
        sigma = np.sinh(_E * np.arctanh(_E * tau / root))
        tau_i = tau * np.sqrt(1 + sigma * sigma) - sigma * root
        tau += (tau_p - tau_i) / np.sqrt(1 + tau_i * tau_i) * (1 + (1 - _E2) * tau * tau) / ((1 - _E2) * root)
    return np.degrees(np.arctan(tau)), LON0_DEG + np.degrees(lam)
