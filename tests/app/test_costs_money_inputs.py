"""Costs page: the money inputs of issue 10 (parental leave, daily hours, a private provider's fee) reach
the family dict and the engine. Hand-worked amounts: Kela home care allowance 377.68 € and Helsinki's
supplement 264 € for a child under 1 (hel.fi); Helsinki's daily bands (at most 5 h/day 60 %, hel.fi)."""
from __future__ import annotations

import json

from planner.family import parse_family
from planner.i18n import translate
from planner.money import calculate_allowances, calculate_fees

from tests.app.conftest import REPO


def _family() -> dict:
    family = json.loads((REPO / "docs/examples/family-helsinki-baby.json").read_text(encoding="utf-8"))
    family["adults"][0]["gross_monthly_income_eur"] = 5000
    family["adults"][1]["gross_monthly_income_eur"] = 3600
    family["children"][1]["care"] = "municipal"          # middle (born 2021) in municipal ECEC, 40 h/week
    family["children"][1]["start_date"] = "2024-08-01"
    del family["parental_leave"]                         # not given: the engine's default period
    return family


def _metric(at, key: str) -> str:
    return {m.label: m.value for m in at.metric}[translate(f"app.costs.{key}", "en")]


def test_leave_and_daily_hours_inputs_change_the_family_and_the_results(app_factory):
    at = app_factory("family", "en")
    at.session_state["family"] = _family()
    at.switch_page("pages/costs.py").run()
    assert not at.exception, at.exception
    # default: parental allowance for 320 weekdays after 2025-03-15 -> no home care allowance for the baby
    assert at.radio(key="c.leave.mode").value == "default"
    assert "parental_leave" not in at.session_state["family"]
    assert calculate_allowances(parse_family(at.session_state["family"]))["home_care_allowance"]["total_eur"] == 0

    at.radio(key="c.leave.mode").set_value("none").run()
    family = at.session_state["family"]
    assert family["parental_leave"] == []
    # 377.68 (Kela) + 0 supplement (8600 € is above the limits) + Helsinki 264 (under 1 year) = 641.68
    assert calculate_allowances(parse_family(family))["home_care_allowance"]["total_eur"] == 641.68
    assert "641.68" in _metric(at, "total_allowances")

    # size 5, threshold 6667: 10.7 % x 1933 = 206.831 -> 207 full time; 5 h/day -> 60 % = 124.2 -> 124
    at.text_input(key="c.daily.middle").set_value("5").run()   # typed as text (no browser number field)
    family = at.session_state["family"]
    assert family["children"][1]["daily_hours"] == 5.0
    assert calculate_fees(parse_family(family))["total_monthly_fee_eur"] == 124
    assert _metric(at, "total_fee") == "€124"

    at.radio(key="c.leave.mode").set_value("period").run()
    at.selectbox(key="c.leave.adult").set_value("mother").run()
    family = at.session_state["family"]
    assert family["parental_leave"][0]["adult"] == "mother" and family["parental_leave"][0]["child"] == "baby"
    assert not at.exception


def test_the_family_form_keeps_the_money_keys_of_a_person_it_rebuilds():
    from pages.family_form import CHILD_MONEY_KEYS, _keep_money_keys
    rebuilt = [{"id": "a", "care": "municipal"}, {"id": "b", "care": "private"}]
    _keep_money_keys(rebuilt, [{"id": "a", "daily_hours": 5}, {"id": "b", "private_fee_eur": 650}, {"id": "c"}],
                     CHILD_MONEY_KEYS)
    assert rebuilt == [{"id": "a", "care": "municipal", "daily_hours": 5},
                       {"id": "b", "care": "private", "private_fee_eur": 650}]


def test_an_estimated_municipal_tax_rate_is_said_on_the_page(app_factory):
    # Kuopio has no row in municipal_tax_rates.csv: the page must say the 7.50 % is an ESTIMATE
    at = app_factory("family", "en")
    family = _family()
    family["municipality"] = "Kuopio"
    at.session_state["family"] = family
    at.switch_page("pages/costs.py").run()
    assert not at.exception, at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "ESTIMATE" in warnings and "Kuopio" in warnings and "vero.fi" in warnings
