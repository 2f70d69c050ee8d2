"""Street graphs per travel mode: OSM tags -> directed scipy CSR graphs, saved as one ``.npz`` per mode.

A :class:`ModeGraph` holds two CSR arrays with the same sparsity: edge travel time in seconds
(``time_s``) and edge length in metres (``length_m``), plus node coordinates in WGS84 and EPSG:3067.

Rules (documented in docs/routing.md):

- walking ignores ``oneway``; 4.7 km/h (``WALK_SPEED_KMH``), steps at ``STEPS_SPEED_KMH``.
- cycling respects ``oneway`` unless ``oneway:bicycle=no`` or ``cycleway*=opposite*``; 15 km/h on
  roads and cycleways, slower on pedestrian streets and on footways where ``bicycle=yes``, walking speed with
  ``bicycle=dismount``, carrying speed on steps.
- driving respects ``oneway`` (``-1`` reverses), roundabouts and motorways are one-way; speed from
  ``maxspeed`` (see :func:`parse_maxspeed_kmh`), else ``CAR_DEFAULT_SPEED_KMH`` by highway type, times
  the junction-delay factor (``CAR_URBAN_FACTOR`` at or below 60 km/h, ``CAR_RURAL_FACTOR`` above).
- access tags (``access``, ``foot``, ``bicycle``, ``motor_vehicle``, ``motorcar``, ``vehicle``, and
  their ``:forward``/``:backward`` forms) close an edge or one direction of it.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import scipy.sparse as sp

from planner.errors import DataError, InputError

MODES: tuple[str, ...] = ("walk", "bike", "car")
FORMAT_VERSION = 1

WALK_SPEED_KMH = 4.7          # stated default walking speed (also used for access/egress legs)
STEPS_SPEED_KMH = 2.0         # walking up/down steps (horizontal progress)
BIKE_SPEED_KMH = 15.0         # default cycling speed
BIKE_FOOTWAY_SPEED_KMH = 10.0  # cycling allowed on a footway / pedestrian street (bicycle=yes)
BIKE_STEPS_SPEED_KMH = 1.5    # carrying the bike on steps (bicycle=yes/dismount on steps)
CAR_URBAN_FACTOR = 0.7        # share of the speed limit achieved at <= 60 km/h (junctions, signals)
CAR_RURAL_FACTOR = 0.9        # share of the speed limit achieved above 60 km/h
MIN_EDGE_TIME_S = 1e-3        # zero-length segments still cost a millisecond (csgraph needs > 0)

# Finnish default speed limits by zone (Tieliikennelaki 729/2018, s. 31 and decisions).
ZONE_SPEEDS_KMH: dict[str, float] = {
    "urban": 50.0, "rural": 80.0, "motorway": 120.0, "living_street": 20.0, "walk": 7.0,
    "pedestrian_zone": 20.0, "trunk": 100.0,
}

CAR_DEFAULT_SPEED_KMH: dict[str, float] = {
    "motorway": 100.0, "motorway_link": 60.0, "trunk": 80.0, "trunk_link": 50.0,
    "primary": 50.0, "primary_link": 40.0, "secondary": 50.0, "secondary_link": 40.0,
    "tertiary": 40.0, "tertiary_link": 30.0, "unclassified": 40.0, "residential": 30.0,
    "living_street": 20.0, "service": 20.0, "road": 30.0,
}

WALK_EXCLUDED = {"motorway", "motorway_link", "construction", "proposed", "abandoned", "planned",
                 "raceway", "bus_guideway", "escalator_planned", "razed", "disused", "platform_planned"}
BIKE_ALLOWED_ROADS = {"trunk", "trunk_link", "primary", "primary_link", "secondary", "secondary_link",
                      "tertiary", "tertiary_link", "unclassified", "residential", "living_street",
                      "service", "road", "cycleway", "track", "path", "trail", "busway"}
BIKE_FOOT_ONLY = {"footway", "bridleway", "corridor", "platform"}
NO = {"no", "private", "use_sidepath", "discouraged_no"}
YES = {"yes", "designated", "permissive", "destination", "customers", "delivery", "official", "public"}


@dataclass(frozen=True)
class EdgeRule:
    """What one OSM way segment means for one mode: allowed directions and speed (km/h)."""

    forward: bool
    backward: bool
    speed_kmh: float


@dataclass(frozen=True, eq=False)
class ModeGraph:
    """A directed street graph for one mode.

    ``time_s`` and ``length_m`` are ``n x n`` CSR arrays with identical sparsity (seconds, metres);
    ``lat``/``lon`` WGS84 and ``x``/``y`` EPSG:3067 metres per node; ``node_id`` the OSM node ids.
    Compared and hashed by identity (it holds arrays); treat it as read-only.
    """

    mode: str
    time_s: sp.csr_array
    length_m: sp.csr_array
    lat: np.ndarray
    lon: np.ndarray
    x: np.ndarray
    y: np.ndarray
    node_id: np.ndarray | None = None
    meta: dict = field(default_factory=dict, compare=False)
    # per CSR entry (same order as ``time_s.data``): True for tunnels, indoor and underground ways,
    # which are routed over but never snapped to (people are at street level)
    snap_hidden: np.ndarray | None = None
    # turn restrictions (car): via nodes are split into one node per arriving and per leaving edge, joined
    # by the turns allowed; ``node_origin[i]`` is the street node a graph node stands for (None: itself)
    node_origin: np.ndarray | None = None

    @property
    def n_nodes(self) -> int:
        return int(self.time_s.shape[0])

    @property
    def n_edges(self) -> int:
        return int(self.time_s.nnz)

    def save(self, path: str | Path) -> Path:
        """Write the graph as one uncompressed ``.npz`` (plain arrays, no pickle)."""
        path = Path(path)
        node_id = self.node_id if self.node_id is not None else np.arange(self.n_nodes, dtype=np.int64)
        with path.open("wb") as handle:
            np.savez(
                handle,
                format_version=np.array(FORMAT_VERSION),
                mode=np.array(self.mode),
                indptr=self.time_s.indptr.astype(np.int64),
                indices=self.time_s.indices.astype(np.int32),
                time_s=self.time_s.data.astype(np.float64),
                length_m=self.length_m.data.astype(np.float64),
                lat=self.lat, lon=self.lon, x=self.x, y=self.y,
                node_id=node_id.astype(np.int64),
                meta=np.array(json.dumps(self.meta, sort_keys=True)),
                **({"snap_hidden": self.snap_hidden.astype(bool)} if self.snap_hidden is not None else {}),
                **({"node_origin": self.node_origin.astype(np.int64)} if self.node_origin is not None else {}),
            )
        return path

    @classmethod
    def load(cls, path: str | Path) -> "ModeGraph":
        """Read a graph written by :meth:`save`; a missing or foreign file is a ``DataError``."""
        path = Path(path)
        if not path.is_file():
            raise DataError(f"graph file {path} does not exist; rebuild the dataset")
        try:
            with np.load(path, allow_pickle=False) as data:
                version = int(data["format_version"])
                if version != FORMAT_VERSION:
                    raise DataError(f"graph file {path} has format {version}, expected {FORMAT_VERSION}; rebuild")
                n = len(data["lat"])
                indptr, indices = data["indptr"], data["indices"]
                time_s = sp.csr_array((data["time_s"], indices, indptr), shape=(n, n))
                length_m = sp.csr_array((data["length_m"], indices, indptr), shape=(n, n))
                hidden = data["snap_hidden"] if "snap_hidden" in data.files else None
                origin = data["node_origin"] if "node_origin" in data.files else None
                return cls(mode=str(data["mode"]), time_s=time_s, length_m=length_m,
                           lat=data["lat"], lon=data["lon"], x=data["x"], y=data["y"],
                           node_id=data["node_id"], meta=json.loads(str(data["meta"])), snap_hidden=hidden,
                           node_origin=origin)
        except (KeyError, ValueError, OSError) as error:
            raise DataError(f"graph file {path} is not a planner graph ({error}); rebuild the dataset") from error


# --------------------------------------------------------------------------------------------- tags

_NUMBER = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(km/h|kmh|kph|mph|knots)?\s*$")


def parse_maxspeed_kmh(value: Any) -> float | None:
    """A ``maxspeed`` tag in km/h: ``"50"``, ``"30 mph"``, ``"FI:urban"`` (50), ``"FI:rural"`` (80).

    Several values (``"50;30"``) give the lowest; ``"none"``, ``"signals"``, ``"variable"`` and
    unparsable text give ``None`` (the caller then uses the highway-type default).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (int, float)):
        return float(value) if value > 0 else None
    text = str(value).strip().lower()
    if not text:
        return None
    if ";" in text or "|" in text:
        parts = [parse_maxspeed_kmh(p) for p in re.split(r"[;|]", text)]
        known = [p for p in parts if p is not None]
        return min(known) if known else None
    match = _NUMBER.match(text)
    if match:
        number = float(match.group(1).replace(",", "."))
        unit = match.group(2)
        if unit == "mph":
            number *= 1.609344
        elif unit == "knots":
            number *= 1.852
        return number if number > 0 else None
    if ":" in text:
        zone = text.split(":", 1)[1].strip()
        return ZONE_SPEEDS_KMH.get(zone)
    if text == "walk":
        return ZONE_SPEEDS_KMH["walk"]
    return None


