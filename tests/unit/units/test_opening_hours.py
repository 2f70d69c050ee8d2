"""Opening hours in the common OSM forms; open-between checks across midnight and the week."""
from __future__ import annotations

import pytest

from planner.errors import InputError
from planner.units import Unit, is_open_between, parse_opening_hours

H = 3600


def test_weekdays_only():
    week = parse_opening_hours("Mo-Fr 06:30-17:00")
    assert week[0] == [(6 * H + 1800, 17 * H)] and week[4] == week[0]
    assert week[5] == [] and week[6] == []


def test_always_open_and_off():
    assert all(v == [(0, 86400)] for v in parse_opening_hours("24/7").values())
    assert all(v == [] for v in parse_opening_hours("off").values())


def test_later_rules_replace_earlier_ones_for_their_days():
    week = parse_opening_hours("Mo-Fr 06:00-18:00; Sa 08:00-16:00; We off; PH off")
    assert week[1] == [(6 * H, 18 * H)] and week[2] == [] and week[5] == [(8 * H, 16 * H)] and week[6] == []


def test_lists_of_days_and_of_intervals_and_spaces_after_commas():
    week = parse_opening_hours("Tu, Fr 08:00-12:00,13:00-16:00")
    assert week[1] == week[4] == [(8 * H, 12 * H), (13 * H, 16 * H)] and week[0] == []


def test_wrapping_day_range_and_overnight_interval():
    week = parse_opening_hours("Sa-Mo 22:00-06:00")
    assert week[5] == week[6] == week[0] == [(22 * H, 30 * H)] and week[1] == []


@pytest.mark.parametrize("text", ["", "sometimes", "Mo-Fr 6-17", "Mo-Xx 08:00-16:00", "Mo-Fr 08:00-25:00",
                                  "Mo-Fr 08:70-16:00"])
def test_other_forms_are_input_errors_naming_the_field(text):
    with pytest.raises(InputError) as caught:
        parse_opening_hours(text, field="units row 4 opening_hours")
    assert caught.value.fields() == {"units row 4 opening_hours"}


def unit(hours: str | None) -> Unit:
    return Unit("u", "U", 60.0, 25.0, opening_hours=hours)


def test_open_between_inside_and_outside_the_hours():
    u = unit("Mo-Fr 06:30-17:00")
    assert is_open_between(u, 0, 7 * H, 16 * H) is True
    assert is_open_between(u, 0, 6 * H, 16 * H) is False  # opens at 06:30
    assert is_open_between(u, 5, 9 * H, 10 * H) is False  # Saturday
    assert is_open_between(unit(None), 0, 9 * H, 10 * H) is None  # unknown


def test_open_between_needs_no_break():
    assert is_open_between(unit("Mo 08:00-12:00,13:00-16:00"), 0, 9 * H, 14 * H) is False


def test_shift_care_round_the_clock_and_over_sunday_night():
    u = unit("24/7")
    assert is_open_between(u, 6, 20 * H, 30 * H) is True  # Sunday evening to Monday 06:00
    night = unit("Mo-Fr 18:00-07:00")  # each evening until 07:00 the next morning
    assert is_open_between(night, 0, 19 * H, 31 * H) is True  # Monday 19:00 -> Tuesday 07:00
    assert is_open_between(night, 4, 19 * H, 31 * H) is True  # Friday night into Saturday
    assert is_open_between(night, 5, 19 * H, 31 * H) is False
    assert is_open_between(night, 1, 6 * H, 6 * H + 1800) is True  # Tuesday morning, from Monday night
