"""Hostile input and exports (issue 17): pasted text is never a path, formula and line injection is
neutralised, ids with control characters are refused, limits and encodings are one-line problems."""
from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from placement_helpers import child  # noqa: E402

from planner.errors import InputError  # noqa: E402
from planner.placement import children as children_module  # noqa: E402
from planner.placement.children import read_children  # noqa: E402
from planner.placement.commands import plan_offers  # noqa: E402
from planner.placement.csvsafe import neutralise, write_csv  # noqa: E402
from planner.placement.report import daycare_offers_csv, evaka_export, offers_to_csv  # noqa: E402
from planner.placement.rules import PlacementUnit  # noqa: E402

HEADER = "child_id,lat,lon,birth_date,start_date,weekly_hours,language,shift_care,sibling_group\n"
ROW = "{id},60.17,24.94,2022-03-01,2026-08-01,40,fi,no,\n"


@pytest.mark.parametrize("text", ["/etc/hostname", "/etc/passwd", "/proc/self/environ", "README.md",
                                  str(Path(__file__))])
def test_pasted_text_is_never_opened_as_a_server_path(text):
    children, problems = read_children(text)
    assert children == []
    assert len(problems) == 1 and "missing" in problems[0].expected
    assert "root:" not in str(problems[0].value) and "PATH=" not in str(problems[0].value)


def test_only_a_path_object_reads_a_file(tmp_path):
    f = tmp_path / "kids.csv"
    f.write_text(HEADER + ROW.format(id="k1"), encoding="utf-8")
    assert [c.child_id for c in read_children(f)[0]] == ["k1"]
    assert read_children(str(f))[0] == []  # the same name as text is only text
    with pytest.raises(InputError) as error:
        read_children(tmp_path / "missing.csv")
    assert error.value.problems[0].field == "children"


@pytest.mark.parametrize("bad_id", ["-1-1", "=HYPERLINK(\"http://x\")", "@SUM(A1)", "+cmd|' /C calc'!A0",
                                    "a\tb", "x\x00y", "a\u2028b", "k1\n"])
def test_ids_with_formula_start_or_control_characters_are_refused(bad_id):
    body = io.StringIO()
    csv.writer(body, lineterminator="\n").writerow([bad_id, 60.17, 24.94, "2022-03-01", "2026-08-01", 40, "fi",
                                                    "no", ""])
    children, problems = read_children(HEADER + body.getvalue() + ROW.format(id="good"))
    assert [c.child_id for c in children] == ["good"]  # the good row is kept
    assert len(problems) == 1 and problems[0].field == "children row 2 child_id"


def test_sibling_group_and_current_unit_with_control_characters_are_refused():
    text = ("child_id,lat,lon,birth_date,start_date,weekly_hours,language,shift_care,sibling_group,current_unit\n"
            'a,60.17,24.94,2022-03-01,2026-08-01,40,fi,no,"g\r1",\n'
            "b,60.17,24.94,2022-03-01,2026-08-01,40,fi,no,,=1+1\n")
    children, problems = read_children(text)
    assert children == []
    assert [p.field for p in problems] == ["children row 2 sibling_group", "children row 3 current_unit"]


def test_not_utf8_and_broken_csv_are_one_line_problems():
    with pytest.raises(InputError) as error:
        read_children((HEADER + ROW.format(id="Äö")).encode("latin-1"))
    assert len(error.value.problems) == 1 and "UTF-8" in error.value.problems[0].expected
    huge = HEADER + "k1," + "9" * 20_000 + ",24.9,2022-03-01,2026-08-01,40,fi,no,\n"
    children, problems = read_children(huge)
    assert children == [] and len(problems) == 1 and problems[0].field == "children row 2"


def test_row_limit_stops_reading_with_a_clear_message(monkeypatch):
    monkeypatch.setattr(children_module, "MAX_ROWS", 3)
    text = HEADER + "".join(ROW.format(id=f"k{i}") for i in range(5))
    children, problems = read_children(text)
    assert children == [] and len(problems) == 1
    assert "at most" in problems[0].expected and "3 rows" in problems[0].expected
    monkeypatch.setattr(children_module, "MAX_FILE_BYTES", 100)
    with pytest.raises(InputError):
        read_children(text.encode("utf-8"))


def test_neutralise_follows_owasp():
    assert [neutralise(v) for v in ("=1+1", "+1", "-1-1", "@A", "\tx", "\rx", "ok", 5, -5.5, None)] == \
        ["'=1+1", "'+1", "'-1-1", "'@A", "'\tx", "'\rx", "ok", 5, -5.5, ""]
    text = write_csv(["a", "b"], [["x\ny", "=cmd"]], delimiter=";")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows == [["a", "b"], ["x\ny", "'=cmd"]]  # the line break stays inside one quoted cell


def _hostile_report(kind="preschool"):
    units = [PlacementUnit("=HYPERLINK(\"http://evil\")", available_seats=2.0),
             PlacementUnit("u\ninjected-child;injected-unit", available_seats=2.0),
             PlacementUnit("3fa85f64-5717-4562-b3fc-2c963f66afa6", available_seats=2.0)]
    kids = [child("k1"), child("k2"), child("k3"), child("k4"), child("k5"), child("k6")]
    times = [[60.0, 120.0, 180.0]] * 6
    report = plan_offers(kids, units, times, method="optimal")
    report["kind"] = kind
    return report


def test_exports_with_hostile_unit_ids_cannot_inject_formulas_or_lines():
    report = _hostile_report()
    for text, delimiter in ((offers_to_csv(report), ","), (daycare_offers_csv(report).lstrip("\ufeff"), ";")):
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        assert len(rows) == 1 + len(report["offers"]) + (len(report["unplaced"]) if delimiter == "," else 0)
        assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)
        assert not any(row[0].startswith("injected") for row in rows)
    text, problems = evaka_export(report)
    # pseudonymous children are not readable by eVaka: nothing written, every offer named
    assert text == "lapsen_id;esiopetusyksikon_id\n" and len(problems) == len(report["offers"])
