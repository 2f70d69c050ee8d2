"""Bounded fuzzing of the placement readers: any text or bytes give children/units/decisions and
problems, or an InputError – never another exception (seeded, derandomised, small example counts)."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.errors import InputError
from planner.placement.children import read_children
from planner.placement.evaka import read_evaka_children, read_evaka_units
from planner.placement.review import read_decisions

HEADERS = [
    "child_id,lat,lon,birth_date,start_date,weekly_hours,language,shift_care,sibling_group,preferences,current_unit",
    "lapsen_id;lapsen_sukunimi;lapsen_etunimi;lapsen_syntyma_pvm;lapsen_kieli;lapsen_osoite;postinumero;"
    "toimipaikka;toimintayksikon_id;toimintayksikon_nimi;ominaisuudet;sisarusryhma",
    "Id;Nimi;Lahiosoite;Postinumero;Postitoimipaikka;Paikkojen_lkm;ominaisuudet;kieli;lat;lon",
    "child_id;unit_id;decision;reason",
]
CELLS = st.one_of(st.sampled_from(["", "1", "-1-1", "60.17", "24.94", "1e308", "nan", "inf", "2022-03-01",
                                   "31.02.2020", "150320A345C", "150320A345X", "fi", "sv", "true", "x" * 300,
                                   '"', '"a;b"', "SHIFT_CARE, TWO_YEAR_PRESCHOOL", "PRIVATE", "=1+1", "\x00",
                                   "8d3f6a0e-1b2c-4d5e-9f00-000000000001", "accepted", "rejected", "too_far"]),
                  st.text(max_size=20))
ROWS = st.lists(st.lists(CELLS, max_size=13), max_size=6)


def _text(header: str, rows: list[list[str]], sep: str) -> str:
    return header + "\n" + "\n".join(sep.join(r) for r in rows) + "\n"


def _call(reader, source):
    try:
        good, problems = reader(source)
    except InputError as error:
        assert error.problems
        return
    assert isinstance(good, list) and isinstance(problems, list)


@settings(max_examples=120, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(which=st.integers(0, 3), rows=ROWS, sep=st.sampled_from([",", ";", "\t"]), raw=st.booleans())
def test_readers_never_raise_anything_but_input_errors(which, rows, sep, raw):
    reader = [read_children, read_evaka_children, read_evaka_units, read_decisions][which]
    text = _text(HEADERS[which], rows, sep)
    _call(reader, text.encode("utf-8", "surrogatepass") if raw else text)


@settings(max_examples=60, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.binary(max_size=200), which=st.integers(0, 3))
def test_random_bytes(data, which):
    _call([read_children, read_evaka_children, read_evaka_units, read_decisions][which], data)
