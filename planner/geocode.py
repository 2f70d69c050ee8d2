"""Offline address look-up inside a dataset, from the OpenStreetMap extract's ``addr:*`` tags.

Every node and building (way or multipolygon) with ``addr:street`` and ``addr:housenumber`` gives one
address; buildings are placed at their centroid, and several points with the same address are merged
(a building wins over entrance or shop nodes, else the mean of the nodes). Matching folds case and
the letters ä/å/ö (``Lonnrotinkatu`` finds ``Lönnrotinkatu``), expands the abbreviations ``k.``
(katu), ``t.`` (tie), ``g.`` (gatan), ignores postcodes and city names, and tolerates typos with
rapidfuzz (``Aleksanterinktu 5`` finds ``Aleksanterinkatu 5``).
"""
from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from functools import lru_cache
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, NamedTuple

from planner.errors import DataError, InputError, Problem

# A match is accepted by resolve() only at this street similarity (0..100) with a matching number.
RESOLVE_MIN_SCORE = 85.0
_CITY_WORDS = {"helsinki", "helsingfors", "espoo", "esbo", "vantaa", "vanda", "kauniainen", "grankulla",
               "tampere", "tammerfors", "turku", "abo", "oulu", "uleaborg", "finland", "suomi"}
_ABBREVIATIONS = ((re.compile(r"(\w)k\.(?=\s|$|,)"), r"\1katu"),
                  (re.compile(r"(\w)t\.(?=\s|$|,)"), r"\1tie"),
                  (re.compile(r"(\w)g\.(?=\s|$|,)"), r"\1gatan"),
                  (re.compile(r"(\w)v\.(?=\s|$|,)"), r"\1vägen"))
CSV_COLUMNS = ("address", "street", "housenumber", "postcode", "city", "lat", "lon", "kind")


_problem = Problem.keyed  # a Problem whose fix text is an i18n key (planner/locales)


