"""RAPTOR (Delling, Pajor & Werneck 2012, "Round-Based Public Transit Routing"), compiled rounds over flat arrays.

A :class:`Timetable` holds the trips of one service date grouped into *patterns*: trips of one route
with the identical stop sequence (and boarding/alighting rules), split further so that no trip
overtakes another (then the earliest trip catchable at a stop is found by binary search). Round ``k``
finds the earliest arrival at every stop using at most ``k`` vehicles; between rounds riders may
walk one footpath (precomputed walking times between nearby stops). Boarding at a stop reached by a
vehicle needs the stop's change time (``Footpaths.change_s``; 0 s unless the router sets it).
Times are integer seconds after midnight of the query date; unreachable is ``math.inf``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from planner.network.gtfs import TripsOfDay

INF = math.inf


@dataclass(frozen=True)
class Pattern:
    """Trips with one stop sequence, sorted by departure, none overtaking another."""

    route_index: int
    stops: np.ndarray        # (n_pos,) stop indices
    pickup: np.ndarray       # (n_pos,) bool
    dropoff: np.ndarray      # (n_pos,) bool
    departure_s: np.ndarray  # (n_pos, n_trips) float64, columns are trips (sorted)
    arrival_s: np.ndarray    # (n_pos, n_trips)
    labels: list[str]        # trip labels


@dataclass(frozen=True)
class Footpaths:
    """Walking transfers between stops in CSR form: for stop s, ``to[indptr[s]:indptr[s+1]]``."""

    indptr: np.ndarray
    to: np.ndarray
    time_s: np.ndarray
    change_s: np.ndarray | None = None   # per stop: minimum change time after a ride (None = 0 s)

    @classmethod
    def empty(cls, n_stops: int) -> "Footpaths":
        return cls(np.zeros(n_stops + 1, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0))

    @classmethod
    def from_pairs(cls, n_stops: int, pairs: list[tuple[int, int, float]],
                   change_s: np.ndarray | None = None) -> "Footpaths":
        """Build from (from_stop, to_stop, walk_time_s) triples; self-loops are dropped."""
        pairs = sorted((a, b, t) for a, b, t in pairs if a != b)
        frm = np.array([p[0] for p in pairs], dtype=np.int64)
        indptr = np.zeros(n_stops + 1, dtype=np.int64)
        if len(frm):
            indptr[1:] = np.cumsum(np.bincount(frm, minlength=n_stops))
        return cls(indptr, np.array([p[1] for p in pairs], dtype=np.int64),
                   np.array([p[2] for p in pairs], dtype=float), change_s)


@dataclass
class Timetable:
    """Patterns of one date plus, per stop, the patterns that serve it, and the same as flat arrays.

    Flat layout (what the compiled rounds read): pattern ``p`` has positions
    ``pat_ptr[p]:pat_ptr[p+1]`` in ``pat_stops``/``pat_pickup``/``pat_dropoff``, ``n_trips[p]`` trips
    and its times at ``times_ptr[p] + position * n_trips[p] + trip`` in ``dep``/``arr``; stop ``s`` is
    served at ``stop_pat_ptr[s]:stop_pat_ptr[s+1]`` by (``stop_pat``, ``stop_pat_pos``).
    """

    n_stops: int
    patterns: list[Pattern]
    stop_patterns: list[np.ndarray]     # per stop: indices of patterns serving it
    footpaths: Footpaths
    flat: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.flat:
            self.flat = _flatten(self.n_stops, self.patterns)

    @classmethod
    def from_trips(cls, trips: TripsOfDay, n_stops: int, footpaths: Footpaths | None = None) -> "Timetable":
        """Group the trips of a day into non-overtaking patterns."""
        groups = _same_stops_groups(trips)
        offsets = trips.offsets
        patterns: list[Pattern] = []
        for key in sorted(groups):
            members = groups[key]
            first = int(members[0])
            a0, b0 = offsets[first], offsets[first + 1]
            at = offsets[members][:, None] + np.arange(b0 - a0)   # (trip, position) -> stop event
            dep, arr = trips.departure_s[at], trips.arrival_s[at]
            order = np.lexsort(tuple(dep[:, ::-1].T))  # by first departure, then the next ...
            # greedy split into chains where every stop time is >= the previous trip's (usually one:
            # then no trip overtakes another and the check is one vectorised comparison)
            chains: list[list[int]] = []
            ordered_dep, ordered_arr = dep[order], arr[order]
            if (ordered_dep[1:] >= ordered_dep[:-1]).all() and (ordered_arr[1:] >= ordered_arr[:-1]).all():
                chains.append([int(r) for r in order])
                order = []
            for row in order:
                for chain in chains:
                    last = chain[-1]
                    if (dep[row] >= dep[last]).all() and (arr[row] >= arr[last]).all():
                        chain.append(row)
                        break
                else:
                    chains.append([row])
            for chain in chains:
                patterns.append(Pattern(
                    route_index=key[0], stops=trips.stop_index[a0:b0].copy(),
                    pickup=trips.pickup[a0:b0].copy(), dropoff=trips.dropoff[a0:b0].copy(),
                    departure_s=np.ascontiguousarray(dep[chain].T, dtype=float),
                    arrival_s=np.ascontiguousarray(arr[chain].T, dtype=float),
                    labels=[trips.label[members[r]] for r in chain]))
        serving: list[set[int]] = [set() for _ in range(n_stops)]
        for p, pattern in enumerate(patterns):
            for s in pattern.stops:
                serving[int(s)].add(p)
        stop_patterns = [np.array(sorted(x), dtype=np.int64) for x in serving]
        return cls(n_stops, patterns, stop_patterns, footpaths or Footpaths.empty(n_stops))


_HASH_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)   # odd 64-bit constant of a polynomial hash (wraps mod 2**64)


def _same_stops_groups(trips: TripsOfDay) -> dict[tuple, np.ndarray]:
    """The trips (indices, ascending) of each (route, stop sequence, pickup and drop-off rules), keyed
    ``(route_index, stop bytes, pickup bytes, dropoff bytes)``; trips of fewer than two stops are left out.

    Vectorised (a Python loop took 30 ms for a day of 10,000 trips, twice per cold ranking: forward and
    reversed): trips are sorted by (route, length, a 64-bit hash of their stop events), then every
    event is compared with its group's first trip, so a hash collision cannot merge two sequences (it
    falls back to grouping by the exact key)."""
    offsets = np.asarray(trips.offsets, dtype=np.int64)
    lengths = np.diff(offsets)
    route = np.asarray(trips.route_index, dtype=np.int64)
    code = (np.asarray(trips.stop_index, dtype=np.int64) * 4 + np.asarray(trips.pickup, dtype=np.int64) * 2
            + np.asarray(trips.dropoff, dtype=np.int64))[offsets[0]:offsets[-1]]   # a stop event with its rules
    used = np.flatnonzero(lengths >= 2)
    if not len(used):
        return {}
    owner = np.repeat(np.arange(len(lengths)), lengths)                 # trip of each stop event
    position = np.arange(len(code)) - (offsets[owner] - offsets[0])
    powers = np.cumprod(np.full(int(lengths.max()), _HASH_MULTIPLIER, dtype=np.uint64))
    with np.errstate(over="ignore"):
        weighted = code.astype(np.uint64) * powers[position]
        running = np.concatenate([np.zeros(1, dtype=np.uint64), np.cumsum(weighted, dtype=np.uint64)])
        digest = running[offsets[used + 1] - offsets[0]] - running[offsets[used] - offsets[0]]   # per trip
    order = np.lexsort((used, digest, lengths[used], route[used]))
    sorted_trips, keys = used[order], np.column_stack([route[used], lengths[used], digest.view(np.int64)])[order]
    starts = np.flatnonzero(np.r_[True, (keys[1:] != keys[:-1]).any(axis=1)])
    first = np.repeat(sorted_trips[starts], np.diff(np.r_[starts, len(sorted_trips)]))
    # every trip's events against its group's first trip's events (exact, whatever the hash did)
    rep = np.empty(len(lengths), dtype=np.int64)
    rep[sorted_trips] = first
    events = np.flatnonzero(lengths[owner] >= 2)
    if not np.array_equal(code[events], code[offsets[rep[owner[events]]] - offsets[0] + position[events]]):
        return _same_stops_groups_exact(trips, used)
    groups = {_pattern_key(trips, int(members[0])): members for members in np.split(sorted_trips, starts[1:])}
    if len(groups) != len(starts):   # one sequence in two hash groups: cannot happen, but stay exact
        return _same_stops_groups_exact(trips, used)
    return groups


def _pattern_key(trips: TripsOfDay, t: int) -> tuple:
    """Trip ``t``'s (route, stop bytes, pickup bytes, dropoff bytes): equal for trips of one pattern."""
    a, b = trips.offsets[t], trips.offsets[t + 1]
    return (int(trips.route_index[t]), trips.stop_index[a:b].tobytes(), trips.pickup[a:b].tobytes(),
            trips.dropoff[a:b].tobytes())


