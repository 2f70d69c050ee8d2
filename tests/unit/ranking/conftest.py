"""Ranking fixtures: a fake dataset on a hand-made straight street (1 m/s) with a few units."""
from __future__ import annotations

import numpy as np
import pytest

from planner.network.engine import TravelTimeEngine
from planner.network.graph import from_3067, graph_from_edges
from planner.units import Unit

X0, Y0 = 385_000.0, 6_672_000.0


def at(dx: float, dy: float = 0.0) -> tuple[float, float]:
    lat, lon = from_3067(np.array([X0 + dx]), np.array([Y0 + dy]))
    return float(lat[0]), float(lon[0])


def street_engine(mode: str = "walk") -> TravelTimeEngine:
    """A two-way street along x from -500 m to 1000 m, nodes every 100 m, 1 m/s."""
    xs = np.arange(-500.0, 1001.0, 100.0)
    lat, lon = from_3067(X0 + xs, np.full(len(xs), Y0))
    n = len(xs)
    u = np.concatenate([np.arange(n - 1), np.arange(1, n)])
    v = np.concatenate([np.arange(1, n), np.arange(n - 1)])
    length = np.full(len(u), 100.0)
    return TravelTimeEngine(graph_from_edges(mode, u, v, length, length, lat, lon))


class FakeCatchments:
    def __init__(self, unit_id):
        self.unit_id = unit_id

    def unit_for(self, lat, lon, language=None):
        return self.unit_id


class FakeAddresses:
    def resolve(self, text, field="address"):
        from planner.errors import InputError

        if text == "Kotikatu 1":
            return at(0)
        raise InputError.single(field, text, "a known address")


class FakeDataset:
    name = "fake-street"

    def __init__(self, units, catchment_unit="u2"):
        engine = street_engine()
        self._engines = {"walk": engine, "bike": engine, "car": engine}
        self.units = units
        self.catchments = FakeCatchments(catchment_unit)
        self.addresses = FakeAddresses()

    def engine(self, mode):
        return self._engines[mode]

    def transit(self):
        return None


def unit(unit_id: str, dx: float, **fields) -> Unit:
    lat, lon = at(dx)
    values = dict(name=f"Unit {unit_id}", provider="municipal", languages=("fi",), min_age_months=9,
                  max_age_months=72, opening_hours="Mo-Fr 07:00-17:00", demo=True)
    values.update(fields)
    return Unit(unit_id=unit_id, lat=lat, lon=lon, **values)


@pytest.fixture
def units():
    return [
        unit("u1", 500),                       # on the way from home (0 m) to work (1000 m)
        unit("u2", -300),                      # a 300 m detour each way, but in the catchment area
        unit("u3", 500, languages=("sv",)),    # on the way, Swedish only
        unit("u4", 500, opening_hours="Mo-Fr 08:00-16:00"),  # closes before pick-up
    ]


@pytest.fixture
def dataset(units):
    return FakeDataset(units)


@pytest.fixture
def family_data():
    home_lat, home_lon = at(0)
    work_lat, work_lon = at(1000)
    return {
        "municipality": "Helsinki", "date": "2025-03-01",
        "home": {"lat": home_lat, "lon": home_lon},
        "adults": [
            {"id": "p1", "gross_monthly_income_eur": 3000, "work": {"lat": work_lat, "lon": work_lon},
             "schedule": {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "end": "16:00"},
             "commute_mode": "walk", "drops_off": True, "picks_up": True},
        ],
        "children": [
            {"id": "kid", "birth_date": "2022-01-10", "care": "municipal", "weekly_hours": 40, "language": "fi"},
            {"id": "big", "birth_date": "2012-01-10", "care": "none"},
        ],
    }


@pytest.fixture
def point():
    return at


@pytest.fixture
def make_dataset():
    """``make_dataset(units, catchment_unit="u2")``: a FakeDataset on the street."""
    return FakeDataset


@pytest.fixture
def make_unit():
    """``make_unit(unit_id, dx, **fields)``: a demo unit dx metres along the street."""
    return unit