def _value(tags: Mapping[str, Any], key: str) -> str | None:
    value = tags.get(key)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip().lower()
    return text or None


def _access(tags: Mapping[str, Any], keys: tuple[str, ...]) -> str | None:
    """The most specific access value among ``keys`` (most specific first), or ``None``."""
    for key in keys:
        value = _value(tags, key)
        if value is not None:
            return value
    return None


def _directional_access(tags: Mapping[str, Any], keys: tuple[str, ...], base: bool) -> tuple[bool, bool]:
    forward = _access(tags, tuple(f"{k}:forward" for k in keys))
    backward = _access(tags, tuple(f"{k}:backward" for k in keys))
    fwd = base if forward is None else forward not in NO
    bwd = base if backward is None else backward not in NO
    return fwd, bwd


def _oneway(tags: Mapping[str, Any], keys: tuple[str, ...]) -> str:
    """``"forward"``, ``"backward"`` or ``"both"`` from ``oneway`` tags (most specific key first)."""
    value = _access(tags, keys)
    if value in {"yes", "true", "1"}:
        return "forward"
    if value in {"-1", "reverse"}:
        return "backward"
    if value in {"no", "false", "0", "alternating", "reversible"}:
        return "both"
    junction = _value(tags, "junction")
    highway = _value(tags, "highway")
    if junction in {"roundabout", "circular"} or highway == "motorway":
        return "forward"
    return "both"


