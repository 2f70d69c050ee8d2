"""Compiled (numba) search for ``distance_m``: Dijkstra on travel time that carries each node's metres.

When an edge u → v improves v's time, v's metres become u's metres + the edge's length, so when the
search ends every node holds the length of the fastest path the search settled on (one of them where
several are equally fast). One search per point, no predecessor array, no second pass.

Without numba the same function runs as plain Python (same answers, far slower).
"""
from __future__ import annotations

import numpy as np

try:  # pragma: no cover - whichever is installed
    from numba import njit
except ImportError:  # pragma: no cover
    def njit(*args, **kwargs):  # type: ignore[no-redef]
        if args and callable(args[0]):
            return args[0]
        return lambda fn: fn


@njit(cache=True)
def _sift_up(keys, nodes, i):
    key, node = keys[i], nodes[i]
    while i > 0:
        parent = (i - 1) >> 1
        if keys[parent] <= key:
            break
        keys[i], nodes[i] = keys[parent], nodes[parent]
        i = parent
    keys[i], nodes[i] = key, node


@njit(cache=True)
def _sift_down(keys, nodes, size):
    key, node = keys[0], nodes[0]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and keys[child + 1] < keys[child]:
            child += 1
        if keys[child] >= key:
            break
        keys[i], nodes[i] = keys[child], nodes[child]
        i = child
    keys[i], nodes[i] = key, node


@njit(cache=True)
def time_and_metres(indptr, indices, time_w, length_w, start_nodes, start_s, start_m):
    """Seconds and metres of the fastest path from the start nodes (with their start seconds and
    metres) to every node; inf where unreachable. CSR arrays: int64 ``indptr``/``indices``, float64
    weights aligned with ``indices``."""
    n = indptr.shape[0] - 1
    secs = np.full(n, np.inf)
    metres = np.full(n, np.inf)
    done = np.zeros(n, dtype=np.bool_)
    capacity = indices.shape[0] + start_nodes.shape[0] + 1
    keys = np.empty(capacity, dtype=np.float64)
    nodes = np.empty(capacity, dtype=np.int64)
    size = 0
    for k in range(start_nodes.shape[0]):
        v = start_nodes[k]
        if start_s[k] < secs[v]:
            secs[v] = start_s[k]
            metres[v] = start_m[k]
            keys[size], nodes[size] = start_s[k], v
            _sift_up(keys, nodes, size)
            size += 1
    while size > 0:
        key, u = keys[0], nodes[0]
        size -= 1
        if size > 0:
            keys[0], nodes[0] = keys[size], nodes[size]
            _sift_down(keys, nodes, size)
        if done[u] or key > secs[u]:
            continue
        done[u] = True
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            t = key + time_w[e]
            if t < secs[v]:
                secs[v] = t
                metres[v] = metres[u] + length_w[e]
                keys[size], nodes[size] = t, v
                _sift_up(keys, nodes, size)
                size += 1
    return secs, metres
