"""A plain-Python Connection Scan (Dibbelt, Pajor, Strasser & Wagner 2013): the transit baseline.

Written for the benchmarks only (independent of planner/network/raptor.py): the trips of one day
become elementary connections (stop -> next stop) sorted by departure; one pass over them finds
the earliest arrival at every stop. The same rules as the project's RAPTOR: boarding only where
pickup is allowed, alighting only where drop-off is, one footpath walked after the walk from the
origin and after each ride, boarding at a stop reached by a vehicle needs that stop's change time
(``change_s``, 0 s when not given; walks between stops already include theirs). No limit on the number
of vehicles (the project's RAPTOR allows 5 by default; benchmarks/transit.py compares answers with that
in mind).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass
class Connections:
    dep_stop: list[int]
    arr_stop: list[int]
    dep_s: list[float]
    arr_s: list[float]
    trip: list[int]
    board_ok: list[bool]
    alight_ok: list[bool]
    first_dep_s: list[float]     # the trip's departure from its first stop (for the horizon rule)
    n_trips: int
    max_trip_s: float            # the longest trip (first departure to last departure)


def connections_of_day(trips) -> Connections:
    """Elementary connections of a ``TripsOfDay``, sorted by (departure, arrival)."""
    rows = []
    off = trips.offsets
    longest = 0.0
    for t in range(len(trips.label)):
        a, b = int(off[t]), int(off[t + 1])
        first = float(trips.departure_s[a])
        longest = max(longest, float(trips.departure_s[b - 1]) - first) if b > a else longest
        for i in range(a, b - 1):
            rows.append((float(trips.departure_s[i]), float(trips.arrival_s[i + 1]), int(trips.stop_index[i]),
                         int(trips.stop_index[i + 1]), t, bool(trips.pickup[i]), bool(trips.dropoff[i + 1]), first))
    rows.sort(key=lambda r: (r[0], r[1]))
    cols = list(zip(*rows)) if rows else [[]] * 8
    return Connections(dep_stop=list(cols[2]), arr_stop=list(cols[3]), dep_s=list(cols[0]), arr_s=list(cols[1]),
                       trip=list(cols[4]), board_ok=list(cols[5]), alight_ok=list(cols[6]),
                       first_dep_s=list(cols[7]), n_trips=len(trips.label), max_trip_s=longest)


def footpath_lists(indptr, to, time_s) -> list[list[tuple[int, float]]]:
    return [[(int(to[k]), float(time_s[k])) for k in range(indptr[s], indptr[s + 1])] for s in range(len(indptr) - 1)]


def earliest_arrival(conn: Connections, footpaths: list[list[tuple[int, float]]], access_s,
                     horizon_s: float = 3 * 3600, change_s=None) -> np.ndarray:
    """Earliest arrival (seconds after midnight) at every stop; ``access_s`` = walk arrival per stop."""
    n = len(footpaths)
    change = [0.0] * n if change_s is None else [float(x) for x in change_s]
    best = [float(x) for x in access_s]           # best arrival on foot (boarding possible from here)
    ride = list(best)                              # arrival on foot from the origin or by a ride
    by_ride = [math.inf] * n                       # arrival by a ride (boarding then needs the change time)
    start = min((x for x in best if x < math.inf), default=math.inf)
    if start == math.inf:
        return np.array(best)
    for s in range(n):
        if ride[s] < math.inf:
            for b, w in footpaths[s]:
                if ride[s] + w < best[b]:
                    best[b] = ride[s] + w
    latest = start + horizon_s
    on_trip = [False] * conn.n_trips
    dep_s, arr_s, dep_stop, arr_stop, trip = conn.dep_s, conn.arr_s, conn.dep_stop, conn.arr_stop, conn.trip
    board_ok, alight_ok, first = conn.board_ok, conn.alight_ok, conn.first_dep_s
    # first connection departing at or after the earliest access arrival
    lo, hi = 0, len(dep_s)
    while lo < hi:
        mid = (lo + hi) // 2
        if dep_s[mid] < start:
            lo = mid + 1
        else:
            hi = mid
    stop_at = latest + conn.max_trip_s   # no trip that may be boarded departs anywhere later
    for c in range(lo, len(dep_s)):
        if dep_s[c] > stop_at:
            break
        t = trip[c]
        if not on_trip[t]:
            s = dep_stop[c]
            if not (board_ok[c] and min(best[s], by_ride[s] + change[s]) <= dep_s[c] and first[c] <= latest):
                continue
            on_trip[t] = True
        if alight_ok[c]:
            s, a = arr_stop[c], arr_s[c]
            if a < ride[s]:
                ride[s] = a
                by_ride[s] = min(by_ride[s], a)
                for b, w in footpaths[s]:
                    if a + w < best[b]:
                        best[b] = a + w
    return np.minimum(np.array(best), np.array(by_ride))