def _same_stops_groups_exact(trips: TripsOfDay, used: np.ndarray) -> dict[tuple, np.ndarray]:
    """:func:`_same_stops_groups` by the exact key, one trip at a time (after a hash collision)."""
    groups: dict[tuple, list[int]] = {}
    for t in used:
        groups.setdefault(_pattern_key(trips, int(t)), []).append(int(t))
    return {key: np.array(members, dtype=np.int64) for key, members in groups.items()}


def _flatten(n_stops: int, patterns: list[Pattern]) -> dict[str, np.ndarray]:
    """The flat arrays of :class:`Timetable` (see there)."""
    n_pos = np.array([len(p.stops) for p in patterns], dtype=np.int64)
    n_trips = np.array([p.departure_s.shape[1] for p in patterns], dtype=np.int64)
    pat_ptr = np.zeros(len(patterns) + 1, dtype=np.int64)
    pat_ptr[1:] = np.cumsum(n_pos)
    times_ptr = np.zeros(len(patterns) + 1, dtype=np.int64)
    times_ptr[1:] = np.cumsum(n_pos * n_trips)
    cat = (lambda parts, dtype: np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype))
    pat_stops = cat([p.stops for p in patterns], np.int64)
    owner = np.repeat(np.arange(len(patterns), dtype=np.int64), n_pos)
    position = np.arange(len(pat_stops), dtype=np.int64) - pat_ptr[owner]
    order = np.lexsort((position, owner, pat_stops))
    stop_pat_ptr = np.zeros(n_stops + 1, dtype=np.int64)
    stop_pat_ptr[1:] = np.cumsum(np.bincount(pat_stops, minlength=n_stops))
    return {
        "pat_ptr": pat_ptr, "pat_stops": pat_stops,
        "pat_pickup": cat([p.pickup for p in patterns], np.bool_),
        "pat_dropoff": cat([p.dropoff for p in patterns], np.bool_),
        "n_trips": n_trips, "times_ptr": times_ptr,
        "dep": cat([p.departure_s.ravel() for p in patterns], np.float64),
        "arr": cat([p.arrival_s.ravel() for p in patterns], np.float64),
        "stop_pat_ptr": stop_pat_ptr, "stop_pat": owner[order], "stop_pat_pos": position[order],
    }


