"""RAPTOR (Delling, Pajor & Werneck 2012, "Round-Based Public Transit Routing") on numpy arrays.

A :class:`Timetable` holds the trips of one service date grouped into *patterns*: trips of one route
with the identical stop sequence (and boarding/alighting rules), split further so that no trip
overtakes another (then the earliest trip catchable at a stop is found by binary search). Round ``k``
finds the earliest arrival at every stop using at most ``k`` vehicles; between rounds riders may
walk one footpath (precomputed walking times between nearby stops). Same-stop transfers take 0 s.
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

    @classmethod
    def empty(cls, n_stops: int) -> "Footpaths":
        return cls(np.zeros(n_stops + 1, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0))

    @classmethod
    def from_pairs(cls, n_stops: int, pairs: list[tuple[int, int, float]]) -> "Footpaths":
        """Build from (from_stop, to_stop, walk_time_s) triples; self-loops are dropped."""
        pairs = sorted((a, b, t) for a, b, t in pairs if a != b)
        frm = np.array([p[0] for p in pairs], dtype=np.int64)
        indptr = np.zeros(n_stops + 1, dtype=np.int64)
        if len(frm):
            indptr[1:] = np.cumsum(np.bincount(frm, minlength=n_stops))
        return cls(indptr, np.array([p[1] for p in pairs], dtype=np.int64),
                   np.array([p[2] for p in pairs], dtype=float))


@dataclass
class Timetable:
    """Patterns of one date plus, per stop, the patterns that serve it."""

    n_stops: int
    patterns: list[Pattern]
    stop_patterns: list[np.ndarray]     # per stop: indices of patterns serving it
    footpaths: Footpaths

    @classmethod
    def from_trips(cls, trips: TripsOfDay, n_stops: int, footpaths: Footpaths | None = None) -> "Timetable":
        """Group the trips of a day into non-overtaking patterns."""
        groups: dict[tuple, list[int]] = {}
        offsets = trips.offsets
        for t in range(len(trips.label)):
            a, b = offsets[t], offsets[t + 1]
            if b - a < 2:
                continue
            key = (int(trips.route_index[t]), trips.stop_index[a:b].tobytes(),
                   trips.pickup[a:b].tobytes(), trips.dropoff[a:b].tobytes())
            groups.setdefault(key, []).append(t)
        patterns: list[Pattern] = []
        for key in sorted(groups):
            members = groups[key]
            first = members[0]
            a0, b0 = offsets[first], offsets[first + 1]
            dep = np.stack([trips.departure_s[offsets[t]:offsets[t + 1]] for t in members])
            arr = np.stack([trips.arrival_s[offsets[t]:offsets[t + 1]] for t in members])
            order = np.lexsort(tuple(dep[:, ::-1].T))  # by first departure, then the next ...
            # greedy split into chains where every stop time is >= the previous trip's
            chains: list[list[int]] = []
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


@dataclass
class _Round:
    best_s: np.ndarray          # best arrival with at most this many vehicles (after footpaths)
    ride_s: np.ndarray          # arrival by a ride in this round (inf where not improved)
    # stop -> (pattern, trip, board position, alight position)
    ride: dict[int, tuple[int, int, int, int]] = field(default_factory=dict)
    walk_s: np.ndarray | None = None
    walk_from: dict[int, int] = field(default_factory=dict)                   # stop -> stop walked from


@dataclass
class RaptorResult:
    """Earliest arrivals per stop plus what is needed to rebuild each journey."""

    arrival_s: np.ndarray        # best arrival per stop over all rounds (inf unreachable)
    rounds: list[_Round]
    timetable: Timetable

    def journey(self, stop: int) -> list[dict[str, Any]]:
        """Legs to reach ``stop``: ``access`` (walk from the origin), ``ride`` and ``transfer`` dicts."""
        target = self.arrival_s[stop]
        if not math.isfinite(target):
            return []
        legs: list[dict[str, Any]] = []
        k = len(self.rounds) - 1
        s = stop
        while True:
            value = self.rounds[k].best_s[s]
            while k > 0 and self.rounds[k - 1].best_s[s] == value:
                k -= 1
            rnd = self.rounds[k]
            if rnd.walk_s is not None and rnd.walk_s[s] == value and s in rnd.walk_from:
                frm = rnd.walk_from[s]
                legs.append({"kind": "transfer", "from_stop": frm, "to_stop": s,
                             "depart_s": rnd.ride_s[frm], "arrive_s": value})
                s = frm
            if k == 0:
                legs.append({"kind": "access", "to_stop": s, "arrive_s": rnd.ride_s[s]})
                break
            p, trip, board, alight = rnd.ride[s]
            pattern = self.timetable.patterns[p]
            legs.append({"kind": "ride", "pattern": p, "route_index": pattern.route_index,
                         "trip": pattern.labels[trip], "from_stop": int(pattern.stops[board]),
                         "to_stop": s, "depart_s": pattern.departure_s[board, trip],
                         "arrive_s": pattern.arrival_s[alight, trip]})
            s = int(pattern.stops[board])
            k -= 1
        legs.reverse()
        return legs


def earliest_arrival(timetable: Timetable, access_s: np.ndarray, *, max_transfers: int = 4,
                     horizon_s: float = 3 * 3600) -> RaptorResult:
    """RAPTOR from an origin whose walk arrival time at each stop is ``access_s`` (inf = not reached).

    After arriving at a stop on foot from the origin or by a vehicle, one footpath may be walked.
    ``max_transfers`` limits vehicles to ``max_transfers + 1``; trips departing later than
    ``horizon_s`` after the earliest access arrival are ignored.
    """
    n = timetable.n_stops
    access_s = np.asarray(access_s, dtype=float)
    best = access_s.copy()
    walkable = access_s.copy()     # best arrival from which a footpath may start (access or ride)
    sources = np.flatnonzero(np.isfinite(best))
    if len(sources) == 0:
        return RaptorResult(best, [_Round(best.copy(), access_s.copy())], timetable)
    walk_s, walk_from, marks = _relax_footpaths(timetable.footpaths, sources.tolist(), access_s, best)
    rounds = [_Round(best_s=best.copy(), ride_s=access_s.copy(), walk_s=walk_s, walk_from=walk_from)]
    marked = np.array(sorted(set(sources.tolist()) | marks), dtype=np.int64)
    latest_dep = float(best[sources].min()) + horizon_s
    patterns = timetable.patterns
    for _k in range(1, max_transfers + 2):
        prev = rounds[-1].best_s
        queue: set[int] = set()
        for s in marked:
            queue.update(timetable.stop_patterns[s].tolist())
        ride_s = np.full(n, INF)
        ride: dict[int, tuple[int, int, int, int]] = {}
        improved: set[int] = set()
        new_marks: set[int] = set()
        for p in sorted(queue):
            pat = patterns[p]
            stops = pat.stops
            t_prev = prev[stops]
            earliest = float(t_prev.min())
            hi = int(np.searchsorted(pat.departure_s[0], latest_dep, side="right"))
            lo = int(np.searchsorted(pat.arrival_s[-1], earliest, side="left"))
            if hi <= lo:
                continue
            dep = pat.departure_s[:, lo:hi]
            n_trips = hi - lo
            # earliest catchable trip at each position (n_trips when none or boarding not allowed)
            catch = (dep < t_prev[:, None]).sum(axis=1)
            catch[~pat.pickup | ~np.isfinite(t_prev)] = n_trips
            cum = np.minimum.accumulate(catch)
            if cum[-1] >= n_trips:
                continue
            idx = np.arange(len(stops))
            changed = np.ones(len(stops), dtype=bool)
            changed[1:] = cum[1:] < cum[:-1]
            board = np.maximum.accumulate(np.where(changed, idx, 0))
            trip_at = np.empty(len(stops), dtype=np.int64)
            trip_at[0] = n_trips
            trip_at[1:] = cum[:-1]
            ok = (trip_at < n_trips) & pat.dropoff
            if not ok.any():
                continue
            pos = np.flatnonzero(ok)
            arr = pat.arrival_s[pos, trip_at[pos] + lo]
            better = arr < walkable[stops[pos]]
            for i, a in zip(pos[better].tolist(), arr[better].tolist()):
                s = int(stops[i])
                if a < walkable[s]:
                    walkable[s] = a
                    ride_s[s] = a
                    ride[s] = (p, int(trip_at[i]) + lo, int(board[i - 1]), i)
                    improved.add(s)
                    if a < best[s]:
                        best[s] = a
                        new_marks.add(s)
        walk_s, walk_from, marks = _relax_footpaths(timetable.footpaths, sorted(improved), ride_s, best)
        new_marks |= marks
        rounds.append(_Round(best_s=best.copy(), ride_s=ride_s, ride=ride, walk_s=walk_s, walk_from=walk_from))
        if not new_marks:
            break
        marked = np.array(sorted(new_marks), dtype=np.int64)
    return RaptorResult(best, rounds, timetable)


def _relax_footpaths(fp: Footpaths, sources: list[int], from_s: np.ndarray, best: np.ndarray
                     ) -> tuple[np.ndarray, dict[int, int], set[int]]:
    """Walk one footpath from each source stop (at ``from_s``); updates ``best`` in place."""
    walk_s = np.full(len(best), INF)
    src = np.asarray(sources, dtype=np.int64)
    if len(src) == 0:
        return walk_s, {}, set()
    starts = fp.indptr[src]
    counts = fp.indptr[src + 1] - starts
    total = int(counts.sum())
    if total == 0:
        return walk_s, {}, set()
    owner = np.repeat(np.arange(len(src)), counts)
    idx = starts[owner] + np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    to = fp.to[idx]
    t = from_s[src[owner]] + fp.time_s[idx]
    order = np.lexsort((t, to))
    to, t, frm = to[order], t[order], src[owner][order]
    first = np.ones(len(to), dtype=bool)
    first[1:] = to[1:] != to[:-1]
    to, t, frm = to[first], t[first], frm[first]
    better = t < best[to]
    to, t, frm = to[better], t[better], frm[better]
    best[to] = t
    walk_s[to] = t
    return walk_s, dict(zip(to.tolist(), frm.tolist())), set(to.tolist())
