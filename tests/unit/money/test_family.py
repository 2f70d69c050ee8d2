"""The family file: every problem reported at once with dotted paths; to_dict round-trips."""
from __future__ import annotations

import json
from datetime import date, time
from decimal import Decimal
from pathlib import Path

import pytest

from planner.errors import InputError
from planner.family import load_family, parse_family

from tests.unit.money.helpers import TODAY

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"


def good() -> dict:
    return json.loads((EXAMPLES / "family-espoo.json").read_text(encoding="utf-8"))


def problems(data: dict) -> dict[str, str]:
    with pytest.raises(InputError) as info:
        parse_family(data, today=TODAY)
    return {p.field: p.expected for p in info.value.problems}


@pytest.mark.parametrize("name", ["family-espoo.json", "family-helsinki-baby.json", "family-espoo-three.json"])
def test_examples_parse_and_round_trip(name):
    data = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    family = parse_family(data, today=TODAY)
    again = parse_family(family.to_dict(), today=TODAY)
    assert again == family
    assert again.to_dict() == family.to_dict()


def test_parsed_values_are_typed():
    family = parse_family(good(), today=TODAY)
    assert family.municipality == "Espoo" and family.date == date(2025, 3, 1)
    assert family.adults[0].gross_monthly_income_eur == Decimal("4200.00")
    assert family.adults[0].schedule.start == time(8, 0)
    assert family.adults[1].work.address == "Aleksanterinkatu 52, Helsinki"
    assert family.home.lat == 60.1699
    assert family.children[0].weekly_hours == 40


def test_swedish_municipality_names_are_accepted_and_stored_in_finnish():
    data = good() | {"municipality": "Esbo"}
    assert parse_family(data, today=TODAY).municipality == "Espoo"


def test_date_defaults_to_today_and_extra_keys_survive():
    data = good()
    del data["date"]
    data["note"] = "kept"
    family = parse_family(data, today=TODAY)
    assert family.date == TODAY and family.to_dict()["note"] == "kept"


def test_every_bad_field_is_reported_at_once():
    data = good()
    data["municipality"] = "Atlantis"
    data["date"] = "2018-07-31"
    data["adults"][0]["gross_monthly_income_eur"] = -100
    data["adults"][0]["commute_mode"] = "plane"
    data["adults"][1]["schedule"]["end"] = data["adults"][1]["schedule"]["start"]  # 06:00 would be a night shift
    data["adults"][1]["weekly_work_hours"] = 70
    data["children"][0]["birth_date"] = "2030-01-01"
    data["children"][1]["weekly_hours"] = 61
    data["children"][1]["care"] = "daycare"
    found = problems(data)
    assert set(found) == {"municipality", "date", "adults[0].gross_monthly_income_eur", "adults[0].commute_mode",
                          "adults[1].schedule.end", "adults[1].weekly_work_hours", "children[0].birth_date",
                          "children[1].weekly_hours", "children[1].care"}
    assert "2018-08-01" in found["date"]
    assert "walk|bike|car|transit" in found["adults[0].commute_mode"]
    assert "60" in found["children[1].weekly_hours"]


@pytest.mark.parametrize("path, value, field", [
    (("children", 0, "birth_date"), "01.05.2021", "children[0].birth_date"),
    (("children", 0, "start_date"), "2010-01-01", "children[0].start_date"),
    (("children", 0, "id"), "b", "children[1].id"),
    (("adults", 0, "gross_monthly_income_eur"), "lots", "adults[0].gross_monthly_income_eur"),
    (("adults", 0, "drops_off"), "yes", "adults[0].drops_off"),
    (("adults", 0, "work"), {"lat": 95, "lon": 24}, "adults[0].work.lat"),
    (("adults", 0, "work"), {"address": " "}, "adults[0].work.address"),
    (("adults", 0, "schedule"), {"days": ["mon", "xyz"], "start": "8", "end": "16:00"}, "adults[0].schedule.days[1]"),
    (("home",), "Mannerheimintie 1", "home"),
    (("holiday_pay",), "no", "holiday_pay"),
    (("private_fee_eur",), -5, "private_fee_eur"),
    (("part_time_hours",), 0, "part_time_hours"),
    (("carer",), "nobody", "carer"),
])
def test_single_bad_fields_name_their_path(path, value, field):
    data = good()
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert field in problems(data)


def test_children_over_18_on_the_date_and_empty_lists_are_refused():
    data = good()
    data["children"][2]["birth_date"] = "2006-01-01"
    assert "children[2].birth_date" in problems(data)
    assert "children" in problems(good() | {"children": []})
    assert "adults" in problems(good() | {"adults": []})
    three = good()
    three["adults"].append({"id": "p3", "gross_monthly_income_eur": 1})
    assert "adults" in problems(three)


def test_null_income_is_allowed_and_means_not_reported():
    data = good()
    data["adults"][1]["gross_monthly_income_eur"] = None
    assert parse_family(data, today=TODAY).adults[1].income_cents is None


def test_load_family_errors_name_the_file(tmp_path):
    with pytest.raises(InputError, match="missing.json"):
        load_family(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="bad.json") as info:
        load_family(bad)
    assert "line 1" in info.value.problems[0].expected
