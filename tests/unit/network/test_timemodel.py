"""The one time model on the real Nysse GTFS subset shipped in data/tampere (departures 06:00-12:00)."""
from __future__ import annotations

from datetime import date, time
from types import SimpleNamespace

import pytest

from planner.errors import InputError
from planner.network.gtfs import load_feed, representative_weekday, service_window
from planner.network.timemodel import parse_clock, parse_date, transit_time


@pytest.fixture(scope="module")
def router():
    from planner.datasets.store import TAMPERE_GTFS_PATH

    return SimpleNamespace(feed=load_feed(TAMPERE_GTFS_PATH))


def test_the_representative_weekday_is_a_normal_day_not_the_thin_first_tuesday(router):
    feed = router.feed
    day = representative_weekday(feed)
    assert day == date(2021, 12, 14) and day.weekday() == 1
    per_service = {}
    for service in feed.trip_service:
        per_service[service] = per_service.get(service, 0) + 1
    trips = lambda d: sum(per_service.get(s, 0) for s in feed.services_on(d))  # noqa: E731
    assert trips(day) == 1622 and trips(date(2021, 9, 21)) == 72  # the feed's first Tuesday
    assert service_window(feed, day) == (6 * 3600, 12 * 3600 - 1)


def test_a_day_without_service_and_an_afternoon_are_said_never_silently_walked(router):
    timing = transit_time(router, date(2026, 12, 1), time(8, 0), lang="en")
    assert timing.moment.date() == date(2021, 12, 14) and timing.day_source == "representative"
    assert "no service on 2026-12-01" in timing.notes[0]
    afternoon = transit_time(router, None, time(8, 0), lang="fi", clocks=(time(16, 0),))
    assert any("klo 16:00" in note and "Varoitus" in note for note in afternoon.notes)
    assert transit_time(router, date(2021, 12, 15), time(7, 30)).notes == []   # a served day and time


def test_bad_dates_and_times_name_the_flag():
    with pytest.raises(InputError) as caught:
        parse_date("2026-13-01")
    assert caught.value.problems[0].field == "--date"
    with pytest.raises(InputError) as caught:
        parse_clock("8h")
    assert caught.value.problems[0].field == "--depart"
    assert parse_clock("07:30") == time(7, 30) and parse_date(None) is None
