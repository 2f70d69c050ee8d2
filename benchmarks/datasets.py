"""Timings of the dataset parts (prints figures; never part of the test run).

    .venv/bin/python benchmarks/datasets.py [--tampere]

Builds into a temporary PLANNER_DATA_DIR: the default dataset (the real central-Helsinki 2024 extract),
the demo fixture, then (with --tampere) the shipped Tampere dataset with its GTFS feed.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def timed(label: str, func, *args, **kwargs):
    start = time.perf_counter()
    result = func(*args, **kwargs)
    print(f"{label:<48s} {time.perf_counter() - start:8.2f} s")
    return result


def main() -> None:
    os.environ["PLANNER_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-datasets-")
    from planner.catchment import derive_catchments
    from planner.datasets import build_default_dataset, build_embedded_dataset, load_dataset
    from planner.datasets.osm_units import osm_units
    from planner.datasets.store import default_osm_path
    from planner.geocode import AddressIndex

    pbf = default_osm_path()
    index = timed("address index from the Helsinki extract", AddressIndex.from_osm, pbf)
    queries = ["Aleksanterinktu 5", "Lonnrotinkatu 7", "Mannerheimint. 20", "Fabianinkatu 99"] * 25
    start = time.perf_counter()
    for query in queries:
        index.lookup(query)
    print(f"{'address lookup (mean of 100)':<48s} {(time.perf_counter() - start) / len(queries) * 1000:8.2f} ms")
    print(f"load average before the builds: {open('/proc/loadavg').read().split()[:3]}")
    timed("units from OSM, cleaned (default extract)", osm_units, pbf)
    summary = timed("build default dataset (cold)", build_default_dataset)
    timed("build default dataset again (reused)", build_default_dataset)
    dataset = timed("load_dataset(None)", load_dataset)
    walk = timed("load walk graph", dataset.graph, "walk")
    timed(f"derive catchments ({walk.time_s.shape[0]} nodes)", derive_catchments, walk, dataset.units)
    print(f"default: {summary['units']} units, {summary['area_km2']} km², modes {summary['modes']}")
    timed("build demo fixture dataset (cold)", build_embedded_dataset, "demo")
    if "--tampere" in sys.argv:
        built = timed("build Tampere dataset (with GTFS)", build_embedded_dataset, "tampere")
        tampere = load_dataset("tampere")
        walk = tampere.graph("walk")
        timed(f"derive catchments Tampere ({walk.time_s.shape[0]} nodes)", derive_catchments, walk, tampere.units)
        print(f"tampere: {built['units']} units, {built['area_km2']} km², modes {built['modes']}")


if __name__ == "__main__":
    main()
