"""Hostile family and scenario files through the pages' uploaders (AppTest): a message, never an
exception, the form kept, and no markdown from the file rendered (issue 17)."""
from __future__ import annotations

import json

import pytest

from tests.app.conftest import open_app

EXAMPLE = json.loads(open("docs/examples/family-espoo.json", encoding="utf-8").read())
HOSTILE_FAMILIES = [
    b"[" * 100_000,
    b'{"municipality": "Espoo", "children": [], "adults": ' + b"9" * 5000 + b"}",
    json.dumps({**EXAMPLE, "carer": []}).encode(),
    json.dumps({**EXAMPLE, "home": {"lat": 10**400, "lon": 24.9}}).encode(),
    json.dumps({**EXAMPLE, "part_time_hours": float("nan")}).encode(),
    json.dumps({**EXAMPLE, "children": [{"id": "![x](http://127.0.0.1:9/x.png)", "birth_date": "2099-01-01"}]}).encode(),
    b'{"municipality": "Espoo", "adults": [{"id": "a", "gross_monthly_income_eur": Infinity}], "children": [1]}',
]


@pytest.mark.parametrize("index", range(len(HOSTILE_FAMILIES)))
def test_a_hostile_family_file_is_refused_with_a_message_and_keeps_the_form(index):
    at = open_app("family", "en")
    before = json.loads(json.dumps(at.session_state["family"]))
    at.file_uploader(key="f_upload").set_value(("family.json", HOSTILE_FAMILIES[index], "application/json")).run()
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert errors, "no message for a refused file"
    assert not any("](http" in e for e in errors), errors   # markdown from the file stays text
    assert at.session_state["family"] == before
