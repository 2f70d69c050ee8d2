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


# -- one-to-all on the graph without its chains --------------------------------------------------------
# Street graphs are mostly chains: 73 % of Tampere's walk nodes have exactly two neighbours, both ways
# (shape points of a way, or crossings of one path). A full search runs on the *core* (the other
# nodes, joined by one edge per chain and direction) and then fills every chain node from its two
# ends: the same shortest times (sums in another order: equal to ~1e-12 s), with a third of the
# heap work. Searches with a limit or targets stay on the plain graph.
@njit(cache=True)
def _edge_weight(indptr, indices, data, u, v):
    """The weight of edge u -> v (the lowest when repeated); inf when there is none."""
    best = INF
    for e in range(indptr[u], indptr[u + 1]):
        if indices[e] == v and data[e] < best:
            best = data[e]
    return best


@njit(cache=True)
def chain_decompose(indptr, indices, data, indeg):
    """Split the graph into core nodes and chains of two-neighbour nodes (see above).

    A chain node has exactly two out-edges and two in-edges, to and from the same two other nodes.
    Returns ``(chain_id, chain_ptr, order, ends, fa, ta, fb, tb, edge_src, edge_dst, edge_w)``: per
    node its chain (-1: core); chain ``c`` runs from core node ``ends[c, 0]`` through the nodes
    ``order[chain_ptr[c]:chain_ptr[c+1]]`` to core node ``ends[c, 1]``; per chain node ``fa``/``ta``
    are the times from / to the first end along the chain, ``fb``/``tb`` from / to the last end;
    ``edge_*`` are the core's new edges (one per chain and direction; none for a loop).
    """
    n = indptr.shape[0] - 1
    is_chain = np.zeros(n, dtype=np.bool_)
    for v in range(n):
        if indptr[v + 1] - indptr[v] == 2 and indeg[v] == 2:
            p = indices[indptr[v]]
            q = indices[indptr[v] + 1]
            if p != q and p != v and q != v:
                if _edge_weight(indptr, indices, data, p, v) < INF and _edge_weight(indptr, indices, data, q, v) < INF:
                    is_chain[v] = True
    chain_id = np.full(n, -1, dtype=np.int64)
    fa = np.zeros(n)
    ta = np.zeros(n)
    fb = np.zeros(n)
    tb = np.zeros(n)
    order = np.empty(n, dtype=np.int64)
    n_order = 0
    cap = 1024
    ends = np.empty((cap, 2), dtype=np.int64)
    chain_ptr = np.zeros(cap + 1, dtype=np.int64)
    edge_src = np.empty(2 * cap, dtype=np.int64)
    edge_dst = np.empty(2 * cap, dtype=np.int64)
    edge_w = np.empty(2 * cap)
    n_chains = 0
    n_edges = 0
    for phase in range(2):
        for r in range(n):
            if phase == 0 and is_chain[r]:
                continue
            if phase == 1:   # a ring of chain nodes only: one of them becomes a core node
                if not is_chain[r] or chain_id[r] >= 0:
                    continue
                is_chain[r] = False
            for e in range(indptr[r], indptr[r + 1]):
                x = indices[e]
                if not is_chain[x] or chain_id[x] >= 0:
                    continue
                if n_chains + 1 >= cap:
                    new_cap = 2 * cap
                    ends2 = np.empty((new_cap, 2), dtype=np.int64)
                    ends2[:cap] = ends
                    ptr2 = np.zeros(new_cap + 1, dtype=np.int64)
                    ptr2[:cap + 1] = chain_ptr
                    s2 = np.empty(2 * new_cap, dtype=np.int64)
                    d2 = np.empty(2 * new_cap, dtype=np.int64)
                    w2 = np.empty(2 * new_cap)
                    s2[:n_edges] = edge_src[:n_edges]
                    d2[:n_edges] = edge_dst[:n_edges]
                    w2[:n_edges] = edge_w[:n_edges]
                    ends, chain_ptr, edge_src, edge_dst, edge_w, cap = ends2, ptr2, s2, d2, w2, new_cap
                c = n_chains
                n_chains += 1
                start = n_order
                prev = r
                cur = x
                t_f = data[e]
                t_b = _edge_weight(indptr, indices, data, cur, r)
                while True:
                    chain_id[cur] = c
                    order[n_order] = cur
                    n_order += 1
                    fa[cur] = t_f
                    ta[cur] = t_b
                    e0 = indptr[cur]
                    y = indices[e0]
                    w = data[e0]
                    if y == prev:
                        y = indices[e0 + 1]
                        w = data[e0 + 1]
                    if not is_chain[y]:
                        break
                    t_f = t_f + w
                    t_b = _edge_weight(indptr, indices, data, y, cur) + t_b
                    prev = cur
                    cur = y
                b = y
                ends[c, 0] = r
                ends[c, 1] = b
                chain_ptr[c + 1] = n_order
                # from the last end backwards: times from / to b
                last = order[n_order - 1]
                fb[last] = _edge_weight(indptr, indices, data, b, last)
                tb[last] = _edge_weight(indptr, indices, data, last, b)
                for i in range(n_order - 2, start - 1, -1):
                    v = order[i]
                    nxt = order[i + 1]
                    fb[v] = fb[nxt] + _edge_weight(indptr, indices, data, nxt, v)
                    tb[v] = _edge_weight(indptr, indices, data, v, nxt) + tb[nxt]
                if b != r:
                    first = order[start]
                    edge_src[n_edges] = r
                    edge_dst[n_edges] = b
                    edge_w[n_edges] = fa[last] + tb[last]
                    edge_src[n_edges + 1] = b
                    edge_dst[n_edges + 1] = r
                    edge_w[n_edges + 1] = fb[first] + ta[first]
                    n_edges += 2
    return (chain_id, chain_ptr[:n_chains + 1].copy(), order[:n_order].copy(), ends[:n_chains].copy(),
            fa, ta, fb, tb, edge_src[:n_edges].copy(), edge_dst[:n_edges].copy(), edge_w[:n_edges].copy())


