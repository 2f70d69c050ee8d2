"""Daycare units from an OpenStreetMap extract, cleaned, with every assumption listed per unit.

Reads ``amenity=kindergarten|childcare`` (nodes, closed ways, multipolygons) and:

* **leaves out** what is not daycare: clubs (*kerho*, *klubb*), playgrounds (*leikkipuisto*,
  *lekpark*, ``leisure=playground``), adult day activities (*päivätoiminta*), afternoon clubs for
  schoolchildren (*iltapäivätoiminta*) — each listed with the reason (``left_out``);
* **merges duplicates**: a node inside a unit's own area (the building mapped twice), and features with
  the same name (case/spacing folded) within :data:`SAME_NAME_M` metres; tags are united, the area's
  position is kept, the merged ids are listed;
* **provider** from ``operator:type``, then ``operator`` (city words → municipal; *oy*, *ab*, *ry*,
  *rf*, *säätiö*, *stiftelse*, *seurakunta*, *församling* → private), then the name (known private
  chains and company/association words, *perhepäiväkoti* → family daycare); otherwise municipal is
  **assumed** and said so;
* **languages** from ``language:xx=yes|main`` tags, then the primary ``name`` equal to ``name:sv`` /
  ``name:en``, then words in the name (*daghem*, *lekskola*, *barnträdgård* → Swedish; *English*,
  *International*, *Nursery*, *School* → English; *ranskankielinen*, *French*, *école* → French,
  *saksalainen*, *Deutsch* → German, *venäjänkielinen* → Russian); otherwise Finnish is **assumed**;
* **shift care** from *vuoro* in the name (*vuoropäiväkoti*, *vuorohoito*), *dygnet runt*, or opening
  hours that are 24/7 or reach the night or the weekend;
* **opening hours** in OSM syntax, or Finnish forms (``Ma-pe 8-17``, ``ma–pe 6.30–17.30``,
  ``arkisin 7-17``) converted to OSM syntax; anything else is reported and left unknown;
* **capacity** from ``capacity`` when it is a number; otherwise unknown (calculations use
  :func:`planner.units.assumed_seats`, stated).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from planner.errors import InputError
from planner.units import Unit, assumed_seats, parse_opening_hours

SAME_NAME_M = 250.0            # same folded name within this distance = one unit mapped twice
UNNAMED_NEAR_M = 60.0          # an unnamed feature this close to a named unit is part of its site
NODE_IN_AREA_SLACK_M = 5.0     # a node this close to a unit's area counts as inside it
OSM_LANGUAGES = ("fi", "sv", "en", "fr", "de", "ru", "es", "et")

_LEFT_OUT_WORDS: tuple[tuple[str, str], ...] = (
    (r"iltapäivätoiminta|eftermiddagsverksamhet", "an afternoon club for schoolchildren"),
    (r"päivätoiminta|dagverksamhet", "day activities (not early childhood education)"),
    (r"leikkipuisto|lekpark|leikkikenttä|playground", "a playground"),
    (r"kerho\b|kerhot\b|-kerho|klubb|\bclub\b", "a club, not daycare"),
)
_MUNICIPAL_OPERATOR = re.compile(r"kaupunki\b|\bkunta\b|\bstad\b|\bkommun\b|city of|municipality|"
                                 r"kasvatuksen ja koulutuksen", re.I)
_PRIVATE_OPERATOR = re.compile(r"\b(oy|oyj|ab|ry|r\.y\.|rf|r\.f\.|ky|tmi|ltd|inc|gmbh)\b|säätiö|stiftelse|"
                               r"seurakunta|församling|yhdistys|förening|osuuskunta", re.I)
# Private daycare chains and well-known private providers in Finland (seen in OSM names).
_PRIVATE_CHAINS = re.compile(r"touhula|pilke|norlandia|tenava|esperi|kids inn|hei school|\bhei\b|"
                             r"montessori|steiner|gan |gan$|carousel|fylgia|pyhän marian|arbetets vänner|"
                             r"aurinkoinen|pikkutaivas|smart kids|playhouse|nursery|international|english", re.I)
_LANGUAGE_WORDS: tuple[tuple[str, str], ...] = (
    (r"gruppfamiljedaghem|familjedaghem|daghem|lekskola|barnträdgård|förskola", "sv"),
    (r"ranskankielinen|french|française|francais|école|ecole", "fr"),
    (r"saksalainen|deutsch|german", "de"),
    (r"venäjänkielinen|russian|русск", "ru"),
    (r"espanjankielinen|spanish|español", "es"),
    (r"virolainen|estonian|eesti", "et"),
    (r"english|international|nursery|\bschool\b|kindergarten\b", "en"),
)
_FI_DAYS = {"ma": "Mo", "ti": "Tu", "ke": "We", "to": "Th", "pe": "Fr", "la": "Sa", "su": "Su",
            "må": "Mo", "ti.": "Tu", "on": "We", "fr": "Fr", "lö": "Sa", "sö": "Su"}


@dataclass
class _Feature:
    osm_type: str
    osm_id: int
    tags: dict[str, str]
    lat: float
    lon: float
    area: Any = None               # shapely polygon in EPSG:3067 for areas
    x: float = 0.0
    y: float = 0.0
    merged: list[str] = field(default_factory=list)

    @property
    def ref(self) -> str:
        return f"{self.osm_type}/{self.osm_id}"

    @property
    def name(self) -> str:
        return (self.tags.get("name") or self.tags.get("name:fi") or self.tags.get("name:sv") or "").strip()


def read_daycare_features(pbf: str | Path) -> list[_Feature]:
    """Every ``amenity=kindergarten|childcare`` node and area (polygon kept, EPSG:3067)."""
    import osmium
    import shapely
    from shapely import wkb

    from planner.network.graph import to_3067

    factory = osmium.geom.WKBFactory()
    processor = (osmium.FileProcessor(str(pbf)).with_locations().with_areas()
                 .with_filter(osmium.filter.KeyFilter("amenity")))
    found: list[_Feature] = []
    area_ways: set[int] = set()
    open_ways: list[_Feature] = []
    for obj in processor:
        tags = {tag.k: tag.v for tag in obj.tags}
        if tags.get("amenity") not in ("kindergarten", "childcare"):
            continue
        if obj.is_way():  # open or cut by the extract's edge: placed at the centre of its line
            try:
                line = wkb.loads(factory.create_linestring(obj), hex=True)
            except (RuntimeError, osmium.InvalidLocationError):
                continue
            open_ways.append(_Feature("way", obj.id, tags, line.centroid.y, line.centroid.x))
        elif obj.is_node():
            if obj.location.valid():
                found.append(_Feature("node", obj.id, tags, obj.location.lat, obj.location.lon))
        elif obj.is_area():
            try:
                geometry = wkb.loads(factory.create_multipolygon(obj), hex=True)
            except (RuntimeError, osmium.InvalidLocationError):
                continue
            metric = shapely.transform(geometry, _to_xy)
            centroid = geometry.centroid
            if obj.from_way():
                area_ways.add(obj.orig_id())
            found.append(_Feature("way" if obj.from_way() else "relation", obj.orig_id(), tags,
                                  centroid.y, centroid.x, area=metric))
    found.extend(way for way in open_ways if way.osm_id not in area_ways)
    if found:
        x, y = to_3067(np.array([f.lat for f in found]), np.array([f.lon for f in found]))
        for feature, fx, fy in zip(found, x, y):
            feature.x, feature.y = float(fx), float(fy)
    return sorted(found, key=lambda f: (f.osm_type != "way", f.osm_type, f.osm_id))


def _to_xy(coords: np.ndarray) -> np.ndarray:
    """(n, 2) lon/lat -> (n, 2) EPSG:3067 metres."""
    from planner.network.graph import to_3067

    x, y = to_3067(np.asarray(coords[:, 1], float), np.asarray(coords[:, 0], float))
    return np.column_stack([x, y])


def fold_name(name: str) -> str:
    """Name for duplicate detection: case, dashes and spacing folded."""
    return re.sub(r"[\s\-–_]+", " ", name.casefold()).strip()


def left_out_reason(tags: dict[str, str]) -> str | None:
    """Why a feature is not a daycare unit (None when it is one)."""
    if tags.get("leisure") == "playground":
        return "leisure=playground: a playground"
    name = " ".join(tags.get(k, "") for k in ("name", "name:fi", "name:sv", "name:en", "description"))
    folded = name.casefold()
    if "päiväkoti" in folded or "daghem" in folded:
        return None  # "Päiväkoti X" is daycare even when it also runs a club
    for pattern, reason in _LEFT_OUT_WORDS:
        if re.search(pattern, folded):
            return f"'{name.strip()}': {reason}"
    return None


def _merge_into(keep: _Feature, other: _Feature, why: str) -> None:
    for key, value in other.tags.items():
        keep.tags.setdefault(key, value)
    keep.merged.append(f"{other.ref} ({why})")
    keep.merged.extend(other.merged)


def merge_duplicates(features: list[_Feature]) -> list[_Feature]:
    """One feature per unit: nodes inside (or within 5 m of) a unit's area and same-name features within
    :data:`SAME_NAME_M` merge into one (areas first, then the one with more tags)."""
    order = sorted(features, key=lambda f: (f.area is None, -len(f.tags), f.osm_type, f.osm_id))
    kept: list[_Feature] = []
    from shapely.geometry import Point

    for feature in order:
        target = None
        why = ""
        for unit in kept:
            if unit.area is not None and feature.area is None:
                if unit.area.distance(Point(feature.x, feature.y)) <= NODE_IN_AREA_SLACK_M:
                    names = {fold_name(unit.name), fold_name(feature.name)} - {""}
                    if len(names) <= 1:
                        target, why = unit, "a node inside the same area"
                        break
            if feature.name and fold_name(feature.name) == fold_name(unit.name):
                distance = float(np.hypot(unit.x - feature.x, unit.y - feature.y))
                if distance <= SAME_NAME_M:
                    target, why = unit, f"same name {distance:.0f} m away"
                    break
        if target is None:
            kept.append(feature)
        else:
            _merge_into(target, feature, why)
    return _merge_unnamed(kept)


def _merge_unnamed(features: list[_Feature]) -> list[_Feature]:
    """Unnamed features within :data:`UNNAMED_NEAR_M` of a named unit (a yard or a second building of
    the same site) merge into the nearest one."""
    from shapely.geometry import Point

    named = [f for f in features if f.name]
    kept = list(named)
    for feature in features:
        if feature.name:
            continue
        shape = feature.area if feature.area is not None else Point(feature.x, feature.y)
        best = None
        for unit in named:
            other = unit.area if unit.area is not None else Point(unit.x, unit.y)
            distance = float(shape.distance(other))
            if distance <= UNNAMED_NEAR_M and (best is None or distance < best[0]):
                best = (distance, unit)
        if best is None:
            kept.append(feature)
        else:
            _merge_into(best[1], feature, f"unnamed, {best[0]:.0f} m from it")
    return kept


def provider_of(tags: dict[str, str], name: str) -> tuple[str, str]:
    """``(provider, basis)``: municipal | private | family, and the sentence saying where it came from."""
    operator_type = tags.get("operator:type", "").strip().lower()
    mapped = {"public": "municipal", "government": "municipal", "municipal": "municipal", "community": "private",
              "private": "private", "private_non_profit": "private", "religious": "private",
              "ngo": "private", "cooperative": "private"}.get(operator_type)
    if mapped:
        return mapped, f"provider {mapped}: from operator:type={operator_type}"
    folded = name.casefold()
    if "perhepäiväkoti" in folded or "familjedaghem" in folded or "perhepäivähoito" in folded:
        return "family", "provider family daycare: from the word (ryhmä)perhepäiväkoti/familjedaghem in the name"
    operator = tags.get("operator", "").strip()
    if operator:  # company / association / parish words first: "seurakunta" is not "kunta"
        if _PRIVATE_OPERATOR.search(operator) or _PRIVATE_CHAINS.search(operator):
            return "private", f"provider private: from operator '{operator}'"
        if _MUNICIPAL_OPERATOR.search(operator):
            return "municipal", f"provider municipal: from operator '{operator}'"
    if _PRIVATE_OPERATOR.search(name) or _PRIVATE_CHAINS.search(name):
        word = (_PRIVATE_OPERATOR.search(name) or _PRIVATE_CHAINS.search(name)).group(0).strip()
        return "private", f"provider private: from '{word}' in the name (a company, association or private chain)"
    if operator:
        return "municipal", f"provider municipal ASSUMED: operator '{operator}' does not say"
    return "municipal", "provider municipal ASSUMED: the map gives no operator"


def languages_of(tags: dict[str, str], name: str) -> tuple[tuple[str, ...], str]:
    """``(languages, basis)``."""
    tagged = [code for code in OSM_LANGUAGES if tags.get(f"language:{code}", "").lower() in ("yes", "main", "only")]
    if tagged:
        return tuple(tagged), "languages from language:* tags (" + ", ".join(tagged) + ")"
    primary = tags.get("name", "").strip()
    if primary and tags.get("name:sv", "").strip() == primary and tags.get("name:fi", "").strip() != primary:
        return ("sv",), "language Swedish: the unit's own name is its name:sv"
    if primary and tags.get("name:en", "").strip() == primary and tags.get("name:fi", "").strip() != primary:
        return ("en",), "language English: the unit's own name is its name:en"
    folded = name.casefold()
    for pattern, code in _LANGUAGE_WORDS:
        match = re.search(pattern, folded)
        if match:
            return (code,), f"language {code}: from the word '{match.group(0).strip()}' in the name"
    return ("fi",), "language Finnish ASSUMED: no language tag or word in the name"


_FI_RANGE = re.compile(r"^\s*(?P<days>(?:ma|ti|ke|to|pe|la|su)(?:\s*[-–]\s*(?:ma|ti|ke|to|pe|la|su))?|arkisin|"
                       r"ark\.?|mon?\s*[-–]\s*fre|må\s*[-–]\s*fre)\s*:?\s*"
                       r"(?P<open>\d{1,2}(?:[.:]\d{2})?)\s*[-–]\s*(?P<close>\d{1,2}(?:[.:]\d{2})?)\s*$", re.I)


def _clock(text: str) -> str:
    hours, _, minutes = text.replace(".", ":").partition(":")
    return f"{int(hours):02d}:{int(minutes or 0):02d}"


def finnish_opening_hours(text: str) -> str | None:
    """``Ma-pe 8-17`` / ``ma–pe 6.30–17.30`` / ``arkisin 7-17`` → ``Mo-Fr 08:00-17:00`` (None otherwise).
    Several rules may be separated by ``,`` or ``;``."""
    rules = []
    for part in re.split(r"[;,]\s*(?=[a-zåäö])", text.strip(), flags=re.I):
        match = _FI_RANGE.match(part)
        if not match:
            return None
        days = match.group("days").lower().replace("–", "-").replace(" ", "")
        if days.startswith(("ark", "mon", "må")):
            selector = "Mo-Fr"
        else:
            selector = "-".join(_FI_DAYS[d] for d in days.split("-"))
        rules.append(f"{selector} {_clock(match.group('open'))}-{_clock(match.group('close'))}")
    return "; ".join(rules) if rules else None


def opening_hours_of(tags: dict[str, str]) -> tuple[str | None, str | None]:
    """``(opening_hours in OSM syntax or None, note)``."""
    raw = (tags.get("opening_hours") or "").strip()
    if not raw:
        return None, None
    try:
        parse_opening_hours(raw)
        return raw, None
    except InputError:
        pass
    converted = finnish_opening_hours(raw)
    if converted:
        try:
            parse_opening_hours(converted)
            return converted, f"opening hours '{raw}' read as '{converted}'"
        except InputError:
            pass
    return None, f"opening hours '{raw}' not understood: left unknown"


def shift_care_of(tags: dict[str, str], name: str, opening_hours: str | None) -> tuple[bool, str | None]:
    folded = name.casefold()
    if "vuoro" in folded or "dygnet runt" in folded or "skiftomsorg" in folded:
        return True, "shift care: from the word 'vuoro'/'dygnet runt' in the name"
    if opening_hours:
        week = parse_opening_hours(opening_hours)
        if any(week[d] for d in (5, 6)) or any(close > 20 * 3600 or start < 5 * 3600
                                               for spans in week.values() for start, close in spans):
            return True, f"shift care: opening hours '{opening_hours}' reach nights or weekends"
    return False, None


def clean_units(features: Iterable[_Feature]) -> tuple[list[Unit], list[dict[str, Any]]]:
    """Units and the left-out features (``{"osm", "name", "reason"}``) from raw features."""
    left_out: list[dict[str, Any]] = []
    keep: list[_Feature] = []
    for feature in features:
        reason = left_out_reason(feature.tags)
        if reason:
            left_out.append({"osm": feature.ref, "name": feature.name, "reason": reason})
        else:
            keep.append(feature)
    units = []
    for feature in merge_duplicates(keep):
        tags = feature.tags
        notes: list[str] = []
        name = feature.name
        if not name:
            # a unit name is data shown as is on every page: the local word, not English, plus the OSM object
            street = " ".join(part for part in (tags.get("addr:street"), tags.get("addr:housenumber")) if part)
            name = f"Nimetön päiväkoti{', ' + street if street else ''} (OSM {feature.osm_type} {feature.osm_id})"
            notes.append("name missing in the map")
        provider, basis = provider_of(tags, feature.name)
        notes.append(basis)
        languages, basis = languages_of(tags, feature.name)
        notes.append(basis)
        opening_hours, note = opening_hours_of(tags)
        if note:
            notes.append(note)
        shift_care, note = shift_care_of(tags, feature.name, opening_hours)
        if note:
            notes.append(note)
        capacity_text = (tags.get("capacity") or "").strip()
        capacity = float(capacity_text) if capacity_text.isdigit() else None
        if capacity is None:
            notes.append(f"capacity unknown: calculations assume {assumed_seats(name, provider):g} seats")
        if feature.merged:
            notes.append("merged with " + "; ".join(feature.merged))
        street, number = tags.get("addr:street"), tags.get("addr:housenumber")
        units.append(Unit(
            unit_id=f"osm-{feature.osm_type}-{feature.osm_id}", name=name, lat=round(feature.lat, 7),
            lon=round(feature.lon, 7), address=f"{street} {number}" if street and number else None,
            provider=provider, languages=languages, opening_hours=opening_hours, shift_care=shift_care,
            preschool="esiopetus" in " ".join(tags.values()).casefold(),
            capacity_seats=capacity, capacity_estimated=False, demo=False,
            source=f"osm:{feature.osm_type}/{feature.osm_id}", assumptions=tuple(notes)))
    return sorted(units, key=lambda u: u.unit_id), left_out


def osm_units(pbf: str | Path) -> tuple[list[Unit], dict[str, Any]]:
    """Cleaned units of an extract and a report: counts, ``left_out`` (feature, name, reason) and how
    many duplicates were merged."""
    features = read_daycare_features(pbf)
    units, left_out = clean_units(features)
    report = {
        "features": len(features), "units": len(units), "left_out": left_out,
        "merged": sum(1 for u in units for note in u.assumptions if note.startswith("merged with")),
        "provider_assumed": sum(1 for u in units if any("provider municipal ASSUMED" in n for n in u.assumptions)),
        "language_assumed": sum(1 for u in units if any("Finnish ASSUMED" in n for n in u.assumptions)),
        "name_missing": sum(1 for u in units if "name missing in the map" in u.assumptions),
    }
    return units, report
