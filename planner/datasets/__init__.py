"""Datasets: street networks per mode + daycare units + catchments + addresses + transit + demand.

``load_dataset(None)`` gives the embedded default (built on first use); ``build_dataset`` makes one
from local files; ``list_datasets`` lists the built ones. See docs/datasets.md.
"""
from __future__ import annotations

from planner.datasets.build import build_dataset, build_default_dataset, build_embedded_dataset
from planner.datasets.store import DEFAULT_DATASET, Dataset, data_dir, list_datasets, load_dataset

__all__ = ["DEFAULT_DATASET", "Dataset", "build_dataset", "build_default_dataset", "build_embedded_dataset", "data_dir",
           "list_datasets", "load_dataset"]
