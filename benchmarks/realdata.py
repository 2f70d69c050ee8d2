"""Proof on real data, side by side in one run (prints figures; never part of the test run).

    .venv/bin/python benchmarks/realdata.py [--pairs 100] [--skip-transit]

1. Walking vs the Helsinki Region Travel Time Matrix 2015 (TTM; trips to the railway station, 250 m
   YKR cells whose centre lies in the default dataset's area): our network distance from the cell centre,
   timed at the matrix's own walking speed (70 m/min), against ``walk_t``.
2. Car vs the matrix's rush-hour car times ``car_r_t`` (door to door: the matrix adds walking to and
   from the car and parking), with the car times every command uses (``Dataset.engine("car")``: driving + the dated door-to-door
   estimate of ``planner/network/tables/car_door_to_door.csv``), and the fit that calibrates it.
3. Public transport on Tampere (real Nysse GTFS subset): our RAPTOR router against an independent
   connection scan (CSA) written here from the GTFS text files, door to door on the same walking network,
   for ``--pairs`` random origin/destination pairs (seeded), leaving at 08:00 on the feed's
   representative weekday; the minimum change time and the feed's transfers.txt apply to both.

The TTM samples stay outside the project: read from ``$PLANNER_REALDATA`` (default ../shared/realdata);
the script says so and skips a part when they are absent. Medians are of |ours − reference| / reference.
"""
from __future__ import annotations

import argparse
import csv
import io
import math
import os
import sys
import time
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
REALDATA = Path(os.environ.get("PLANNER_REALDATA", REPO.parent / "shared" / "realdata"))
TTM_WALK_M_PER_MIN = 70.0          # the matrix's walking speed (walk_d / walk_t of every cell)
STATION_CELL = 5975375             # YKR id of Helsinki Central Railway Station's cell (the matrix's to_id)


def _stats(ours: np.ndarray, reference: np.ndarray) -> dict[str, float]:
    rel = np.abs(ours - reference) / reference
    signed = (ours - reference) / reference
    return {"n": int(len(rel)), "median_abs_rel": float(np.median(rel)), "p90_abs_rel": float(np.percentile(rel, 90)),
            "median_signed_rel": float(np.median(signed))}


def _fmt(name: str, stats: dict[str, float], target: str) -> str:
    return (f"{name:<58s} n={stats['n']:4d}  median |diff| {100 * stats['median_abs_rel']:5.1f} %  "
            f"p90 {100 * stats['p90_abs_rel']:5.1f} %  median signed {100 * stats['median_signed_rel']:+5.1f} %"
            f"   target {target}")


def ttm_cells(dataset):
    """The matrix's cells whose centre lies inside the dataset's outline, with the station's centre."""
    import geopandas as gpd
    from shapely.geometry import Polygon

    path = REALDATA / "helsinki_ttm" / "ttm2015_to_railway_station.gpkg"
    if not path.is_file():
        return None, None
    grid = gpd.read_file(path)
    centres = grid.geometry.centroid.to_crs(4326)
    outline = Polygon(dataset.meta["outline"])
    inside = centres.within(outline).to_numpy()
    station = centres[grid["from_id"] == STATION_CELL].iloc[0]
    cells = grid[inside].copy()
    cells["lat"], cells["lon"] = centres[inside].y.to_numpy(), centres[inside].x.to_numpy()
    return cells, (station.y, station.x)


def walking_vs_ttm(dataset, cells, station) -> dict[str, float] | None:
    from planner.network.graph import WALK_SPEED_KMH

    cells = cells[(cells["walk_t"] > 0) & (cells["from_id"] != STATION_CELL)]
    engine = dataset.engine("walk")
    times = engine.many_to_one(list(zip(cells["lat"], cells["lon"])), station, on_outside="none")
    ok = np.isfinite(times)
    metres = times[ok] * WALK_SPEED_KMH / 3.6
    ours_min = metres / TTM_WALK_M_PER_MIN
    return _stats(ours_min, cells["walk_t"].to_numpy(float)[ok])


