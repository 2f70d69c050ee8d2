"""Hostile inputs for every file format the planner reads, and the one check they must pass.

Each ``*_case(rng)`` builds one input from a ``random.Random``: a valid example mutated (values
swapped for wrong types, huge or non-finite numbers, control characters, markup, deep nesting,
truncation, bytes that are not UTF-8). Each ``run_*`` feeds it to the planner's reader. The rule
(issue 17): every input either parses or raises a ``PlannerError`` (one problem per field); any other
exception is a bug. Used by the hypothesis suite (``test_fuzz_inputs.py``, seeded, bounded) and by
``benchmarks/fuzz.py`` (10 000 cases per format, on demand).
"""
from __future__ import annotations

import copy
import io
import json
import random
import tempfile
import zipfile
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "docs" / "examples"

HOSTILE_TEXT = [
    "", " ", "\x00", "\n", "a\nb", "\r\n", "\t", "\u202e", "\ufeff", "é", "ä" * 3, "𝕏", "x" * 5000,
    "${alert(1)}", "`", "</script><script>alert(1)</script>", "<img src=x onerror=alert(1)>",
    "![x](http://127.0.0.1:9/x.png)", ":red[x]", "=HYPERLINK(\"http://x\")", "@SUM(1)", "+cmd|x", "-1-1",
    "/etc/passwd", "/proc/self/environ", "../../x", "NaN", "Infinity", "-inf", "1e999", "1" * 5000,
    "2020-02-30", "25:61", "08:00", "mon", "walk", "fi", "municipal", "true", "60,17", "24.94",
]
HOSTILE_NUMBERS: list[Any] = [0, -1, 1, 7, 1.5, -0.0, 10**20, 10**400, 1e308, -1e308, 2**63, 0.1,
                              60.17, 24.94, 90.0001, 181, 1e-320]
ATOMS: list[Any] = [None, True, False, [], {}, [None], {"": None}, [[[]]]] + HOSTILE_NUMBERS + HOSTILE_TEXT


def atom(rng: random.Random) -> Any:
    return copy.deepcopy(rng.choice(ATOMS))


def mutate(value: Any, rng: random.Random, depth: int = 0) -> Any:
    """One random change somewhere inside a JSON-like value."""
    if isinstance(value, dict) and value and rng.random() < 0.8:
        value = dict(value)
        roll = rng.random()
        key = rng.choice(list(value))
        if roll < 0.55:
            value[key] = mutate(value[key], rng, depth + 1)
        elif roll < 0.8:
            value[key] = atom(rng)
        elif roll < 0.9:
            del value[key]
        else:
            value[rng.choice(HOSTILE_TEXT[:20] + [key + "x"])] = atom(rng)
        return value
    if isinstance(value, list) and value and rng.random() < 0.8:
        value = list(value)
        roll = rng.random()
        index = rng.randrange(len(value))
        if roll < 0.6:
            value[index] = mutate(value[index], rng, depth + 1)
        elif roll < 0.8:
            value[index] = atom(rng)
        elif roll < 0.9:
            value.append(copy.deepcopy(rng.choice(value)))
        else:
            del value[index]
        return value
    return atom(rng)


def mutate_many(value: Any, rng: random.Random) -> Any:
    for _ in range(rng.randint(1, 5)):
        value = mutate(value, rng)
    return value


def dumps_hostile(value: Any, rng: random.Random) -> bytes:
    """JSON text of ``value`` (NaN and Infinity as Python writes them), sometimes damaged as bytes."""
    try:
        text = json.dumps(value, ensure_ascii=rng.random() < 0.5)
    except (ValueError, OverflowError):
        text = "{}"
    data = text.encode("utf-8")
    roll = rng.random()
    if roll < 0.06:
        data = data[: rng.randrange(len(data) + 1)]                       # truncated
    elif roll < 0.10:
        data = data.replace(b'"', b"'", 1)                                 # not JSON
    elif roll < 0.14:
        data = data.decode("utf-8").encode("latin-1", "replace") + b"\xff"  # not UTF-8
    elif roll < 0.17:
        depth = rng.choice([70, 1500, 100_000])
        data = ("[" * depth + "1" + "]" * depth).encode()                 # too deep
    elif roll < 0.19:
        data = b"\xef\xbb\xbf" + data                                     # byte-order mark
    elif roll < 0.21:
        data = ("[" * 200_000).encode()                                    # deep and broken
    elif roll < 0.23:
        data = b'{"a": ' + b"9" * 5000 + b"}"                              # integer over 4 300 digits
    return data


# --------------------------------------------------------------------------- per format


def _example(name: str) -> Any:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


FAMILY_SEEDS = ["family-espoo.json", "family-espoo-three.json", "family-helsinki-baby.json"]


def family_case(rng: random.Random) -> bytes:
    base = _example(rng.choice(FAMILY_SEEDS))
    return dumps_hostile(mutate_many(base, rng), rng)


