"""Chance-of-a-place bands from the facts about one unit (rules in planner/plans/chance.py)."""
from __future__ import annotations

import pytest

from planner.plans.chance import band_for


@pytest.mark.parametrize("percent, band", [(70.0, "likely"), (89.9, "likely"), (90.0, "uncertain"),
                                           (99.9, "uncertain"), (100.0, "unlikely"), (130.0, "unlikely"),
                                           (None, "uncertain")])
def test_occupancy_sets_the_starting_band(percent, band):
    assert band_for(occupancy_percent=percent)[0] == band


def test_priorities_raise_one_step_and_do_not_add_up():
    assert band_for(occupancy_percent=105.0, sibling=True)[0] == "uncertain"
    assert band_for(occupancy_percent=105.0, sibling=True, support=True, catchment=True)[0] == "uncertain"
    assert band_for(occupancy_percent=95.0, catchment=True)[0] == "likely"


def test_private_units_ignore_municipal_priorities():
    band, reasons = band_for(occupancy_percent=95.0, sibling=True, private=True)
    assert band == "uncertain" and any("private" in r for r in reasons)


def test_late_application_lowers_one_step_and_says_why():
    band, reasons = band_for(occupancy_percent=50.0, months_ahead=2.0)
    assert band == "uncertain" and any("540/2018" in r for r in reasons)


def test_not_open_or_not_fitting_is_unlikely_whatever_else():
    assert band_for(occupancy_percent=10.0, open_on_start=False, sibling=True)[0] == "unlikely"
    band, reasons = band_for(occupancy_percent=10.0, fits=False, mismatches=["language"], lang="fi")
    assert band == "unlikely" and "language" in reasons[0]


def test_a_new_unit_starts_likely_and_reasons_are_in_the_language():
    band, reasons = band_for(occupancy_percent=None, opens_after_today=True, lang="sv")
    assert band == "likely" and "ny enhet" in reasons[0]
    # never a number that looks like a probability
    assert all("%" not in r for r in reasons)


def test_application_rule_is_dated_and_fails_loudly_before_the_law():
    from datetime import date

    from planner.errors import MissingRuleError
    from planner.plans.chance import application_rule

    rule = application_rule(date(2027, 8, 1))
    assert (rule["apply_ahead_months"], rule["urgent_apply_ahead_days"]) == (4, 14)
    assert "540/2018" in rule["source"] and rule["status"] == "verified"
    with pytest.raises(MissingRuleError, match="2017-01-01"):
        application_rule(date(2017, 1, 1))