def car_vs_ttm(dataset, cells, station) -> dict[str, float] | None:
    """The dataset's car engine as every command uses it (driving + the door-to-door estimate)."""
    cells = cells[(cells["car_r_t"] > 0) & (cells["from_id"] != STATION_CELL)]
    engine = dataset.engine("car")
    door = engine.many_to_one(list(zip(cells["lat"], cells["lon"])), station, on_outside="none")
    ok = np.isfinite(door)
    held_out = (cells["from_id"].to_numpy()[ok] % 2) == 1   # the constant was fitted on the even ids
    return _stats(door[ok][held_out] / 60.0, cells["car_r_t"].to_numpy(float)[ok][held_out])


def car_fit(dataset, cells, station) -> tuple[float, float]:
    """Least squares ``matrix = a × drive + b`` on the even-id cells (the calibration of the door-to-door
    constant ``b``; the table row in planner/network/tables/car_door_to_door.csv records it)."""
    cells = cells[(cells["car_r_t"] > 0) & (cells["from_id"] != STATION_CELL) & (cells["from_id"] % 2 == 0)]
    engine = dataset.engine("car")
    drive = engine.many_to_one(list(zip(cells["lat"], cells["lon"])), station, on_outside="none") - engine.trip_end_s
    ok = np.isfinite(drive)
    a, b = np.polyfit(drive[ok], cells["car_r_t"].to_numpy(float)[ok] * 60.0, 1)
    return float(a), float(b)


# --------------------------------------------------------------------------- independent connection scan


