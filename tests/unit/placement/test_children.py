"""Reading the children file: every bad row listed by number, good rows kept, text/bytes/path input."""
from __future__ import annotations

from datetime import date

from planner.placement.children import check_unit_ids, read_children

HEADER = "child_id,lat,lon,birth_date,start_date,weekly_hours,language,shift_care,sibling_group"


def test_bad_rows_are_listed_with_row_numbers_and_good_rows_kept(repo_root):
    children, problems = read_children(repo_root / "docs/examples/children-bad-rows.csv", on=date(2026, 1, 1))
    assert [c.child_id for c in children] == ["ok1", "ok4"]
    fields = {p.field for p in problems}
    assert "children row 3 birth_date" in fields          # 2022-02-31
    assert "children row 4 lat" in fields                 # latitude 160
    assert "children row 4 shift_care" in fields          # maybe
    assert "children row 6 weekly_hours" in fields        # -5
    assert "children row 6 language" in fields            # finnish
    assert "children row 7 child_id" in fields            # duplicate of row 2
    assert all(p.expected for p in problems)


def test_reads_text_and_uploaded_bytes_alike():
    text = HEADER + "\nk1,60.17,24.94,2023-05-01,2026-08-01,25,SV,kyllä,s1\n"
    from_text, p1 = read_children(text, on=date(2026, 1, 1))
    from_bytes, p2 = read_children(("\ufeff" + text).encode("utf-8"), on=date(2026, 1, 1))
    assert p1 == p2 == []
    assert from_text == from_bytes
    c = from_text[0]
    assert (c.language, c.shift_care, c.sibling_group, c.weekly_hours) == ("sv", True, "s1", 25.0)


def test_semicolon_file_with_finnish_dates_and_preferences():
    text = (HEADER.replace(",", ";") + ";preferences;support_coefficient\n"
            "k1;60,17;24,94;1.5.2023;1.8.2026;40;fi;ei;;u1|u2;1,5\n")
    children, problems = read_children(text, on=date(2026, 1, 1))
    assert problems == []
    assert children[0].preferences == ("u1", "u2")
    assert children[0].birth_date == date(2023, 5, 1)
    assert children[0].support_coefficient == 1.5


def test_missing_columns_is_one_problem():
    children, problems = read_children("child_id,lat,lon\nx,60,24\n")
    assert children == [] and len(problems) == 1 and problems[0].field == "children columns"


def test_address_without_index_and_unknown_unit_ids_are_problems():
    text = HEADER + ",address,current_unit\nk1,,,2023-05-01,2026-08-01,40,fi,false,,Mannerheimintie 1,\n" \
                    "k2,60.1,24.9,2023-05-01,2026-08-01,40,fi,false,,,nope\n"
    children, problems = read_children(text, on=date(2026, 1, 1))
    assert [p.field for p in problems] == ["children row 2 address"]
    assert [p.field for p in check_unit_ids(children, {"u1"})] == ["children row 3 current_unit"]


def test_future_birth_date_is_rejected():
    text = HEADER + "\nk1,60.17,24.94,2027-05-01,2027-08-01,40,fi,false,\n"
    children, problems = read_children(text, on=date(2026, 1, 1))
    assert children == [] and problems[0].field == "children row 2 birth_date"
