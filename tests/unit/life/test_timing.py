"""Dates to act, hand-worked from the sources named in planner/life/tables/timing_rules.csv.

Varhaiskasvatuslaki 540/2018 17 §: apply at least four months before the start; two weeks when the need
comes suddenly from work or study. Perusopetuslaki 628/1998: preschool the year before compulsory school,
which starts in August of the year the child turns seven; preschool registration usually in January.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from planner.errors import MissingRuleError, RuleTableError
from planner.family import parse_family
from planner.life.rules import life_rule, read_rules
from planner.life.timing import dates_to_act

TODAY = date(2025, 9, 1)


def fam(children, municipality="Espoo"):
    return parse_family({"municipality": municipality, "date": "2025-09-01",
                         "adults": [{"id": "p1", "gross_monthly_income_eur": 3000}], "children": children},
                        today=TODAY)


def by_what(items):
    return {(i["child_id"], i["what"]): i for i in items}


def test_apply_four_months_before_and_two_weeks_when_urgent():
    # Start 1.3.2026 → apply by 1.11.2025; urgent (sudden work or study) by 15.2.2026.
    items = by_what(dates_to_act(fam([{"id": "a", "birth_date": "2024-05-01", "care": "municipal",
                                       "start_date": "2026-03-01"}]), today=TODAY))
    assert items[("a", "apply")]["date"] == date(2025, 11, 1)
    assert items[("a", "apply")]["rule"]["status"] == "verified"
    assert items[("a", "apply_urgent")]["date"] == date(2026, 2, 15)
    assert items[("a", "decision")]["rule"]["status"] == "provisional"   # practice, not law


def test_late_application_says_when_a_place_is_guaranteed():
    # Start wanted 1.11.2025 but today is 1.9.2025: the apply-by date 1.7.2025 has passed; four months from
    # today → a place is guaranteed from 1.1.2026.
    items = by_what(dates_to_act(fam([{"id": "a", "birth_date": "2024-05-01", "care": "municipal",
                                       "start_date": "2025-11-01"}]), today=TODAY, lang="fi"))
    apply = items[("a", "apply")]
    assert apply["late"] is True and apply["past"] is True
    assert "1.1.2026" in apply["text"]


def test_preschool_and_school_dates():
    # Born 1.5.2021: preschool August 2027 (registration January 2027), school August 2028.
    items = by_what(dates_to_act(fam([{"id": "a", "birth_date": "2021-05-01", "care": "municipal"}]), today=TODAY))
    assert items[("a", "preschool_application")]["date"] == date(2027, 1, 1)
    assert items[("a", "preschool_start")]["date"] == date(2027, 8, 1)
    assert items[("a", "school_start")]["date"] == date(2028, 8, 1)
    # Born 2.2.2019: preschool started 8/2025 (past: not listed), school starts 8/2026.
    items = by_what(dates_to_act(fam([{"id": "b", "birth_date": "2019-02-02", "care": "preschool"}]), today=TODAY))
    assert ("b", "preschool_start") not in items
    assert items[("b", "school_start")]["date"] == date(2026, 8, 1)


def test_municipal_row_wins_over_the_national_rule():
    assert life_rule("preschool_application_month", date(2027, 8, 1), "Porvoo").municipality == "Porvoo"
    assert life_rule("preschool_application_month", date(2027, 8, 1), "Oulu").municipality == "*"


def test_a_date_no_row_covers_fails_loudly():
    with pytest.raises(MissingRuleError, match="2019-01-01"):
        life_rule("parental_allowance_working_days_per_parent", date(2019, 1, 1), "Espoo")


def test_overlapping_and_negative_rows_are_refused(tmp_path: Path):
    header = "key,municipality,value,unit,valid_from,valid_to,source,status\n"
    overlap = tmp_path / "overlap.csv"
    overlap.write_text(header + "k,*,1,days,2020-01-01,,src,verified\nk,*,2,days,2021-01-01,,src,verified\n")
    with pytest.raises(RuleTableError, match="overlap"):
        read_rules(overlap)
    negative = tmp_path / "negative.csv"
    negative.write_text(header + "k,*,-4,months,2020-01-01,,src,verified\n")
    with pytest.raises(RuleTableError, match="line 2 value"):
        read_rules(negative)
    unsourced = tmp_path / "unsourced.csv"
    unsourced.write_text(header + "k,*,4,months,2020-01-01,,,verified\n")
    with pytest.raises(RuleTableError, match="source"):
        read_rules(unsourced)


def test_timeline_command_lists_the_dates_to_act(capsys):
    # family-espoo.json (1.3.2025): child a born 1.5.2021 → preschool registration January 2027,
    # preschool 1.8.2027, school 1.8.2028; child b born 1.2.2019 → school 1.8.2026.
    from planner.cli import main

    example = Path(__file__).resolve().parents[3] / "docs" / "examples" / "family-espoo.json"
    assert main(["timeline", str(example), "--months", "3"]) == 0
    import json

    out = json.loads(capsys.readouterr().out)
    dates = {(i["child_id"], i["what"]): i["date"] for i in out["dates_to_act"]}
    assert dates[("a", "preschool_application")] == "2027-01-01"
    assert dates[("a", "school_start")] == "2028-08-01"
    assert dates[("b", "school_start")] == "2026-08-01"
