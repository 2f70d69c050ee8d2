"""Catchments: imported polygons in EPSG:3879 match their units; derived network Voronoi areas."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import scipy.sparse as sp

from planner.catchment import Catchments, derive_catchments, import_catchments, label_nodes
from planner.errors import InputError
from planner.units import Unit

X0, Y0, STEP_M, SIDE = 385_000.0, 6_672_000.0, 50.0, 21
EDGE_S = 40.0  # 50 m at 1.25 m/s


def grid_graph(extra_isolated: bool = False) -> SimpleNamespace:
    """SIDE x SIDE street grid (EPSG:3067 near central Helsinki), both directions, 40 s per edge."""
    from pyproj import Transformer

    ix, iy = np.meshgrid(np.arange(SIDE), np.arange(SIDE), indexing="ij")
    x, y = X0 + ix.ravel() * STEP_M, Y0 + iy.ravel() * STEP_M
    index = (ix * SIDE + iy)
    us, vs = [], []
    for a, b in ((index[:-1, :], index[1:, :]), (index[:, :-1], index[:, 1:])):
        us += list(a.ravel()) + list(b.ravel())
        vs += list(b.ravel()) + list(a.ravel())
    n = SIDE * SIDE
    if extra_isolated:  # a lone node 400 m east of the grid, no edges
        x, y, n = np.append(x, X0 + 24 * STEP_M), np.append(y, Y0), n + 1
    time_s = sp.csr_array((np.full(len(us), EDGE_S), (us, vs)), shape=(n, n))
    lon, lat = Transformer.from_crs(3067, 4326, always_xy=True).transform(x, y)
    return SimpleNamespace(time_s=time_s, x=x, y=y, lat=np.asarray(lat), lon=np.asarray(lon))


def unit_at(graph, node: int, unit_id: str, provider: str = "municipal", dx: float = 3.0) -> Unit:
    from pyproj import Transformer

    lon, lat = Transformer.from_crs(3067, 4326, always_xy=True).transform(graph.x[node] + dx, graph.y[node])
    return Unit(unit_id, unit_id.upper(), float(lat), float(lon), provider=provider)


def node(i: int, j: int) -> int:
    return i * SIDE + j


def test_labels_follow_walking_time_to_the_nearest_municipal_unit():
    graph = grid_graph()
    units = [unit_at(graph, node(2, 2), "a"), unit_at(graph, node(18, 18), "b")]
    label, time_s = label_nodes(graph, units)
    assert label[node(0, 0)] == 0 and label[node(20, 20)] == 1
    assert label[node(15, 2)] == 0  # 13 blocks from a, 19 from b
    assert time_s[node(2, 5)] == pytest.approx(3 * EDGE_S + 3.0 / 1.25)  # 3 blocks + 3 m to the door


def test_derived_catchments_cover_every_node_and_hold_their_own_unit():
    graph = grid_graph()
    units = [unit_at(graph, node(2, 2), "a"), unit_at(graph, node(18, 18), "b"),
             unit_at(graph, node(10, 10), "p", provider="private"), unit_at(graph, node(2, 18), "c")]
    areas = derive_catchments(graph, units)
    assert areas.derived is True and sorted(areas.polygons) == ["a", "b", "c"]  # private units get none
    label, _ = label_nodes(graph, [u for u in sorted(units, key=lambda u: u.unit_id) if u.provider == "municipal"])
    names = np.array(["a", "b", "c"])[label]
    found = np.array([areas.unit_for(la, lo) for la, lo in zip(graph.lat, graph.lon)])
    assert (found == names).all()  # every node lies in the area of its nearest unit
    for unit in units:
        if unit.provider == "municipal":
            assert areas.unit_for(unit.lat, unit.lon) == unit.unit_id
    assert areas.info["units_outside_own_catchment"] == [] and areas.info["unreachable_nodes"] == 0
    assert areas.unit_for(60.30, 24.90) is None  # far outside the network's hull


def test_islands_of_the_network_go_to_the_nearest_area_and_are_counted():
    graph = grid_graph(extra_isolated=True)
    areas = derive_catchments(graph, [unit_at(graph, node(2, 2), "a"), unit_at(graph, node(18, 2), "b")])
    assert areas.info["unreachable_nodes"] == 1
    assert areas.unit_for(graph.lat[-1], graph.lon[-1]) == "b"


def test_no_municipal_units_no_derived_areas():
    graph = grid_graph()
    areas = derive_catchments(graph, [unit_at(graph, 0, "p", provider="private")])
    assert len(areas) == 0 and areas.unit_for(graph.lat[0], graph.lon[0]) is None


def test_geojson_round_trip_keeps_the_derived_flag():
    graph = grid_graph()
    areas = derive_catchments(graph, [unit_at(graph, node(2, 2), "a"), unit_at(graph, node(18, 18), "b")])
    data = areas.to_geojson()
    assert data["derived"] is True and all(f["properties"]["derived"] for f in data["features"])
    again = Catchments.from_geojson(data)
    assert again.derived and again.unit_for(graph.lat[0], graph.lon[0]) == "a"


# ------------------------------------------------------------------ imported (EPSG:3879, as cities publish)

def write_3879(tmp_path, with_ids: bool):
    import geopandas as gpd
    from shapely.geometry import Point

    # Two unit areas around central Helsinki points, plus one polygon far away with nothing inside.
    centres = {"k1": (60.1700, 24.9400), "k2": (60.1750, 24.9500), "none": (60.2500, 25.1000)}
    frame = gpd.GeoDataFrame(
        {"unit_id": list(centres)} if with_ids else {"alue": ["Kluuvi", "Kruununhaka", "Muu"]},
        geometry=gpd.GeoSeries([Point(lon, lat) for lat, lon in centres.values()], crs=4326).to_crs(3879).buffer(250),
        crs=3879)
    path = tmp_path / ("areas_ids.geojson" if with_ids else "areas.geojson")
    frame.to_file(path, driver="GeoJSON")
    assert "3879" in path.read_text()  # the file really is in EPSG:3879
    return path


UNITS = [Unit("k1", "Yksi", 60.1701, 24.9402), Unit("k2", "Kaksi", 60.1751, 24.9498),
         Unit("v1", "Seteli", 60.1749, 24.9502, provider="voucher")]


def test_imported_areas_in_epsg3879_match_units_by_unit_id(tmp_path):
    areas = import_catchments(write_3879(tmp_path, with_ids=True), UNITS[:2])
    assert areas.derived is False and sorted(areas.polygons) == ["k1", "k2"]
    assert areas.info["source_crs"].endswith("3879") and areas.info["matched_by"] == "unit_id"
    assert areas.info["unmatched"] == ["feature 3: unit_id 'none' not among the units"]
    assert areas.unit_for(60.1700, 24.9400) == "k1" and areas.unit_for(60.1752, 24.9501) == "k2"
    assert areas.unit_for(60.1600, 24.9000) is None


def test_imported_areas_without_ids_match_the_municipal_unit_inside(tmp_path):
    areas = import_catchments(write_3879(tmp_path, with_ids=False), UNITS)
    assert sorted(areas.polygons) == ["k1", "k2"]  # the voucher unit in k2's area is not its owner
    assert areas.info["matched_by"] == "location" and len(areas.info["unmatched"]) == 1
    assert areas.to_geojson()["features"][0]["properties"] == {"unit_id": "k1", "derived": False}


def test_unreadable_or_missing_catchment_files_name_the_flag(tmp_path):
    with pytest.raises(InputError) as caught:
        import_catchments(tmp_path / "missing.geojson", UNITS)
    assert caught.value.fields() == {"--catchments"}
    bad = tmp_path / "bad.geojson"
    bad.write_text("not json")
    with pytest.raises(InputError) as caught:
        import_catchments(bad, UNITS)
    assert caught.value.fields() == {"--catchments"}


def test_swedish_units_get_their_own_areas_and_finnish_areas_ignore_them():
    import dataclasses

    graph = grid_graph()
    a = unit_at(graph, node(2, 2), "a")                                    # Finnish
    b = unit_at(graph, node(18, 18), "b")                                  # Finnish
    s = dataclasses.replace(unit_at(graph, node(16, 16), "s"), languages=("sv",))          # Swedish only
    both = dataclasses.replace(unit_at(graph, node(2, 18), "x"), languages=("fi", "sv"))   # bilingual
    areas = derive_catchments(graph, [a, b, s, both])
    # Finnish areas: the Swedish-only unit takes no Finnish neighbourhood (node (17, 17) is b's, not s's)
    assert sorted(areas.polygons) == ["a", "b", "x"]
    near_s = (graph.lat[node(17, 17)], graph.lon[node(17, 17)])
    assert areas.unit_for(*near_s) == "b" and areas.unit_for(*near_s, language="fi") == "b"
    # Swedish areas among s and x only: the whole grid is split between them
    assert sorted(areas.language_polygons["sv"]) == ["s", "x"]
    assert areas.unit_for(*near_s, language="sv") == "s"
    corner = (graph.lat[node(0, 0)], graph.lon[node(0, 0)])   # 16 + 16 blocks to s, 0 + 18 to x
    assert areas.unit_for(*corner) == "a" and areas.unit_for(*corner, language="sv") == "x"
    assert areas.info["languages"] == {"fi": 3, "sv": 2}
    # another language has no areas of its own: the main (Finnish) ones answer
    assert areas.unit_for(*corner, language="en") == "a"
    # the areas survive the dataset file
    again = Catchments.from_geojson(areas.to_geojson())
    assert again.unit_for(*near_s, language="sv") == "s" and again.unit_for(*near_s) == "b"
    assert len(areas.to_geojson()["features"]) == 3   # the map of main areas stays one partition
