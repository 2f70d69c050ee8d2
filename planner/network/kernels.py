"""Compiled inner loops (numba) of the routing engine: Dijkstra, RAPTOR rounds, egress gathering.

Each kernel works on flat numpy arrays only (CSR ``indptr``/``indices``/``data``, int64 and float64),
so the Python side stays a thin wrapper. numba compiles them on first use and caches the machine
code next to this file (``__pycache__``), so later processes load them in milliseconds. Without
numba installed the same functions run as plain Python (same answers, much slower): the tests
prove the algorithms, the benchmarks the speed.

Dijkstra here is the textbook algorithm with a 4-ary heap and lazy deletion; sources carry start
offsets (a point snapped onto an edge starts at the edge's two end nodes), ``limit_s`` stops the
search at that many seconds (nodes beyond stay ``inf``) and ``targets`` stops it once every target
is settled. Times are seconds; unreachable is ``inf``.
"""
from __future__ import annotations

import math

import numpy as np

try:  # pragma: no cover - exercised by whichever of the two is installed
    from numba import njit

    HAVE_NUMBA = True
except ImportError:  # pragma: no cover
    HAVE_NUMBA = False

    def njit(*args, **kwargs):  # type: ignore[no-redef]
        """Plain Python stand-in for ``numba.njit`` (same results, no compilation)."""
        if args and callable(args[0]):
            return args[0]
        return lambda fn: fn

INF = math.inf


# -- 4-ary heap (parallel arrays of keys and nodes; shallower than binary: ~25 % faster searches) ------
@njit(cache=True, inline="always")
def _push(keys, vals, size, key, val):
    i = size
    while i > 0:
        parent = (i - 1) >> 2
        if keys[parent] <= key:
            break
        keys[i] = keys[parent]
        vals[i] = vals[parent]
        i = parent
    keys[i] = key
    vals[i] = val
    return size + 1


@njit(cache=True, inline="always")
def _pop(keys, vals, size):
    """Remove the minimum (read by the caller beforehand from keys[0], vals[0]); new size."""
    size -= 1
    if size == 0:
        return 0
    key = keys[size]
    val = vals[size]
    i = 0
    while True:
        child = 4 * i + 1
        if child >= size:
            break
        best = child
        best_key = keys[child]
        last = child + 4 if child + 4 < size else size
        for c in range(child + 1, last):
            if keys[c] < best_key:
                best_key = keys[c]
                best = c
        if best_key >= key:
            break
        keys[i] = best_key
        vals[i] = vals[best]
        i = best
    keys[i] = key
    vals[i] = val
    return size


@njit(cache=True)
def _dijkstra_into(indptr, indices, data, sources, offsets, limit_s, dist, target_mask, n_targets,
                   keys, vals, order, settle_s=0.0, pred=None):
    """Dijkstra writing into ``dist`` (pre-filled with inf); settled nodes are listed in ``order``;
    returns how many. With targets, stops once all are settled and every node within ``settle_s``
    is too."""
    size = 0
    for k in range(sources.shape[0]):
        s = sources[k]
        t = offsets[k]
        if t < 0.0:
            t = 0.0
        if t <= limit_s and t < dist[s]:
            dist[s] = t
            if pred is not None:
                pred[s] = -1
            size = _push(keys, vals, size, t, s)
    remaining = n_targets
    settled = 0
    while size > 0:
        d = keys[0]
        u = vals[0]
        size = _pop(keys, vals, size)
        if d > dist[u]:
            continue
        order[settled] = u
        settled += 1
        if remaining > 0 and target_mask[u]:
            target_mask[u] = False
            remaining -= 1
        if n_targets > 0 and remaining == 0 and d > settle_s:
            break
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            nd = d + data[e]
            if nd < dist[v] and nd <= limit_s:
                dist[v] = nd
                if pred is not None:
                    pred[v] = u
                size = _push(keys, vals, size, nd, v)
    return settled


