"""`python -m planner fees|allowances|compare|timeline` on the example families, and bad input → exit 2."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def run(capsys, *argv: str) -> tuple[int, dict | None, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, (json.loads(captured.out) if code == 0 else None), captured.err


def test_fees_keys_and_numbers_for_the_espoo_family(capsys):
    code, out, _ = run(capsys, "fees", str(EXAMPLES / "family-espoo.json"))
    assert code == 0
    assert {"total_monthly_fee_eur", "family_size", "income_eur", "children", "rule"} <= set(out)
    # b (born 2019-02-01) is in the year before preschool (1.8.2024-31.7.2025): Espoo's free 4 h/day
    # leave 40 - 20 = 20 paid h/week -> 60 %: 40 % x 89 = 35.6 -> 36, x 60 % = 21.6 -> 22 < 30 minimum -> 0
    assert (out["total_monthly_fee_eur"], out["family_size"], out["income_eur"]) == (89, 5, 7500)
    for item in out["children"]:
        assert {"id", "monthly_fee_eur", "sibling_rank", "coefficient", "explanation"} <= set(item)
    assert {"valid_from", "valid_to", "source", "status"} <= set(out["rule"])
    assert out["rule"]["valid_from"] == "2024-08-01"


def test_fees_for_the_three_child_espoo_family(capsys):
    code, out, _ = run(capsys, "fees", str(EXAMPLES / "family-espoo-three.json"), "--lang", "sv")
    assert code == 0
    assert out["income_eur"] == 7812.75 and out["total_monthly_fee_eur"] == 123
    assert [c["monthly_fee_eur"] for c in out["children"]] == [123, 0, 0]
    assert "minimiavgiften" in out["children"][1]["explanation"]


def test_allowances_keys_for_the_helsinki_family(capsys):
    code, out, _ = run(capsys, "allowances", str(EXAMPLES / "family-helsinki-baby.json"), "--lang", "fi")
    assert code == 0
    for key in ("home_care_allowance", "flexible_care_allowance", "private_care_allowance", "partial_care_allowance"):
        assert {"eligible", "care_allowance_eur", "sibling_supplements_eur", "care_supplement_eur",
                "municipal_supplement_eur", "total_eur", "reasons"} <= set(out[key])
    assert out["home_care_allowance"]["total_eur"] == 766.36


def test_compare_keys(capsys):
    code, out, _ = run(capsys, "compare", str(EXAMPLES / "family-helsinki-baby.json"))
    assert code == 0
    assert len(out["scenarios"]) == 5
    for scenario in out["scenarios"]:
        assert {"name", "description", "fees_eur", "allowances_eur", "earnings_eur", "net_eur",
                "taxable_eur"} <= set(scenario)


def test_timeline_months(capsys):
    code, out, _ = run(capsys, "timeline", str(EXAMPLES / "family-espoo.json"), "--months", "18")
    assert code == 0 and len(out["rows"]) == 18
    assert out["rows"][17]["rule"]["status"] == "provisional"   # 2026-08 onwards


@pytest.mark.parametrize("change, field", [
    ({"adults": [{"id": "p", "gross_monthly_income_eur": -1}]}, "adults[0].gross_monthly_income_eur"),
    ({"children": [{"id": "a", "birth_date": "2099-01-01", "care": "home"}]}, "children[0].birth_date"),
    ({"municipality": "Gotham"}, "municipality"),
    ({"children": [{"id": "a", "birth_date": "2022-01-01", "care": "municipal", "weekly_hours": 61}]},
     "children[0].weekly_hours"),
    ({"date": "2018-07-31"}, "date"),
])
def test_bad_input_exits_2_with_one_line_per_problem(capsys, tmp_path, change, field):
    data = json.loads((EXAMPLES / "family-espoo.json").read_text(encoding="utf-8")) | change
    path = tmp_path / "family.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    for command in ("fees", "allowances", "compare", "timeline"):
        code, _, err = run(capsys, command, str(path))
        assert code == 2
        assert f"error: {field}: got" in err
        assert "Traceback" not in err


def test_a_missing_file_and_a_missing_rule_exit_2(capsys, tmp_path):
    code, _, err = run(capsys, "fees", str(tmp_path / "nope.json"))
    assert code == 2 and "nope.json" in err
    data = json.loads((EXAMPLES / "family-espoo.json").read_text(encoding="utf-8")) | {"date": "2018-07-31"}
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = run(capsys, "allowances", str(path))
    assert code == 2 and "2018-07-31" in err
    code, _, err = run(capsys, "timeline", str(EXAMPLES / "family-espoo.json"), "--months", "0")
    assert code == 2 and "--months" in err


def test_a_family_with_several_problems_lists_each_on_its_own_line(capsys, tmp_path):
    data = {"municipality": "Espooo", "date": "2017-01-01",
            "adults": [{"id": "p", "gross_monthly_income_eur": -1},
                       {"id": "q", "gross_monthly_income_eur": "3000", "weekly_work_hours": 70}],
            "children": [{"id": "a", "birth_date": "2099-01-01", "care": "municipal", "weekly_hours": 100}]}
    path = tmp_path / "family.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    expected = ["municipality", "date", "adults[0].gross_monthly_income_eur", "adults[1].gross_monthly_income_eur",
                "adults[1].weekly_work_hours", "children[0].birth_date", "children[0].weekly_hours"]
    for command in ("fees", "allowances", "compare", "timeline"):
        code, _, err = run(capsys, command, str(path))
        lines = err.strip().splitlines()
        assert code == 2 and "Traceback" not in err
        assert [line.split(":")[1].strip() for line in lines] == expected
        assert "did you mean Espoo" in lines[0]
        assert "without quotes" in lines[3]   # income as text is a type mistake, not silently read


@pytest.mark.parametrize("text, words", [
    ('{"municipality": "Espoo",', "valid JSON (line 1"),
    ("[1, 2]", "a JSON object"),
    ('{"municipality": "Espoo"}', "a list of 1 or 2 adults"),
    ('{"municipality": 5, "adults": {"id": "p"}, "children": "a"}', "the name of a Finnish municipality"),
])
def test_malformed_json_wrong_types_and_missing_keys_exit_2(capsys, tmp_path, text, words):
    path = tmp_path / "family.json"
    path.write_text(text, encoding="utf-8")
    for command in ("fees", "allowances", "compare", "timeline"):
        code, _, err = run(capsys, command, str(path))
        assert code == 2 and words in err and "Traceback" not in err
        assert all(line.startswith("error: ") for line in err.strip().splitlines())
