"""The compact copy of a parsed feed (gtfs.save_feed_arrays / load_feed_arrays / load_feed_cached): the
same feed comes back, field by field, and a copy of another feed or version is never used."""
from __future__ import annotations

import dataclasses
from datetime import date

import numpy as np

from planner.network.gtfs import (GtfsFeed, Table, feed_cache_key, load_feed, load_feed_arrays, load_feed_cached,
                                  save_feed_arrays)
from tests.unit.network.test_gtfs import BASE, write

FREQUENCIES = ("trip_id,start_time,end_time,headway_secs,exact_times\n"
               "T1,07:00:00,08:00:00,1200,0\n")
TRANSFERS = "from_stop_id,to_stop_id,transfer_type,min_transfer_time\nS1,S2,2,90\n"


def _equal(a: GtfsFeed, b: GtfsFeed) -> None:
    for item in dataclasses.fields(GtfsFeed):
        x, y = getattr(a, item.name), getattr(b, item.name)
        if isinstance(x, Table):
            assert list(x.columns) == list(y.columns), item.name
            for name in x.columns:
                np.testing.assert_array_equal(x[name], y[name])
                assert x[name].dtype == y[name].dtype, (item.name, name)
        elif isinstance(x, np.ndarray):
            np.testing.assert_array_equal(x, y)
            assert x.dtype == y.dtype, item.name
        else:
            assert x == y, item.name


def test_the_copy_is_the_same_feed_and_answers_the_same(tmp_path):
    folder = write(tmp_path / "feed", dict(BASE, **{"frequencies.txt": FREQUENCIES, "transfers.txt": TRANSFERS}))
    feed = load_feed(folder)
    save_feed_arrays(feed, tmp_path / "copy.npz", "k1")
    copy = load_feed_arrays(tmp_path / "copy.npz", "k1")
    assert copy is not None
    _equal(feed, copy)
    day = date(2025, 3, 5)
    assert copy.services_on(day) == feed.services_on(day) and copy.date_range() == feed.date_range()
    a, b = feed.trips_on(day), copy.trips_on(day)
    assert a.label == b.label and np.array_equal(a.departure_s, b.departure_s)


def test_a_copy_of_another_feed_or_a_damaged_copy_is_not_used(tmp_path):
    folder = write(tmp_path / "feed", BASE)
    feed = load_feed(folder)
    save_feed_arrays(feed, tmp_path / "copy.npz", "k1")
    assert load_feed_arrays(tmp_path / "copy.npz", "other key") is None
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    assert load_feed_arrays(tmp_path / "bad.npz", "k1") is None
    assert load_feed_arrays(tmp_path / "missing.npz", "k1") is None


def test_load_feed_cached_writes_the_copy_then_reads_it(tmp_path):
    folder = write(tmp_path / "feed", BASE)
    cache = tmp_path / "feed_arrays.npz"
    first = load_feed_cached(folder, cache)
    assert cache.is_file()
    assert load_feed_arrays(cache, feed_cache_key(folder)) is not None
    _equal(first, load_feed_cached(folder, cache))
    (folder / "stops.txt").write_text((folder / "stops.txt").read_text() + "S9,Nine,60.2,24.9\n")  # the feed changes
    assert len(load_feed_cached(folder, cache).stop_ids) == len(first.stop_ids) + 1