@dataclass
class RaptorResult:
    """Earliest arrivals per stop plus, per round, what is needed to rebuild each journey.

    Row ``k`` of the per-round arrays is round ``k`` (0 = the walk from the origin): ``best_s`` the best
    arrival using at most ``k`` vehicles (after footpaths), ``ride_s`` the arrival by the ``k``-th ride,
    ``walk_s`` by the footpath walked after it (``walk_from`` its start stop, -1 none) and
    ``ride_pattern``/``ride_trip``/``ride_board`` the ride taken (-1 none).
    """

    arrival_s: np.ndarray        # best arrival per stop over all rounds (inf unreachable)
    timetable: Timetable
    best_s: np.ndarray
    ride_s: np.ndarray
    walk_s: np.ndarray
    ride_pattern: np.ndarray
    ride_trip: np.ndarray
    ride_board: np.ndarray
    walk_from: np.ndarray

    def journey(self, stop: int) -> list[dict[str, Any]]:
        """Legs to reach ``stop``: ``access`` (walk from the origin), ``ride`` and ``transfer`` dicts."""
        target = self.arrival_s[stop]
        if not math.isfinite(target):
            return []
        legs: list[dict[str, Any]] = []
        k = len(self.best_s) - 1
        s = stop
        while True:
            value = self.best_s[k, s]
            while k > 0 and self.best_s[k - 1, s] == value:
                k -= 1
            if self.walk_s[k, s] == value and self.walk_from[k, s] >= 0:
                frm = int(self.walk_from[k, s])
                legs.append({"kind": "transfer", "from_stop": frm, "to_stop": s,
                             "depart_s": float(self.ride_s[k, frm]), "arrive_s": float(value)})
                s = frm
            if k == 0:
                legs.append({"kind": "access", "to_stop": s, "arrive_s": float(self.ride_s[0, s])})
                break
            p, trip, board = int(self.ride_pattern[k, s]), int(self.ride_trip[k, s]), int(self.ride_board[k, s])
            pattern = self.timetable.patterns[p]
            alight = _alight_position(pattern, board, s, self.ride_s[k, s], trip)
            legs.append({"kind": "ride", "pattern": p, "route_index": pattern.route_index,
                         "trip": pattern.labels[trip], "from_stop": int(pattern.stops[board]),
                         "to_stop": s, "depart_s": float(pattern.departure_s[board, trip]),
                         "arrive_s": float(pattern.arrival_s[alight, trip])})
            s = int(pattern.stops[board])
            k -= 1
        legs.reverse()
        return legs


