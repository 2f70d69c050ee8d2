"""Point sets of ``python -m planner matrix``: specs, grid files in WGS84 / EPSG:3067 / GeoJSON, addresses."""
from __future__ import annotations

import json

import numpy as np
import pytest

from planner.errors import InputError
from planner.matrix.points import load_points, parse_spec
from planner.matrix.run import MatrixJob, choose_runner
from planner.matrix.points import PointSet


class _Addresses:
    def resolve(self, text, field="address"):
        known = {"Mannerheimintie 1": (60.1688, 24.9412)}
        if text not in known:
            raise InputError.single(field, text, "an address of the dataset")
        return known[text]


class _Dataset:
    name = "test"
    demand = None
    units = []
    addresses = _Addresses()


def test_specs_name_the_kind_and_file(tmp_path):
    path = tmp_path / "cells.csv"
    path.write_text("id,lat,lon\n", encoding="utf-8")
    assert parse_spec(f"grid:{path}", "--origins") == ("grid", path)
    assert parse_spec("units", "--destinations") == ("units", None)
    for bad, expected in (("grid", "grid:FILE"), ("units:x.csv", "'units' alone"), ("cells", "demand, units")):
        with pytest.raises(InputError) as error:
            parse_spec(bad, "--origins")
        assert expected in error.value.problems[0].expected


def test_grid_csv_in_etrs_tm35fin_metres(tmp_path):
    # EPSG:3067 is transverse Mercator on GRS80, central meridian 27° E, false easting 500 000 m, scale
    # 0.9996: the point 60° N 27° E lies at x = 500 000 and y = 0.9996 × the meridian arc to 60°
    # (6 654 072.82 m on GRS80) = 6 651 411.19 m.
    path = tmp_path / "cells.csv"
    path.write_text("id;x;y\nc;500000;6651411.19\n", encoding="utf-8")
    cells = load_points(f"grid:{path}", _Dataset(), "--origins")
    assert cells.ids == ("c",)
    assert cells.lat[0] == pytest.approx(60.0, abs=1e-6)
    assert cells.lon[0] == pytest.approx(27.0, abs=1e-9)


def test_grid_geojson_polygons_give_centroids_and_ids(tmp_path):
    square = [[24.94, 60.17], [24.945, 60.17], [24.945, 60.1725], [24.94, 60.1725], [24.94, 60.17]]
    data = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"YKR_ID": 5975375}, "geometry": {"type": "Polygon", "coordinates": [square]}}]}
    path = tmp_path / "grid.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    cells = load_points(f"grid:{path}", _Dataset(), "--origins")
    assert cells.ids == ("5975375",)
    assert cells.lat[0] == pytest.approx(60.17125, abs=1e-4) and cells.lon[0] == pytest.approx(24.9425, abs=1e-4)


def test_every_bad_row_is_named(tmp_path):
    path = tmp_path / "cells.csv"
    path.write_text("id,lat,lon\na,60.1,24.9\na,60.2,24.9\n,60.3,24.9\nb,95,24.9\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_points(f"grid:{path}", _Dataset(), "--origins")
    fields = [p.field for p in error.value.problems]
    assert fields == ["--origins row 4 id", "--origins row 5 lat,lon"]
    path.write_text("id,lat,lon\na,60.1,24.9\na,60.2,24.9\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_points(f"grid:{path}", _Dataset(), "--origins")
    assert error.value.problems[0].field == "--origins id" and error.value.problems[0].value == "a"


def test_addresses_are_looked_up_and_unknown_ones_named(tmp_path):
    path = tmp_path / "homes.txt"
    path.write_text("Mannerheimintie 1\n\nNowhere street 9\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_points(f"addresses:{path}", _Dataset(), "--origins")
    assert [p.field for p in error.value.problems] == ["--origins row 3"]
    path.write_text("Mannerheimintie 1\n", encoding="utf-8")
    homes = load_points(f"addresses:{path}", _Dataset(), "--origins")
    assert homes.ids == ("Mannerheimintie 1",) and homes.lat[0] == 60.1688


def _job(folder, n_o: int, n_d: int, block: int = 4) -> MatrixJob:
    def pts(n, prefix):
        return PointSet("grid", tuple(f"{prefix}{i}" for i in range(n)), np.full(n, 60.17), np.full(n, 24.94), {})
    (folder / "dataset.json").write_text('{"name": "t"}', encoding="utf-8")
    return MatrixJob(dataset_path=folder, dataset_name="t", origins=pts(n_o, "o"),
                     destinations=pts(n_d, "d"), modes=("walk", "transit"), departs=("2025-03-04T08:00",),
                     window_min=10, block_size=block)


def test_blocks_cut_the_smaller_side_and_transit_always_origins(tmp_path):
    job = _job(tmp_path, 10, 3)
    tasks = job.tasks(tmp_path)
    walk = [t for t in tasks if t.mode == "walk"]
    transit = [t for t in tasks if t.mode == "transit"]
    assert [len(t.ids) for t in walk] == [3] and walk[0].side == "destinations"
    assert [len(t.ids) for t in transit] == [4, 4, 2] and transit[0].side == "origins"
    assert job.searches() == 3 + 10 * 10          # a 10-minute window counts ten searches per origin
    assert choose_runner(job, workers=1, scheduler=None).kind == "single"
    assert choose_runner(job, workers=3, scheduler=None).workers == 3
    assert choose_runner(job, workers=None, scheduler="tcp://h:8786").kind == "scheduler"
    assert choose_runner(_job(tmp_path, 5, 5), workers=None, scheduler=None).kind == "single"   # small: this process


def test_progress_bar_prints_at_most_a_line_per_tenth_off_a_terminal():
    import io

    from planner.matrix.run import Progress

    stream = io.StringIO()
    bar = Progress(total=40, done=4, enabled=True, stream=stream)
    for _ in range(36):
        bar.step()
    lines = stream.getvalue().splitlines()
    assert 2 <= len(lines) <= 11 and lines[-1].startswith("matrix [") and "40/40 blocks" in lines[-1]


def test_a_task_carries_ids_and_coordinates_not_graphs(tmp_path):
    """What travels to a Dask worker per block: the block's ids and coordinates (cloudpickle, as Dask does)."""
    import cloudpickle

    job = _job(tmp_path, 5000, 13_231, block=64)
    task = job.tasks(tmp_path)[0]
    assert len(task.ids) == 64
    assert len(cloudpickle.dumps(task)) < 6_000      # ~64 ids + 64 × 2 floats + paths
