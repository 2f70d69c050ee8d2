"""The command line: JSON out, exit 2 with one line per problem, never a traceback."""
import json
import subprocess
import sys
from decimal import Decimal

import pytest

from planner.cli import build_parser, main, to_jsonable
from planner.errors import InputError, Problem


def test_every_interface_command_is_registered():
    parser = build_parser()
    for argv in (["fees", "f.json"], ["allowances", "f.json"], ["compare", "f.json"],
                 ["data", "list"], ["data", "build", "--name", "x", "--osm", "x.pbf"],
                 ["route", "--from", "60,24", "--to", "60,24", "--mode", "walk"],
                 ["rank", "f.json"], ["site", "--candidates", "c.csv"],
                 ["offers", "--children", "c.csv"]):
        parser.parse_args(argv)


def test_to_jsonable_handles_money_dates_and_non_finite():
    from datetime import date

    out = to_jsonable({"a": Decimal("12.50"), "b": Decimal("3"), "c": float("inf"), "d": date(2026, 8, 1)})
    assert out == {"a": 12.5, "b": 3, "c": None, "d": "2026-08-01"}


def test_input_error_exits_2_with_one_line_per_problem(monkeypatch, capsys):
    def boom(args):
        raise InputError([Problem("children[0].birth_date", "2099-01-01", "a date not in the future"),
                          Problem("municipality", "Atlantis", "a Finnish municipality")])

    monkeypatch.setattr("planner.cli._resolve", lambda command: boom)
    assert main(["fees", "x.json"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2
    assert "children[0].birth_date" in err[0] and "2099-01-01" in err[0]
    assert "Traceback" not in "\n".join(err)


def test_ctrl_c_inside_a_compiled_call_is_an_interruption_not_a_bug(monkeypatch, capsys):
    # a signal arriving while numba or numpy runs comes back as SystemError caused by KeyboardInterrupt
    from planner.errors import interrupted_by_user

    def compiled_call_interrupted(args):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as interrupt:
            raise SystemError("<function> returned a result with an exception set") from interrupt

    def real_bug(args):
        raise SystemError("a bug")

    monkeypatch.setattr("planner.cli._resolve", lambda command: compiled_call_interrupted)
    assert main(["fees", "x.json"]) == 130
    assert capsys.readouterr().err.strip() == "error: fees: interrupted"
    monkeypatch.setattr("planner.cli._resolve", lambda command: real_bug)
    assert main(["fees", "x.json"]) == 1
    assert "this is a bug of the planner" in capsys.readouterr().err
    assert not interrupted_by_user(ValueError("x")) and interrupted_by_user(KeyboardInterrupt())


def test_bad_flag_is_an_argparse_error_with_exit_2():
    proc = subprocess.run([sys.executable, "-m", "planner", "route", "--from", "1,2", "--to", "1,2",
                           "--mode", "plane"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "--mode" in proc.stderr and "Traceback" not in proc.stderr