def _alight_position(pattern: Pattern, board: int, stop: int, arrive_s: float, trip: int) -> int:
    """The position after ``board`` where ``trip`` reaches ``stop`` at ``arrive_s`` (first such)."""
    for i in range(board + 1, len(pattern.stops)):
        if int(pattern.stops[i]) == stop and pattern.arrival_s[i, trip] == arrive_s:
            return i
    raise AssertionError("ride does not reach its stop")  # pragma: no cover - internal consistency


def earliest_arrival(timetable: Timetable, access_s: np.ndarray, *, max_transfers: int = 4,
                     horizon_s: float = 3 * 3600) -> RaptorResult:
    """RAPTOR from an origin whose walk arrival time at each stop is ``access_s`` (inf = not reached).

    After arriving at a stop on foot from the origin or by a vehicle, one footpath may be walked.
    ``max_transfers`` limits vehicles to ``max_transfers + 1``; trips departing (from their first
    stop) later than ``horizon_s`` after the earliest access arrival are ignored. The rounds run
    compiled (:func:`planner.network.kernels.raptor_rounds`) over the timetable's flat arrays.
    """
    from planner.network.kernels import raptor_rounds

    access_s = np.ascontiguousarray(access_s, dtype=np.float64)
    finite = access_s[np.isfinite(access_s)]
    latest_dep = float(finite.min()) + horizon_s if len(finite) else -INF
    f, fp = timetable.flat, timetable.footpaths
    best, best_s, ride_s, walk_s, ride_pat, ride_trip, ride_board, walk_from = raptor_rounds(
        timetable.n_stops, f["pat_ptr"], f["pat_stops"], f["pat_pickup"], f["pat_dropoff"], f["n_trips"],
        f["times_ptr"], f["dep"], f["arr"], f["stop_pat_ptr"], f["stop_pat"], f["stop_pat_pos"],
        np.asarray(fp.indptr, dtype=np.int64), np.asarray(fp.to, dtype=np.int64),
        np.asarray(fp.time_s, dtype=np.float64), access_s, int(max_transfers) + 1, latest_dep,
        np.zeros(timetable.n_stops) if fp.change_s is None else np.asarray(fp.change_s, dtype=np.float64))
    return RaptorResult(best, timetable, best_s, ride_s, walk_s, ride_pat, ride_trip, ride_board, walk_from)