def walk_rule(tags: Mapping[str, Any]) -> EdgeRule | None:
    """Walking: any way except motorways and closed ones; ``oneway`` ignored (except ``oneway:foot``)."""
    highway = _value(tags, "highway")
    if highway is None or highway in WALK_EXCLUDED:
        return None
    access = _access(tags, ("foot", "access"))
    if access in NO:
        return None
    forward, backward = _directional_access(tags, ("foot",), True)
    foot_oneway = _value(tags, "oneway:foot")
    if foot_oneway in {"yes", "true", "1"}:
        backward = False
    elif foot_oneway == "-1":
        forward = False
    speed = STEPS_SPEED_KMH if highway == "steps" else WALK_SPEED_KMH
    return EdgeRule(forward, backward, speed) if (forward or backward) else None


def bike_rule(tags: Mapping[str, Any]) -> EdgeRule | None:
    """Cycling: roads, cycleways and paths; footways only with ``bicycle=yes``/``dismount``."""
    highway = _value(tags, "highway")
    if highway is None:
        return None
    bicycle = _value(tags, "bicycle")
    access = _access(tags, ("bicycle", "vehicle", "access"))
    if highway == "steps":
        if bicycle not in YES and bicycle != "dismount":
            return None
        speed = BIKE_STEPS_SPEED_KMH
    elif highway == "pedestrian":
        # Finnish pedestrian streets allow cycling at a pedestrian-friendly pace unless signed otherwise
        if access in NO:
            return None
        speed = WALK_SPEED_KMH if bicycle == "dismount" else BIKE_FOOTWAY_SPEED_KMH
    elif highway in BIKE_FOOT_ONLY:
        if bicycle == "dismount":
            speed = WALK_SPEED_KMH
        elif bicycle == "designated":
            speed = BIKE_SPEED_KMH
        elif bicycle in YES:
            speed = BIKE_FOOTWAY_SPEED_KMH
        else:
            return None
    elif highway in BIKE_ALLOWED_ROADS:
        if access in NO:
            return None
        speed = WALK_SPEED_KMH if bicycle == "dismount" else BIKE_SPEED_KMH
    else:
        return None
    direction = _oneway(tags, ("oneway:bicycle", "oneway"))
    if _value(tags, "oneway:bicycle") is None:
        contraflow = any((_value(tags, k) or "").startswith("opposite")
                         for k in ("cycleway", "cycleway:left", "cycleway:right", "cycleway:both"))
        if contraflow:
            direction = "both"
    base_fwd, base_bwd = _directional_access(tags, ("bicycle", "vehicle"), True)
    forward = base_fwd and direction in {"forward", "both"}
    backward = base_bwd and direction in {"backward", "both"}
    return EdgeRule(forward, backward, speed) if (forward or backward) else None


