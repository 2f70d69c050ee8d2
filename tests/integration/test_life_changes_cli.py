"""``python -m planner changes`` and the ``changes`` list in ``compare`` / ``rank`` on the default dataset."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from planner.datasets import load_dataset
from planner.errors import InputError
from planner.family import parse_family
from planner.life.evaluate import evaluate_changes
from planner.ranking import rank_units

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "docs" / "examples" / "family-changes.json"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "planner", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=300)


def test_changes_command_on_the_example():
    done = run("changes", str(EXAMPLE), "--lang", "sv")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    kinds = [c["type"] for c in result["changes"]]
    assert kinds == ["move", "move", "new_sibling", "work_change"]
    assert all(c["explanation"] for c in result["changes"])
    assert result["today"]["dates_to_act"]


def test_compare_carries_the_changes(tmp_path: Path):
    done = run("compare", str(EXAMPLE))
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["changes"]["changes"]) == 4


def test_bad_changes_exit_2_one_line_each(tmp_path: Path):
    data = json.loads(EXAMPLE.read_text())
    data["changes"] = [{"type": "new_sibling", "due_date": "2020-01-01"},
                       {"type": "move", "homes": [{"municipality": "Helsinki"}]},
                       {"type": "work_change", "date": "2026-01-01", "adult": "parent1", "weekly_work_hours": 20}]
    path = tmp_path / "family.json"
    path.write_text(json.dumps(data))
    done = run("changes", str(path), "--no-units")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert "Traceback" not in done.stderr
    assert len(lines) == 3
    assert any("changes[0].due_date" in line for line in lines)
    assert any("changes[1].homes[0].home" in line for line in lines)
    assert any("changes[2].date" in line for line in lines)


def test_unit_change_lists_units_that_shorten_the_day_or_the_trips():
    dataset = load_dataset()
    family = parse_family(json.loads(EXAMPLE.read_text()) | {"changes": []}, today=date(2026, 12, 1))
    ranking = rank_units(family, dataset)
    reachable = [u for u in ranking["units"] if u["child_day_s"] is not None and u["fits"]]
    if len(reachable) < 2:
        pytest.skip("the default dataset has fewer than two fitting units for this family")
    worst = max(reachable, key=lambda u: u["drop_off_s"] + u["pick_up_s"])
    result = evaluate_changes(family, [{"type": "unit_change", "child": "child1", "current_unit": worst["unit_id"]}],
                              dataset=dataset, today=date(2026, 12, 1))
    change = result["changes"][0]
    assert change["current"]["unit_id"] == worst["unit_id"]
    assert change["better_units"], "a unit with shorter trips exists, so it must be listed"
    for unit in change["better_units"]:
        assert unit["child_day_saved_s"] > 0 or unit["trips_saved_s"] > 0
    assert "transfer" in change["transfer"].lower()
    with pytest.raises(InputError) as error:
        evaluate_changes(family, [{"type": "unit_change", "child": "child1", "current_unit": "no-such-unit"}],
                         dataset=dataset, today=date(2026, 12, 1))
    assert error.value.problems[0].field == "changes[0].current_unit"


def test_unit_change_from_the_best_unit_finds_nothing_better():
    dataset = load_dataset()
    family = parse_family(json.loads(EXAMPLE.read_text()) | {"changes": []}, today=date(2026, 12, 1))
    fitting = [u for u in rank_units(family, dataset)["units"] if u["fits"] and u["child_day_s"] is not None]
    if not fitting:
        pytest.skip("no fitting unit in the default dataset for this family")
    best = min(fitting, key=lambda u: (u["child_day_s"], u["drop_off_s"] + u["pick_up_s"]))
    shorter_trips = [u for u in fitting if u["drop_off_s"] + u["pick_up_s"] < best["drop_off_s"] + best["pick_up_s"]]
    change = evaluate_changes(family, [{"type": "unit_change", "child": "child1", "current_unit": best["unit_id"]}],
                              dataset=dataset, today=date(2026, 12, 1), lang="fi")["changes"][0]
    # Only units with shorter trips can be listed (none has a shorter day than the shortest-day unit).
    assert {u["unit_id"] for u in change["better_units"]} <= {u["unit_id"] for u in shorter_trips}
    for unit in change["better_units"]:
        assert unit["child_day_saved_s"] <= 0 < unit["trips_saved_s"]


def test_unit_change_without_a_dataset_says_why():
    family = parse_family(json.loads(EXAMPLE.read_text()) | {"changes": []}, today=date(2026, 12, 1))
    change = evaluate_changes(family, [{"type": "unit_change", "child": "child1", "current_unit": "x"}],
                              today=date(2026, 12, 1), lang="sv")["changes"][0]
    assert change["units"]["available"] is False
    assert "dataset" in change["units"]["reason"]
    assert change["transfer"].startswith("Byte ansöks")
