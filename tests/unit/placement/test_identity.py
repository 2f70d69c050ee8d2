"""Personal identity codes (henkilötunnus): check character, century signs, masking, memory only.

Hand-worked from DVV's rule (nine digits DDMMYYNNN mod 31 → 0123456789ABCDEFHJKLMNPRSTUVWXY):
131052-308T (DVV's own example): 131052308 = 31 × 4227493 + 25 → index 25 = T.
010594Y9021 (DVV's example for the 2023 century signs): 010594902 = 31 × 341771 + 1 → 1.
150322A345W: 150322345 = 31 × 4849107 + 28 → W.
"""
from __future__ import annotations

import json
from datetime import date

import pytest

from planner.placement.children import read_children
from planner.placement.identity import hetu_birth_date, hetu_problem, is_uuid, mask_hetu

HEADER = "child_id,lat,lon,birth_date,start_date,weekly_hours,language,shift_care,sibling_group\n"


@pytest.mark.parametrize("code, born", [("131052-308T", date(1952, 10, 13)), ("010594Y9021", date(1994, 5, 1)),
                                        ("150322A345W", date(2022, 3, 15)), ("150322B345W", date(2022, 3, 15))])
def test_valid_codes_and_their_birth_dates(code, born):
    assert hetu_problem(code) is None
    assert hetu_birth_date(code) == born


@pytest.mark.parametrize("code, words", [("131052-308U", "check character"), ("150322A345X", "check character"),
                                         ("310222A345W", "real date"), ("150322A001H", "individual number"),
                                         ("150322a345W", "DDMMYYCNNNT"), ("150322G345W", "DDMMYYCNNNT")])
def test_bad_codes_name_the_fix(code, words):
    assert words in hetu_problem(code)


def test_mask_and_uuid():
    assert mask_hetu("150322A345W") == "150322A****"
    assert is_uuid("3fa85f64-5717-4562-b3fc-2c963f66afa6")
    assert not is_uuid("3fa85f64-5717-4562-b3fc-2c963f66afa") and not is_uuid("u1")


def test_children_file_with_identity_codes_masks_them_and_keeps_good_rows():
    text = HEADER + ("150322A345W,60.17,24.94,2022-03-15,2026-08-01,40,fi,no,g1\n"
                     "150322A345X,60.17,24.94,2022-03-15,2026-08-01,40,fi,no,\n"      # bad check character
                     "150322A345W,60.17,24.94,2022-03-15,2026-08-01,40,fi,no,\n"      # the same child again
                     "150322b346W,60.17,24.94,2022-03-15,2026-08-01,40,fi,no,\n"       # lower-case century sign
                     "150322A347Y,60.17,24.94,2022-03-16,2026-08-01,40,fi,no,\n"      # date differs from code
                     "150322A3568,60.17,24.94,2022-03-15,2026-08-01,40,fi,no,g1\n")
    children, problems = read_children(text, on=date(2026, 1, 1))
    assert [c.child_id for c in children] == ["150322A****", "150322A****#2"]
    assert [c.identity_code for c in children] == ["150322A345W", "150322A3568"]
    assert "345W" not in repr(children[0])  # never in a repr (logs, tracebacks)
    fields = [p.field for p in problems]
    assert fields == ["children row 3 child_id", "children row 4 child_id", "children row 5 child_id",
                      "children row 6 birth_date"]
    assert all("345" not in json.dumps(p.to_dict()) for p in problems)  # problems show masked codes only
    assert "check character" in problems[0].expected and "already on row 2" in problems[1].expected