def car_rule(tags: Mapping[str, Any]) -> EdgeRule | None:
    """Driving: motor roads open to cars; ``oneway`` respected; speed = limit x junction factor."""
    highway = _value(tags, "highway")
    if highway not in CAR_DEFAULT_SPEED_KMH:
        return None
    access = _access(tags, ("motorcar", "motor_vehicle", "vehicle", "access"))
    if access in NO or access in {"agricultural", "forestry", "psv", "bus", "emergency"}:
        return None
    if _value(tags, "service") in {"emergency_access"}:
        return None
    limit = parse_maxspeed_kmh(tags.get("maxspeed"))
    if limit is None:
        limit = CAR_DEFAULT_SPEED_KMH[highway]
    factor = CAR_URBAN_FACTOR if limit <= 60.0 else CAR_RURAL_FACTOR
    direction = _oneway(tags, ("oneway:motorcar", "oneway:motor_vehicle", "oneway:vehicle", "oneway"))
    base_fwd, base_bwd = _directional_access(tags, ("motorcar", "motor_vehicle", "vehicle"), True)
    forward = base_fwd and direction in {"forward", "both"}
    backward = base_bwd and direction in {"backward", "both"}
    return EdgeRule(forward, backward, limit * factor) if (forward or backward) else None


RULES = {"walk": walk_rule, "bike": bike_rule, "car": car_rule}


def edge_rule(mode: str, tags: Mapping[str, Any]) -> EdgeRule | None:
    """The rule for one way segment and one mode (``None``: the mode may not use it)."""
    if mode not in RULES:
        raise InputError.single("mode", mode, f"use one of {', '.join(MODES)}")
    return RULES[mode](tags)


# -------------------------------------------------------------------------------------------- build

