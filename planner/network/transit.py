"""Door-to-door public transport: walk access -> RAPTOR over GTFS -> walk egress, or walk only.

:class:`TransitRouter` snaps every stop to the walking graph once, precomputes walking times from each
stop to every node within ``max_egress_s`` (a sparse stop x node matrix) and the footpath transfers
between stops closer than ``transfer_radius_m`` (times on the walk graph). A query walks from the
origin to the stops reachable within ``max_access_s``, runs RAPTOR for the query date, then walks from
the stops to the destinations; walking all the way is used when faster. Times are seconds;
unreachable is ``math.inf``.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from planner.errors import InputError, PlannerError, Problem
from planner.i18n import translate
from planner.network.gtfs import GtfsFeed, TripsOfDay, format_time
from planner.network.raptor import Footpaths, RaptorResult, Timetable, earliest_arrival

WALK_SPEED_MPS = 4.7 / 3.6       # matches graph.WALK_SPEED_KMH for the stop -> node snap
MAX_ACCESS_S = 15 * 60            # walk from the origin to the first stop
MAX_EGRESS_S = 15 * 60            # walk from the last stop to the destination
TRANSFER_RADIUS_M = 400.0         # footpath transfers between stops closer than this (straight line)
MAX_STOP_SNAP_M = 500.0           # stops further than this from the walk graph are not used
MAX_TRANSFERS = 4
# ASSUMPTION: the least time to change vehicles (get off, find the other stop or platform, be there before
# it leaves). Added to every change at one stop and to every walk between stops; transfers.txt rows
# override it per stop or pair (type 1 timed: 0 s; type 2: its min_transfer_time; type 3: no change).
MIN_TRANSFER_S = 60.0
ROUTE_TYPE_NAMES = {0: "tram", 1: "subway", 2: "rail", 3: "bus", 4: "ferry", 5: "cable_tram", 6: "aerial_lift",
                    7: "funicular", 11: "trolleybus", 12: "monorail"}


def _minutes(seconds: float) -> int:
    """Whole minutes for a leg's text: any walk at all is at least 1 min ("Walk 0 min" reads as none)."""
    return max(1, round(float(seconds) / 60)) if seconds > 0 else 0


def mode_of_route_type(route_type: int) -> str:
    """GTFS ``route_type`` (basic 0-12 or extended 100-1700) to a mode key of ``transit.mode.*``."""
    if route_type in ROUTE_TYPE_NAMES:
        return ROUTE_TYPE_NAMES[route_type]
    for low, high, name in ((100, 199, "rail"), (200, 299, "bus"), (400, 499, "subway"), (700, 799, "bus"),
                            (800, 899, "trolleybus"), (900, 999, "tram"), (1000, 1299, "ferry"),
                            (1300, 1399, "aerial_lift"), (1400, 1499, "funicular")):
        if low <= route_type <= high:
            return name
    return "transit"


@dataclass
class TransitRoute:
    """One door-to-door journey (same fields as the walking engine's ``Route`` plus times)."""

    travel_time_s: float
    distance_m: float
    legs: list[dict[str, Any]]
    reachable: bool
    depart: datetime
    arrive: datetime | None
    path: list[tuple[float, float]] = field(default_factory=list)
    mode: str = "transit"

    def to_dict(self) -> dict[str, Any]:
        return {"mode": self.mode, "reachable": self.reachable, "travel_time_s": self.travel_time_s,
                "distance_m": self.distance_m, "depart": self.depart.isoformat(timespec="seconds"),
                "arrive": self.arrive.isoformat(timespec="seconds") if self.arrive else None,
                "legs": self.legs, "path": [list(p) for p in self.path]}


def _haversine_m(lat1, lon1, lat2, lon2) -> np.ndarray:
    r = 6371008.8
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * r * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def percentiles_s(values: np.ndarray, qs: Sequence[float] = (10, 50, 90)) -> list[np.ndarray]:
    """Percentiles over axis 0 (departures); linear interpolation, but never across an infinite value."""
    values = np.asarray(values, dtype=float)
    out = []
    for q in qs:
        linear = np.percentile(np.where(np.isfinite(values), values, 1e300), q, axis=0)
        nearest = np.percentile(values, q, axis=0, method="higher")
        result = np.where(np.isfinite(nearest) & (linear < 1e299), linear, nearest)
        out.append(result)
    return out