@njit(cache=True)
def dijkstra_chains(core_ptr, core_idx, core_w, core_nodes, core_of, chain_id, chain_ptr, order, ends,
                    fa, ta, fb, tb, sources, offsets):
    """Seconds from the nearest source (plus its offset) to every node: a Dijkstra on the core (its own
    compact numbering, ``core_nodes[i]`` = node of core index ``i``, ``core_of`` the inverse), then every
    chain node from its two ends (``ends`` in core indices) and directly from a source on its own
    chain. ``fa``/``ta``/``fb``/``tb`` are indexed like ``order``."""
    m = sources.shape[0]
    seed_nodes = np.empty(2 * m, dtype=np.int64)
    seed_t = np.empty(2 * m)
    at = np.empty(m, dtype=np.int64)     # position in ``order`` of a source on a chain
    k = 0
    for i in range(m):
        s = sources[i]
        o = offsets[i]
        if o < 0.0:
            o = 0.0
        c = chain_id[s]
        if c < 0:
            at[i] = -1
            seed_nodes[k] = core_of[s]
            seed_t[k] = o
            k += 1
        else:
            j = chain_ptr[c]
            while order[j] != s:
                j += 1
            at[i] = j
            seed_nodes[k] = ends[c, 0]
            seed_t[k] = o + ta[j]
            seed_nodes[k + 1] = ends[c, 1]
            seed_t[k + 1] = o + tb[j]
            k += 2
    n_core = core_ptr.shape[0] - 1
    d_core = np.full(n_core, INF)
    mask = np.zeros(n_core, dtype=np.bool_)
    cap = core_idx.shape[0] + k + 1
    keys = np.empty(cap, dtype=np.float64)
    vals = np.empty(cap, dtype=np.int64)
    settled = np.empty(n_core, dtype=np.int64)
    _dijkstra_into(core_ptr, core_idx, core_w, seed_nodes[:k], seed_t[:k], INF, d_core, mask, 0, keys, vals,
                   settled)
    dist = np.full(chain_id.shape[0], INF)
    for i in range(n_core):
        dist[core_nodes[i]] = d_core[i]
    n_chains = chain_ptr.shape[0] - 1
    for c in range(n_chains):
        da = d_core[ends[c, 0]]
        db = d_core[ends[c, 1]]
        if da == INF and db == INF:
            continue
        for j in range(chain_ptr[c], chain_ptr[c + 1]):
            x = da + fa[j]
            y = db + fb[j]
            dist[order[j]] = x if x < y else y
    for i in range(m):   # along the source's own chain
        j0 = at[i]
        if j0 < 0:
            continue
        c = chain_id[sources[i]]
        o = offsets[i]
        if o < 0.0:
            o = 0.0
        for j in range(chain_ptr[c], chain_ptr[c + 1]):
            if j > j0:     # towards the last end
                x = o + (fa[j] - fa[j0])
            elif j < j0:   # towards the first end
                x = o + (fb[j] - fb[j0])
            else:
                x = o
            v = order[j]
            if x < dist[v]:
                dist[v] = x
    return dist