def to_3067(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 degrees -> EPSG:3067 (ETRS-TM35FIN) metres (numpy formulas, see planner/network/projection.py)."""
    from planner.network.projection import to_tm35fin

    x, y = to_tm35fin(lat, lon)
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def from_3067(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """EPSG:3067 metres -> WGS84 ``(lat, lon)`` degrees (numpy formulas, no per-thread pyproj set-up)."""
    from planner.network.projection import from_tm35fin

    lat, lon = from_tm35fin(x, y)
    return np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)


_TRANSFORMERS: dict[bool, Any] = {}


def _transformer(inverse: bool = False):
    """The cached pyproj transformer WGS84 -> EPSG:3067 (or back when ``inverse``)."""
    if inverse not in _TRANSFORMERS:
        from pyproj import Transformer

        crs = ("EPSG:3067", "EPSG:4326") if inverse else ("EPSG:4326", "EPSG:3067")
        _TRANSFORMERS[inverse] = Transformer.from_crs(*crs, always_xy=True)
    return _TRANSFORMERS[inverse]


def graph_from_edges(mode: str, u: np.ndarray, v: np.ndarray, length_m: np.ndarray, time_s: np.ndarray,
                     lat: np.ndarray, lon: np.ndarray, node_id: np.ndarray | None = None,
                     meta: dict | None = None, snap_hidden: np.ndarray | None = None,
                     node_origin: np.ndarray | None = None) -> ModeGraph:
    """A :class:`ModeGraph` from directed edge arrays over node indices ``0..len(lat)-1``.

    Self-loops are dropped; parallel edges keep the fastest one (and its length). ``snap_hidden``
    (per edge): never snap to it (tunnel, indoor, underground).
    """
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    length_m = np.asarray(length_m, dtype=float)
    time_s = np.maximum(np.asarray(time_s, dtype=float), MIN_EDGE_TIME_S)
    hidden = np.zeros(len(u), dtype=bool) if snap_hidden is None else np.asarray(snap_hidden, dtype=bool)
    keep = u != v
    u, v, length_m, time_s, hidden = u[keep], v[keep], length_m[keep], time_s[keep], hidden[keep]
    n = len(lat)
    order = np.lexsort((time_s, v, u))
    u, v, length_m, time_s, hidden = u[order], v[order], length_m[order], time_s[order], hidden[order]
    first = np.ones(len(u), dtype=bool)
    first[1:] = (u[1:] != u[:-1]) | (v[1:] != v[:-1])
    u, v, length_m, time_s, hidden = u[first], v[first], length_m[first], time_s[first], hidden[first]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.add.at(indptr, u + 1, 1)
    indptr = np.cumsum(indptr)
    indices = v.astype(np.int32)
    times = sp.csr_array((time_s, indices, indptr), shape=(n, n))
    lengths = sp.csr_array((length_m, indices, indptr), shape=(n, n))
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    x, y = to_3067(lat, lon)
    return ModeGraph(mode=mode, time_s=times, length_m=lengths, lat=lat, lon=lon, x=x, y=y,
                     node_id=None if node_id is None else np.asarray(node_id, dtype=np.int64),
                     meta=dict(meta or {}), snap_hidden=hidden if snap_hidden is not None else None,
                     node_origin=None if node_origin is None else np.asarray(node_origin, dtype=np.int64))


# ------------------------------------------------------------------------------ turn restrictions

RESTRICTION_KINDS = {"no_left_turn", "no_right_turn", "no_straight_on", "no_u_turn", "no_entry", "no_exit",
                     "only_left_turn", "only_right_turn", "only_straight_on", "only_u_turn"}
CAR_EXCEPTIONS = {"motorcar", "motor_vehicle", "vehicle"}   # except=... naming cars: not for cars


@dataclass(frozen=True)
class TurnRestriction:
    """One OSM ``type=restriction`` relation for cars: from way, via node, to way; ``only`` or ``no``."""

    from_way: int
    via_node: int
    to_way: int
    only: bool


def read_turn_restrictions(pbf: Path) -> tuple[list[TurnRestriction], dict[str, int]]:
    """The car turn restrictions of an OSM file with a via *node* (``no_*`` and ``only_*``; also
    ``restriction:motorcar``), and how many relations were left out and why (via a way, time-dependent
    ``restriction:conditional`` only, ``except`` cars, an unknown kind, members missing)."""
    import osmium

    found: list[TurnRestriction] = []
    skipped: dict[str, int] = {}

    class Reader(osmium.SimpleHandler):
        def relation(self, relation: Any) -> None:
            tags = {t.k: t.v for t in relation.tags}
            if tags.get("type") != "restriction":
                return
            kind = tags.get("restriction:motorcar") or tags.get("restriction:motor_vehicle") or tags.get("restriction")
            reason = None
            if kind is None:
                reason = "time_dependent" if any(k.startswith("restriction:conditional") for k in tags) else "no_kind"
            elif kind not in RESTRICTION_KINDS:
                reason = "unknown_kind"
            elif CAR_EXCEPTIONS & {e.strip() for e in tags.get("except", "").split(";")}:
                reason = "except_cars"
            members = [(m.type, m.role, m.ref) for m in relation.members]
            froms = [ref for t, role, ref in members if role == "from" and t == "w"]
            tos = [ref for t, role, ref in members if role == "to" and t == "w"]
            vias = [(t, ref) for t, role, ref in members if role == "via"]
            if reason is None and any(t != "n" for t, _ in vias):
                reason = "via_way"
            elif reason is None and (len(froms) != 1 or len(tos) != 1 or len(vias) != 1):
                reason = "members"
            if reason:
                skipped[reason] = skipped.get(reason, 0) + 1
                return
            found.append(TurnRestriction(int(froms[0]), int(vias[0][1]), int(tos[0]), kind.startswith("only_")))

    Reader().apply_file(str(pbf))
    return found, skipped


def expand_turns(u: np.ndarray, v: np.ndarray, way: np.ndarray, n: int,
                 restrictions: Sequence[TurnRestriction], node_index: Mapping[int, int]
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[str, int]]:
    """Split every via node of ``restrictions`` into one node per arriving edge and one per leaving edge,
    joined by the turns that are allowed (``only_*``: just to its ``to`` way; ``no_*``: all but its ``to``
    way). Returns ``(tail, head, turn_u, turn_v, origin, counts)``: the new end nodes of every edge, the
    turn edges, ``origin`` (street node of every graph node, length ``n + copies``) and what was applied."""
    tail, head = np.asarray(u, dtype=np.int64).copy(), np.asarray(v, dtype=np.int64).copy()
    by_node: dict[int, list[TurnRestriction]] = {}
    for r in restrictions:
        if r.via_node in node_index:
            by_node.setdefault(node_index[r.via_node], []).append(r)
    origin = list(range(n))
    turn_u: list[int] = []
    turn_v: list[int] = []
    applied = unmatched = 0
    for via, rules in sorted(by_node.items()):
        ins, outs = np.flatnonzero(v == via), np.flatnonzero(u == via)
        in_ways, out_ways = {int(way[k]) for k in ins}, {int(way[k]) for k in outs}
        usable = [r for r in rules if r.from_way in in_ways and r.to_way in out_ways]
        unmatched += len(rules) - len(usable)
        if not usable:
            continue
        applied += len(usable)
        arrive = {}
        for k in ins:
            arrive[int(k)] = len(origin); origin.append(via); head[k] = arrive[int(k)]
        leave = {}
        for k in outs:
            leave[int(k)] = len(origin); origin.append(via); tail[k] = leave[int(k)]
        for k in ins:
            from_way = int(way[k])
            only = {r.to_way for r in usable if r.from_way == from_way and r.only}
            banned = {r.to_way for r in usable if r.from_way == from_way and not r.only}
            for f in outs:
                to_way = int(way[f])
                u_turn = int(v[f]) == int(u[k])
                if to_way == from_way and not u_turn and to_way in banned and not only:
                    pass   # no_u_turn on a way that runs on through the node: going on straight stays allowed
                elif (only and to_way not in only) or to_way in banned:
                    continue
                turn_u.append(arrive[int(k)]); turn_v.append(leave[int(f)])
    counts = {"applied": applied, "not_on_the_network": unmatched,
              "via_nodes_split": len({o for o in origin[n:]})}
    return (tail, head, np.array(turn_u, dtype=np.int64), np.array(turn_v, dtype=np.int64),
            np.array(origin, dtype=np.int64), counts)


_HIDDEN_TUNNELS = {"yes", "culvert", "flooded"}   # tunnel=building_passage is an archway at street level
_INDOOR = {"yes", "corridor", "room", "area", "level"}


def _negative(value: Any) -> bool:
    """True for a ``layer``/``level`` value below ground (``-1``, ``-2;-1``)."""
    for part in re.split(r"[;,]", str(value or "")):
        try:
            if float(part.strip()) < 0:
                return True
        except ValueError:
            continue
    return False


def is_snap_hidden(tags: Mapping[str, Any]) -> bool:
    """Ways people do not start or end a trip on: tunnels, indoor corridors and underground levels. They
    stay in the graph (trips pass through them) but points never snap to them. (Private service ways
    stay snappable: many Finnish yards are ``highway=service, access=private`` and homes are there.)"""
    if str(tags.get("tunnel", "")).lower() in _HIDDEN_TUNNELS:
        return True
    if _negative(tags.get("layer")) or _negative(tags.get("level")):
        return True
    if str(tags.get("indoor", "")).lower() in _INDOOR or tags.get("highway") == "corridor":
        return True
    return str(tags.get("location", "")).lower() in ("underground", "indoor")


def _edge_tags(row: Mapping[str, Any], columns: list[str]) -> dict[str, Any]:
    tags: dict[str, Any] = {}
    extra = row.get("tags")
    if isinstance(extra, str) and extra:
        try:
            tags.update(json.loads(extra))
        except ValueError:
            pass
    elif isinstance(extra, dict):
        tags.update(extra)
    for column in columns:
        value = row.get(column)
        if value is not None and not (isinstance(value, float) and math.isnan(value)):
            tags[column] = value
    return tags


_NON_TAG_COLUMNS = {"visible", "id", "timestamp", "version", "tags", "osm_type", "geometry", "u", "v",
                    "length", "changeset"}


def build_mode_graphs(pbf: str | Path, modes: tuple[str, ...] | list[str] = MODES, *,
                      turn_restrictions: bool = True) -> dict[str, ModeGraph]:
    """Directed graphs for ``modes`` from a local ``.osm.pbf`` (no internet).

    Every way segment of the extract is judged per mode by :func:`edge_rule`; nodes not used by a
    mode are left out of its graph. All components are kept (unreachable stays explicit).
    ``turn_restrictions``: the car graph obeys the extract's ``type=restriction`` relations with a via
    node (:func:`read_turn_restrictions`, :func:`expand_turns`; counts in ``meta["turn_restrictions"]``).
    """
    pbf = Path(pbf)
    bad = [m for m in modes if m not in MODES]
    if bad:
        raise InputError.single("modes", bad, f"use some of {', '.join(MODES)}")
    if not pbf.is_file():
        raise InputError.single("osm", str(pbf), "give the path of an existing .osm.pbf file")
    import pyrosm

    try:
        osm = pyrosm.OSM(str(pbf))
        result = osm.get_network(network_type="all", nodes=True)
    except Exception as error:  # pyrosm raises bare exceptions on foreign files
        raise DataError(f"could not read the street network from {pbf}: {error}") from error
    if result is None or result[1] is None or len(result[1]) == 0:
        raise DataError(f"{pbf} holds no streets (no highway=* ways)")
    nodes, edges = result
    columns = [c for c in edges.columns if c not in _NON_TAG_COLUMNS]
    records = edges[columns + ["tags", "u", "v", "length"] + (["id"] if "id" in edges.columns else [])].to_dict("records")
    node_index = {int(nid): i for i, nid in enumerate(nodes["id"].to_numpy())}
    all_lat = nodes["lat"].to_numpy(dtype=float)
    all_lon = nodes["lon"].to_numpy(dtype=float)
    all_ids = nodes["id"].to_numpy(dtype=np.int64)
    tag_dicts = [_edge_tags(r, columns) for r in records]
    ends = np.array([(node_index.get(int(r["u"]), -1), node_index.get(int(r["v"]), -1)) for r in records],
                    dtype=np.int64).reshape(-1, 2)
    lengths = np.array([float(r["length"]) for r in records], dtype=float)
    graphs: dict[str, ModeGraph] = {}
    hidden_way = [is_snap_hidden(tags) for tags in tag_dicts]
    way_ids = [int(r["id"]) if r.get("id") is not None else -1 for r in records]
    for mode in modes:
        us, vs, ls, ts, hs, ws = [], [], [], [], [], []
        for (a, b), length, tags, hidden, way in zip(ends, lengths, tag_dicts, hidden_way, way_ids):
            if a < 0 or b < 0:
                continue
            rule = edge_rule(mode, tags)
            if rule is None:
                continue
            seconds = length / (rule.speed_kmh / 3.6)
            if rule.forward:
                us.append(a); vs.append(b); ls.append(length); ts.append(seconds); hs.append(hidden); ws.append(way)
            if rule.backward:
                us.append(b); vs.append(a); ls.append(length); ts.append(seconds); hs.append(hidden); ws.append(way)
        if not us:
            raise DataError(f"{pbf} has no ways usable by mode {mode!r}")
        us_a, vs_a = np.array(us, dtype=np.int64), np.array(vs, dtype=np.int64)
        used = np.unique(np.concatenate([us_a, vs_a]))
        remap = np.full(len(all_lat), -1, dtype=np.int64)
        remap[used] = np.arange(len(used))
        meta = {"source": pbf.name, "speeds": speed_settings(mode)}
        u_new, v_new = remap[us_a], remap[vs_a]
        lat, lon, ids = all_lat[used], all_lon[used], all_ids[used]
        ls_a, ts_a, hs_a, origin = np.array(ls), np.array(ts), np.array(hs, dtype=bool), None
        if mode == "car" and turn_restrictions:   # split the via nodes (planner.network.graph.expand_turns)
            restrictions, skipped = read_turn_restrictions(pbf)
            if restrictions:
                tail, head, turn_u, turn_v, origin, counts = expand_turns(
                    u_new, v_new, np.array(ws, dtype=np.int64), len(used), restrictions,
                    {int(i): k for k, i in enumerate(ids)})
                u_new = np.concatenate([tail, turn_u]); v_new = np.concatenate([head, turn_v])
                ls_a = np.concatenate([ls_a, np.zeros(len(turn_u))])
                ts_a = np.concatenate([ts_a, np.full(len(turn_u), MIN_EDGE_TIME_S)])
                hs_a = np.concatenate([hs_a, np.zeros(len(turn_u), dtype=bool)])
                lat, lon, ids = lat[origin], lon[origin], ids[origin]
                meta["turn_restrictions"] = {**counts, "relations": len(restrictions), "left_out": skipped}
            else:
                meta["turn_restrictions"] = {"applied": 0, "relations": 0, "left_out": skipped}
        graphs[mode] = graph_from_edges(mode, u_new, v_new, ls_a, ts_a, lat, lon, node_id=ids, meta=meta,
                                        snap_hidden=hs_a, node_origin=origin)
    return graphs


def car_door_to_door_s(drive_s: float, origin: Any = None, destination: Any = None) -> float:
    """Door-to-door car seconds from the driving time: + the dated estimate of
    :func:`planner.network.door_to_door.car_door_to_door` (parking and walking; ``Dataset.engine("car")``
    already adds it to every car time; ``origin``/``destination`` reserved for an area table)."""
    from planner.network.door_to_door import car_door_to_door

    return float(drive_s) + car_door_to_door().door_to_door_s


def speed_settings(mode: str) -> dict[str, float]:
    """The stated speed defaults used for ``mode`` (km/h and factors), recorded in the graph meta."""
    if mode == "walk":
        return {"walk_kmh": WALK_SPEED_KMH, "steps_kmh": STEPS_SPEED_KMH}
    if mode == "bike":
        return {"bike_kmh": BIKE_SPEED_KMH, "footway_kmh": BIKE_FOOTWAY_SPEED_KMH,
                "dismount_kmh": WALK_SPEED_KMH, "steps_kmh": BIKE_STEPS_SPEED_KMH}
    return {"urban_factor": CAR_URBAN_FACTOR, "rural_factor": CAR_RURAL_FACTOR}
