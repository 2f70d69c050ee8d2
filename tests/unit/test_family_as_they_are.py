"""Families as they are (issue 9): a parent at home, an expected baby by due date, a night shift."""
from __future__ import annotations

from datetime import date, time

import pytest

from planner.errors import InputError
from planner.family import parse_family
from planner.money.timeline import fee_timeline

TODAY = date(2026, 3, 15)


def _family(**changes) -> dict:
    family = {
        "municipality": "Helsinki", "date": "2026-03-15", "home": {"lat": 60.17, "lon": 24.94},
        "adults": [{"id": "mum", "gross_monthly_income_eur": 3500, "work": {"lat": 60.17, "lon": 24.95},
                    "schedule": {"days": ["mon", "tue"], "start": "22:00", "end": "06:00"},
                    "commute_mode": "walk", "drops_off": True, "picks_up": True}],
        "children": [{"id": "a", "birth_date": "2023-05-01", "care": "municipal", "weekly_hours": 40,
                      "start_date": "2025-08-01"}],
    }
    family.update(changes)
    return family


def test_a_night_shift_over_midnight_is_accepted():
    parsed = parse_family(_family(), today=TODAY)
    assert (parsed.adults[0].schedule.start, parsed.adults[0].schedule.end) == (time(22, 0), time(6, 0))


def test_a_shift_that_ends_when_it_starts_is_refused():
    family = _family()
    family["adults"][0]["schedule"]["end"] = "22:00"
    with pytest.raises(InputError) as caught:
        parse_family(family, today=TODAY)
    assert caught.value.problems[0].field == "adults[0].schedule.end"


def test_a_parent_at_home_needs_no_work_place_or_hours():
    family = _family()
    family["adults"].append({"id": "dad", "gross_monthly_income_eur": None, "situation": "parental_leave",
                             "drops_off": False, "picks_up": False})
    parsed = parse_family(family, today=TODAY)
    assert parsed.adults[1].work is None and parsed.adults[1].schedule is None


def test_an_expected_baby_is_listed_by_due_date_and_counted_from_birth():
    family = _family(children=[*_family()["children"],
                               {"id": "baby", "birth_date": "2026-06-10", "care": "home", "expected": True}])
    parsed = parse_family(family, today=TODAY)
    assert parsed.children[1].expected and parsed.to_dict()["children"][1]["expected"] is True
    # family size 2 (one adult, one child) until the baby is born on 10 June; 3 from July (counted on the 1st)
    rows = {row["month"]: row for row in fee_timeline(parsed, lang="en")["rows"]}
    assert rows["2026-06"]["family_size"] == 2 and rows["2026-07"]["family_size"] == 3
    assert any("2 → 3" in change for change in rows["2026-07"]["changes"]), rows["2026-07"]["changes"]


def test_an_unborn_child_without_expected_or_too_far_ahead_is_refused():
    unborn = {"id": "baby", "birth_date": "2026-06-10", "care": "home"}
    with pytest.raises(InputError) as caught:
        parse_family(_family(children=[unborn]), today=TODAY)
    assert caught.value.problems[0].key == "problems.child.birth_future"
    far = {**unborn, "birth_date": "2027-03-01", "expected": True}
    with pytest.raises(InputError) as caught:
        parse_family(_family(children=[far]), today=TODAY)
    assert caught.value.problems[0].key == "problems.child.due_far"
