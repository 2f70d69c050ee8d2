"""``python -m planner site``: propose K new daycare sites for a dataset (p-median or coverage).

Candidates file: CSV ``id,lat,lon[,capacity_seats]`` (``,`` or ``;``) or a GeoJSON FeatureCollection of
points with the same properties. Every bad row is reported (``candidates row N <column>``, the header is
row 1; ``candidates feature N <property>`` for GeoJSON). A missing capacity means no seat limit; so does
an existing unit without known capacity.

Expected demand = children × the share of each age group taking up ECEC (``--participation P0,P1,P2``
for ages 0–2, 3–5, 6; default the assumed national shares, reported as ``participation_assumed: true``).
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from planner.errors import DataError, InputError, Problem, ProblemCollector
from planner.i18n import translate
from planner.siting.demand import validate_demand
from planner.siting.occupancy import demand_seats, is_assumed_participation, parse_participation
from planner.siting.optimiser import SiteModel


@dataclass(frozen=True)
class Candidate:
    """A possible new site; ``capacity_seats`` None = no limit."""

    candidate_id: str
    lat: float
    lon: float
    capacity_seats: float | None = None


_problem = Problem.keyed  # a Problem whose fix text is an i18n key (planner/locales)


def _add(problems: ProblemCollector, field_path: str, value: Any, key: str, **params: Any) -> None:
    problems.add_keyed(field_path, value, key, **params)


def load_candidates(path: str | Path, field: str = "candidates") -> list[Candidate]:
    """Read a candidates CSV or GeoJSON; ``InputError`` with one problem per bad row or value."""
    path = Path(path)
    if not path.is_file():
        raise InputError(_problem(field, str(path), "problems.candidates.file_missing"))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(_problem(field, path.name, "problems.candidates.not_utf8", reason=str(error.reason))) from error
    problems = ProblemCollector()
    if path.suffix.lower() in (".geojson", ".json") or text.lstrip().startswith("{"):
        records = _geojson_records(text, path, field, problems)
    else:
        records = _csv_records(text, path, field, problems)
    candidates: list[Candidate] = []
    seen: set[str] = set()
    for where, raw in records:
        candidate = _parse_candidate(raw, where, problems, seen)
        if candidate is not None:
            candidates.append(candidate)
    if not records and not problems:
        _add(problems, field, path.name, "problems.candidates.none")
    problems.raise_if_any()
    return candidates


def _csv_records(text: str, path: Path, field: str, problems: ProblemCollector) -> list[tuple[str, dict]]:
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in ("id", "lat", "lon") if c not in header]
    if missing:
        _add(problems, field, path.name, "problems.candidates.header", missing=", ".join(missing))
        return []
    records = []
    for number, row in enumerate(reader, start=2):
        clean = {str(k).strip().lower(): (v.strip() if isinstance(v, str) else v) for k, v in row.items() if k}
        if not any(clean.values()):
            continue
        records.append((f"{field} row {number}", clean))
    return records


def _geojson_records(text: str, path: Path, field: str, problems: ProblemCollector) -> list[tuple[str, dict]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        _add(problems, field, path.name, "problems.geojson.invalid", message=error.msg, line=str(error.lineno))
        return []
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        _add(problems, field, path.name, "problems.geojson.type")
        return []
    records = []
    for number, feature in enumerate(data.get("features") or [], start=1):
        where = f"{field} feature {number}"
        geometry = (feature or {}).get("geometry") or {}
        props = {str(k).lower(): v for k, v in ((feature or {}).get("properties") or {}).items()}
        if props.get("id") is None and (feature or {}).get("id") is not None:
            props["id"] = feature["id"]
        coords = geometry.get("coordinates")
        if geometry.get("type") != "Point" or not isinstance(coords, list) or len(coords) < 2:
            _add(problems, f"{where} geometry", geometry.get("type"), "problems.candidates.geometry")
            continue
        props["lon"], props["lat"] = coords[0], coords[1]
        records.append((where, props))
    return records


def _parse_candidate(raw: dict, where: str, problems: ProblemCollector, seen: set[str]) -> Candidate | None:
    before = len(problems.problems)
    candidate_id = str(raw.get("id") if raw.get("id") is not None else "").strip()
    if not candidate_id:
        _add(problems, f"{where} id", raw.get("id"), "problems.candidates.id_empty")
    elif candidate_id in seen:
        _add(problems, f"{where} id", candidate_id, "problems.candidates.id_duplicate")
    else:
        seen.add(candidate_id)
    values = {}
    for key, low, high in (("lat", -90.0, 90.0), ("lon", -180.0, 180.0)):
        value = _to_float(raw.get(key))
        if value is None or not (low <= value <= high):
            _add(problems, f"{where} {key}", raw.get(key), f"problems.candidates.{key}")
        values[key] = value
    capacity = raw.get("capacity_seats")
    seats = None
    if capacity not in (None, ""):
        seats = _to_float(capacity)
        if seats is None or seats <= 0:
            _add(problems, f"{where} capacity_seats", capacity, "problems.candidates.capacity")
    if len(problems.problems) > before:
        return None
    return Candidate(candidate_id, values["lat"], values["lon"], seats)


def _to_float(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(str(value).replace(",", ".")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def check_candidates_reachable(engine: Any, candidates: Sequence[Candidate], field: str = "candidates") -> None:
    """InputError naming each candidate outside the routing network's area."""
    problems = ProblemCollector()
    snaps = engine.snap_many([(c.lat, c.lon) for c in candidates], field=field, on_outside="none")
    for candidate, snap in zip(candidates, snaps):
        if snap is None:
            _add(problems, f"{field} {candidate.candidate_id}", f"{candidate.lat}, {candidate.lon}",
                 "problems.candidates.outside")
    problems.raise_if_any()