@njit(cache=True)
def _search_arrays(indptr, indices, sources, targets):
    """The arrays one search works in: labels (inf), the target mask and its count, the heap's keys and
    values (every push strictly lowers a node's label, so pushes <= sources + edges) and the settle order."""
    n = indptr.shape[0] - 1
    dist = np.full(n, INF)
    mask = np.zeros(n, dtype=np.bool_)
    n_targets = 0
    for k in range(targets.shape[0]):
        if not mask[targets[k]]:
            mask[targets[k]] = True
            n_targets += 1
    cap = indices.shape[0] + sources.shape[0] + 1
    keys = np.empty(cap, dtype=np.float64)
    vals = np.empty(cap, dtype=np.int64)
    order = np.empty(n, dtype=np.int64)
    return dist, mask, n_targets, keys, vals, order


@njit(cache=True)
def dijkstra(indptr, indices, data, sources, offsets, limit_s, targets, settle_s=0.0):
    """Seconds from the nearest source (plus its offset) to every node; inf beyond ``limit_s``.

    ``targets`` (int64, may be empty): stop once all of them are settled and every node within
    ``settle_s`` is (other nodes' values may then be unfinished upper bounds or inf).
    """
    dist, mask, n_targets, keys, vals, order = _search_arrays(indptr, indices, sources, targets)
    _dijkstra_into(indptr, indices, data, sources, offsets, limit_s, dist, mask, n_targets, keys, vals, order,
                   settle_s)
    return dist


@njit(cache=True)
def dijkstra_pred(indptr, indices, data, sources, offsets, targets):
    """:func:`dijkstra` plus the predecessor of each node on its path (-1 at sources and unreached)."""
    dist, mask, n_targets, keys, vals, order = _search_arrays(indptr, indices, sources, targets)
    pred = np.full(dist.shape[0], -1, dtype=np.int64)
    _dijkstra_into(indptr, indices, data, sources, offsets, INF, dist, mask, n_targets, keys, vals, order,
                   0.0, pred)
    return dist, pred


@njit(cache=True)
def dijkstra_gather(indptr, indices, data, src_nodes, src_offsets, src_ptr, limit_s, end_nodes, end_times):
    """Many searches, each gathered at the same end points: ``out[q, j] = min_c dist_q[end_nodes[j, c]]
    + end_times[j, c]``.

    Search ``q`` starts at ``src_nodes[src_ptr[q]:src_ptr[q+1]]`` with those offsets and stops once
    every end node is settled (or at ``limit_s``). The result is the door-to-door matrix of points
    snapped onto edges (entries of their edge), without building any augmented graph.
    """
    n = indptr.shape[0] - 1
    n_q = src_ptr.shape[0] - 1
    n_end = end_nodes.shape[0]
    width = end_nodes.shape[1]
    out = np.full((n_q, n_end), INF)
    dist = np.full(n, INF)
    mask = np.zeros(n, dtype=np.bool_)
    cap = indices.shape[0] + src_nodes.shape[0] + 1
    keys = np.empty(cap, dtype=np.float64)
    vals = np.empty(cap, dtype=np.int64)
    order = np.empty(n, dtype=np.int64)
    for q in range(n_q):
        n_targets = 0
        for j in range(n_end):
            for c in range(width):
                if end_times[j, c] < INF:
                    v = end_nodes[j, c]
                    if not mask[v]:
                        mask[v] = True
                        n_targets += 1
        a = src_ptr[q]
        b = src_ptr[q + 1]
        _dijkstra_into(indptr, indices, data, src_nodes[a:b], src_offsets[a:b], limit_s, dist, mask,
                       n_targets, keys, vals, order)
        for j in range(n_end):
            best = INF
            for c in range(width):
                t = end_times[j, c]
                if t < INF:
                    v = end_nodes[j, c]
                    x = dist[v] + t
                    if x < best:
                        best = x
            out[q, j] = best
        dist[:] = INF
        mask[:] = False
    return out