def fold(text: str) -> str:
    """Lower case without diacritics: ``Töölönkatu`` -> ``toolonkatu``; whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", stripped).strip()


@lru_cache(maxsize=65536)   # a dataset's index repeats each street name many times
def normalise_street(street: str) -> str:
    """Folded street name with abbreviations expanded (``Aleksanterink.`` -> ``aleksanterinkatu``)."""
    text = street.lower().strip()
    for pattern, replacement in _ABBREVIATIONS:
        text = pattern.sub(replacement, text)
    return fold(text.replace(".", " "))


@lru_cache(maxsize=65536)   # house numbers repeat across streets (1, 2, 3 ...)
def normalise_number(number: str) -> str:
    """House number without spaces, lower case: ``15 B`` -> ``15b``; ``1-5`` kept."""
    return re.sub(r"\s+", "", fold(number))


def _number_base(number: str) -> str:
    match = re.match(r"\d+", number)
    return match.group(0) if match else number


def _number_fit(query: str, entry: str) -> float:
    """1.0 exact, 0.9 same building number (staircase differs / inside a range), 0.6 otherwise."""
    if not query:
        return 0.8
    if query == entry:
        return 1.0
    if _number_base(query) == _number_base(entry):
        return 0.9
    range_match = re.fullmatch(r"(\d+)-(\d+)", entry)
    base = _number_base(query)
    if range_match and base.isdigit() and int(range_match.group(1)) <= int(base) <= int(range_match.group(2)):
        return 0.9
    return 0.6


@dataclass(frozen=True)
class AddressEntry:
    """One address of the extract; WGS84 degrees."""

    street: str
    housenumber: str
    lat: float
    lon: float
    postcode: str = ""
    city: str = ""
    kind: str = "node"  # node | building

    @property
    def address(self) -> str:
        return f"{self.street} {self.housenumber}"


@dataclass(frozen=True)
class AddressMatch:
    """A candidate for a looked-up address: ``score`` 0..100 (100 = exact)."""

    address: str
    lat: float
    lon: float
    score: float
    postcode: str = ""
    city: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"address": self.address, "lat": self.lat, "lon": self.lon, "score": round(self.score, 1),
                "postcode": self.postcode, "city": self.city}


class OsmFeature(NamedTuple):
    """One OSM object with its tags, placed at a point (WGS84 degrees)."""

    tags: dict[str, str]
    lat: float
    lon: float
    kind: str      # node | building | area | way (open line)
    osm_id: int
    osm_type: str  # node | way | relation


def read_osm_features(pbf: str | Path, key: str) -> Iterator[OsmFeature]:
    """Every node, way and area carrying tag ``key``.

    Areas (closed ways, multipolygon relations) are placed at their centroid and have kind
    ``building`` when tagged ``building``; open ways at the centroid of their line. Reads the file
    once with pyosmium.
    """
    import osmium
    from shapely import wkb

    factory = osmium.geom.WKBFactory()
    processor = (osmium.FileProcessor(str(pbf)).with_locations().with_areas()
                 .with_filter(osmium.filter.KeyFilter(key)))
    area_ways: set[int] = set()
    pending_ways: list[tuple[dict[str, str], float, float, int]] = []
    for obj in processor:
        tags = {tag.k: tag.v for tag in obj.tags}
        if obj.is_node():
            if obj.location.valid():
                yield OsmFeature(tags, obj.location.lat, obj.location.lon, "node", obj.id, "node")
        elif obj.is_area():
            try:
                geometry = wkb.loads(factory.create_multipolygon(obj), hex=True)
            except (RuntimeError, osmium.InvalidLocationError):
                continue
            if obj.from_way():
                area_ways.add(obj.orig_id())
            centroid = geometry.centroid
            kind = "building" if "building" in tags else "area"
            yield OsmFeature(tags, centroid.y, centroid.x, kind, obj.orig_id(),
                             "way" if obj.from_way() else "relation")
        elif obj.is_way():
            try:
                line = wkb.loads(factory.create_linestring(obj), hex=True)
            except (RuntimeError, osmium.InvalidLocationError):
                continue
            centroid = line.centroid
            pending_ways.append((tags, centroid.y, centroid.x, obj.id))
    for tags, lat, lon, osm_id in pending_ways:  # open ways (closed ones came as areas)
        if osm_id not in area_ways:
            yield OsmFeature(tags, lat, lon, "way", osm_id, "way")


def _clean_street(street: str) -> str:
    """``Asemahalli, Kaivokatu`` -> ``Kaivokatu`` (a place name before the street)."""
    return street.rsplit(",", 1)[-1].strip()


class AddressIndex:
    """Typo-tolerant look-up of the addresses of one dataset."""

    def __init__(self, entries: list[AddressEntry]):
        self.entries: list[AddressEntry] = list(entries)
        self._by_street: dict[str, list[AddressEntry]] = defaultdict(list)
        self._exact: dict[tuple[str, str], AddressEntry] = {}
        cities = set(_CITY_WORDS)
        for entry in self.entries:
            street_key = normalise_street(entry.street)
            self._by_street[street_key].append(entry)
            self._exact.setdefault((street_key, normalise_number(entry.housenumber)), entry)
        for city in {fold(entry.city) for entry in self.entries if entry.city}:   # a few names, each once
            if re.fullmatch(r"[^\W\d_]+", city):  # one word, letters only
                cities.add(city)
        self._streets: list[str] = sorted(self._by_street)
        self._cities = cities

    def __len__(self) -> int:
        return len(self.entries)

    # ---------------------------------------------------------------- building and storing
    @classmethod
    def from_osm(cls, pbf: str | Path) -> "AddressIndex":
        """All ``addr:street`` + ``addr:housenumber`` of an extract, merged per address."""
        groups: dict[tuple[str, str], list[tuple[dict[str, str], float, float, str]]] = defaultdict(list)
        for tags, lat, lon, kind, _, _ in read_osm_features(pbf, "addr:housenumber"):
            street = _clean_street(tags.get("addr:street", ""))
            number = tags.get("addr:housenumber", "").split(",")[0].strip()
            if not street or not number:
                continue
            groups[(normalise_street(street), normalise_number(number))].append((tags, lat, lon, kind))
        entries = []
        for items in groups.values():
            buildings = [item for item in items if item[3] == "building"]
            chosen = buildings[:1] or items
            lat = sum(item[1] for item in chosen) / len(chosen)
            lon = sum(item[2] for item in chosen) / len(chosen)
            tags = chosen[0][0]
            postcode = next((t.get("addr:postcode", "") for t, *_ in items if t.get("addr:postcode")), "")
            city = next((t.get("addr:city", "") for t, *_ in items if t.get("addr:city")), "")
            entries.append(AddressEntry(
                street=_clean_street(tags["addr:street"]),
                housenumber=tags["addr:housenumber"].split(",")[0].strip(),
                lat=round(lat, 7), lon=round(lon, 7), postcode=postcode, city=city,
                kind="building" if buildings else "node"))
        entries.sort(key=lambda e: (normalise_street(e.street), _sort_number(e.housenumber)))
        return cls(entries)

    def save_csv(self, path: str | Path) -> None:
        """Write ``addresses.csv`` (public map data only)."""
        with Path(path).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(CSV_COLUMNS)
            for e in self.entries:
                writer.writerow([e.address, e.street, e.housenumber, e.postcode, e.city, e.lat, e.lon, e.kind])

    @classmethod
    def load_csv(cls, path: str | Path) -> "AddressIndex":
        """Read an ``addresses.csv`` written by :meth:`save_csv`."""
        path = Path(path)
        if not path.is_file():
            raise DataError(f"address index {path} is missing; rebuild the dataset (python -m planner data build)")
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        return cls([AddressEntry(street=r["street"], housenumber=r["housenumber"], lat=float(r["lat"]),
                                 lon=float(r["lon"]), postcode=r.get("postcode", ""), city=r.get("city", ""),
                                 kind=r.get("kind", "node")) for r in rows])

    # ---------------------------------------------------------------- look-up
    def _parse_query(self, text: str) -> tuple[str, str]:
        """(normalised street, normalised house number) of a free-text address."""
        cleaned = text.lower().replace(",", " , ")
        for pattern, replacement in _ABBREVIATIONS:
            cleaned = pattern.sub(replacement, cleaned)
        tokens = [t for t in fold(cleaned.replace(".", " ")).split(" ") if t]
        kept = [t for t in tokens if not re.fullmatch(r"\d{5}", t) and t not in self._cities]
        street_tokens: list[str] = []
        number = ""
        for index, token in enumerate(kept):
            if token == ",":
                if number:
                    break
                continue
            if street_tokens and not number and token[0].isdigit():
                number = token
                following = kept[index + 1] if index + 1 < len(kept) else ""
                if len(following) == 1 and following.isalpha():
                    number += following  # "15 B"
                break
            street_tokens.append(token)
        return " ".join(street_tokens), normalise_number(number)

    def lookup(self, text: str, limit: int = 5) -> list[AddressMatch]:
        """The ``limit`` best candidates for ``text``, best first (score 0..100)."""
        from rapidfuzz import fuzz, process

        street, number = self._parse_query(str(text or ""))
        if not street or not self._streets:
            return []
        exact = self._exact.get((street, number))
        if exact is not None:
            return [self._match(exact, 100.0)][:limit] + [
                m for m in self._candidates(street, number, fuzz, process) if m.address != exact.address
            ][: max(limit - 1, 0)]
        return self._candidates(street, number, fuzz, process)[:limit]

    def _candidates(self, street: str, number: str, fuzz: Any, process: Any) -> list[AddressMatch]:
        streets = process.extract(street, self._streets, scorer=fuzz.ratio, limit=8, score_cutoff=55)
        matches: list[AddressMatch] = []
        for street_key, street_score, _ in streets:
            for entry in self._by_street[street_key]:
                fit = _number_fit(number, normalise_number(entry.housenumber))
                matches.append(self._match(entry, street_score * fit))
        matches.sort(key=lambda m: (-m.score, m.address))
        return matches

    @staticmethod
    def _match(entry: AddressEntry, score: float) -> AddressMatch:
        return AddressMatch(entry.address, entry.lat, entry.lon, float(score), entry.postcode, entry.city)

    def resolve(self, text: str, field: str = "address") -> tuple[float, float]:
        """``(lat, lon)`` of ``text``; :class:`InputError` naming ``field`` when it is not found."""
        if not self.entries:
            raise InputError(_problem(field, text, "problems.address.no_addresses"))
        matches = self.lookup(text, limit=3)
        _, number = self._parse_query(str(text or ""))
        if matches:
            best = matches[0]
            best_number = normalise_number(best.address.rsplit(" ", 1)[-1])
            if best.score >= RESOLVE_MIN_SCORE and number and _number_fit(number, best_number) >= 0.9:
                return best.lat, best.lon
        if not matches:
            raise InputError(_problem(field, text, "problems.address.unknown"))
        names = dict(zip(("first", "second", "third"), (repr(m.address) for m in matches)))
        raise InputError(_problem(field, text, f"problems.address.suggest_{len(names)}", **names))


def _sort_number(number: str) -> tuple[int, str]:
    base = _number_base(normalise_number(number))
    return (int(base) if base.isdigit() else 10**9, number)