class TransitRouter:
    """Public transport on a GTFS feed with walking on the walk graph (``TravelTimeEngine``)."""

    def __init__(self, feed: GtfsFeed, walk: Any, *, max_access_s: float = MAX_ACCESS_S,
                 max_egress_s: float = MAX_EGRESS_S, transfer_radius_m: float = TRANSFER_RADIUS_M,
                 max_transfers: int = MAX_TRANSFERS, walk_cache: str | Path | None = None,
                 walk_cache_key: str | None = None, min_transfer_s: float = MIN_TRANSFER_S):
        """``walk_cache`` (+ ``walk_cache_key``): an ``.npz`` written by :meth:`save_walk_cache` with the
        same key; when it matches, the stop <-> street walking matrices are read instead of computed."""
        self.feed = feed
        self.walk = walk
        self.max_access_s = float(max_access_s)
        self.max_egress_s = float(max_egress_s)
        self.max_transfers = int(max_transfers)
        if not (math.isfinite(float(min_transfer_s)) and 0 <= float(min_transfer_s) <= 3600):
            raise InputError.single("min_transfer_s", min_transfer_s, "seconds from 0 to 3600")
        self.min_transfer_s = float(min_transfer_s)
        graph = walk.graph
        self.graph = graph
        n_stops = len(feed.stop_ids)
        # snap stops to the nearest node of the walking network's main part (straight line at walking
        # speed): never to a 2-5 node fragment next to the stop (Tampere: 18 of 1,141 stops did)
        component = getattr(walk, "component", None)
        main = (np.flatnonzero(component == walk.largest_component) if component is not None
                else np.arange(graph.time_s.shape[0]))
        tree = cKDTree(np.column_stack([graph.x[main], graph.y[main]]))
        from planner.network.graph import to_3067

        sx, sy = to_3067(feed.stop_lat, feed.stop_lon)
        self.stop_x, self.stop_y = sx, sy
        dist, node = tree.query(np.column_stack([sx, sy]))
        self.stop_node = main[node].astype(np.int64)
        self.stop_snap_m = dist
        self.stop_ok = dist <= MAX_STOP_SNAP_M
        self.stop_snap_s = np.where(self.stop_ok, dist / WALK_SPEED_MPS, math.inf)
        self.transfer_radius_m = float(transfer_radius_m)
        self._to_stop: sp.csc_array | None = None
        cached = _read_walk_cache(walk_cache, walk_cache_key, n_stops, graph.time_s.shape[0],
                                  self.cache_parameters())
        self.walk_cache_used = cached is not None
        self._cache_source = (Path(walk_cache), walk_cache_key) if cached is not None else None
        if cached is not None:
            self.egress, self.footpaths, access_same = cached
            if access_same:   # a two-way walk graph: walking to a stop takes as long as walking from it
                self._to_stop = self.egress
        else:
            stop_major = self._walk_matrix(self._walk_csr(), self.max_egress_s)   # csr stops x nodes, seconds
            self.footpaths = self.walk_footpaths = self._footpaths(transfer_radius_m, stop_major)
            self.egress = _node_major(stop_major)
            del stop_major
            if walk_cache is not None and walk_cache_key is not None:
                self._refresh_cache(Path(walk_cache), walk_cache_key)
        self.walk_footpaths = self.footpaths           # walking only (what the cache holds)
        self.footpaths = self._with_transfers(self.walk_footpaths)
        self._timetables: dict[Any, Timetable] = {}
        from planner.network.engine import release_freed_memory

        release_freed_memory()

    @classmethod
    def from_feed(cls, feed: GtfsFeed, walk: Any, **options: Any) -> "TransitRouter":
        """Snap the feed's stops to ``walk``'s graph and precompute egress walks and transfers."""
        return cls(feed, walk, **options)

    def cache_parameters(self) -> dict[str, float]:
        """The settings the walking matrices depend on (part of the cache key)."""
        return {"max_access_s": self.max_access_s, "max_egress_s": self.max_egress_s,
                "transfer_radius_m": self.transfer_radius_m, "max_stop_snap_m": MAX_STOP_SNAP_M,
                "walk_speed_mps": WALK_SPEED_MPS, "version": WALK_CACHE_VERSION}

    def save_walk_cache(self, path: str | Path, key: str) -> Path:
        """Write the egress and access walks (node-major, float32 seconds) and the footpaths to ``path``
        (.npz) under ``key``; written to a temporary file and moved into place.

        Stored uncompressed: reading is then a copy, not an inflate (the default dataset's 19 MB took
        0.1 s to decompress on every cold start). The access walks are stored only when they differ
        from the egress walks (on a walk graph whose every street goes both ways they are the same
        matrix), which keeps the file at about the size the compressed one had."""
        egress, access, fp = self.egress, _node_major(self._access_matrix()), self.walk_footpaths
        small = np.uint16 if egress.shape[0] < 65536 else np.int32
        arrays = {"key": np.array(key), "shape": np.array(egress.shape, dtype=np.int64),
                  "parameters": np.array(json.dumps(self.cache_parameters(), sort_keys=True)),
                  "egress_data": egress.data, "egress_rows": egress.indices.astype(small),
                  "egress_counts": np.diff(egress.indptr).astype(np.int32),
                  "fp_indptr": fp.indptr, "fp_to": fp.to, "fp_time_s": fp.time_s}
        same = (np.array_equal(access.indptr, egress.indptr) and np.array_equal(access.indices, egress.indices)
                and np.array_equal(access.data, egress.data))
        arrays["access_same"] = np.array(same)
        if not same:
            arrays.update(access_data=access.data, access_rows=access.indices.astype(small),
                          access_counts=np.diff(access.indptr).astype(np.int32))
        path = Path(path)
        partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with partial.open("wb") as handle:
            np.savez(handle, **arrays)
        os.replace(partial, path)
        return path

    def _refresh_cache(self, path: Path, key: str) -> None:
        """A missing or stale cache (another version, another feed) is rewritten once computed, so the
        next process reads it; a read-only dataset folder just keeps computing (same answers)."""
        try:
            self.save_walk_cache(path, key)
        except OSError:
            pass

    # -- preprocessing ---------------------------------------------------------------------------
    def _walk_csr(self, reverse: bool = False) -> sp.csr_array:
        """The walk graph (its transpose when ``reverse``) as the engine holds it (sorted CSR)."""
        engine_csr = getattr(self.walk, "_rev" if reverse else "_fwd", None)
        if engine_csr is not None:
            return engine_csr
        csr = sp.csr_array(self.graph.time_s.T if reverse else self.graph.time_s, dtype=np.float64)
        csr.sort_indices()
        return csr

    def _walk_matrix(self, time_s: sp.csr_array, limit_s: float) -> sp.csr_array:
        """Stops x nodes walking seconds (stop snap included) on ``time_s`` within ``limit_s``.

        One compiled search per usable stop, seeded with the stop's snap walk and stopped at the
        limit, so the work is the nodes within reach, not the whole graph per stop."""
        from planner.network.kernels import bounded_rows

        n_stops, n_nodes = len(self.stop_node), time_s.shape[0]
        ok = np.flatnonzero(self.stop_ok)
        row_ptr, cols, vals = bounded_rows(time_s.indptr, time_s.indices, time_s.data, self.stop_node[ok],
                                           np.ascontiguousarray(self.stop_snap_s[ok], dtype=np.float64),
                                           float(limit_s))
        counts = np.zeros(n_stops, dtype=np.int64)
        counts[ok] = np.diff(row_ptr)
        indptr = np.zeros(n_stops + 1, dtype=np.int64)
        indptr[1:] = np.cumsum(counts)
        return sp.csr_array((vals, cols.astype(np.int32), indptr), shape=(n_stops, n_nodes))

    def _footpaths(self, radius_m: float, stop_major: sp.csr_array | None = None) -> Footpaths:
        """Walking transfers between stops within ``radius_m`` (straight line), in whole seconds.

        Vectorised form of :meth:`_stop_to_stop_s` over every pair (one sparse look-up for all
        pairs instead of one row slice per pair: this was most of the router's set-up time).
        """
        ok = np.flatnonzero(self.stop_ok)
        tree = cKDTree(np.column_stack([self.stop_x[ok], self.stop_y[ok]]))
        pairs_ij = tree.query_pairs(radius_m, output_type="ndarray").reshape(-1, 2)
        if not len(pairs_ij):
            return Footpaths.from_pairs(len(self.stop_node), [])
        a = np.concatenate([ok[pairs_ij[:, 0]], ok[pairs_ij[:, 1]]]).astype(np.int64)
        b = np.concatenate([ok[pairs_ij[:, 1]], ok[pairs_ij[:, 0]]]).astype(np.int64)
        node_b = self.stop_node[b]
        egress = stop_major if stop_major is not None else sp.csr_array(self.egress)
        value = np.asarray(egress[a, node_b], dtype=float).ravel()
        no_walk = (value == 0.0) & (self.stop_node[a] != node_b)
        t = np.where(no_walk, math.inf, np.round(value + self.stop_snap_s[b]))
        keep = np.isfinite(t)
        pairs = list(zip(a[keep].tolist(), b[keep].tolist(), t[keep].tolist()))
        return Footpaths.from_pairs(len(self.stop_node), pairs)

    def _with_transfers(self, walks: Footpaths) -> Footpaths:
        """The footpaths RAPTOR uses: each walk between stops + ``min_transfer_s``, and per stop the
        change time ``min_transfer_s``, then the feed's ``transfers.txt`` rules on top (same stop: type 1
        0 s, type 2 its time, type 3 no change there; two stops: type 0 walk + margin, 1 walk only, 2 the
        longer of walk and its time, 3 no footpath; pairs beyond the transfer radius are added)."""
        n = len(self.stop_node)
        change = np.full(n, self.min_transfer_s)
        times: dict[tuple[int, int], float] = {}
        walk: dict[tuple[int, int], float] = {}
        for s in range(n):
            for k in range(walks.indptr[s], walks.indptr[s + 1]):
                pair = (s, int(walks.to[k]))
                walk[pair] = float(walks.time_s[k])
                times[pair] = walk[pair] + self.min_transfer_s
        rules = getattr(self.feed, "transfers", None)
        if rules is not None and len(rules):
            for a, b, kind, min_s in zip(np.asarray(rules["from_stop"]), np.asarray(rules["to_stop"]),
                                         np.asarray(rules["transfer_type"]), np.asarray(rules["min_transfer_s"])):
                a, b, kind = int(a), int(b), int(kind)
                if a == b:
                    change[a] = {1: 0.0, 2: float(min_s), 3: math.inf}.get(kind, change[a])
                    continue
                if kind == 3:
                    times.pop((a, b), None)
                    continue
                on_foot = walk.get((a, b))
                if on_foot is None:
                    on_foot = self._stop_to_stop_s(a, b) if self.stop_ok[a] and self.stop_ok[b] else math.inf
                if not math.isfinite(on_foot):
                    continue   # no walk between them on the map: the rule cannot be used
                times[(a, b)] = {1: on_foot, 2: max(on_foot, float(min_s))}.get(kind, on_foot + self.min_transfer_s)
        pairs = [(a, b, t) for (a, b), t in times.items()]
        return Footpaths.from_pairs(n, pairs, change)

    def _stop_to_stop_s(self, a: int, b: int) -> float:
        row = self.egress[[a]]
        node = self.stop_node[b]
        value = row[0, node] if row.nnz else 0.0
        if value == 0.0 and self.stop_node[a] != node:
            return math.inf
        return float(round(value + self.stop_snap_s[b]))

    def timetable(self, day: date) -> Timetable:
        """The RAPTOR timetable of ``day`` (cached); InputError naming --date when nothing runs."""
        if day not in self._timetables:
            trips = self.feed.trips_on(day)
            if not trips.label:
                first, last = self.feed.date_range()
                span = f"{first.isoformat()} .. {last.isoformat()}" if first else "no dates at all"
                raise InputError.single("--date", day.isoformat(),
                                        f"a date on which the transit feed has service (the feed covers {span})")
            if len(self._timetables) >= 4:
                self._timetables.pop(next(iter(self._timetables)))
            self._timetables[day] = Timetable.from_trips(trips, len(self.feed.stop_ids), self.footpaths)
        return self._timetables[day]

    # -- queries ---------------------------------------------------------------------------------
    def _origin_search(self, origin: tuple[float, float], dests: list | None = None
                       ) -> tuple[Any, np.ndarray, np.ndarray]:
        """(origin snap, walk seconds origin -> nodes, walk seconds origin -> stops within max_access_s).

        One walk search serves both the stops' access times and walking all the way: with
        ``dests`` (snaps) it stops once they and every node within ``max_access_s`` are settled,
        without them it covers the whole graph (one-to-all)."""
        o = self.walk.snap(float(origin[0]), float(origin[1]), field="origin")
        if dests is None:
            node_s = self.walk.times_from_snap(o)
        else:
            nodes, times = self.walk._end_arrays(dests, reverse=False)
            node_s = self.walk.times_from_snap(o, targets=np.unique(nodes[np.isfinite(times)]),
                                               settle_s=self.max_access_s + 1.0)
        return o, node_s, self._stop_times(node_s, self.max_access_s)

    def _stop_times(self, node_s: np.ndarray, limit_s: float) -> np.ndarray:
        stop_s = np.round(node_s[self.stop_node] + self.stop_snap_s)   # whole seconds, like GTFS times
        stop_s[stop_s > limit_s] = math.inf
        return stop_s

    def access_s(self, origin: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
        """(walk seconds origin -> every node, walk seconds origin -> every stop within max_access_s)."""
        _o, node_s, stop_s = self._origin_search(origin)
        return node_s, stop_s

    def _raptor(self, stop_access_s: np.ndarray, depart: datetime) -> tuple[RaptorResult, float]:
        t0 = depart.hour * 3600 + depart.minute * 60 + depart.second
        table = self.timetable(depart.date())
        return earliest_arrival(table, stop_access_s + t0, max_transfers=self.max_transfers), float(t0)

    def transit_node_s(self, result: RaptorResult, t0: float, walk_s: np.ndarray | None = None) -> np.ndarray:
        """Seconds from the departure to every node via transit (best stop arrival + egress walk); with
        ``walk_s`` (walking all the way, overwritten) the faster of the two, without another pass."""
        from planner.network.kernels import gather_min

        eg = self.egress
        return gather_min(eg.indptr, eg.indices, eg.data, result.arrival_s - t0,
                          np.full(eg.shape[1], math.inf) if walk_s is None else walk_s)

    def _transit_at(self, result: RaptorResult, t0: float, dests: list) -> np.ndarray:
        """Seconds from the departure to each destination snap via transit (egress columns of its entries)."""
        eg = self.egress
        arrival = result.arrival_s - t0
        out = np.full(len(dests), math.inf)
        for i, snap in enumerate(dests):
            if snap is None:
                continue
            for node, t_end, _m in snap.entries:
                a, b = eg.indptr[node], eg.indptr[node + 1]
                if a < b:
                    out[i] = min(out[i], float(np.min(arrival[eg.indices[a:b]] + eg.data[a:b])) + t_end)
        return out

    def _dest_snaps(self, destinations, on_outside: str) -> list:
        points = [(float(lat), float(lon)) for lat, lon in np.asarray(destinations, dtype=float).reshape(-1, 2)]
        return self.walk.snap_many(points, field="destinations", on_outside=on_outside)

    def one_to_all(self, origin: tuple[float, float], depart: datetime) -> np.ndarray:
        """Seconds from ``origin`` to every walk-graph node departing at ``depart`` (inf unreachable)."""
        _o, node_s, stop_s = self._origin_search(origin)
        result, t0 = self._raptor(stop_s, depart)
        return self.transit_node_s(result, t0, node_s)

    def one_to_many(self, origin: tuple[float, float], destinations, depart: datetime, *,
                    on_outside: str = "raise") -> np.ndarray:
        """Seconds from ``origin`` to each destination ``(lat, lon)`` departing at ``depart``.

        ``on_outside="none"``: destinations outside the walk network's area get ``inf`` instead of an error.
        """
        dests = self._dest_snaps(destinations, on_outside)
        o, node_s, stop_s = self._origin_search(origin, dests)
        walk_only = self.walk.gather_snaps(o, node_s, dests)
        result, t0 = self._raptor(stop_s, depart)
        return np.minimum(walk_only, self._transit_at(result, t0, dests))

    def many_to_one(self, origins, destination: tuple[float, float], arrive_by: datetime, *,
                    on_outside: str = "raise") -> np.ndarray:
        """Seconds needed from each origin to be at ``destination`` by ``arrive_by``.

        One reverse RAPTOR (latest departure) for all origins: the time is ``arrive_by`` minus the
        latest departure from the origin that still arrives in time (waiting, if any, happens at the
        destination end), or walking all the way when that is shorter; ``inf`` when impossible.
        """
        origins = np.asarray(origins, dtype=float).reshape(-1, 2)
        t_end = arrive_by.hour * 3600 + arrive_by.minute * 60 + arrive_by.second
        d = self.walk.snap(float(destination[0]), float(destination[1]), field="destination")
        snaps = self.walk.snap_many([tuple(o) for o in origins], field="origins", on_outside=on_outside)
        nodes, times = self.walk._end_arrays(snaps, reverse=True)
        # one reverse walk search: the stops' egress times and walking all the way from each origin
        dest_walk = self.walk.times_from_snap(d, reverse=True, targets=np.unique(nodes[np.isfinite(times)]),
                                              settle_s=self.max_egress_s + 1.0)
        walk_only = self.walk.gather_snaps(d, dest_walk, snaps, reverse=True)
        stop_s = self._stop_times(dest_walk, self.max_egress_s)
        table = self._reverse_timetable(arrive_by.date())
        result = earliest_arrival(table, stop_s - t_end, max_transfers=self.max_transfers)
        latest_dep = -result.arrival_s                     # latest departure from each stop (s after midnight)
        to_stop = self._access_matrix()                    # column = node: walk node -> stop
        out = np.full(len(origins), math.inf)
        for i, snap in enumerate(snaps):
            if snap is None:
                continue
            best = -math.inf
            for node, t_exit, _m in snap.exits:
                a, b = to_stop.indptr[int(node)], to_stop.indptr[int(node) + 1]
                if a == b:
                    continue
                walk_s = np.round(t_exit + to_stop.data[a:b])
                ok = walk_s <= self.max_access_s
                if ok.any():
                    best = max(best, float(np.max(latest_dep[to_stop.indices[a:b]][ok] - walk_s[ok])))
            if math.isfinite(best):
                out[i] = t_end - best
        return np.minimum(out, np.asarray(walk_only, dtype=float))

    def _access_matrix(self) -> sp.csc_array:
        """Walk seconds from every node to each stop within ``max_access_s`` (csc: column = node)."""
        if self._to_stop is None and self._cache_source is not None:   # read from the cache on first use
            self._to_stop = _read_access(*self._cache_source, self.egress.shape, self.cache_parameters())
        if self._to_stop is None:
            self._to_stop = _node_major(self._walk_matrix(self._walk_csr(reverse=True), self.max_access_s))
        return self._to_stop

    def _reverse_timetable(self, day: date) -> Timetable:
        """The timetable of ``day`` with time reversed (negated, trips backwards) for latest departures."""
        key = ("reverse", day)
        if key not in self._timetables:
            self.timetable(day)  # the same no-service error
            trips = self.feed.trips_on(day)
            fwd = np.asarray(trips.offsets, dtype=np.int64)
            owner = np.repeat(np.arange(len(fwd) - 1), np.diff(fwd))   # the trip of each stop event
            idx = fwd[owner] + fwd[owner + 1] - 1 - np.arange(int(fwd[0]), int(fwd[-1]))   # each trip backwards
            rev = TripsOfDay(trips.route_index, trips.label, trips.offsets, trips.stop_index[idx],
                             -trips.departure_s[idx], -trips.arrival_s[idx], trips.dropoff[idx], trips.pickup[idx])
            fp = self.footpaths
            pairs = [(int(fp.to[k]), s, float(fp.time_s[k])) for s in range(len(fp.indptr) - 1)
                     for k in range(fp.indptr[s], fp.indptr[s + 1])]
            self._timetables[key] = Timetable.from_trips(rev, len(self.feed.stop_ids),
                                                         Footpaths.from_pairs(len(self.feed.stop_ids), pairs,
                                                                              fp.change_s))
        return self._timetables[key]

    def window(self, origin: tuple[float, float], destinations, depart: datetime, minutes: int, *,
               on_outside: str = "raise") -> dict:
        """Departures every minute in ``[depart, depart + minutes)``: median, p10, p90 seconds per destination."""
        if int(minutes) < 1:
            raise InputError.single("--window", minutes, "a window of at least 1 minute")
        dests = self._dest_snaps(destinations, on_outside)
        o, node_s, stop_s = self._origin_search(origin, dests)
        walk_only = self.walk.gather_snaps(o, node_s, dests)
        rows = []
        for m in range(int(minutes)):
            result, t0 = self._raptor(stop_s, depart + timedelta(minutes=m))
            rows.append(np.minimum(walk_only, self._transit_at(result, t0, dests)))
        p10, p50, p90 = percentiles_s(np.array(rows))
        return {"median_s": p50, "p10_s": p10, "p90_s": p90, "departures": int(minutes),
                "travel_times_s": np.array(rows)}

    def route(self, origin: tuple[float, float], destination: tuple[float, float], depart: datetime,
              *, lang: str = "en") -> TransitRoute:
        """The fastest door-to-door journey with its legs (walk, ride, transfer, walk)."""
        d = self.walk.snap(float(destination[0]), float(destination[1]), field="destination")
        o, node_s, stop_s = self._origin_search(origin, [d])
        walk_only = float(self.walk.gather_snaps(o, node_s, [d])[0])
        result, t0 = self._raptor(stop_s, depart)
        eg = self.egress
        arrival = result.arrival_s - t0
        best_stop, best_t, best_egress = -1, math.inf, math.inf
        for node, t_end, _m in d.entries:
            a, b = eg.indptr[node], eg.indptr[node + 1]
            if a < b:
                cand = arrival[eg.indices[a:b]] + eg.data[a:b] + t_end
                i = int(np.argmin(cand))
                if cand[i] < best_t:
                    best_stop, best_t, best_egress = int(eg.indices[a + i]), float(cand[i]), float(eg.data[a + i] + t_end)
        if not math.isfinite(walk_only) and not math.isfinite(best_t):
            return TransitRoute(math.inf, math.inf, [], False, depart, None)
        if walk_only <= best_t:
            leg = self._walk_leg(origin, destination, depart, walk_only, lang)
            path = leg.pop("path")
            return TransitRoute(walk_only, leg["distance_m"], [leg], True, depart,
                                depart + timedelta(seconds=round(walk_only)), path)
        legs, path = self._legs(result, best_stop, best_egress, origin, destination, depart, t0, lang)
        distance = float(sum(leg["distance_m"] for leg in legs))
        return TransitRoute(best_t, distance, legs, True, depart, depart + timedelta(seconds=round(best_t)), path)

    # -- legs ------------------------------------------------------------------------------------
    def _stop_point(self, s: int) -> tuple[float, float]:
        return float(self.feed.stop_lat[s]), float(self.feed.stop_lon[s])

    def _clock(self, depart: datetime, t_s: float) -> str:
        midnight = datetime.combine(depart.date(), time(0), tzinfo=depart.tzinfo)
        return (midnight + timedelta(seconds=float(t_s))).isoformat(timespec="seconds")

    def _walk_leg(self, a: tuple[float, float], b: tuple[float, float], start: datetime, time_s: float,
                  lang: str) -> dict[str, Any]:
        distance, path, estimated = self._walk_distance(a, b)
        return {"kind": "walk", "mode": "walk", "from": {"lat": a[0], "lon": a[1]},
                "to": {"lat": b[0], "lon": b[1]}, "travel_time_s": time_s, "distance_m": distance,
                "depart": start.isoformat(timespec="seconds"),
                "arrive": (start + timedelta(seconds=time_s)).isoformat(timespec="seconds"),
                "text": translate("transit.leg.walk", lang, minutes=_minutes(time_s)), "path": path,
                "distance_estimated": estimated}

    def _walk_distance(self, a: tuple[float, float], b: tuple[float, float]) -> tuple[float, list, bool]:
        """Metres, (lat, lon) path and whether the metres are estimated, of the fastest walk a -> b.

        The engine's route when it finds one; otherwise (no route on the walk graph) 1.3 x the
        straight line, flagged as estimated (the time is the router's own either way).
        """
        route = getattr(self.walk, "route", None)
        if route is not None:
            try:
                r = route(a, b)
                if getattr(r, "reachable", True) and math.isfinite(float(r.distance_m)):
                    return float(r.distance_m), [tuple(p) for p in (getattr(r, "path", None) or [])], False
            except PlannerError:  # outside the area or unreachable on the walk graph
                pass
        return float(_haversine_m(a[0], a[1], b[0], b[1]) * 1.3), [a, b], True

    def _legs(self, result: RaptorResult, last_stop: int, egress_s: float, origin, destination, depart: datetime,
              t0: float, lang: str) -> tuple[list[dict[str, Any]], list]:
        feed = self.feed
        legs: list[dict[str, Any]] = []
        path: list = []
        for step in result.journey(last_stop):
            if step["kind"] == "access":
                s = step["to_stop"]
                walk_s = step["arrive_s"] - t0
                leg = self._walk_leg(origin, self._stop_point(s), depart, walk_s, lang)
                leg["to"]["stop_id"], leg["to"]["name"] = feed.stop_ids[s], feed.stop_names[s]
                leg["text"] = translate("transit.leg.walk_to_stop", lang, minutes=_minutes(walk_s),
                                        stop=feed.stop_names[s])
            elif step["kind"] == "transfer":
                a, b = step["from_stop"], step["to_stop"]
                start = datetime.fromisoformat(self._clock(depart, step["depart_s"]))
                leg = self._walk_leg(self._stop_point(a), self._stop_point(b), start,
                                     step["arrive_s"] - step["depart_s"], lang)
                leg["kind"] = "transfer"
                leg["from"].update(stop_id=feed.stop_ids[a], name=feed.stop_names[a])
                leg["to"].update(stop_id=feed.stop_ids[b], name=feed.stop_names[b])
                leg["text"] = translate("transit.leg.transfer", lang, minutes=_minutes(leg["travel_time_s"]),
                                        stop=feed.stop_names[b])
            else:
                pattern = result.timetable.patterns[step["pattern"]]
                a, b = step["from_stop"], step["to_stop"]
                r = step["route_index"]
                pos = [int(x) for x in pattern.stops]
                i, j = pos.index(a), len(pos) - 1 - pos[::-1].index(b)
                lats, lons = feed.stop_lat[pattern.stops[i:j + 1]], feed.stop_lon[pattern.stops[i:j + 1]]
                ride_m = float(_haversine_m(lats[:-1], lons[:-1], lats[1:], lons[1:]).sum()) if j > i else 0.0
                name = feed.route_short_names[r]
                kind = mode_of_route_type(feed.route_types[r])
                leg = {"kind": "ride", "mode": kind, "route": name, "route_id": feed.route_ids[r],
                       "trip": step["trip"],
                       "from": {"stop_id": feed.stop_ids[a], "name": feed.stop_names[a],
                                "lat": float(feed.stop_lat[a]), "lon": float(feed.stop_lon[a])},
                       "to": {"stop_id": feed.stop_ids[b], "name": feed.stop_names[b],
                              "lat": float(feed.stop_lat[b]), "lon": float(feed.stop_lon[b])},
                       "depart": self._clock(depart, step["depart_s"]), "arrive": self._clock(depart, step["arrive_s"]),
                       "travel_time_s": float(step["arrive_s"] - step["depart_s"]), "stops": j - i,
                       "distance_m": ride_m, "distance_estimated": True,
                       "text": translate("transit.leg.ride", lang, route=name,
                                         mode=translate(f"transit.mode.{kind}", lang),
                                         origin=feed.stop_names[a], destination=feed.stop_names[b],
                                         time=format_time(step["depart_s"])[:5]),
                       "path": [(float(x), float(y)) for x, y in zip(lats, lons)]}
            path.extend(leg.pop("path"))
            legs.append(leg)
        last_arrival = result.arrival_s[last_stop]
        start = datetime.fromisoformat(self._clock(depart, last_arrival))
        leg = self._walk_leg(self._stop_point(last_stop), destination, start, egress_s, lang)
        leg["from"].update(stop_id=feed.stop_ids[last_stop], name=feed.stop_names[last_stop])
        leg["text"] = translate("transit.leg.walk_from_stop", lang, minutes=_minutes(egress_s),
                                stop=feed.stop_names[last_stop])
        path.extend(leg.pop("path"))
        legs.append(leg)
        # waiting time before each ride
        clock = depart
        for leg in legs:
            leg_start = datetime.fromisoformat(leg["depart"])
            leg["wait_s"] = max(0.0, (leg_start - clock).total_seconds())
            clock = datetime.fromisoformat(leg["arrive"])
        return legs, path


# -- command -----------------------------------------------------------------------------------------
WALK_CACHE_VERSION = 4   # 4: node-major float32 egress, access only when it differs, uncompressed
WALK_CACHE_NAME = "walk_cache.npz"


def walk_cache_key(feed_path: str | Path, walk_graph_path: str | Path,
                   parameters: dict[str, float] | None = None) -> str:
    """sha256 over the feed file, the saved walk graph and the router settings (a changed input misses)."""
    digest = hashlib.sha256()
    for path in (Path(feed_path), Path(walk_graph_path)):
        if path.is_dir():
            for item in sorted(path.rglob("*")):
                if item.is_file():
                    digest.update(item.name.encode())
                    digest.update(item.read_bytes())
        else:
            digest.update(path.read_bytes())
    if parameters is None:
        parameters = {"max_access_s": float(MAX_ACCESS_S), "max_egress_s": float(MAX_EGRESS_S),
                      "transfer_radius_m": TRANSFER_RADIUS_M, "max_stop_snap_m": MAX_STOP_SNAP_M,
                      "walk_speed_mps": WALK_SPEED_MPS, "version": WALK_CACHE_VERSION}
    digest.update(json.dumps(parameters, sort_keys=True).encode())
    return digest.hexdigest()


def _node_major(stop_major: sp.csr_array) -> sp.csc_array:
    """The egress walks held once, by node (column = node, rows = stops, float32 seconds)."""
    csc = sp.csc_array(stop_major)
    csc.sort_indices()
    return sp.csc_array((csc.data.astype(np.float32), csc.indices.astype(np.int32), csc.indptr.astype(np.int32)),
                        shape=csc.shape)


def _read_walk_cache(path: str | Path | None, key: str | None, n_stops: int, n_nodes: int,
                     parameters: dict[str, float]) -> tuple[sp.csc_array, Footpaths, bool] | None:
    """The cached (egress, footpaths, whether the access walks are the egress walks), or None when
    absent, stale, of another shape or made with other router settings."""
    if path is None or key is None or not Path(path).is_file():
        return None
    try:
        with np.load(Path(path), allow_pickle=False) as data:
            if str(data["key"]) != key or tuple(int(v) for v in data["shape"]) != (n_stops, n_nodes) \
                    or str(data["parameters"]) != json.dumps(parameters, sort_keys=True):
                return None
            egress = _node_major_from(data, "egress", n_stops, n_nodes)
            footpaths = Footpaths(data["fp_indptr"], data["fp_to"], data["fp_time_s"])
            access_same = bool(data["access_same"])
    except (OSError, ValueError, KeyError):  # unreadable cache: compute instead (same result, slower)
        return None
    if len(footpaths.indptr) != n_stops + 1:
        return None
    return egress, footpaths, access_same


def _read_access(path: Path, key: str, shape: tuple[int, int], parameters: dict[str, float]) -> sp.csc_array | None:
    """The node -> stop access walks from the cache (read only when ``many_to_one`` first needs them;
    a cache whose access walks are the egress walks never gets here)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["key"]) != key or str(data["parameters"]) != json.dumps(parameters, sort_keys=True):
                return None
            return _node_major_from(data, "access", shape[0], shape[1])
    except (OSError, ValueError, KeyError):
        return None


def _node_major_from(data: Any, name: str, n_stops: int, n_nodes: int) -> sp.csc_array:
    indptr = np.zeros(n_nodes + 1, dtype=np.int32)   # int32 indices too (int64 would double them)
    indptr[1:] = np.cumsum(data[f"{name}_counts"])
    return sp.csc_array((data[f"{name}_data"].astype(np.float32, copy=False), data[f"{name}_rows"].astype(np.int32),
                         indptr), shape=(n_stops, n_nodes))


def _parse_point(text: str | None, flag: str) -> tuple[float, float]:
    try:
        lat_s, lon_s = str(text).split(",")
        lat, lon = float(lat_s), float(lon_s)
    except ValueError:
        raise InputError.single(flag, text, "LAT,LON in decimal degrees (WGS84), e.g. 60.1699,24.9384") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InputError.single(flag, text, "latitude -90..90 and longitude -180..180 (WGS84)")
    return lat, lon


def parse_depart(depart: str | None, day: str | None) -> datetime:
    """``--depart HH:MM`` and ``--date YYYY-MM-DD`` (default today) to a naive local datetime."""
    try:
        service_day = date.fromisoformat(day) if day else date.today()
    except ValueError:
        raise InputError.single("--date", day, "a date YYYY-MM-DD, e.g. 2025-03-03") from None
    text = (depart or "08:00").strip()
    try:
        parts = [int(p) for p in text.split(":")]
        if len(parts) not in (2, 3) or not 0 <= parts[0] <= 23 or not 0 <= parts[1] <= 59:
            raise ValueError
        clock = time(parts[0], parts[1], parts[2] if len(parts) == 3 else 0)
    except ValueError:
        raise InputError.single("--depart", depart, "a time HH:MM (00:00-23:59), e.g. 07:45") from None
    return datetime.combine(service_day, clock)



MAX_WINDOW_MINUTES = 24 * 60   # route --window: departures every minute over at most a day

def route_command_transit(args: argparse.Namespace, dataset: Any) -> dict[str, Any]:
    """``route --mode transit``: the journey at ``--depart`` (and, with ``--window M``, the spread)."""
    lang = getattr(args, "lang", "en") or "en"
    origin = _parse_point(getattr(args, "origin", None), "--from")
    destination = _parse_point(getattr(args, "destination", None), "--to")
    depart = parse_depart(getattr(args, "depart", None), getattr(args, "date", None))
    router = dataset.transit() if dataset is not None else None
    if router is None:
        name = getattr(dataset, "name", "?")
        raise InputError.single("--mode", "transit",
                                f"a mode the dataset {name!r} has (it has no GTFS feed; rebuild it with --gtfs)")
    window = int(getattr(args, "window", 0) or 0)
    if not 0 <= window <= MAX_WINDOW_MINUTES:  # bounded work: one RAPTOR run per minute of the window
        raise InputError.single("--window", window, f"a window in minutes from 0 to {MAX_WINDOW_MINUTES} (a day)")
    try:
        route = router.route(origin, destination, depart, lang=lang)
        stats = router.window(origin, [destination], depart, window) if window else None
    except InputError as error:  # name the command-line flags instead of the engine's argument names
        flags = {"origin": "--from", "destination": "--to", "destinations": "--to", "point": "--from"}
        raise InputError([Problem(flags.get(p.field.split("[")[0], p.field), p.value, p.expected)
                          for p in error.problems]) from None
    out = route.to_dict()
    out["date"] = depart.date().isoformat()
    # the same identifying keys as the street modes' output
    out.setdefault("dataset", getattr(dataset, "name", None))
    out.setdefault("from", [origin[0], origin[1]])
    out.setdefault("to", [destination[0], destination[1]])
    if stats is not None:
        out.update(median_s=float(stats["median_s"][0]), p10_s=float(stats["p10_s"][0]),
                   p90_s=float(stats["p90_s"][0]), window_minutes=window)
    if not route.reachable:
        out["reason"] = translate("transit.unreachable", lang)
    return out