@njit(cache=True)
def bounded_rows(indptr, indices, data, sources, offsets, limit_s):
    """One bounded search per source: CSR rows ``(row_ptr, cols, vals)`` of the nodes within ``limit_s``.

    ``offsets[k]`` is added to source ``k``'s times (e.g. the walk from a stop to its node) and the
    limit applies to the total. Cost: the nodes within the limit, not the whole graph, per source.
    """
    n = indptr.shape[0] - 1
    m = sources.shape[0]
    dist = np.full(n, INF)
    mask = np.zeros(n, dtype=np.bool_)
    cap = indices.shape[0] + 2
    keys = np.empty(cap, dtype=np.float64)
    vals = np.empty(cap, dtype=np.int64)
    order = np.empty(n, dtype=np.int64)
    row_ptr = np.zeros(m + 1, dtype=np.int64)
    out_cols = np.empty(1024, dtype=np.int64)
    out_vals = np.empty(1024, dtype=np.float64)
    count = 0
    src = np.empty(1, dtype=np.int64)
    off = np.empty(1, dtype=np.float64)
    for k in range(m):
        src[0] = sources[k]
        off[0] = offsets[k]
        n_vis = _dijkstra_into(indptr, indices, data, src, off, limit_s, dist, mask, 0, keys, vals, order)
        if count + n_vis > out_cols.shape[0]:
            new_cap = max(2 * out_cols.shape[0], count + n_vis)
            c2 = np.empty(new_cap, dtype=np.int64)
            v2 = np.empty(new_cap, dtype=np.float64)
            c2[:count] = out_cols[:count]
            v2[:count] = out_vals[:count]
            out_cols = c2
            out_vals = v2
        row = np.sort(order[:n_vis])   # CSR rows sorted by column
        for i in range(n_vis):
            v = row[i]
            out_cols[count + i] = v
            out_vals[count + i] = dist[v]
            dist[v] = INF
        count += n_vis
        row_ptr[k + 1] = count
    return row_ptr, out_cols[:count].copy(), out_vals[:count].copy()


@njit(cache=True)
def gather_min(col_ptr, rows, vals, row_values, out):
    """``out[j] = min(out[j], min_k row_values[rows[k]] + vals[k])`` over column ``j``'s entries (CSC)."""
    n = col_ptr.shape[0] - 1
    for j in range(n):
        best = out[j]
        for k in range(col_ptr[j], col_ptr[j + 1]):
            x = row_values[rows[k]] + vals[k]
            if x < best:
                best = x
        out[j] = best
    return out