def run_family(data: bytes) -> None:
    from planner.family import parse_family
    from planner.readers import loads_json

    parse_family(loads_json(data, "family"))


def run_family_file(data: bytes) -> None:
    """The command line's path: a file on disk (load_family)."""
    from planner.family import load_family

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "family.json"
        path.write_bytes(data)
        load_family(path)


def scenario_case(rng: random.Random) -> bytes:
    base = _example("scenario-close-demo-1.json")
    base["changes"] = list(base.get("changes", [])) + [
        {"action": "add", "unit_id": "x1", "name": "${alert(1)}", "lat": 60.17, "lon": 24.94, "capacity_seats": 21},
        {"action": "move", "unit_id": "demo-2", "address": "Mannerheimintie 1"},
        {"action": "resize", "unit_id": "demo-3", "caretakers": 3}]
    return dumps_hostile(mutate_many(base, rng), rng)


def run_scenario(data: bytes) -> None:
    from planner.readers import loads_json
    from planner.siting.scenario import Scenario

    scenario = Scenario.from_dict(loads_json(data, "scenario"))
    for change in scenario.changes:
        change.describe("fi")


UNITS_CSV = ("unit_id,name,lat,lon,provider,languages,min_age_months,max_age_months,opening_hours,shift_care,"
             "preschool,capacity_seats,caretakers,free_seats\n"
             "u1,Päiväkoti Aurinko,60.17,24.94,municipal,fi;sv,12,84,Mo-Fr 06:30-17:00,false,true,42,6,3\n"
             "u2,Daghemmet Solen,60.18,24.95,voucher,sv,0,72,Mo-Su 00:00-24:00,yes,no,21,,0\n")


def _csv_mutation(text: str, rng: random.Random) -> str:
    rows = [line.split(",") for line in text.strip().split("\n")]
    for _ in range(rng.randint(1, 6)):
        roll = rng.random()
        row = rng.randrange(len(rows))
        if roll < 0.6 and rows[row]:
            col = rng.randrange(len(rows[row]))
            rows[row][col] = str(rng.choice(HOSTILE_TEXT + HOSTILE_NUMBERS))
        elif roll < 0.75:
            rows.append(list(rng.choice(rows)))
        elif roll < 0.85 and rows[row]:
            rows[row] = rows[row][: rng.randrange(len(rows[row]))]
        else:
            rows[row].append(rng.choice(HOSTILE_TEXT))
    separator = rng.choice([",", ",", ";", "\t"])
    out = "\n".join(separator.join(cell.replace("\n", " ") if rng.random() < 0.9 else cell for cell in row)
                    for row in rows)
    roll = rng.random()
    if roll < 0.05:
        out = out.replace(",", '"', 1)                    # an open quote
    elif roll < 0.08:
        out = out + "\n" + "x," + '"' + "y" * 200_000     # a cell over the csv module's limit
    return out


def _encode(text: str, rng: random.Random) -> bytes:
    roll = rng.random()
    if roll < 0.05:
        return text.encode("utf-16")
    if roll < 0.1:
        return text.encode("latin-1", "replace")
    if roll < 0.13:
        data = text.encode("utf-8")
        return data[: rng.randrange(len(data) + 1)]
    return text.encode("utf-8")


def units_case(rng: random.Random) -> tuple[str, bytes]:
    if rng.random() < 0.5:
        return ".csv", _encode(_csv_mutation(UNITS_CSV, rng), rng)
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [24.94, 60.17]},
                 "properties": {"unit_id": "u1", "name": "Päiväkoti", "capacity_seats": 42, "languages": ["fi"],
                                "opening_hours": "Mo-Fr 07:00-17:00"}},
                {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[24.9, 60.1], [25, 60.2]]]},
                 "properties": {"unit_id": "u2", "name": "Area"}}]
    document = {"type": "FeatureCollection", "crs": {"properties": {"name": "EPSG:4326"}}, "features": features}
    return ".geojson", dumps_hostile(mutate_many(document, rng), rng)


def run_units(case: tuple[str, bytes]) -> None:
    from planner.errors import InputError
    from planner.units import load_units

    suffix, data = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"units{suffix}"
        path.write_bytes(data)
        units, problems = load_units(path)
    if problems:
        raise InputError(problems)
    for unit in units:
        assert unit.seats is None or unit.seats <= 2000, unit


CANDIDATES_CSV = "id,lat,lon,capacity_seats\nc1,60.17,24.94,42\nc2,60.175,24.945,\n"


