"""Fuzzing every input format (issue 17): hostile files give problems, never other exceptions.

Hypothesis drives the seeded case builders of ``tests/fuzz/cases.py`` (derandomized: the same cases
on every run, so CI is stable) plus its own text strategies. ``FUZZ_EXAMPLES`` sets the number of
cases per format (default 60, a few seconds each); ``benchmarks/fuzz.py`` runs 10 000 per format.
"""
from __future__ import annotations

import os
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz import cases

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _must_not_escape(runner, case) -> None:
    error = cases.check(runner, case)
    if error is not None:
        raise AssertionError(f"uncaught {type(error).__name__} for input {case!r:.300}") from error


@pytest.mark.parametrize("name", sorted(cases.FORMATS))
def test_seeded_hostile_inputs_give_problems_never_exceptions(name):
    make, run = cases.FORMATS[name]
    examples = EXAMPLES // 3 if name == "GTFS zip" else EXAMPLES  # a zip case is ~80 ms

    @settings(FUZZ, max_examples=max(examples, 5))
    @given(st.randoms(use_true_random=False))
    def one(rng: random.Random) -> None:
        _must_not_escape(run, make(rng))

    one()


@FUZZ
@given(st.text(max_size=300))
def test_any_text_as_candidates(text):
    from planner.siting.candidates import parse_candidates_text

    _must_not_escape(lambda t: parse_candidates_text(t), text)


@FUZZ
@given(st.text(max_size=200))
def test_any_text_as_opening_hours(text):
    from planner.units import parse_opening_hours

    _must_not_escape(lambda t: parse_opening_hours(t), text)


@FUZZ
@given(st.binary(max_size=400))
def test_any_bytes_as_children_csv(data):
    from planner.placement.children import read_children

    _must_not_escape(lambda d: read_children(d), data)


@FUZZ
@given(st.binary(max_size=400))
def test_any_bytes_as_family_json(data):
    _must_not_escape(cases.run_family, data)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20)


@FUZZ
@given(st.dictionaries(st.sampled_from(["municipality", "date", "adults", "children", "home", "carer",
                                        "holiday_pay", "private_fee_eur", "part_time_hours", "changes",
                                        "parental_leave"]), JSON_VALUES, max_size=8))
def test_any_json_shape_as_family(data):
    from planner.family import parse_family

    _must_not_escape(lambda d: parse_family(d), data)


@FUZZ
@given(st.dictionaries(st.sampled_from(["format", "version", "name", "description", "changes"]),
                       JSON_VALUES | st.lists(st.dictionaries(
                           st.sampled_from(["action", "unit_id", "name", "lat", "lon", "address",
                                            "capacity_seats", "caretakers"]), JSON_VALUES), max_size=3),
                       max_size=5))
def test_any_json_shape_as_scenario(data):
    from planner.siting.scenario import Scenario

    _must_not_escape(lambda d: Scenario.from_dict(d), data)


def test_the_probe_inputs_of_issue_17():
    """The concrete inputs the security probe reported: each is a problem now, not a traceback."""
    from planner.errors import InputError
    from planner.family import parse_family
    from planner.readers import loads_json

    base = cases._example("family-espoo.json")
    for data in (b"[" * 100_000, b'{"a": ' + b"1" * 5000 + b"}", b'{"a": NaN}', b'{"a": 1e999}'):
        with pytest.raises(InputError):
            loads_json(data, "family")
    for key, value in (("carer", []), ("carer", {}), ("home", {"lat": 10**400, "lon": 24.9}),
                       ("part_time_hours", 10**400)):
        with pytest.raises(InputError) as info:
            parse_family({**base, key: value})
        assert key in {p.field.split(".")[0] for p in info.value.problems}
