"""Month-by-month timeline: birthdays, school start, start dates and the 1 August 2026 change."""
from __future__ import annotations

from datetime import date

import pytest

from planner.errors import InputError
from planner.money import fee_timeline
from planner.money.timeline import month_dates

from tests.unit.money.helpers import adult, child, family


def test_month_dates_start_on_the_start_day_then_first_days():
    assert month_dates(date(2025, 12, 15), 3) == [date(2025, 12, 15), date(2026, 1, 1), date(2026, 2, 1)]


def test_timeline_over_the_2026_indexation_and_a_school_start():
    # Turku, 3 persons + ..., 2 adults 9000 + 0, children little (2024-01-01) and big (2019-05-01).
    # Until July 2026: 4 persons, threshold 5956 -> 10.7 % x 3044 = 325.7 -> max 311; big 40 % = 124.4 -> 124,
    # but big is in the preschool year (from 1.8.2025): preschool 4 h/day free, 40 - 20 = 20 h/week of connected
    # ECEC charged by Turku's band (<= 20 h 50 %): 124 x 50 % = 62 -> 311 + 62 = 373
    # From 1.8.2026: big starts school (still counts in the 4 persons); little alone, rank 1; thresholds NOT
    # PUBLISHED: the higher end of the range, 5956 x 1.04 = 6194.24 -> 6194: 10.7 % x 2806 = 300.24 -> 300
    fam = family("2026-06-01", [adult(9000, "p1"), adult(0, "p2")],
                 [child("little", "2024-01-01"), child("big", "2019-05-01")], "Turku")
    result = fee_timeline(fam, months=4)
    rows = result["rows"]
    assert [r["month"] for r in rows] == ["2026-06", "2026-07", "2026-08", "2026-09"]
    assert [r["total_monthly_fee_eur"] for r in rows] == [373, 373, 300, 300]
    assert rows[2]["rule"]["status"] == "provisional" and rows[0]["rule"]["status"] == "verified"
    changes = " | ".join(rows[2]["changes"])
    assert "new fee rule period from 2026-08-01" in changes
    assert "child big starts school" in changes
    assert any("July" in n for n in rows[1]["notes"])
    assert result["total_fees_eur"] == 373 * 2 + 300 * 2
    assert result["provisional"] is True


def test_home_care_allowance_ends_when_the_child_turns_3():
    fam = family("2025-03-15", [adult(9000)], [child("a", "2022-05-10", "home")], "Turku")
    rows = fee_timeline(fam, months=4)["rows"]
    assert [r["home_care_allowance_eur"] for r in rows] == [377.68, 377.68, 377.68, 0]
    assert any("child a turned 3" in c for c in rows[3]["changes"])


def test_a_start_date_starts_the_fee_and_changes_the_ranks():
    # Kuopio 2025-06: big in ECEC rank 1 (size 4, 8000: 10.7 % x 2044 = 219); little starts 1.8.2025:
    # little rank 1 = 219, big rank 2 = 88
    fam = family("2025-06-01", [adult(8000), adult(0)],
                 [child("little", "2024-02-01", start_date="2025-08-01"), child("big", "2021-01-01")])
    rows = fee_timeline(fam, months=3)["rows"]
    assert [r["total_monthly_fee_eur"] for r in rows] == [219, 219, 307]
    changes = " | ".join(rows[2]["changes"])
    assert "child little starts in care" in changes and "child big: sibling rank 1 → 2" in changes


def test_allowances_beyond_the_rule_data_are_null_with_a_note():
    fam = family("2027-11-01", [adult(9000)], [child("a", "2026-01-01", "home")], "Turku")
    rows = fee_timeline(fam, months=3)["rows"]
    assert [r["allowances_eur"] for r in rows] == [377.68, 377.68, None]
    assert rows[2]["notes"] and "not in the rule data" in rows[2]["notes"][0]


@pytest.mark.parametrize("months", [0, -1, 121, 2.5, True])
def test_months_must_be_a_sensible_whole_number(months):
    fam = family("2025-06-01", [adult(8000)], [child("a", "2022-01-01")])
    with pytest.raises(InputError, match="months"):
        fee_timeline(fam, months=months)


def test_the_default_timeline_has_24_months():
    fam = family("2025-06-01", [adult(8000)], [child("a", "2022-01-01")])
    assert len(fee_timeline(fam)["rows"]) == 24


def test_the_helsinki_supplement_ends_when_the_baby_turns_1():
    fam = family("2026-02-01", [adult(3600, "mother"), adult(0, "father")], [child("baby", "2025-03-15", "home")],
                 "Helsinki")
    rows = fee_timeline(fam, months=3)["rows"]
    # 377.68 + 264 (supplement 0: 3 persons, 9.4 % x (3600 - 1430) > 202.12) until the 1st birthday 2026-03-15
    assert [r["home_care_allowance_eur"] for r in rows] == [641.68, 641.68, 377.68]
    assert any("municipal supplement (264 €) ends" in c for c in rows[2]["changes"])
