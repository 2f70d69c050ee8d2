"""One time model for every command that uses public transport (rank, whatif, site, offers, route).

* The **day**: ``--date`` when the timetable runs that day; otherwise (no date, or a date outside the
  feed's calendar) the feed's **representative weekday** (:func:`planner.network.gtfs.representative_weekday`:
  the Tuesday–Thursday with the most trips), and a note says which day was used and why.
* The **clock**: ``--depart HH:MM`` (for siting: the time to arrive at the unit), default 08:00.
* A clock outside the hours the timetable runs that day is a **warning** in the output (e.g. the Tampere
  subset has departures only 06:00–12:00, so a 16:00 pick-up would otherwise silently become a walk).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from planner.errors import InputError
from planner.i18n import translate

DEFAULT_CLOCK = time(8, 0)


def parse_date(text: Any, field_name: str = "--date") -> date | None:
    """``YYYY-MM-DD`` or None; anything else is an ``InputError`` naming the field."""
    if text is None or str(text).strip() == "":
        return None
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise InputError.single(field_name, text, "a date YYYY-MM-DD, e.g. 2026-12-01") from None


def parse_clock(text: Any, field_name: str = "--depart") -> time | None:
    """``HH:MM`` or None; anything else is an ``InputError`` naming the field."""
    if text is None or str(text).strip() == "":
        return None
    try:
        hours, minutes = str(text).strip().split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise InputError.single(field_name, text, "a time HH:MM, e.g. 08:00") from None


@dataclass
class TransitTime:
    """The moment a run uses for public transport, with the notes that explain it (in ``lang``)."""

    moment: datetime
    day_source: str                      # "given" | "representative"
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.moment.date().isoformat(), "time": self.moment.strftime("%H:%M"),
                "day": self.day_source, "notes": list(self.notes)}


def transit_time(router: Any, day: date | None = None, clock: time | None = None, *,
                 lang: str = "en", clocks: tuple[time, ...] = ()) -> TransitTime:
    """The service day and clock for ``router``'s timetable (see the module docstring). ``clocks``: other
    times of the same day to check against the service hours (e.g. a pick-up)."""
    from planner.network.gtfs import representative_weekday, service_window

    feed = getattr(router, "feed", None)
    clock = clock or DEFAULT_CLOCK
    if feed is None:  # no timetable to ask: the given day, else the next Tuesday from today
        if day is None:
            day = date.today()
            while day.weekday() != 1:
                day += timedelta(days=1)
            return TransitTime(datetime.combine(day, clock), "next-tuesday")
        return TransitTime(datetime.combine(day, clock), "given")
    notes: list[str] = []
    representative = representative_weekday(feed)
    source = "given"
    if day is None:
        day, source = representative, "representative"
        notes.append(translate("transit.time.representative", lang, date=day.isoformat(),
                               weekday=translate(f"transit.weekday.{day.weekday()}", lang)))
    elif hasattr(feed, "services_on") and not feed.services_on(day):
        notes.append(translate("transit.time.no_service_day", lang, asked=day.isoformat(),
                               date=representative.isoformat(),
                               weekday=translate(f"transit.weekday.{representative.weekday()}", lang)))
        day, source = representative, "representative"
    if not hasattr(feed, "trips_on"):
        return TransitTime(datetime.combine(day, clock), source, notes)
    window = service_window(feed, day)
    for moment in (clock, *clocks):
        seconds = moment.hour * 3600 + moment.minute * 60
        if window is None or not (window[0] <= seconds <= window[1]):
            first, last = (window or (0, 0))
            notes.append(translate("transit.time.no_service_window", lang, time=moment.strftime("%H:%M"),
                                   date=day.isoformat(), first=_hhmm(first), last=_hhmm(last)))
    return TransitTime(datetime.combine(day, clock), source, notes)


def _hhmm(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"
