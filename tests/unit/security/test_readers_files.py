"""planner.readers refuses anything that is not a user's document, before opening it, and caps reads by
the bytes actually read (a /proc file says its size is 0; /dev/zero never ends)."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from planner import cli, readers
from planner.errors import InputError

LINUX = Path("/proc/self/environ").exists()


def _key(path, kind: str = "family") -> str:
    with pytest.raises(InputError) as caught:
        readers.read_bytes(path, "--children", kind)
    (problem,) = caught.value.problems
    assert problem.field == "--children"
    return problem.key


@pytest.mark.skipif(not LINUX, reason="needs Linux /proc and /dev")
@pytest.mark.parametrize("path, key", [("/proc/self/environ", "system"), ("/proc/self/status", "system"),
                                       ("/sys/kernel/mm/transparent_hugepage/enabled", "system"),
                                       ("/dev/zero", "special"), ("/dev/null", "special")])
def test_pseudo_files_and_devices_are_refused(path, key):
    if not Path(path).exists():
        pytest.skip(f"{path} does not exist here")
    assert _key(path) == f"problems.input.file.{key}"


@pytest.mark.skipif(not LINUX, reason="needs Linux /proc")
def test_a_link_to_proc_in_an_ordinary_folder_is_refused(tmp_path):
    link = tmp_path / "children.csv"
    link.symlink_to("/proc/self/environ")
    assert _key(link) == "problems.input.file.system"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "children.csv"
    os.mkfifo(fifo)
    outcome: list[str] = []
    worker = threading.Thread(target=lambda: outcome.append(_key(fifo)), daemon=True)
    worker.start()
    worker.join(30)   # opening a FIFO for reading would block forever: the reader must never open it
    assert outcome == ["problems.input.file.special"]


def test_a_folder_and_a_missing_file(tmp_path):
    assert _key(tmp_path) == "problems.input.file.folder"
    assert _key(tmp_path / "nope.csv") == "problems.input.file.missing"


def test_the_limit_counts_bytes_read_not_the_reported_size(tmp_path, monkeypatch):
    path = tmp_path / "family.json"
    path.write_bytes(b"{" + b" " * 200 + b"}")
    monkeypatch.setitem(readers.MAX_BYTES, "family", 100)
    real_stat = os.stat

    def stat_saying_zero(target, *args, **kwargs):   # what /proc files report
        result = real_stat(target, *args, **kwargs)
        if str(target) != str(path):
            return result
        fields = list(result[:10])
        fields[6] = 0
        return os.stat_result(fields)

    monkeypatch.setattr(readers.os, "stat", stat_saying_zero)
    assert os.stat(path).st_size == 0
    assert _key(path) == "problems.input.file.too_large"
    monkeypatch.setitem(readers.MAX_BYTES, "family", 1000)
    assert readers.read_bytes(path, "--children", "family") == path.read_bytes()


@pytest.mark.skipif(not LINUX, reason="needs Linux /proc and /dev")
@pytest.mark.parametrize("argv", [["offers", "--children", "/proc/self/environ"],
                                  ["offers", "--children", "/dev/zero"],
                                  ["offers", "--children", "/etc"],
                                  ["site", "--candidates", "/dev/zero"],
                                  ["whatif", "--scenario", "/proc/self/environ"],
                                  ["rank", "/proc/self/environ"]])
def test_cli_refuses_with_one_line_naming_flag_value_and_fix(argv, capsys):
    os.environ.setdefault("PLANNER_TEST_MARKER", "x")
    code = cli.main(argv)
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err
    assert argv[-1] in err                                 # the value
    assert "PLANNER_TEST_MARKER" not in err and "PATH=" not in err   # nothing of the environment


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_cli_refuses_a_fifo(tmp_path, capsys):
    fifo = tmp_path / "kids.csv"
    os.mkfifo(fifo)
    assert cli.main(["offers", "--children", str(fifo)]) == 2
    assert "pipe" in capsys.readouterr().err


@pytest.mark.skipif(not LINUX, reason="needs Linux /dev")
def test_data_build_never_hashes_a_device_given_as_gtfs(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("PLANNER_DATA_DIR", str(tmp_path))
    code = cli.main(["data", "build", "--name", "x", "--osm", str(tmp_path / "missing.osm.pbf"), "--gtfs", "/dev/zero"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert any(line.startswith("error: --gtfs") and "/dev/zero" in line and "device" in line
               for line in err.splitlines()), err