def site_for_dataset(dataset: Any, candidates: Sequence[Candidate], *, k: int = 1, objective: str = "p-median",
                     max_minutes: float = 10.0, mode: str = "walk", lang: str = "en",
                     field: str = "candidates", participation: Sequence[float] | str | None = None
                     ) -> dict[str, Any]:
    """Run the optimiser on a dataset's demand and units plus ``candidates``; the ``site`` output dict.

    ``participation``: shares 0..1 of children aged 0–2, 3–5, 6 expected in ECEC (a sequence or the text
    ``"P0,P1,P2"``); None = the assumed national shares (``participation_assumed`` in the output).
    """
    rates = parse_participation(participation, "--participation" if isinstance(participation, str) else "participation")
    problems = ProblemCollector()
    if isinstance(k, bool) or not isinstance(k, int) or k < 0:
        _add(problems, "--add", k, "problems.siting.add")
    if not isinstance(max_minutes, (int, float)) or not math.isfinite(max_minutes) or max_minutes <= 0:
        _add(problems, "--max-minutes", max_minutes, "problems.siting.minutes")
    problems.raise_if_any()
    demand = dataset.demand
    if demand is None or len(demand) == 0:
        raise DataError(translate("siting.infeasible.no_demand", lang) + f" ({dataset.name})")
    demand = validate_demand(demand).reset_index(drop=True)
    units = list(dataset.units)
    engine = dataset.engine(mode)
    check_candidates_reachable(engine, candidates, field)
    points = demand[["lat", "lon"]].to_numpy(float)
    sites = [(u.lat, u.lon) for u in units] + [(c.lat, c.lon) for c in candidates]
    cost = np.asarray(engine.matrix(points, sites, on_outside="none"), dtype=float)
    weights = np.asarray(demand_seats(demand["age_0_2"].to_numpy(float), demand["age_3_5"].to_numpy(float),
                                      demand["age_6"].to_numpy(float), participation=rates))
    existing = np.array([u.seats if u.seats is not None else np.inf for u in units], dtype=float)
    candidate_capacity = np.array([c.capacity_seats if c.capacity_seats is not None else np.inf
                                   for c in candidates], dtype=float)
    model = SiteModel.from_cost_matrix(cost, weights, existing, candidate_capacity, k, objective,
                                       max_s=float(max_minutes) * 60.0)
    result = model.solve(lang=lang)
    served = np.asarray(result.assignment.sum(axis=0)).ravel()
    chosen = []
    for j in result.chosen:
        c = candidates[j]
        chosen.append({"id": c.candidate_id, "lat": c.lat, "lon": c.lon, "capacity_seats": c.capacity_seats,
                       "assigned_seats": round(float(served[len(units) + j]), 2)})
    estimated = bool(demand["estimated"].astype(bool).any()) if "estimated" in demand else False
    explanation = result.explanation
    if estimated:
        explanation += " " + translate("siting.demand.estimated", lang)
    assumed = is_assumed_participation(rates)
    explanation += " " + participation_text(rates, assumed, lang)
    keys = ("coverage_share", "mean_travel_s", "p90_travel_s", "unreachable_share", "children")
    rename = {"children": "demand_seats"}
    return {
        "dataset": dataset.name, "objective": objective, "mode": mode, "max_minutes": max_minutes, "add": k,
        "candidates": len(candidates), "existing_units": len(units),
        "chosen": chosen,
        "before": {rename.get(key, key): result.before[key] for key in keys},
        "after": {rename.get(key, key): result.after[key] for key in keys},
        "status": result.status, "explanation": explanation,
        "objective_value": result.objective_value, "assigned_mean_travel_s": result.assigned_mean_travel_s,
        "unreachable_seats": result.unreachable_seats, "demand_estimated": estimated,
        "participation": list(rates), "participation_assumed": assumed,
        "model": result.details.get("model"),
    }


def participation_text(participation: Sequence[float], assumed: bool, lang: str = "en") -> str:
    """One sentence stating the participation shares behind the expected demand (as whole %)."""
    p0, p1, p2 = (_percent_text(share) for share in participation)
    key = "siting.participation.assumed" if assumed else "siting.participation.given"
    return translate(key, lang, p0=p0, p1=p1, p2=p2)


def _percent_text(share: float) -> str:
    """0.39 → "39", 0.905 → "90.5" (at most one decimal, half-up)."""
    value = (Decimal(repr(float(share))) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value:f}".rstrip("0").rstrip(".")


def site_command(args: argparse.Namespace) -> dict[str, Any]:
    """Handler of ``python -m planner site`` (see the module docstring)."""
    lang = getattr(args, "lang", "en") or "en"
    participation = parse_participation(getattr(args, "participation", None), "--participation")
    candidates = load_candidates(args.candidates, field="--candidates")
    try:
        from planner.datasets import load_dataset
    except ImportError as error:  # pragma: no cover - only while the datasets package is missing
        raise DataError(f"datasets are not available: {error}") from error
    dataset = load_dataset(args.dataset)
    return site_for_dataset(dataset, candidates, k=args.add, objective=args.objective,
                            max_minutes=args.max_minutes, mode=args.mode, lang=lang, field="--candidates",
                            participation=participation)