# -- RAPTOR ------------------------------------------------------------------------------------------
@njit(cache=True)
def raptor_rounds(n_stops, pat_ptr, pat_stops, pat_pickup, pat_dropoff, n_trips, times_ptr,
                  dep, arr, stop_pat_ptr, stop_pat, stop_pat_pos, fp_ptr, fp_to, fp_time,
                  access_s, max_rounds, latest_dep):
    """RAPTOR rounds over flat arrays (see :mod:`planner.network.raptor` for the layout).

    Returns per round (row 0 = access) ``best`` (best arrival with at most that many vehicles, after
    footpaths), ``ride`` (arrival by a ride in that round), ``walk`` (arrival by the footpath walked
    after it) and the journey pointers: ``ride_pat``, ``ride_trip`` (column within the pattern),
    ``ride_board`` (position), ``walk_from`` (stop). Unused rounds are not returned.
    """
    best_all = np.full((max_rounds + 1, n_stops), INF)
    ride_all = np.full((max_rounds + 1, n_stops), INF)
    walk_all = np.full((max_rounds + 1, n_stops), INF)
    ride_pat = np.full((max_rounds + 1, n_stops), -1, dtype=np.int64)
    ride_trip = np.full((max_rounds + 1, n_stops), -1, dtype=np.int64)
    ride_board = np.full((max_rounds + 1, n_stops), -1, dtype=np.int64)
    walk_from = np.full((max_rounds + 1, n_stops), -1, dtype=np.int64)
    best = np.full(n_stops, INF)
    walkable = np.full(n_stops, INF)
    marked = np.zeros(n_stops, dtype=np.bool_)
    n_pat = pat_ptr.shape[0] - 1
    queued = np.full(n_pat, -1, dtype=np.int64)   # earliest marked position per pattern
    improved = np.empty(n_stops, dtype=np.int64)
    for s in range(n_stops):
        a = access_s[s]
        if a < INF:
            best[s] = a
            walkable[s] = a
            ride_all[0, s] = a
            marked[s] = True
    # footpaths from the access stops
    n_imp = 0
    for s in range(n_stops):
        if access_s[s] < INF:
            improved[n_imp] = s
            n_imp += 1
    _footpaths(improved, n_imp, ride_all[0], fp_ptr, fp_to, fp_time, best, walk_all[0], walk_from[0], marked)
    best_all[0, :] = best
    rounds_used = 0
    for k in range(1, max_rounds + 1):
        # queue the patterns through marked stops, from the earliest marked position
        any_marked = False
        for s in range(n_stops):
            if marked[s]:
                any_marked = True
                for e in range(stop_pat_ptr[s], stop_pat_ptr[s + 1]):
                    p = stop_pat[e]
                    pos = stop_pat_pos[e]
                    if queued[p] < 0 or pos < queued[p]:
                        queued[p] = pos
                marked[s] = False
        if not any_marked:
            break
        rounds_used = k
        prev = best_all[k - 1]
        n_imp = 0
        for p in range(n_pat):
            start = queued[p]
            if start < 0:
                continue
            queued[p] = -1
            a0 = pat_ptr[p]
            n_pos = pat_ptr[p + 1] - a0
            nt = n_trips[p]
            base = times_ptr[p]            # dep/arr of (pos i, trip j) at base + i * nt + j
            trip = -1
            board = -1
            for i in range(start, n_pos):
                s = pat_stops[a0 + i]
                if trip >= 0 and pat_dropoff[a0 + i]:
                    t_arr = arr[base + i * nt + trip]
                    if t_arr < walkable[s]:
                        walkable[s] = t_arr
                        if ride_all[k, s] == INF:
                            improved[n_imp] = s
                            n_imp += 1
                        ride_all[k, s] = t_arr
                        ride_pat[k, s] = p
                        ride_trip[k, s] = trip
                        ride_board[k, s] = board
                        if t_arr < best[s]:
                            best[s] = t_arr
                            marked[s] = True
                # can an earlier trip be caught here? (columns sorted: binary search at this position)
                tp = prev[s]
                if tp < INF and pat_pickup[a0 + i]:
                    if trip < 0 or tp <= dep[base + i * nt + trip]:
                        lo = 0
                        hi = nt if trip < 0 else trip
                        row = base + i * nt
                        while lo < hi:
                            mid = (lo + hi) >> 1
                            if dep[row + mid] < tp:
                                lo = mid + 1
                            else:
                                hi = mid
                        # trips whose first departure is after latest_dep are ignored (a prefix is kept)
                        if lo < nt and (trip < 0 or lo < trip) and dep[base + lo] <= latest_dep:
                            trip = lo
                            board = i
        _footpaths(improved, n_imp, ride_all[k], fp_ptr, fp_to, fp_time, best, walk_all[k], walk_from[k], marked)
        best_all[k, :] = best
    r = rounds_used + 1
    return (best, best_all[:r].copy(), ride_all[:r].copy(), walk_all[:r].copy(), ride_pat[:r].copy(),
            ride_trip[:r].copy(), ride_board[:r].copy(), walk_from[:r].copy())


@njit(cache=True)
def _footpaths(sources, n_src, from_s, fp_ptr, fp_to, fp_time, best, walk_s, walk_from, marked):
    """One footpath from each source stop (at ``from_s``); the first source wins ties (lowest time)."""
    for i in range(n_src):
        s = sources[i]
        t_s = from_s[s]
        for e in range(fp_ptr[s], fp_ptr[s + 1]):
            b = fp_to[e]
            t = t_s + fp_time[e]
            if t < best[b] and (t < walk_s[b] or (t == walk_s[b] and s < walk_from[b])):
                walk_s[b] = t
                walk_from[b] = s
    for i in range(n_src):
        s = sources[i]
        for e in range(fp_ptr[s], fp_ptr[s + 1]):
            b = fp_to[e]
            if walk_s[b] < best[b]:
                best[b] = walk_s[b]
                marked[b] = True
