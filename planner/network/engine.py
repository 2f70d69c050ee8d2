"""Travel times on one :class:`ModeGraph`: snapping, one-to-many, many-to-one, matrices, routes.

Points are snapped to the nearest *edge* (exact projection in EPSG:3067) of the largest strongly
connected component by default, so a point is never snapped onto an isolated fragment (a private
yard, a mapping error) nor onto a one-way stub that leaves the extract (on the bundled extract,
weak-component snapping left 24 % of random bike pairs and 14 % of car pairs unreachable; strong: 0).
``snap_component="weak"`` or ``"any"`` choose the other behaviours; all nodes stay in the graph. The access leg counts the straight line from the point to the edge at walking speed
(``WALK_SPEED_KMH``, whatever the mode: you walk to your bike or car) plus the partial edge to its
end node at the mode's speed. Unreachable is ``inf`` (``null`` in JSON), never 0.

Queries run one compiled Dijkstra (:mod:`planner.network.kernels`) seeded at the snapped edge's
end nodes with their access times, so a query is exactly one Dijkstra run and no graph is rebuilt
per query. A search stops at a cut-off when the caller has one (``limit_s``) and as soon as every
destination is settled. Many-to-one queries run on the transposed graph (computed once).
Successful snaps are cached per engine (units are snapped again and again by the pages).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from planner.errors import InputError, Problem
from planner.network.graph import WALK_SPEED_KMH, ModeGraph, from_3067, to_3067

WALK_SPEED_MS = WALK_SPEED_KMH / 3.6
SAMPLE_SPACING_M = 60.0  # edges are cut into pieces this long at most; one KD-tree sample per piece
STREET_MODES = ("walk", "bike", "car")
KD_TREE_OPTIONS: dict[str, Any] = {"balanced_tree": False, "compact_nodes": True, "leafsize": 32}
CHAIN_MATRIX_MIN_TARGETS = 32  # matrices without a limit and with this many end nodes use full core searches
SNAP_CACHE_SIZE = 50_000  # points whose snap an engine keeps (cleared when full)


_problem = Problem.keyed  # a Problem whose fix text is an i18n key (planner/locales)


@dataclass(frozen=True)
class Snap:
    """Where a point joins the network.

    ``edge`` = ``(a, b)`` node indices with the point's projection at ``fraction`` of the way from a
    to b; ``offset_m`` the straight line from the point to it. ``exits``: ``(node, time_s,
    distance_m)`` from the point to each end node the mode may drive/ride/walk to; ``entries``: from
    each end node to the point. Times and distances include the straight-line offset.
    """

    lat: float
    lon: float
    snapped_lat: float
    snapped_lon: float
    offset_m: float
    offset_time_s: float
    edge: tuple[int, int]
    fraction: float
    edge_length_m: float
    exits: tuple[tuple[int, float, float], ...]
    entries: tuple[tuple[int, float, float], ...]
    segment: int = -1           # the engine's segment index of ``edge`` (-1 unknown)
    end_s: float = 0.0          # added to every entry: the engine's ``trip_end_s`` (car: parking + walking)
    fallback: bool = False      # joined a tunnel/indoor way: no surface street within max_snap_m

    @property
    def node(self) -> int:
        """The end node reached fastest from the point."""
        return min(self.exits, key=lambda e: e[1])[0] if self.exits else self.edge[0]

    @property
    def access_time_s(self) -> float:
        return min((e[1] for e in self.exits), default=math.inf)

    @property
    def access_distance_m(self) -> float:
        return min(self.exits, key=lambda e: e[1])[2] if self.exits else math.inf

    def to_dict(self) -> dict[str, Any]:
        return {"lat": self.lat, "lon": self.lon, "snapped": [self.snapped_lat, self.snapped_lon],
                "offset_m": self.offset_m, "offset_time_s": self.offset_time_s,
                "edge_fraction": self.fraction, "edge_length_m": self.edge_length_m,
                "node": self.node, "access_time_s": self.access_time_s,
                "access_distance_m": self.access_distance_m, "fallback": self.fallback}


@dataclass(frozen=True)
class Route:
    """One door-to-door trip. ``reachable`` false: ``travel_time_s``/``distance_m`` are ``inf``."""

    mode: str
    reachable: bool
    travel_time_s: float
    distance_m: float
    legs: list[dict] = field(default_factory=list)
    path: list[list[float]] = field(default_factory=list)  # [[lat, lon], ...]

    def to_dict(self) -> dict[str, Any]:
        return {"mode": self.mode, "reachable": self.reachable,
                "travel_time_s": self.travel_time_s if self.reachable else None,
                "distance_m": self.distance_m if self.reachable else None,
                "legs": self.legs, "path": self.path}


def _canonical_csr(matrix: Any) -> sp.csr_array:
    """``matrix`` as a float64 CSR with sorted indices, sharing the graph's arrays when they already
    are (no second copy of every edge per engine)."""
    if isinstance(matrix, sp.csr_array) and matrix.dtype == np.float64 and matrix.has_sorted_indices:
        return matrix
    out = sp.csr_array(matrix, dtype=np.float64)
    out.sort_indices()
    return out


def _core_and_chains(csr: sp.csr_array) -> tuple[np.ndarray, ...]:
    """The arguments of :func:`kernels.dijkstra_chains` before the sources, for ``csr``. The core is
    numbered compactly in reverse Cuthill-McKee order (neighbours near each other in memory: ~1.5x
    faster on Tampere) and holds the edges between core nodes plus one edge per chain and direction."""
    from scipy.sparse.csgraph import reverse_cuthill_mckee

    from planner.network.kernels import chain_decompose

    n = csr.shape[0]
    indptr, indices, data = csr.indptr, csr.indices, csr.data
    indeg = np.bincount(indices, minlength=n).astype(np.int64)
    chain_id, chain_ptr, order, ends, fa, ta, fb, tb, e_src, e_dst, e_w = chain_decompose(indptr, indices, data, indeg)
    core = np.flatnonzero(chain_id < 0)
    core_of = np.full(n, -1, dtype=np.int64)
    core_of[core] = np.arange(len(core))
    owner = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    keep = (chain_id[owner] < 0) & (chain_id[indices] < 0)
    src = core_of[np.concatenate([owner[keep], e_src])]
    dst = core_of[np.concatenate([indices[keep].astype(np.int64), e_dst])]
    weight = np.concatenate([data[keep], e_w])
    del owner, keep
    pattern = sp.csr_array((np.ones(len(src)), (src, dst)), shape=(len(core), len(core)))
    perm = np.asarray(reverse_cuthill_mckee(pattern, symmetric_mode=False), dtype=np.int64)
    rank = np.empty(len(core), dtype=np.int64)
    rank[perm] = np.arange(len(core))
    src, dst = rank[src], rank[dst]
    core_nodes = core[perm]
    core_of[core_nodes] = np.arange(len(core))
    by_src = np.argsort(src, kind="stable")
    core_ptr = np.zeros(len(core) + 1, dtype=np.int64)
    core_ptr[1:] = np.cumsum(np.bincount(src, minlength=len(core)))
    small = np.int32 if max(n, len(dst)) < 2**31 - 1 else np.int64   # node and edge numbers: half the memory
    return (core_ptr.astype(small), dst[by_src].astype(small), weight[by_src], core_nodes.astype(small),
            core_of.astype(small), chain_id.astype(small), chain_ptr.astype(small), order.astype(small),
            core_of[ends].astype(small), fa[order], ta[order], fb[order], tb[order])


def release_freed_memory() -> None:
    """Give memory freed after a large load back to the system (glibc ``malloc_trim``; elsewhere nothing).

    Building an engine or a transit router frees many temporary arrays; glibc keeps most of that
    freed heap in the process, so without this a loaded Tampere dataset holds ~10-20 MiB it no
    longer uses. Takes about a millisecond."""
    global _TRIM
    if _TRIM is None:
        try:
            import ctypes

            _TRIM = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):   # not glibc (macOS, Windows, musl): nothing to do
            _TRIM = False
    if _TRIM:
        _TRIM(0)


_TRIM: Any = None


def _check_point(point: Any, field_name: str) -> tuple[float, float] | Problem:
    """``(lat, lon)`` from a pair, or a Problem naming the field."""
    try:
        lat, lon = (float(v) for v in point)
    except (TypeError, ValueError):
        return _problem(field_name, point, "problems.point.pair")
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return _problem(field_name, point, "problems.point.range")
    return lat, lon


class TravelTimeEngine:
    """Exact shortest travel times (seconds) on one mode's graph.

    ``max_snap_m``: a point farther than this from every street of the mode is outside the dataset's
    area (``InputError``). ``snap_component``: ``"strong"`` (default) snaps only onto the largest
    strongly connected component, ``"weak"`` onto the largest weakly connected one, ``"any"`` onto
    any edge (then routes from isolated fragments come back unreachable).
    ``trip_end_s``: seconds added once to every door-to-door time, at the destination end (every
    snap's ``entries``): for cars the estimated parking and walking time
    (:mod:`planner.network.door_to_door`; ``Dataset.engine("car")`` sets it); routes show it as a
    ``parking`` leg. ``times_from``/``times_from_node`` (to nodes, not to points) never include it.
    """

    def __init__(self, graph: ModeGraph, *, max_snap_m: float = 500.0, snap_component: str = "strong",
                 trip_end_s: float = 0.0, trip_end: dict | None = None):
        if not (math.isfinite(float(trip_end_s)) and trip_end_s >= 0):
            raise InputError.single("trip_end_s", trip_end_s, "give 0 or more seconds")
        self.trip_end_s = float(trip_end_s)
        self.trip_end = trip_end  # where trip_end_s comes from (source, status), shown with car times
        if snap_component not in ("strong", "weak", "any"):
            raise InputError.single("snap_component", snap_component, "use strong, weak or any")
        self.graph = graph
        self.mode = graph.mode
        self.max_snap_m = float(max_snap_m)
        self.n = graph.n_nodes
        times = _canonical_csr(graph.time_s)
        self._fwd = times
        self._rev_csr: sp.csr_array | None = None   # the transposed graph, built on first use (_rev)
        self._len = _canonical_csr(graph.length_m)
        connection = "weak" if snap_component == "weak" else "strong"
        _, labels = connected_components(times, directed=True, connection=connection)
        counts = np.bincount(labels)
        self.component = labels
        self.largest_component = int(np.argmax(counts)) if len(counts) else 0
        self._snap_cache: dict[tuple[float, float], Snap] = {}
        self._chain_cache: dict[str, tuple[np.ndarray, ...]] = {}
        self._build_snap_index(snap_component != "any")
        release_freed_memory()

    @property
    def _rev(self) -> sp.csr_array:
        """The transposed graph (searches *to* a point), built on first use: most processes never
        search backwards, and it is a second copy of every edge."""
        if self._rev_csr is None:
            rev = sp.csr_array(self._fwd.T.tocsr(), dtype=np.float64)
            rev.sort_indices()
            self._rev_csr = rev
        return self._rev_csr

    # ------------------------------------------------------------------------------------ snapping
    def _build_snap_index(self, snap_to_largest: bool) -> None:
        coo = self._fwd.tocoo()
        u, v, t = coo.row.astype(np.int64), coo.col.astype(np.int64), coo.data
        if np.array_equal(self._len.indptr, self._fwd.indptr) and np.array_equal(self._len.indices, self._fwd.indices):
            lengths = self._len.data.copy()  # same sparsity, same order (the ModeGraph contract)
        else:
            lengths = np.asarray(self._len[u, v]).ravel()
        hidden = getattr(self.graph, "snap_hidden", None)  # tunnels, indoor, underground: never snapped to
        hidden_ok = (hidden is not None and len(hidden) == len(t)
                     and np.array_equal(self._fwd.indices, self.graph.time_s.indices))
        hidden = np.asarray(hidden, dtype=bool) if hidden_ok else None
        # segments are street pieces between street nodes: with turn restrictions a via node is several
        # graph nodes (node_origin), so an edge's street ends are its nodes' origins; turn edges are no street
        origin = getattr(self.graph, "node_origin", None)
        uo, vo = (u, v) if origin is None else (np.asarray(origin)[u], np.asarray(origin)[v])
        street = uo != vo
        u, v, uo, vo, t, lengths = u[street], v[street], uo[street], vo[street], t[street], lengths[street]
        hidden = hidden[street] if hidden is not None else None
        a, b = np.minimum(uo, vo), np.maximum(uo, vo)
        key = a * self.n + b
        uniq, inverse = np.unique(key, return_inverse=True)
        seg_a, seg_b = uniq // self.n, uniq % self.n
        t_ab = np.full(len(uniq), np.inf)
        t_ba = np.full(len(uniq), np.inf)
        seg_len = np.zeros(len(uniq))
        forward = uo < vo
        t_ab[inverse[forward]] = t[forward]
        t_ba[inverse[~forward]] = t[~forward]
        # graph nodes where each direction starts (tail) and ends (head): the street ends themselves
        # unless a via node was split
        tail_ab, head_ab, tail_ba, head_ba = seg_a.copy(), seg_b.copy(), seg_b.copy(), seg_a.copy()
        tail_ab[inverse[forward]], head_ab[inverse[forward]] = u[forward], v[forward]
        tail_ba[inverse[~forward]], head_ba[inverse[~forward]] = u[~forward], v[~forward]
        seg_len[inverse] = lengths
        keep = np.ones(len(uniq), dtype=bool)
        if snap_to_largest:
            largest = self.largest_component
            comp = self.component
            keep = (((comp[tail_ab] == largest) & (comp[head_ab] == largest)) | ~np.isfinite(t_ab)) \
                & (((comp[tail_ba] == largest) & (comp[head_ba] == largest)) | ~np.isfinite(t_ba)) \
                & (np.isfinite(t_ab) | np.isfinite(t_ba))
        fallback = np.zeros(len(uniq), dtype=bool)   # ... unless no surface street is within max_snap_m
        if hidden is not None:
            visible = np.zeros(len(uniq), dtype=bool)
            visible[inverse[~hidden]] = True
            if (keep & visible).any():
                fallback = keep & ~visible
                keep &= visible
        # the surface segments first, then the hidden ones used only as a fallback (their own KD-tree)
        order = np.concatenate([np.flatnonzero(keep), np.flatnonzero(fallback)])
        self._n_primary = int(keep.sum())
        seg_a, seg_b, t_ab, t_ba, seg_len = seg_a[order], seg_b[order], t_ab[order], t_ba[order], seg_len[order]
        self._seg_a, self._seg_b = seg_a.astype(np.int32), seg_b.astype(np.int32)   # half the memory of int64
        self._t_ab, self._t_ba, self._seg_len = t_ab, t_ba, seg_len
        self._tail_ab, self._head_ab = tail_ab[order], head_ab[order]
        self._tail_ba, self._head_ba = tail_ba[order], head_ba[order]
        x, y = self.graph.x, self.graph.y
        ax, ay, bx, by = x[seg_a], y[seg_a], x[seg_b], y[seg_b]
        metric = np.hypot(bx - ax, by - ay)
        # one sample at the middle of each piece of at most SAMPLE_SPACING_M: every point of an edge
        # lies within half a piece of a sample (the slack used by _snap_one)
        pieces = np.maximum(1, np.ceil(metric / SAMPLE_SPACING_M)).astype(np.int64)
        seg_ids = np.repeat(np.arange(len(seg_a)), pieces)
        starts = np.repeat(np.cumsum(pieces) - pieces, pieces)
        frac = (np.arange(len(seg_ids)) - starts + 0.5) / np.repeat(pieces, pieces)
        sx = ax[seg_ids] + frac * (bx - ax)[seg_ids]
        sy = ay[seg_ids] + frac * (by - ay)[seg_ids]
        primary = seg_ids < self._n_primary
        # compact nodes and leaves of 32 samples: the same query speed, ~8 MiB less per Tampere walk tree
        self._sample_seg = seg_ids[primary].astype(np.int32)
        self._tree = (cKDTree(np.column_stack([sx[primary], sy[primary]]), **KD_TREE_OPTIONS)
                      if primary.any() else None)
        self._fallback_sample_seg = seg_ids[~primary].astype(np.int32)
        self._fallback_tree = (cKDTree(np.column_stack([sx[~primary], sy[~primary]]), **KD_TREE_OPTIONS)
                               if (~primary).any() else None)
        spacing = metric / pieces
        self._sample_slack_m = float(spacing.max() / 2.0) if len(spacing) else 0.0
        self.bbox = (float(self.graph.lat.min()), float(self.graph.lon.min()),
                     float(self.graph.lat.max()), float(self.graph.lon.max()))

    def _nearest_edges(self, px: np.ndarray, py: np.ndarray, *, fallback: bool = False
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Exact nearest edge of each point: ``(segment, fraction along a->b, distance_m)`` arrays.

        The nearest sample is ``r0`` away, so the nearest edge is at most ``r0`` away and has a
        sample within ``r0 + slack``: the ball query holds every candidate; ties go to the lowest
        segment index. ``fallback``: among the hidden (tunnel, indoor) segments instead.
        """
        tree, sample_seg = ((self._fallback_tree, self._fallback_sample_seg) if fallback
                            else (self._tree, self._sample_seg))
        points = np.column_stack([px, py])
        r0, _ = tree.query(points)
        lists = tree.query_ball_point(points, r0 + self._sample_slack_m + 1e-6, return_sorted=False)
        counts = np.fromiter((len(c) for c in lists), dtype=np.int64, count=len(lists))
        samples = np.fromiter((i for c in lists for i in c), dtype=np.int64, count=int(counts.sum()))
        owner = np.repeat(np.arange(len(lists)), counts)
        segs = sample_seg[samples]
        x, y = self.graph.x, self.graph.y
        ax, ay = x[self._seg_a[segs]], y[self._seg_a[segs]]
        dx, dy = x[self._seg_b[segs]] - ax, y[self._seg_b[segs]] - ay
        norm2 = dx * dx + dy * dy
        qx, qy = px[owner], py[owner]
        with np.errstate(invalid="ignore", divide="ignore"):
            frac = np.where(norm2 > 0, ((qx - ax) * dx + (qy - ay) * dy) / norm2, 0.0)
        frac = np.clip(frac, 0.0, 1.0)
        dist = np.hypot(ax + frac * dx - qx, ay + frac * dy - qy)
        order = np.lexsort((segs, dist, owner))
        first = order[np.searchsorted(owner[order], np.arange(len(lists)))]
        return segs[first], frac[first], dist[first]

    def _snap_one(self, lat: float, lon: float, seg: int, t: float, offset_m: float,
                  field_name: str) -> dict | Problem:
        if offset_m > self.max_snap_m:
            south, west, north, east = self.bbox
            key = f"problems.point.outside.{self.mode if self.mode in STREET_MODES else 'other'}"
            return _problem(field_name, f"{lat},{lon}", key, mode=str(self.mode), offset_m=f"{offset_m:.0f}",
                            max_snap_m=f"{self.max_snap_m:.0f}", south=f"{south:.4f}", north=f"{north:.4f}",
                            west=f"{west:.4f}", east=f"{east:.4f}")
        a, b = int(self._seg_a[seg]), int(self._seg_b[seg])
        t_ab, t_ba, length = float(self._t_ab[seg]), float(self._t_ba[seg]), float(self._seg_len[seg])
        offset_time = offset_m / WALK_SPEED_MS
        end = self.trip_end_s
        exits, entries = [], []
        if math.isfinite(t_ab):   # graph nodes: the ends of this direction (a split via node's copies)
            exits.append((int(self._head_ab[seg]), offset_time + (1 - t) * t_ab, offset_m + (1 - t) * length))
            entries.append((int(self._tail_ab[seg]), end + offset_time + t * t_ab, offset_m + t * length))
        if math.isfinite(t_ba):
            exits.append((int(self._head_ba[seg]), offset_time + t * t_ba, offset_m + t * length))
            entries.append((int(self._tail_ba[seg]), end + offset_time + (1 - t) * t_ba, offset_m + (1 - t) * length))
        x, y = self.graph.x, self.graph.y
        sx, sy = x[a] + t * (x[b] - x[a]), y[a] + t * (y[b] - y[a])
        return dict(lat=lat, lon=lon, snapped_x=float(sx), snapped_y=float(sy),
                    offset_m=offset_m, offset_time_s=offset_time, edge=(a, b), fraction=t,
                    edge_length_m=length, exits=tuple(exits), entries=tuple(entries), segment=int(seg),
                    end_s=end)

    def snap(self, lat: float, lon: float, *, field: str = "point") -> Snap:
        """Snap one WGS84 point; ``InputError`` naming ``field`` when it is invalid or outside the area."""
        return self.snap_many([(lat, lon)], field=field, index_fields=False)[0]

    def snap_many(self, points: Iterable[Sequence[float]], *, field: str = "points",
                  index_fields: bool = True, on_outside: str = "raise") -> list[Snap | None]:
        """Snap many points; problems are collected and raised together (``field[i]`` named).

        ``on_outside="none"`` returns ``None`` for points outside the area instead of raising
        (invalid coordinates still raise).
        """
        pts = list(points)
        names = [f"{field}[{i}]" if index_fields else field for i in range(len(pts))]
        checked = [_check_point(p, name) for p, name in zip(pts, names)]
        bad = [c for c in checked if isinstance(c, Problem)]
        if bad:
            raise InputError(bad)
        if not pts:
            return []
        keys = [(c[0], c[1]) for c in checked]
        cache = self._snap_cache
        found = {key: cache[key] for key in keys if key in cache}
        todo = [i for i, key in enumerate(keys) if key not in found]
        if todo:
            found.update(self._snap_uncached([checked[i] for i in todo], [names[i] for i in todo], on_outside))
        return [found.get(key) for key in keys]

    def _snap_uncached(self, checked: list[tuple[float, float]], names: list[str],
                       on_outside: str) -> dict[tuple[float, float], Snap]:
        """Snap points missing from the cache; store and return the successful snaps (outside: neither)."""
        lat = np.array([c[0] for c in checked]); lon = np.array([c[1] for c in checked])
        px, py = to_3067(lat, lon)
        if self._tree is None:
            raise InputError([_problem(name, p, "problems.network.empty", mode=str(self.mode))
                              for name, p in zip(names, checked)])
        segs, fracs, dists = self._nearest_edges(px, py)
        far = np.flatnonzero(dists > self.max_snap_m)
        used_fallback = np.zeros(len(checked), dtype=bool)
        if len(far) and self._fallback_tree is not None:
            # no surface street within max_snap_m: a tunnel or indoor way within it is better than nothing
            f_segs, f_fracs, f_dists = self._nearest_edges(px[far], py[far], fallback=True)
            near = f_dists <= self.max_snap_m
            segs[far[near]], fracs[far[near]], dists[far[near]] = f_segs[near], f_fracs[near], f_dists[near]
            used_fallback[far[near]] = True
        found: list[dict | None] = []
        problems: list[Problem] = []
        for i in range(len(checked)):
            result = self._snap_one(float(lat[i]), float(lon[i]), int(segs[i]), float(fracs[i]),
                                    float(dists[i]), names[i])
            if isinstance(result, Problem):
                if on_outside != "none":
                    problems.append(result)
                found.append(None)
            else:
                result["fallback"] = bool(used_fallback[i])
                found.append(result)
        if problems:
            raise InputError(problems)
        ok = [f for f in found if f is not None]
        if not ok:
            return {}
        slat, slon = from_3067(np.array([f["snapped_x"] for f in ok]), np.array([f["snapped_y"] for f in ok]))
        if len(self._snap_cache) + len(ok) > SNAP_CACHE_SIZE:
            self._snap_cache.clear()
        new: dict[tuple[float, float], Snap] = {}
        for k, f in enumerate(ok):
            f.pop("snapped_x"); f.pop("snapped_y")
            new[(f["lat"], f["lon"])] = Snap(snapped_lat=float(slat[k]), snapped_lon=float(slon[k]), **f)
        if len(new) <= SNAP_CACHE_SIZE:
            self._snap_cache.update(new)
        return new

    # ------------------------------------------------------------------------------------- queries
    def _search(self, nodes: Sequence[int], offsets_s: Sequence[float], *, reverse: bool = False,
                limit_s: float = np.inf, targets: np.ndarray | None = None, settle_s: float = 0.0) -> np.ndarray:
        """One compiled Dijkstra from ``nodes`` (start offsets, seconds); see :func:`kernels.dijkstra`."""
        from planner.network.kernels import dijkstra as run

        targets = np.zeros(0, dtype=np.int64) if targets is None else np.asarray(targets, dtype=np.int64)
        if not math.isfinite(limit_s) and len(targets) == 0 and len(nodes):   # a full search: on the core
            from planner.network.kernels import dijkstra_chains

            return dijkstra_chains(*self._chains(reverse), np.asarray(nodes, dtype=np.int64),
                                   np.asarray(offsets_s, dtype=np.float64))
        csr = self._rev if reverse else self._fwd
        return run(csr.indptr, csr.indices, csr.data, np.asarray(nodes, dtype=np.int64),
                   np.asarray(offsets_s, dtype=np.float64), float(limit_s), targets, float(settle_s))

    def _chains(self, reverse: bool) -> tuple[np.ndarray, ...]:
        """The graph (its transpose when ``reverse``) as core + chains for full searches (built on first
        use, kept): the arguments of :func:`kernels.dijkstra_chains` before the sources."""
        key = "rev" if reverse else "fwd"
        found = self._chain_cache.get(key)
        if found is None:
            found = _core_and_chains(self._rev if reverse else self._fwd)
            self._chain_cache[key] = found
            release_freed_memory()   # the full-size work arrays
        return found

    def times_from_sources(self, nodes: Sequence[int], offsets_s: Sequence[float], *,
                           reverse: bool = False, limit_s: float = np.inf) -> np.ndarray:
        """Seconds to every node from several source nodes with start offsets (one Dijkstra run).

        ``reverse=True``: seconds *from* every node *to* the nearest source (transposed graph).
        ``limit_s``: nodes farther than that stay ``inf`` (the search stops there).
        """
        if len(nodes) == 0:
            return np.full(self.n, np.inf)
        return self._search(nodes, offsets_s, reverse=reverse, limit_s=limit_s)

    def times_from_node(self, node: int, *, limit_s: float = np.inf) -> np.ndarray:
        """Seconds from one node to every node (no snapping)."""
        return self._search([int(node)], [0.0], limit_s=limit_s)

    def times_to_node(self, node: int, *, limit_s: float = np.inf) -> np.ndarray:
        """Seconds from every node to one node (reverse graph)."""
        return self._search([int(node)], [0.0], reverse=True, limit_s=limit_s)

    def times_from_snap(self, snap: Snap, *, reverse: bool = False, limit_s: float = np.inf,
                        targets: np.ndarray | None = None, settle_s: float = 0.0) -> np.ndarray:
        """Seconds from a snapped point to every node (to it from every node when ``reverse``).

        ``targets``: node indices whose values must be exact; the search stops once they and every
        node within ``settle_s`` are settled (other nodes may then hold upper bounds or inf).
        """
        ends = snap.entries if reverse else snap.exits
        return self._search([e[0] for e in ends], [e[1] for e in ends], reverse=reverse, limit_s=limit_s,
                            targets=targets, settle_s=settle_s)

    def _times_from_snap(self, snap: Snap, reverse: bool = False) -> np.ndarray:
        return self.times_from_snap(snap, reverse=reverse)

    def times_from(self, lat: float, lon: float, *, field: str = "origin", limit_s: float = np.inf) -> np.ndarray:
        """Seconds from a point to every node, access leg included; ``inf`` unreachable (or beyond ``limit_s``)."""
        return self.times_from_snap(self.snap(lat, lon, field=field), limit_s=limit_s)

    def times_to(self, lat: float, lon: float, *, field: str = "destination", limit_s: float = np.inf) -> np.ndarray:
        """Seconds from every node to a point (egress included), computed on the reverse graph."""
        return self.times_from_snap(self.snap(lat, lon, field=field), reverse=True, limit_s=limit_s)

    @staticmethod
    def _same_edge(o: Snap, d: Snap, t_ab: float, t_ba: float) -> float:
        if o.edge != d.edge:
            return math.inf
        if d.fraction >= o.fraction and math.isfinite(t_ab):
            along = (d.fraction - o.fraction) * t_ab
        elif d.fraction <= o.fraction and math.isfinite(t_ba):
            along = (o.fraction - d.fraction) * t_ba
        else:
            return math.inf
        return o.offset_time_s + along + d.offset_time_s + d.end_s

    def _edge_times(self, snap: Snap) -> tuple[float, float]:
        if 0 <= snap.segment < len(self._t_ab):   # the snap's own street piece (split via nodes included)
            return float(self._t_ab[snap.segment]), float(self._t_ba[snap.segment])
        a, b = snap.edge
        t_ab = self._edge_values(self._fwd, np.array([a]), np.array([b]))[0]
        t_ba = self._edge_values(self._fwd, np.array([b]), np.array([a]))[0]
        return float(t_ab), float(t_ba)

    def _snap_arrays(self, snaps: Sequence[Snap | None]) -> tuple[np.ndarray, ...]:
        """(index, edge key, fraction, offset seconds, t_ab, t_ba) of the snaps that are not None."""
        idx = np.array([i for i, s in enumerate(snaps) if s is not None], dtype=np.int64)
        ok = [snaps[i] for i in idx]
        key = np.array([s.edge[0] * self.n + s.edge[1] for s in ok], dtype=np.int64)
        frac = np.array([s.fraction for s in ok], dtype=float)
        off = np.array([s.offset_time_s for s in ok], dtype=float)
        end = np.array([s.end_s for s in ok], dtype=float)
        edge_t = np.array([self._edge_times(s) if s.segment < 0 else
                           (self._t_ab[s.segment], self._t_ba[s.segment]) for s in ok], dtype=float).reshape(-1, 2)
        return idx, key, frac, off, edge_t[:, 0], edge_t[:, 1], end

    def _same_edge_min(self, origs: Sequence[Snap | None], dests: Sequence[Snap | None], out: np.ndarray) -> np.ndarray:
        """``out[i, j] = min(out[i, j], along-the-edge time)`` for every pair snapped onto one edge
        (vectorised: sort the destinations by edge, look every origin's edge up in them)."""
        oi, okey, ofrac, ooff, t_ab, t_ba, _ = self._snap_arrays(origs)
        di, dkey, dfrac, doff, _, _, dend = self._snap_arrays(dests)
        if len(oi) == 0 or len(di) == 0:
            return out
        order = np.argsort(dkey, kind="stable")
        lo = np.searchsorted(dkey[order], okey, side="left")
        hi = np.searchsorted(dkey[order], okey, side="right")
        counts = hi - lo
        if counts.sum() == 0:
            return out
        po = np.repeat(np.arange(len(oi)), counts)
        pd_ = order[np.repeat(lo, counts) + np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)]
        forward = (dfrac[pd_] >= ofrac[po]) & np.isfinite(t_ab[po])
        backward = ~forward & (dfrac[pd_] <= ofrac[po]) & np.isfinite(t_ba[po])
        with np.errstate(invalid="ignore"):
            along = np.where(forward, (dfrac[pd_] - ofrac[po]) * t_ab[po],
                             np.where(backward, (ofrac[po] - dfrac[pd_]) * t_ba[po], np.inf))
        total = ooff[po] + along + doff[pd_] + dend[pd_]
        rows, cols = oi[po], di[pd_]
        np.minimum.at(out, (rows, cols), total)
        return out

    @staticmethod
    def _end_arrays(snaps: list[Snap | None], reverse: bool) -> tuple[np.ndarray, np.ndarray]:
        """``(nodes, times)`` of shape (k, 2): each snap's entries (exits when ``reverse``), inf-padded."""
        nodes = np.zeros((len(snaps), 2), dtype=np.int64)
        times = np.full((len(snaps), 2), np.inf)
        for i, s in enumerate(snaps):
            if s is None:
                continue
            for j, (node, t, _) in enumerate(s.exits if reverse else s.entries):
                nodes[i, j], times[i, j] = node, t
        return nodes, times

    def _gather(self, node_times: np.ndarray, snaps: list[Snap | None] | tuple[np.ndarray, np.ndarray],
                reverse: bool) -> np.ndarray:
        """For each snap: min over its entries (or exits when ``reverse``) of node time + leg time."""
        nodes, times = snaps if isinstance(snaps, tuple) else self._end_arrays(snaps, reverse)
        if len(nodes) == 0:
            return np.zeros(0)
        return np.min(node_times[nodes] + times, axis=1)

    def gather_snaps(self, source: Snap, node_times: np.ndarray, others: list[Snap | None], *,
                     reverse: bool = False) -> np.ndarray:
        """Door-to-door seconds between ``source`` and each of ``others`` from a finished search
        ``node_times`` (from ``source``; to it when ``reverse``), the along-one-edge case included."""
        ends = self._end_arrays(others, reverse)
        result = self._gather(node_times, ends, reverse=reverse)
        if reverse:
            return self._same_edge_min(others, [source], result.reshape(-1, 1)).ravel()
        return self._same_edge_min([source], others, result.reshape(1, -1)).ravel()

    @staticmethod
    def _targets(ends: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        nodes, times = ends
        return np.unique(nodes[np.isfinite(times)])

    def one_to_many(self, origin: Sequence[float], destinations: Iterable[Sequence[float]], *,
                    origin_field: str = "origin", destinations_field: str = "destinations",
                    on_outside: str = "raise", limit_s: float = np.inf) -> np.ndarray:
        """Seconds from ``origin`` (lat, lon) to each destination; ``inf`` unreachable (or beyond ``limit_s``).

        The search stops once every destination is settled."""
        o = self.snap_many([origin], field=origin_field, index_fields=False)[0]
        dests = self.snap_many(destinations, field=destinations_field, on_outside=on_outside)
        ends = self._end_arrays(dests, reverse=False)
        node_times = self.times_from_snap(o, limit_s=limit_s, targets=self._targets(ends))
        return self._limited(self.gather_snaps(o, node_times, dests), limit_s)

    def many_to_one(self, origins: Iterable[Sequence[float]], destination: Sequence[float], *,
                    origins_field: str = "origins", destination_field: str = "destination",
                    on_outside: str = "raise", limit_s: float = np.inf) -> np.ndarray:
        """Seconds from each origin to ``destination`` (one reverse-graph Dijkstra, stopped once every
        origin is settled)."""
        d = self.snap_many([destination], field=destination_field, index_fields=False)[0]
        origs = self.snap_many(origins, field=origins_field, on_outside=on_outside)
        ends = self._end_arrays(origs, reverse=True)
        node_times = self.times_from_snap(d, reverse=True, limit_s=limit_s, targets=self._targets(ends))
        return self._limited(self.gather_snaps(d, node_times, origs, reverse=True), limit_s)

    @staticmethod
    def _limited(values: np.ndarray, limit_s: float) -> np.ndarray:
        if math.isfinite(limit_s):
            values[values > limit_s] = np.inf
        return values

    def matrix(self, origins: Iterable[Sequence[float]], destinations: Iterable[Sequence[float]], *,
               origins_field: str = "origins", destinations_field: str = "destinations",
               on_outside: str = "raise", limit_s: float = np.inf) -> np.ndarray:
        """``(n_origins, n_destinations)`` seconds; runs from the smaller side (reverse if destinations).

        One compiled loop of Dijkstras, each stopped once the other side is settled (or at
        ``limit_s``: pairs farther apart are ``inf``)."""
        from planner.network.kernels import dijkstra_gather

        origs = self.snap_many(origins, field=origins_field, on_outside=on_outside)
        dests = self.snap_many(destinations, field=destinations_field, on_outside=on_outside)
        out = np.full((len(origs), len(dests)), np.inf)
        reverse = len(origs) > len(dests)
        sources, others = (dests, origs) if reverse else (origs, dests)
        present = [i for i, s in enumerate(sources) if s is not None]
        if present and any(o is not None for o in others):
            ends = self._end_arrays(others, reverse=reverse)
            starts = [sources[i].entries if reverse else sources[i].exits for i in present]
            ptr = np.zeros(len(present) + 1, dtype=np.int64)
            ptr[1:] = np.cumsum([len(e) for e in starts])
            src_nodes = np.array([e[0] for es in starts for e in es], dtype=np.int64)
            src_offsets = np.array([e[1] for es in starts for e in es], dtype=np.float64)
            if not math.isfinite(limit_s) and len(self._targets(ends)) >= CHAIN_MATRIX_MIN_TARGETS:
                # many end points: each search settles nearly every node, so run full searches on the
                # core + chains (2-3x less CPU on the real graphs) and gather
                from planner.network.kernels import chains_gather

                block = chains_gather(*self._chains(reverse), src_nodes, src_offsets, ptr, ends[0], ends[1])
            else:
                csr = self._rev if reverse else self._fwd
                block = dijkstra_gather(csr.indptr, csr.indices, csr.data, src_nodes, src_offsets, ptr,
                                        float(limit_s), ends[0], ends[1])
            if reverse:
                out[:, present] = block.T
            else:
                out[present] = block
        self._same_edge_min(origs, dests, out)
        return self._limited(out, limit_s)

    # --------------------------------------------------------------------------------------- route
    @staticmethod
    def _edge_values(csr: sp.csr_array, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """``csr[u[k], v[k]]`` for sorted-index CSR; ``inf`` where there is no edge."""
        out = np.full(len(u), np.inf)
        for k, (a, b) in enumerate(zip(u, v)):
            lo, hi = csr.indptr[a], csr.indptr[a + 1]
            pos = lo + np.searchsorted(csr.indices[lo:hi], b)
            if pos < hi and csr.indices[pos] == b:
                out[k] = csr.data[pos]
        return out

    def route(self, origin: Sequence[float], destination: Sequence[float], *,
              origin_field: str = "origin", destination_field: str = "destination") -> Route:
        """The fastest trip with legs (access walk, main leg, egress walk) and the path as [lat, lon]."""
        problems: list[Problem] = []
        snaps: list[Snap | None] = []
        for point, name in ((origin, origin_field), (destination, destination_field)):
            try:
                snaps.append(self.snap_many([point], field=name, index_fields=False)[0])
            except InputError as error:
                problems.extend(error.problems)
        if problems:
            raise InputError(problems)
        o, d = snaps
        assert o is not None and d is not None
        from planner.network.kernels import dijkstra_pred

        targets = np.array([e[0] for e in d.entries], dtype=np.int64)
        dist, pred = dijkstra_pred(self._fwd.indptr, self._fwd.indices, self._fwd.data,
                                   np.array([e[0] for e in o.exits], dtype=np.int64),
                                   np.array([e[1] for e in o.exits], dtype=np.float64), targets)
        best_t, best_entry = math.inf, None
        for node, t, dist_m in d.entries:
            total = dist[node] + t
            if total < best_t:
                best_t, best_entry = total, (node, t, dist_m)
        t_ab, t_ba = self._edge_times(o)
        direct = self._same_edge(o, d, t_ab, t_ba)
        if direct <= best_t and math.isfinite(direct):
            main_t = direct - o.offset_time_s - d.offset_time_s - d.end_s
            main_m = abs(d.fraction - o.fraction) * o.edge_length_m
            return self._make_route(o, d, main_t, main_m, [], 0.0, 0.0)
        if best_entry is None or not math.isfinite(best_t):
            return Route(mode=self.mode, reachable=False, travel_time_s=math.inf, distance_m=math.inf,
                         legs=[], path=[])
        nodes = [best_entry[0]]
        while pred[nodes[-1]] >= 0:
            nodes.append(int(pred[nodes[-1]]))
        nodes.reverse()
        exit_node = nodes[0]
        exit_leg = next(e for e in o.exits if e[0] == exit_node)
        us, vs = np.array(nodes[:-1]), np.array(nodes[1:])
        path_m = float(self._edge_values(self._len, us, vs).sum()) if len(us) else 0.0
        path_t = float(self._edge_values(self._fwd, us, vs).sum()) if len(us) else 0.0
        start_partial_m = exit_leg[2] - o.offset_m
        end_partial_m = best_entry[2] - d.offset_m
        main_t = (exit_leg[1] - o.offset_time_s) + path_t + (best_entry[1] - d.offset_time_s - d.end_s)
        main_m = start_partial_m + path_m + end_partial_m
        return self._make_route(o, d, main_t, main_m, nodes, start_partial_m, end_partial_m)

    def _make_route(self, o: Snap, d: Snap, main_t: float, main_m: float, nodes: list[int],
                    start_partial_m: float, end_partial_m: float) -> Route:
        lat, lon = self.graph.lat, self.graph.lon
        path = [[o.lat, o.lon], [o.snapped_lat, o.snapped_lon]]
        path += [[float(lat[n]), float(lon[n])] for n in nodes]
        path += [[d.snapped_lat, d.snapped_lon], [d.lat, d.lon]]
        legs = [
            {"kind": "access", "mode": "walk", "from": [o.lat, o.lon], "to": [o.snapped_lat, o.snapped_lon],
             "distance_m": o.offset_m, "travel_time_s": o.offset_time_s,
             **({"joined_hidden_way": True} if o.fallback else {})},
            {"kind": "main", "mode": self.mode, "from": [o.snapped_lat, o.snapped_lon],
             "to": [d.snapped_lat, d.snapped_lon], "distance_m": main_m, "travel_time_s": main_t,
             "start_partial_edge_m": start_partial_m, "end_partial_edge_m": end_partial_m,
             "nodes": len(nodes)},
            {"kind": "egress", "mode": "walk", "from": [d.snapped_lat, d.snapped_lon], "to": [d.lat, d.lon],
             "distance_m": d.offset_m, "travel_time_s": d.offset_time_s,
             **({"joined_hidden_way": True} if d.fallback else {})},
        ]
        if d.end_s > 0:  # car: parking and walking to the door (an estimate), before the last metres
            legs.insert(2, {"kind": "parking", "mode": "walk", "from": [d.snapped_lat, d.snapped_lon],
                            "to": [d.snapped_lat, d.snapped_lon], "distance_m": 0.0, "travel_time_s": d.end_s,
                            "estimate": True, **({"source": self.trip_end.get("source")} if self.trip_end else {})})
        total_t = o.offset_time_s + main_t + d.offset_time_s + d.end_s
        total_m = o.offset_m + main_m + d.offset_m
        return Route(mode=self.mode, reachable=True, travel_time_s=total_t, distance_m=total_m,
                     legs=legs, path=path)
