"""GTFS loading: valid feeds (zip and folder, frequencies, overnight trips) and broken feeds -> clear errors."""
from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from planner.errors import InputError
from planner.network.gtfs import format_time, load_feed, parse_time

BASE = {
    "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\nA,Test,https://example.org,Europe/Helsinki\n",
    "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\nS1,One,60.16,24.93\nS2,Two,60.17,24.94\nS3,Three,60.18,24.95\n",
    "routes.txt": "route_id,route_short_name,route_type\nR1,4,0\n",
    "trips.txt": "route_id,service_id,trip_id\nR1,WK,T1\nR1,WK,T2\n",
    "stop_times.txt": ("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                       "T1,08:00:00,08:00:00,S1,1\nT1,,,S2,2\nT1,08:10:00,08:10:00,S3,3\n"
                       "T2,23:50:00,23:50:00,S1,1\nT2,24:05:00,24:05:00,S2,2\nT2,25:10:00,25:10:00,S3,3\n"),
    "calendar.txt": ("service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
                     "WK,1,1,1,1,1,0,0,20250101,20251231\n"),
    "calendar_dates.txt": "service_id,date,exception_type\nWK,20250306,2\nWK,20250308,1\n",
}


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def errors_of(path: Path) -> dict[str, str]:
    with pytest.raises(InputError) as info:
        load_feed(path)
    return {p.field: p.expected for p in info.value.problems}


def test_times_parse_past_midnight():
    assert parse_time("25:10:00") == 90600
    assert parse_time("7:05:09") == 25509
    assert format_time(90600) == "25:10:00"
    for bad in ("25:61:00", "8:00", "aa:00:00", "08:00:60"):
        with pytest.raises(ValueError):
            parse_time(bad)


def test_folder_and_zip_load_the_same(tmp_path):
    folder = write(tmp_path / "feed", BASE)
    archive = tmp_path / "feed.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for name, text in BASE.items():
            z.writestr(f"inner/{name}", text)  # a sub-folder inside the zip is accepted
    a, b = load_feed(folder), load_feed(archive)
    assert a.stop_ids == b.stop_ids == ["S1", "S2", "S3"]
    np.testing.assert_array_equal(a.arrival_s, b.arrival_s)
    # the empty intermediate time is interpolated by stop order: 08:05
    assert a.arrival_s[1] == 8 * 3600 + 5 * 60
    assert a.route_short_names == ["4"]


def test_service_selection_with_calendar_dates(tmp_path):
    feed = load_feed(write(tmp_path / "feed", BASE))
    assert feed.services_on(date(2025, 3, 5)) == {"WK"}       # Wednesday
    assert feed.services_on(date(2025, 3, 6)) == set()        # removed by calendar_dates
    assert feed.services_on(date(2025, 3, 8)) == {"WK"}       # Saturday added
    assert feed.services_on(date(2025, 3, 9)) == set()        # Sunday
    assert feed.services_on(date(2026, 3, 4)) == set()        # after end_date
    assert feed.date_range() == (date(2025, 1, 1), date(2025, 12, 31))


def test_overnight_trip_runs_after_midnight_of_the_next_day(tmp_path):
    feed = load_feed(write(tmp_path / "feed", BASE))
    trips = feed.trips_on(date(2025, 3, 6))   # no own service; Wednesday's T2 still runs after midnight
    assert trips.label == ["T2"]
    assert trips.arrival_s.tolist() == [23 * 3600 + 50 * 60 - 86400, 5 * 60, 70 * 60]


def test_frequencies_expand_into_trips(tmp_path):
    files = dict(BASE, **{"frequencies.txt": "trip_id,start_time,end_time,headway_secs,exact_times\n"
                                             "T1,07:00:00,08:00:00,1200,0\nT1,08:00:00,08:30:00,600,1\n"})
    feed = load_feed(write(tmp_path / "feed", files))
    trips = feed.trips_on(date(2025, 3, 5))
    freq = [label for label in trips.label if label.startswith("T1@")]
    assert freq == ["T1@07:00:00", "T1@07:20:00", "T1@07:40:00", "T1@08:00:00", "T1@08:10:00", "T1@08:20:00"]
    assert "T1" not in trips.label   # the template itself does not run on its own times
    first = trips.label.index("T1@07:20:00")
    a = trips.offsets[first]
    assert trips.departure_s[a:a + 3].tolist() == [26400, 26700, 27000]


def test_missing_stop_times_is_named(tmp_path):
    files = {k: v for k, v in BASE.items() if k != "stop_times.txt"}
    problems = errors_of(write(tmp_path / "feed", files))
    assert "gtfs:stop_times.txt" in problems


def test_missing_calendar_and_calendar_dates(tmp_path):
    files = {k: v for k, v in BASE.items() if k not in ("calendar.txt", "calendar_dates.txt")}
    assert "gtfs:calendar.txt" in errors_of(write(tmp_path / "feed", files))


def test_missing_agency_is_tolerated(tmp_path):
    files = {k: v for k, v in BASE.items() if k != "agency.txt"}
    assert len(load_feed(write(tmp_path / "feed", files)).stop_ids) == 3


def test_bad_time_names_file_row_and_column(tmp_path):
    files = dict(BASE, **{"stop_times.txt": BASE["stop_times.txt"].replace("08:10:00,08:10:00", "25:61:00,08:10:00")})
    problems = errors_of(write(tmp_path / "feed", files))
    assert list(problems) == ["gtfs:stop_times.txt row 4 arrival_time"]
    assert "H:MM:SS" in problems["gtfs:stop_times.txt row 4 arrival_time"]


