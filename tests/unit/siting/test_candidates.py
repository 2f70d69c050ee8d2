"""Candidates: one parser for typed points, CSV and GeoJSON text; the grid and building generators."""
from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from planner.errors import InputError
from planner.i18n import translate
from planner.siting import candidates as cand
from planner.siting.candidates import (Candidate, building_candidates, candidates_for, grid_candidates,
                                       parse_candidates_text)


def rows(candidates):
    return [(c.candidate_id, c.lat, c.lon, c.capacity_seats) for c in candidates]


def test_one_candidate_type_old_imports_still_work():
    from planner.siting.commands import Candidate as Old

    assert Old is Candidate


def test_typed_points_one_per_line_with_optional_capacity():
    text = "60.17,24.94\n60.18,24.95\n\n60.165,24.93,70\n"
    assert rows(parse_candidates_text(text, field="points")) == [
        ("P1", 60.17, 24.94, None), ("P2", 60.18, 24.95, None), ("P3", 60.165, 24.93, 70.0)]
    # semicolons with decimal commas, as a Finnish spreadsheet writes them
    assert rows(parse_candidates_text("60,17;24,94;42\n60.18,24.95\n", field="points")) == [
        ("P1", 60.17, 24.94, 42.0), ("P2", 60.18, 24.95, None)]


def test_every_bad_typed_line_is_reported_by_its_line_number():
    with pytest.raises(InputError) as error:
        parse_candidates_text("60.17,24.94\nabc,24.9\n\n60.1,24.9,-5\n60.1,24.9,7,8\n60.1\n", field="points")
    problems = error.value.problems
    assert [p.field for p in problems] == ["points line 2 lat", "points line 4 capacity_seats", "points line 5",
                                           "points line 6 lon"]
    assert problems[0].expected == "a WGS84 latitude in decimal degrees (-90..90)"
    assert all(p.key and translate(p.key, "sv", **dict(p.params or {})) for p in problems)


def test_csv_text_with_header_and_row_numbers_counting_every_line():
    text = "id,lat,lon,capacity_seats\nA,60.1,24.9,42\n\nB,60.2,24.8,\n"
    assert rows(parse_candidates_text(text)) == [("A", 60.1, 24.9, 42.0), ("B", 60.2, 24.8, None)]
    with pytest.raises(InputError) as error:
        parse_candidates_text("id;lat;lon\nA;60,1;24,9\n\nA;91;24,9\n")
    assert [p.field for p in error.value.problems] == ["candidates row 4 id", "candidates row 4 lat"]


def test_geojson_text_and_whole_input_problems():
    text = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "g1", "properties": {"capacity_seats": 21},
         "geometry": {"type": "Point", "coordinates": [24.94, 60.17]}}]})
    assert rows(parse_candidates_text(text)) == [("g1", 60.17, 24.94, 21.0)]
    with pytest.raises(InputError) as error:
        parse_candidates_text("", field="points")
    assert [(p.field, p.expected) for p in error.value.problems] == [("points", "at least one candidate")]
    with pytest.raises(InputError) as error:
        parse_candidates_text("name,x,y\n", source="c.csv")
    assert error.value.problems[0].value == "c.csv" and "missing: id, lat, lon" in error.value.problems[0].expected


def test_at_most_max_count_candidates():
    text = "\n".join(f"60.1{i},24.9" for i in range(4))
    assert len(parse_candidates_text(text, max_count=4)) == 4
    with pytest.raises(InputError) as error:
        parse_candidates_text(text, field="points", max_count=3)
    assert error.value.problems[0].field == "points" and "at most 3" in error.value.problems[0].expected


def test_load_candidates_reads_the_file_with_the_same_parser(tmp_path):
    from planner.siting.commands import load_candidates

    text = "id,lat,lon,capacity_seats\nA,60.1,24.9,42\nB,60.2,24.8,\n"
    path = tmp_path / "c.csv"
    path.write_text(text, encoding="utf-8")
    assert load_candidates(path) == parse_candidates_text(text)
    bad = tmp_path / "bad.csv"
    bad.write_text("id,lat,lon\nA,60.1,x\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_candidates(bad, field="--candidates")
    assert [p.field for p in error.value.problems] == ["--candidates row 2 lon"]


def straight_street():
    """A street of 11 nodes 100 m apart along the parallel 60° N, 1 km long."""
    kx = cand.METRES_PER_DEGREE_LAT * np.cos(np.radians(60.0))
    return SimpleNamespace(lat=np.full(11, 60.0), lon=24.9 + np.arange(11) * 100.0 / kx), kx


def test_grid_candidates_keep_points_near_streets():
    graph, kx = straight_street()
    grid = grid_candidates(graph, 200.0)
    # x: 100, 300, 500, 700, 900 m; y: one row (the street has no height) → 5 points on the street
    assert [c.candidate_id for c in grid] == ["G1", "G2", "G3", "G4", "G5"]
    assert all(abs(c.lat - 60.0) < 1e-9 for c in grid)
    assert [round((c.lon - 24.9) * kx) for c in grid] == [100, 300, 500, 700, 900]


def test_grid_spacing_problems_name_the_field_in_every_language():
    graph, _ = straight_street()
    with pytest.raises(InputError) as error:
        grid_candidates(graph, 10.0)
    problem = error.value.problems[0]
    assert (problem.field, problem.expected) == ("grid_spacing_m", "a grid spacing of 50 m or more")
    assert problem.expected_in("fi") == "ruudukon väli vähintään 50 m"
    with pytest.raises(InputError) as error:
        grid_candidates(graph, 50.0, max_count=5)       # 20 points along the street
    assert "this one gives 20 points, at most 5" in error.value.problems[0].expected


def test_building_candidates_are_the_cells_with_most_children_in_row_order():
    demand = pd.DataFrame({"lat": [60.0, 60.1, 60.2, 60.3], "lon": [24.0, 24.1, 24.2, 24.3],
                           "age_0_2": [1.0, 5.0, 0.0, 2.0], "age_3_5": [0.0, 0.0, 1.0, 2.0],
                           "age_6": [0.0, 0.0, 0.0, 1.0]}, index=[10, 11, 12, 13])
    # children 1, 5, 1, 5 → the two largest are rows 2 and 4 (ids in row order)
    assert rows(building_candidates(demand, limit=2)) == [("B1", 60.1, 24.1, None), ("B2", 60.3, 24.3, None)]
    assert len(building_candidates(demand, limit=10)) == 4


def test_candidates_for_dispatches_by_source():
    graph, _ = straight_street()
    asked = []
    demand = pd.DataFrame({"lat": [60.0], "lon": [24.9], "age_0_2": [1.0], "age_3_5": [0.0], "age_6": [0.0]})
    dataset = SimpleNamespace(graph=lambda mode: asked.append(mode) or graph, demand=demand)
    assert len(candidates_for("grid", dataset, mode="transit", spacing_m=200.0)) == 5
    assert asked == ["walk"]                    # public transport: the grid lies over the walk network
    assert rows(candidates_for("points", dataset, text="60.1,24.9")) == [("P1", 60.1, 24.9, None)]
    assert rows(candidates_for("buildings", dataset)) == [("B1", 60.0, 24.9, None)]
    with pytest.raises(InputError) as error:
        candidates_for("points", dataset, text="\n".join(["60.1,24.9"] * (cand.MAX_CANDIDATES + 1)))
    assert error.value.problems[0].field == "points"
    with pytest.raises(InputError):
        candidates_for("parcels", dataset)
