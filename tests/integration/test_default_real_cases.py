"""Real cases of the default dataset (central Helsinki 2024, real kindergartens) that once stopped a run.

Päiväkoti Suomenlinna (OSM way 123027945) stands on an island whose streets are not in the extract:
every command must name it and leave it out of that run, never exit 2 because of it.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner import cli

SUOMENLINNA = "osm-way-123027945"


@pytest.fixture(scope="module")
def dataset():
    from planner.datasets import load_dataset

    return load_dataset()


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 else None), err


def test_whatif_names_the_island_unit_and_leaves_it_out(capsys, dataset):
    assert SUOMENLINNA in {u.unit_id for u in dataset.all_units} and SUOMENLINNA not in dataset.units_by_id
    code, out, err = run(capsys, "whatif", "--max-minutes", "10", "--lang", "fi")
    assert code == 0, err
    assert [item["id"] for item in out["left_out"]] == [SUOMENLINNA]
    assert "Päiväkoti Suomenlinna" in out["left_out"][0]["reason"] and "jätetään pois" in out["left_out"][0]["reason"]
    listed = {row["unit_id"] for row in out["baseline"]["units"]}
    assert SUOMENLINNA not in listed and len(listed) == len(dataset.all_units) - 1


def test_site_leaves_out_a_candidate_off_the_network_and_keeps_the_others(capsys, dataset, tmp_path):
    path = tmp_path / "candidates.csv"
    # c-island: the middle of the sea between Kaivopuisto and Suomenlinna, far from every street
    path.write_text("id,lat,lon,capacity_seats\nc-centre,60.1650,24.9400,200\nc-island,60.1500,24.9700,200\n",
                    encoding="utf-8")
    code, out, err = run(capsys, "site", "--candidates", str(path), "--add", "1", "--objective", "coverage",
                         "--max-minutes", "10")
    assert code == 0, err
    assert {item["id"] for item in out["left_out"]} == {SUOMENLINNA, "c-island"}
    assert [row["id"] for row in out["chosen"]] == ["c-centre"]


def test_rank_names_the_island_unit_instead_of_failing(capsys, dataset, repo_root):
    code, out, err = run(capsys, "rank", str(repo_root / "docs/examples/family-espoo.json"), "--lang", "sv")
    assert code == 0, err
    assert SUOMENLINNA not in {row["unit_id"] for row in out["units"]}
    assert [item["id"] for item in out["left_out"]] == [SUOMENLINNA]
    assert "lämnas utanför" in out["left_out"][0]["reason"]
    # every real unit says what the importer assumed (provider, language, capacity ...)
    rows = {row["name"]: row for row in out["units"]}
    assert any("capacity unknown" in note for note in rows["Päiväkoti Kamppi"]["assumptions"])
    assert rows["Päiväkoti Kamppi"]["capacity_assumed"] is True
    assert any("operator 'Carousel Nursery oy'" in note for note in rows["Carousel Nursery School"]["assumptions"])


def test_the_planner_page_names_the_island_unit(dataset):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "pages" / "planner_workbench.py"),
                           default_timeout=180)
    at.session_state["lang"] = "en"
    at.session_state["wb.show_maps"] = False
    at.run()
    assert not at.exception, at.exception
    assert any("Päiväkoti Suomenlinna" in w.value for w in at.warning)


def test_offers_use_the_assumed_capacity_and_say_so(capsys, dataset, repo_root):
    code, out, err = run(capsys, "offers", "--children", str(repo_root / "docs/examples/children-small.csv"))
    assert code == 0, err
    assert out["offers"], "unknown capacities must not mean 0 seats"
    assert all(row["capacity_assumed"] for row in out["occupancy"] if row["total_seats"] is None)


def test_derived_catchments_end_at_the_shore(dataset):
    # open sea inside the map's convex hull (south of Eira; east of Katajanokka) belongs to no catchment
    # area (islets with paths, such as Harakka, still do); the shore does
    assert dataset.catchments.unit_for(60.1480, 24.9400) is None
    assert dataset.catchments.unit_for(60.1620, 24.9750) is None
    assert dataset.catchments.unit_for(60.1560, 24.9500) is not None   # Kaivopuisto, on land
    assert "no open water" in dataset.meta["catchments"]["clipped_to"]
