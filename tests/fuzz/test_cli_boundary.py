"""The command line's one boundary: every failure is one line on stderr, no traceback, no values."""
from __future__ import annotations

import json

import pytest

from planner import cli

HOSTILE_FILES = {
    "deep.json": b"[" * 100_000,
    "long-int.json": b'{"municipality": ' + b"7" * 5000 + b"}",
    "nan.json": b'{"municipality": "Espoo", "adults": [{"id": "a", "gross_monthly_income_eur": NaN}]}',
    "latin1.json": '{"municipality": "Hämeenlinna"}'.encode("latin-1"),
    "carer-list.json": json.dumps({"municipality": "Espoo", "adults": [{"id": "a"}],
                                   "children": [{"id": "c", "birth_date": "2022-01-01"}], "carer": []}).encode(),
    "empty.json": b"",
}


def _run(argv, capsys):
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_hostile_family_files_exit_2_with_one_line_problems(tmp_path, capsys, name):
    path = tmp_path / name
    path.write_bytes(HOSTILE_FILES[name])
    code, out, err = _run(["fees", str(path)], capsys)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert lines and all(line.startswith("error: ") for line in lines), err
    assert "Traceback" not in err


@pytest.mark.parametrize("path", ["/proc/self/environ", "/etc", "/dev/zero", "/nonexistent/x.json"])
def test_paths_that_are_not_files_are_refused(capsys, path):
    code, _, err = _run(["fees", path], capsys)
    assert code == 2 and "Traceback" not in err and err.count("\n") == 1


def test_scenario_and_candidates_files_go_through_the_same_boundary(tmp_path, capsys):
    scenario = tmp_path / "s.json"
    scenario.write_bytes(b'{"changes": [{"action": "add", "unit_id": "x\\n1", "lat": 1e999, "lon": 24.9}]}')
    code, _, err = _run(["whatif", "--scenario", str(scenario)], capsys)
    assert code == 2 and "Traceback" not in err
    candidates = tmp_path / "c.csv"
    candidates.write_bytes(b"id,lat,lon,capacity_seats\nc1,60.17,24.94,1e308\nc2,-45,170,\n")
    code, _, err = _run(["site", "--candidates", str(candidates)], capsys)
    assert code == 2 and "capacity_seats" in err and "Finland" in err


def test_dataset_names_with_a_trailing_newline_are_refused(capsys):
    code, _, err = _run(["route", "--dataset", "helsinki-centre\n", "--from", "60.17,24.94", "--to",
                         "60.171,24.941", "--mode", "walk"], capsys)
    assert code == 2 and "--dataset" in err


@pytest.mark.parametrize("value, reason", [("file", "a file"), ("/proc", "system folder")])
def test_an_unusable_data_folder_is_one_problem(tmp_path, monkeypatch, capsys, value, reason):
    if value == "file":
        value = str(tmp_path / "x")
        (tmp_path / "x").write_text("not a folder")
    monkeypatch.setenv("PLANNER_DATA_DIR", value)
    code, _, err = _run(["data", "list"], capsys)
    assert code == 2 and "PLANNER_DATA_DIR" in err and reason in err


def test_a_bug_is_one_line_without_the_values_it_saw(monkeypatch, capsys):
    """An unexpected exception's text may hold what the user typed (a birth date): never printed."""
    def broken(args):
        raise ValueError("child born 2023-05-01 in Espoo")

    monkeypatch.setattr(cli, "_resolve", lambda command: broken)
    code, out, err = _run(["fees", "whatever.json"], capsys)
    assert code == 1 and out == ""
    assert "2023-05-01" not in err and "Traceback" not in err and err.count("\n") == 1
    assert "ValueError" in err and "test_cli_boundary.py" in err


def test_input_failures_the_parsers_missed_still_exit_2(monkeypatch, capsys):
    def broken(args):
        raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")

    monkeypatch.setattr(cli, "_resolve", lambda command: broken)
    code, _, err = _run(["fees", "x.json"], capsys)
    assert code == 2 and "UnicodeDecodeError" in err and "Traceback" not in err


@pytest.mark.parametrize("argv, flag", [
    (["route", "--from", "60.17,24.94", "--to", "60.171,24.941", "--mode", "transit", "--window", "100000000"],
     "--window"),
    (["timeline", "docs/examples/family-espoo.json", "--months", "1000000000"], "--months"),
    (["site", "--candidates", "docs/examples/candidates-small.csv", "--max-minutes", "nan"], "--max-minutes"),
])
def test_unbounded_work_is_refused_up_front(capsys, argv, flag):
    code, _, err = _run(argv, capsys)
    assert code == 2 and err.startswith(f"error: {flag}:")