def _read_csv(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    with archive.open(name) as handle:
        return list(csv.DictReader(io.TextIOWrapper(handle, encoding="utf-8-sig")))


def _seconds(text: str) -> int:
    h, m, s = (int(x) for x in text.strip().split(":"))
    return h * 3600 + m * 60 + s


class ConnectionScan:
    """Earliest arrival by the connection scan algorithm (Dibbelt et al. 2013), read straight from the
    GTFS files (calendar, calendar_dates, trips, stop_times); nothing shared with planner.network."""

    def __init__(self, feed_path: Path, day: date):
        with zipfile.ZipFile(feed_path) as archive:
            names = set(archive.namelist())
            active: set[str] = set()
            weekday = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"][day.weekday()]
            stamp = day.strftime("%Y%m%d")
            if "calendar.txt" in names:
                for row in _read_csv(archive, "calendar.txt"):
                    if row["start_date"] <= stamp <= row["end_date"] and row[weekday] == "1":
                        active.add(row["service_id"])
            if "calendar_dates.txt" in names:
                for row in _read_csv(archive, "calendar_dates.txt"):
                    if row["date"] == stamp:
                        (active.add if row["exception_type"] == "1" else active.discard)(row["service_id"])
            trips = {row["trip_id"] for row in _read_csv(archive, "trips.txt") if row["service_id"] in active}
            self.stop_ids = [row["stop_id"] for row in _read_csv(archive, "stops.txt")]
            stop_rows = _read_csv(archive, "stops.txt")
            self.stop_lat = np.array([float(r["stop_lat"]) for r in stop_rows])
            self.stop_lon = np.array([float(r["stop_lon"]) for r in stop_rows])
            index = {s: i for i, s in enumerate(self.stop_ids)}
            by_trip: dict[str, list[tuple[int, int, int, int, bool, bool]]] = {}
            for row in _read_csv(archive, "stop_times.txt"):
                if row["trip_id"] in trips:
                    by_trip.setdefault(row["trip_id"], []).append(
                        (int(row["stop_sequence"]), index[row["stop_id"]], _seconds(row["arrival_time"]),
                         _seconds(row["departure_time"]), row.get("pickup_type", "0") in ("", "0"),
                         row.get("drop_off_type", "0") in ("", "0")))
        connections = []
        for number, rows in enumerate(by_trip.values()):
            rows.sort()
            for a, b in zip(rows, rows[1:]):
                if a[4] and b[5]:
                    connections.append((a[3], b[2], a[1], b[1], number))
        connections.sort()
        self.connections = np.array(connections, dtype=np.int64).reshape(-1, 5)
        self.n_trips = len(by_trip)
        # transfers.txt, read here on its own: (from, to, type, min seconds) of stop-to-stop rows
        self.transfers: list[tuple[int, int, int, float]] = []
        with zipfile.ZipFile(feed_path) as archive:
            if "transfers.txt" in archive.namelist():
                for row in _read_csv(archive, "transfers.txt"):
                    if any((row.get(c) or "").strip() for c in ("from_route_id", "to_route_id", "from_trip_id",
                                                                 "to_trip_id")):
                        continue
                    a, b = index.get(row["from_stop_id"]), index.get(row["to_stop_id"])
                    kind = int((row.get("transfer_type") or "0").strip() or 0)
                    minimum = (row.get("min_transfer_time") or "").strip()
                    if a is not None and b is not None and kind in (0, 1, 2, 3) and (kind != 2 or minimum):
                        self.transfers.append((a, b, kind, float(minimum) if kind == 2 else math.nan))

    def earliest(self, start_s: np.ndarray, footpaths: list[list[tuple[int, float]]],
                 change_s: np.ndarray) -> np.ndarray:
        """Earliest arrival (seconds after midnight) at each stop from ``start_s`` per stop (inf = not there).

        A stop reached on foot is boardable at once; one reached by a vehicle after ``change_s`` of that
        stop (footpath times carry their own change margin)."""
        foot = start_s.astype(float).copy()
        ride = np.full(len(foot), math.inf)
        for s in range(len(foot)):  # walking first from every stop reached on foot
            if math.isfinite(start_s[s]):
                for t, walk in footpaths[s]:
                    foot[t] = min(foot[t], start_s[s] + walk)
        boarded = np.zeros(self.n_trips, dtype=bool)
        if not np.isfinite(foot).any():
            return foot
        first = int(np.searchsorted(self.connections[:, 0], np.min(foot[np.isfinite(foot)])))
        for dep, arr, a, b, trip in self.connections[first:]:
            if boarded[trip] or foot[a] <= dep or ride[a] + change_s[a] <= dep:
                boarded[trip] = True
                if arr < ride[b]:
                    ride[b] = arr
                    for t, walk in footpaths[b]:
                        if arr + walk < foot[t]:
                            foot[t] = arr + walk
        return np.minimum(foot, ride)


def transit_vs_csa(pairs: int, seed: int = 2026) -> tuple[dict[str, float], dict[str, float]] | None:
    from planner.datasets import build_embedded_dataset, load_dataset
    from planner.network.gtfs import representative_weekday

    t0 = time.perf_counter()
    build_embedded_dataset("tampere")
    dataset = load_dataset("tampere")
    router = dataset.transit()
    day = representative_weekday(router.feed)
    depart = datetime.combine(day, datetime.min.time()) + timedelta(hours=8)
    print(f"Tampere dataset ready in {time.perf_counter() - t0:.1f} s; representative weekday {day} "
          f"(the busiest Tuesday-Thursday of the feed), departures 08:00")
    walk = dataset.engine("walk")
    scan = ConnectionScan(dataset.transit_feed_path(), day)
    # the same walking network for access, transfers and egress (stops snapped by the public engine)
    stop_points = list(zip(scan.stop_lat, scan.stop_lon))
    footpaths: list[list[tuple[int, float]]] = [[] for _ in stop_points]
    from planner.network.graph import to_3067

    sx, sy = to_3067(scan.stop_lat, scan.stop_lon)
    from scipy.spatial import cKDTree

    tree = cKDTree(np.column_stack([sx, sy]))
    radius = getattr(router, "transfer_radius_m", 400.0)
    min_change = float(getattr(router, "min_transfer_s", 0.0) or 0.0)
    on_map = [snap is not None for snap in walk.snap_many(stop_points, on_outside="none")]
    walks: dict[tuple[int, int], float] = {}
    for a, near in enumerate(tree.query_ball_point(np.column_stack([sx, sy]), radius)):
        others = [b for b in near if b != a and on_map[b]] if on_map[a] else []
        if others:
            times = walk.one_to_many(stop_points[a], [stop_points[b] for b in others], on_outside="none")
            walks.update({(a, b): float(t) for b, t in zip(others, times) if math.isfinite(t)})
    # the same change rules as the router, applied here from the feed's own transfers.txt
    change = np.full(len(stop_points), min_change)
    times_fp = {pair: t + min_change for pair, t in walks.items()}
    for a, b, kind, minimum in scan.transfers:
        if a == b:
            change[a] = {1: 0.0, 2: minimum, 3: math.inf}.get(kind, change[a])
        elif kind == 3:
            times_fp.pop((a, b), None)
        elif on_map[a] and on_map[b]:
            t = walks.get((a, b))
            t = float(walk.one_to_many(stop_points[a], [stop_points[b]], on_outside="none")[0]) if t is None else t
            if math.isfinite(t):
                times_fp[(a, b)] = {1: t, 2: max(t, minimum)}.get(kind, t + min_change)
    for (a, b), t in times_fp.items():
        footpaths[a].append((b, t))
    print(f"connection scan: {len(scan.transfers)} transfers.txt rows, change {min_change:.0f} s "
          f"({int(np.isinf(change).sum())} stops without changes)")
    rng = np.random.default_rng(seed)
    graph = walk.graph
    main = np.flatnonzero(walk.component == walk.largest_component)  # points people can start from
    nodes = rng.choice(main, size=(pairs * 3, 2))
    max_access = float(getattr(router, "max_access_s", 15 * 60))
    max_egress = float(getattr(router, "max_egress_s", 15 * 60))
    ours, theirs = [], []
    ours_clock = 0.0
    rides = 0
    for a, b in nodes:
        if len(ours) >= pairs:
            break
        origin, dest = (float(graph.lat[a]), float(graph.lon[a])), (float(graph.lat[b]), float(graph.lon[b]))
        if walk.snap_many([origin, dest], on_outside="none").count(None):
            continue  # a node no point snaps to (inside a tunnel): not a place trips start from
        access = walk.one_to_many(origin, stop_points, on_outside="none")
        egress = walk.many_to_one(stop_points, dest, on_outside="none")
        direct = float(walk.one_to_many(origin, [dest], on_outside="none")[0])
        if not math.isfinite(direct) or direct < 15 * 60:  # short trips are walks either way
            continue
        start = np.where(access <= max_access, 8 * 3600 + access, np.inf)
        arrival = scan.earliest(start, footpaths, change)
        csa = min(direct, float(np.min(np.where(egress <= max_egress, arrival + egress, np.inf)) - 8 * 3600))
        t1 = time.perf_counter()
        mine = float(router.one_to_many(origin, [dest], depart, on_outside="none")[0])
        ours_clock += time.perf_counter() - t1
        if math.isfinite(mine) and math.isfinite(csa):
            ours.append(mine)
            theirs.append(csa)
            rides += csa < direct - 60
    stats = _stats(np.array(ours), np.array(theirs))
    speed = {"mean_query_s": ours_clock / max(len(ours), 1), "rides": rides}
    return stats, speed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=100)
    parser.add_argument("--skip-transit", action="store_true")
    parser.add_argument("--skip-walk-car", action="store_true", help="only the transit comparison")
    args = parser.parse_args()
    print(f"load average: {' '.join(open('/proc/loadavg').read().split()[:3])} (machine shared with other work)")
    from planner.datasets import load_dataset

    dataset = load_dataset()
    cells, station = ttm_cells(dataset) if not args.skip_walk_car else (False, None)
    if cells is False:
        pass
    elif cells is None:
        print(f"Travel Time Matrix samples not found under {REALDATA}: walking and car parts skipped")
    else:
        print(f"TTM 2015 cells inside the default dataset's outline: {len(cells)} (to the railway station)")
        print(_fmt("walking vs TTM walk_t (same speed 70 m/min)", walking_vs_ttm(dataset, cells, station), "≤ 3 %"))
        slope, constant = car_fit(dataset, cells, station)
        print(f"car calibration on even-id cells: matrix = {slope:.2f} × drive + {constant:.0f} s "
              f"(table: +{dataset.engine('car').trip_end_s:.0f} s, an estimate)")
        print(_fmt("car (drive + door to door) vs TTM car_r_t (rush hour; odd-id)", car_vs_ttm(dataset, cells, station),
                   "≤ 10 %"))
    if not args.skip_transit:
        result = transit_vs_csa(args.pairs)
        if result:
            stats, speed = result
            print(_fmt(f"transit RAPTOR vs independent CSA, Tampere ({args.pairs} pairs)", stats,
                       "median ≤ 2 %, p90 ≤ 10 %"))
            print(f"{'  pairs where the connection scan rides (beats walking by > 1 min)':<58s} {speed['rides']}")
            print(f"{'  our router, one query (mean)':<58s} {speed['mean_query_s'] * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