@njit(cache=True)
def chains_gather(core_ptr, core_idx, core_w, core_nodes, core_of, chain_id, chain_ptr, order, ends,
                  fa, ta, fb, tb, src_nodes, src_offsets, src_ptr, end_nodes, end_times):
    """:func:`dijkstra_gather` by full searches on the core + chains (no limit): for many end points
    spread over the graph a search settles nearly every node anyway, and the core search is ~4x cheaper."""
    n_q = src_ptr.shape[0] - 1
    n_end = end_nodes.shape[0]
    width = end_nodes.shape[1]
    out = np.full((n_q, n_end), INF)
    for q in range(n_q):
        a = src_ptr[q]
        b = src_ptr[q + 1]
        dist = dijkstra_chains(core_ptr, core_idx, core_w, core_nodes, core_of, chain_id, chain_ptr, order,
                               ends, fa, ta, fb, tb, src_nodes[a:b], src_offsets[a:b])
        for j in range(n_end):
            best = INF
            for c in range(width):
                t = end_times[j, c]
                if t < INF:
                    x = dist[end_nodes[j, c]] + t
                    if x < best:
                        best = x
            out[q, j] = best
    return out


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
                  access_s, max_rounds, latest_dep, change_s):
    """RAPTOR rounds over flat arrays (see :mod:`planner.network.raptor` for the layout).

    ``change_s`` (per stop): the minimum change time to board at a stop reached by a vehicle (a stop
    reached on foot is boardable at once; footpath times carry their own change margin).

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
    by_ride = np.zeros(n_stops, dtype=np.bool_)   # best[s] came from a ride (boarding then needs change_s[s])
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
    _footpaths(improved, n_imp, ride_all[0], fp_ptr, fp_to, fp_time, best, walk_all[0], walk_from[0], marked,
               by_ride)
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
        prev_ride = by_ride.copy()
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
                            by_ride[s] = True
                            marked[s] = True
                # can an earlier trip be caught here? (columns sorted: binary search at this position)
                tp = prev[s]
                if prev_ride[s]:
                    tp += change_s[s]
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
        _footpaths(improved, n_imp, ride_all[k], fp_ptr, fp_to, fp_time, best, walk_all[k], walk_from[k], marked,
                   by_ride)
        best_all[k, :] = best
    r = rounds_used + 1
    return (best, best_all[:r].copy(), ride_all[:r].copy(), walk_all[:r].copy(), ride_pat[:r].copy(),
            ride_trip[:r].copy(), ride_board[:r].copy(), walk_from[:r].copy())


@njit(cache=True)
def _footpaths(sources, n_src, from_s, fp_ptr, fp_to, fp_time, best, walk_s, walk_from, marked, by_ride):
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
                by_ride[b] = False
                marked[b] = True