def test_unknown_ids_are_each_reported(tmp_path):
    files = dict(BASE, **{
        "stop_times.txt": BASE["stop_times.txt"].replace("T1,08:10:00,08:10:00,S3", "T1,08:10:00,08:10:00,S9"),
        "trips.txt": "route_id,service_id,trip_id\nR1,WK,T1\nR7,WK,T2\n"})
    problems = errors_of(write(tmp_path / "feed", files))
    assert "gtfs:stop_times.txt row 4 stop_id" in problems
    assert "gtfs:trips.txt row 3 route_id" in problems


def test_unknown_service_and_trip(tmp_path):
    files = dict(BASE, **{"trips.txt": "route_id,service_id,trip_id\nR1,WK,T1\nR1,NOPE,T2\n",
                          "stop_times.txt": BASE["stop_times.txt"] + "T9,09:00:00,09:00:00,S1,1\n"})
    problems = errors_of(write(tmp_path / "feed", files))
    assert "gtfs:trips.txt row 3 service_id" in problems
    assert "gtfs:stop_times.txt row 8 trip_id" in problems


def test_times_going_back_are_rejected(tmp_path):
    files = dict(BASE, **{"stop_times.txt": BASE["stop_times.txt"].replace("T1,08:10:00,08:10:00", "T1,07:50:00,07:50:00")})
    problems = errors_of(write(tmp_path / "feed", files))
    assert "gtfs:stop_times.txt row 4 arrival_time" in problems
    assert "back in time" in problems["gtfs:stop_times.txt row 4 arrival_time"]


def test_missing_column_is_named(tmp_path):
    files = dict(BASE, **{"stops.txt": "stop_id,stop_name,stop_lat\nS1,One,60.16\n"})
    problems = errors_of(write(tmp_path / "feed", files))
    assert "gtfs:stops.txt header" in problems and "stop_lon" in problems["gtfs:stops.txt header"]


def test_not_a_feed(tmp_path):
    path = tmp_path / "x.zip"
    path.write_text("not a zip")
    assert "gtfs" in errors_of(path)
    assert "gtfs" in errors_of(tmp_path / "nothing-here")


def test_many_problems_are_capped(tmp_path):
    rows = "".join(f"T1,99:99:99,08:00:00,S1,{i}\n" for i in range(10, 200))
    files = dict(BASE, **{"stop_times.txt": BASE["stop_times.txt"] + rows})
    with pytest.raises(InputError) as info:
        load_feed(write(tmp_path / "feed", files))
    assert len(info.value.problems) == 51
    assert "more problems" in info.value.problems[-1].value


def test_tampere_nysse_subset_loads(realdata):
    feed = load_feed(realdata / "tampere" / "tampere_nysse_gtfs_subset_20211215.zip")
    assert len(feed.stop_ids) > 1000 and len(feed.trip_ids) > 5000
    assert feed.date_range()[0] <= date(2021, 12, 15) <= feed.date_range()[1]
    trips = feed.trips_on(date(2021, 12, 15))
    assert len(trips.label) > 500
    assert 6 * 3600 <= trips.departure_s.min() and trips.departure_s.max() < 12 * 3600 + 3600
    # its transfers.txt (38 rows, read by hand): every row is a stop-to-stop rule the router can use
    assert len(feed.transfers) == 38 and feed.transfers_left_out == {}
    no_change = feed.transfers[feed.transfers["transfer_type"] == 3]
    assert [feed.stop_ids[s] for s in no_change["from_stop"]] == ["6111"]   # "6111,6111,3": no change at 6111
    one_second = feed.transfers[feed.transfers["transfer_type"] == 2]
    assert set(one_second["min_transfer_s"]) == {1.0} and len(one_second) == 3


def test_transfers_txt_rows_are_read_or_counted_as_left_out(tmp_path):
    files = dict(BASE, **{"transfers.txt": (
        "from_stop_id,to_stop_id,transfer_type,min_transfer_time,from_route_id\n"
        "S1,S1,2,90,\nS1,S2,1,,\nS2,S3,3,,\nS3,S2,,,\n"      # used: min time, timed, none, empty = 0
        "S1,S3,0,,R1\nS1,X9,0,,\nS2,S2,2,,\nS3,S3,4,,\n")})  # left out: route-specific, unknown stop ...
    feed = load_feed(write(tmp_path / "feed", files))
    rows = [(feed.stop_ids[a], feed.stop_ids[b], int(k)) for a, b, k in
            zip(feed.transfers["from_stop"], feed.transfers["to_stop"], feed.transfers["transfer_type"])]
    assert rows == [("S1", "S1", 2), ("S1", "S2", 1), ("S2", "S3", 3), ("S3", "S2", 0)]
    assert feed.transfers["min_transfer_s"][0] == 90
    assert feed.transfers_left_out == {"route_or_trip_specific": 1, "stop_not_a_boarding_stop": 1,
                                       "type_2_without_time": 1, "in_seat": 1}


def test_a_bad_transfer_row_is_named(tmp_path):
    files = dict(BASE, **{"transfers.txt": "from_stop_id,to_stop_id,transfer_type,min_transfer_time\n"
                                           "S1,S2,2,-5\nS1,S2,9,\n"})
    problems = errors_of(write(tmp_path / "feed", files))
    assert "gtfs:transfers.txt row 2 min_transfer_time" in problems
    assert "gtfs:transfers.txt row 3 transfer_type" in problems
