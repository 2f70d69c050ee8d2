"""The real Tampere Nysse GTFS subset (realdata; skipped when absent): loads, and RAPTOR gives plausible times."""
from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest
from scipy.spatial import cKDTree

from planner.network.graph import to_3067
from planner.network.gtfs import load_feed
from planner.network.raptor import Footpaths, Timetable, earliest_arrival

pytestmark = pytest.mark.realdata
DAY = date(2021, 12, 15)  # the feed's download date, a Wednesday
KESKUSTORI = (61.4981, 23.7610)
HERVANTA = (61.4500, 23.8550)


@pytest.fixture(scope="module")
def tampere(realdata):
    feed = load_feed(realdata / "tampere" / "tampere_nysse_gtfs_subset_20211215.zip")
    x, y = to_3067(feed.stop_lat, feed.stop_lon)
    tree = cKDTree(np.column_stack([x, y]))
    pairs = [(int(a), int(b), round(float(np.hypot(x[a] - x[b], y[a] - y[b])) * 1.3 / 1.3))  # 1.3 detour at 1.3 m/s
             for i, j in tree.query_pairs(300.0, output_type="ndarray") for a, b in ((i, j), (j, i))]
    table = Timetable.from_trips(feed.trips_on(DAY), len(feed.stop_ids), Footpaths.from_pairs(len(feed.stop_ids), pairs))
    return feed, table, tree, x, y


def nearest_stop(tampere, point):
    feed, _, tree, _, _ = tampere
    px, py = to_3067(np.array([point[0]]), np.array([point[1]]))
    return int(tree.query([px[0], py[0]])[1])


def test_centre_to_hervanta_is_plausible(tampere):
    feed, table, *_ = tampere
    origin, target = nearest_stop(tampere, KESKUSTORI), nearest_stop(tampere, HERVANTA)
    access = np.full(len(feed.stop_ids), math.inf)
    access[origin] = 8 * 3600
    result = earliest_arrival(table, access)
    travel_s = result.arrival_s[target] - 8 * 3600
    assert 10 * 60 < travel_s < 60 * 60          # ~8 km by bus: well under the 90 min bound
    legs = result.journey(target)
    assert legs[0]["kind"] == "access" and any(leg["kind"] == "ride" for leg in legs)
    names = {feed.route_short_names[leg["route_index"]] for leg in legs if leg["kind"] == "ride"}
    assert names  # real Nysse line numbers
    reached = np.isfinite(result.arrival_s) & (result.arrival_s - 8 * 3600 <= 90 * 60)
    assert reached.mean() > 0.6                   # most of the city's stops within 90 min


def test_outside_the_feed_dates_nothing_runs(tampere):
    feed, *_ = tampere
    assert feed.trips_on(date(2023, 6, 1)).label == []