def candidates_case(rng: random.Random) -> tuple[str | None, str]:
    roll = rng.random()
    if roll < 0.4:
        return "csv", _csv_mutation(CANDIDATES_CSV, rng)
    if roll < 0.7:
        lines = [f"{rng.choice(HOSTILE_NUMBERS + HOSTILE_TEXT)},{rng.choice(HOSTILE_NUMBERS + HOSTILE_TEXT)}"
                 for _ in range(rng.randint(1, 6))]
        return None, "\n".join(str(x) for x in lines)
    document = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "c1", "geometry": {"type": "Point", "coordinates": [24.94, 60.17]},
         "properties": {"capacity_seats": 21}}]}
    return "geojson", dumps_hostile(mutate_many(document, rng), rng).decode("utf-8", "replace")


def run_candidates(case: tuple[str | None, str]) -> None:
    from planner.siting.candidates import parse_candidates_text

    kind, text = case
    parse_candidates_text(text, kind=kind)


CHILDREN_CSV = (EXAMPLES / "children-small.csv").read_text(encoding="utf-8")


def children_case(rng: random.Random) -> bytes:
    return _encode(_csv_mutation(CHILDREN_CSV, rng), rng)


def run_children(data: bytes) -> None:
    from planner.placement.children import read_children

    read_children(data)


GTFS_FILES = {
    "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\nA,Test,http://x,Europe/Helsinki\n",
    "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\nS1,One,60.17,24.94\nS2,Two,60.175,24.945\n",
    "routes.txt": "route_id,agency_id,route_short_name,route_type\nR1,A,1,3\n",
    "trips.txt": "route_id,service_id,trip_id\nR1,WK,T1\n",
    "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                      "T1,08:00:00,08:00:00,S1,1\nT1,08:05:00,08:05:00,S2,2\n",
    "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
                    "WK,1,1,1,1,1,0,0,20240101,20301231\n",
    "frequencies.txt": "trip_id,start_time,end_time,headway_secs\nT1,06:00:00,09:00:00,600\n",
}


def gtfs_case(rng: random.Random) -> bytes:
    files = dict(GTFS_FILES)
    for _ in range(rng.randint(1, 4)):
        name = rng.choice(list(files))
        roll = rng.random()
        if roll < 0.7:
            files[name] = _csv_mutation(files[name], rng)
        elif roll < 0.8:
            del files[name]
        else:
            files[name] = _encode(files[name], rng).decode("latin-1")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(rng.choice([name, name, f"feed/{name}"]), text.encode("utf-8", "replace"))
    data = buffer.getvalue()
    roll = rng.random()
    if roll < 0.08:
        data = data[: rng.randrange(len(data) + 1)]                    # truncated zip
    elif roll < 0.14:
        spot = rng.randrange(len(data))
        data = data[:spot] + bytes([data[spot] ^ 0xFF]) + data[spot + 1:]   # one damaged byte
    return data


def run_gtfs(data: bytes) -> None:
    from planner.network.gtfs import load_feed

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "feed.zip"
        path.write_bytes(data)
        load_feed(path)


def opening_hours_case(rng: random.Random) -> str:
    parts = ["Mo-Fr", "Sa", "Su", "06:30-17:00", "00:00-24:00", "07:00-18:00+", ";", ",", " ", "off", "PH",
             "25:00", "-", ":"]
    return "".join(rng.choice(parts + HOSTILE_TEXT[:25]) for _ in range(rng.randint(0, 8)))


def run_opening_hours(text: str) -> None:
    from planner.units import parse_opening_hours

    parse_opening_hours(text)


def finnish_number_case(rng: random.Random) -> str:
    parts = ["1", "2 300", "3 900,50", "€", "e", "eur", ",", ".", "-", " ", "\u00a0", "1e5", "k", "M"]
    return "".join(rng.choice(parts + HOSTILE_TEXT[:30]) for _ in range(rng.randint(0, 6)))


def run_finnish_input(text: str) -> None:
    from planner.parse import parse_date, parse_money_eur

    parse_money_eur(text)
    parse_date(text)


# name -> (case builder, runner)
FORMATS: dict[str, tuple[Callable[[random.Random], Any], Callable[[Any], None]]] = {
    "family JSON": (family_case, run_family),
    "family file (CLI)": (family_case, run_family_file),
    "scenario JSON": (scenario_case, run_scenario),
    "units CSV/GeoJSON": (units_case, run_units),
    "candidates (CSV, GeoJSON, typed)": (candidates_case, run_candidates),
    "children CSV": (children_case, run_children),
    "GTFS zip": (gtfs_case, run_gtfs),
    "opening hours": (opening_hours_case, run_opening_hours),
    "Finnish money and dates": (finnish_number_case, run_finnish_input),
}


def check(runner: Callable[[Any], None], case: Any) -> BaseException | None:
    """Run one case: None when it parsed or raised a ``PlannerError``; the exception otherwise."""
    from planner.errors import PlannerError

    try:
        runner(case)
    except PlannerError:
        return None
    except Exception as error:  # noqa: BLE001 - exactly what the fuzzing looks for
        return error
    return None
