"""Street networks and travel times: per-mode CSR graphs (graph.py) and the engine (engine.py).

Public transport (gtfs.py, raptor.py, transit.py, osm_transit.py) builds on the walking engine.
``from planner.network import ModeGraph, TravelTimeEngine, build_mode_graphs`` works; the submodules
are imported lazily so ``import planner.network`` stays cheap.
"""
from __future__ import annotations

from typing import Any

MODES: tuple[str, ...] = ("walk", "bike", "car")

_LAZY = {
    "ModeGraph": "planner.network.graph",
    "build_mode_graphs": "planner.network.graph",
    "graph_from_edges": "planner.network.graph",
    "TravelTimeEngine": "planner.network.engine",
    "Snap": "planner.network.engine",
    "Route": "planner.network.engine",
}

__all__ = ["MODES", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'planner.network' has no attribute {name!r}")
