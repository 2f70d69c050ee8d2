"""eVaka's files around a preschool round: the future-preschoolers report and the preschool unit list in
(CSV as eVaka's employee UI writes them), and the placement-tool import file back out.

Column names and formats follow espoon-voltti/evaka (read there, written anew here):

* **Future preschoolers** (report "Tulevat esiopetusoppilaat", file ``Esiopetusoppilaat_rakenne.csv``):
  ``lapsen_id;lapsen_sukunimi;lapsen_etunimi;lapsen_syntyma_pvm;lapsen_kieli;lapsen_osoite;postinumero;
  toimipaikka;toimintayksikon_id;toimintayksikon_nimi;ominaisuudet``. ``lapsen_id`` is eVaka's child
  UUID, the birth date ``dd.MM.yyyy``, ``toimintayksikon_id`` the child's current unit (UUID) and
  ``ominaisuudet`` a ``", "``-separated list of ``SHIFT_CARE`` and ``TWO_YEAR_PRESCHOOL``.
* **Preschool units** (``Esiopetusyksikot.csv``): ``Id;Nimi;Lahiosoite;Postinumero;Postitoimipaikka;
  Paikkojen_lkm;ominaisuudet`` with ``Paikkojen_lkm`` = caretakers × 7 and ``ominaisuudet`` of
  ``PRIVATE``, ``WITH_SCHOOL``, ``SHIFT_CARE``.
* eVaka writes both with ``;``, a UTF-8 byte-order mark, ``\\n`` line ends and double quotes only around
  cells holding ``;``, ``"`` or a line break.
* **Import** (placement tool, ``lapsen_id;esiopetusyksikon_id``): header row, ``;``, BOM optional, spaces
  around cells ignored, rows with an empty cell skipped; the child is a personal identity code or a child
  UUID, the unit a unit UUID; it creates preschool applications for the next preschool term only.

What the project adds, because eVaka's files lack it: optional ``sisarusryhma`` (sibling group),
``lat``, ``lon`` columns in the children report and optional ``kieli`` (``fi``, ``sv`` or ``fi|sv``),
``lat``, ``lon`` columns in the unit list. Without ``kieli`` a unit teaches in Finnish; without
``lat``/``lon`` the street address is looked up in the dataset (the flat part, ``A 12``, is dropped). The children's names are read past and never kept; addresses are
turned into coordinates and dropped. Every bad row is one problem naming the row and column.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from planner.errors import InputError, Problem
from planner.placement.children import Child, _text_of, table_rows
from planner.placement.csvsafe import id_problem
from planner.placement.identity import hetu_problem, is_uuid, looks_like_hetu, mask_hetu
from planner.placement.rules import PlacementUnit

CHILDREN_COLUMNS: tuple[str, ...] = ("lapsen_id", "lapsen_sukunimi", "lapsen_etunimi", "lapsen_syntyma_pvm",
                                     "lapsen_kieli", "lapsen_osoite", "postinumero", "toimipaikka",
                                     "toimintayksikon_id", "toimintayksikon_nimi", "ominaisuudet")
UNIT_COLUMNS: tuple[str, ...] = ("id", "nimi", "lahiosoite", "postinumero", "postitoimipaikka", "paikkojen_lkm",
                                 "ominaisuudet")
IMPORT_COLUMNS: tuple[str, str] = ("lapsen_id", "esiopetusyksikon_id")
CHILD_OPTIONS = {"SHIFT_CARE", "TWO_YEAR_PRESCHOOL"}
UNIT_OPTIONS = {"PRIVATE", "WITH_SCHOOL", "SHIFT_CARE"}
PRESCHOOL_WEEKLY_HOURS = 20.0   # preschool is about 4 h a day (Perusopetuslaki 628/1998 § 26 a)
_STREET_NUMBER = re.compile(r"^(.*?\d+[a-zA-Z]?)(?:[\s,].*)?$")


def preschool_start(birth_date: date, two_year: bool = False) -> date:
    """1 August of the year the child turns 6 (5 in two-year preschool): the preschool term's start."""
    return date(birth_date.year + (5 if two_year else 6), 8, 1)


def _street(address: str) -> str:
    """``Mannerheimintie 5 A 12`` → ``Mannerheimintie 5`` (eVaka addresses carry the flat)."""
    match = _STREET_NUMBER.match(address.strip())
    return match.group(1) if match else address.strip()


def _locate(row: dict[str, str], n: int, field: str, street: str, postcode: str, town: str, addresses: Any,
            problems: list[Problem]) -> tuple[float, float] | None:
    if row.get("lat") or row.get("lon"):
        try:
            lat, lon = float(row.get("lat", "").replace(",", ".")), float(row.get("lon", "").replace(",", "."))
            if 59.0 <= lat <= 70.5 and 19.0 <= lon <= 32.0:
                return lat, lon
        except ValueError:
            pass
        problems.append(Problem(f"{field} row {n} lat", f"{row.get('lat', '')},{row.get('lon', '')}",
                                "WGS84 degrees in Finland, e.g. 60.17 and 24.94"))
        return None
    if not street:
        problems.append(Problem(f"{field} row {n} address", "", "a street address (or lat and lon columns)"))
        return None
    if addresses is None:
        problems.append(Problem(f"{field} row {n} address", "(address)",
                                "lat and lon columns (no address index is available to look it up)"))
        return None
    try:
        return addresses.resolve(_street(street), f"{field} row {n} address")
    except InputError:
        # the address itself is personal data of a child: the problem names the row and the postcode only
        problems.append(Problem(f"{field} row {n} address", f"(street address in {postcode} {town})".strip(),
                                "an address found in the dataset's area (check the spelling or add lat, lon)"))
        return None


def _parse_fi_date(text: str) -> date:
    text = text.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        day, month, year = (int(x) for x in text.split("."))
        return date(year, month, day)


def _check_header(header: list[str], required: tuple[str, ...], field: str) -> list[Problem]:
    missing = [c for c in required if c not in header]
    if not missing:
        return []
    hint = "; the file is eVaka's and separated by ';'" if len(header) <= 1 else ""
    return [Problem(f"{field} columns", ";".join(header)[:200],
                    f"the columns {', '.join(missing)} are missing{hint}; required: {';'.join(required)}")]


def read_evaka_children(source: str | bytes | Path, *, addresses: Any = None,
                        on: date | None = None) -> tuple[list[Child], list[Problem]]:
    """Children of eVaka's future-preschoolers report: ``(good children, one problem per bad value)``.

    Start date: 1 August of the preschool year (:func:`preschool_start`); weekly hours 20 (preschool);
    shift care from ``SHIFT_CARE``; current unit from ``toimintayksikon_id``; siblings from the optional
    ``sisarusryhma`` column; an empty language is ``fi``, a number code ``und`` (undetermined: taught in
    the fallback language like any language that is not fi/sv). Names are never kept."""
    text = _text_of(source, "evaka children")
    on = on or date.today()
    header, rows, problems = table_rows(text, "evaka children")
    header = [h.lstrip("\ufeff") for h in header]
    missing = _check_header(header, ("lapsen_id", "lapsen_syntyma_pvm", "lapsen_kieli", "lapsen_osoite",
                                     "postinumero", "toimipaikka", "toimintayksikon_id", "ominaisuudet"),
                            "evaka children")
    if missing or not header:
        return [], missing or problems or [Problem("evaka children", "", "eVaka's future-preschoolers CSV")]
    children: list[Child] = []
    seen: dict[str, int] = {}
    for n, cells in rows:
        row = {h: (cells[k].strip() if k < len(cells) else "") for k, h in enumerate(header)}
        before = len(problems)

        def bad(column: str, value: Any, expected: str) -> None:
            problems.append(Problem(f"evaka children row {n} {column}", value, expected))

        raw_id = row["lapsen_id"]
        identity = None
        if looks_like_hetu(raw_id):
            if hetu_problem(raw_id):
                bad("lapsen_id", mask_hetu(raw_id), hetu_problem(raw_id))
            identity, child_id = raw_id, mask_hetu(raw_id)
        elif not is_uuid(raw_id):
            bad("lapsen_id", raw_id[:80], id_problem(raw_id) or "eVaka's child UUID or a personal identity code")
            child_id = raw_id
        else:
            child_id = raw_id.lower()
        key = identity or child_id
        if len(problems) == before and key in seen:
            bad("lapsen_id", child_id, f"each child once (already on row {seen[key]})")
        try:
            born = _parse_fi_date(row["lapsen_syntyma_pvm"])
            if born > on:
                bad("lapsen_syntyma_pvm", row["lapsen_syntyma_pvm"], f"a birth date on or before {on:%d.%m.%Y}")
        except (ValueError, TypeError):
            born = None
            bad("lapsen_syntyma_pvm", row["lapsen_syntyma_pvm"], "a date as dd.mm.yyyy (eVaka) or YYYY-MM-DD")
        language = (row["lapsen_kieli"] or "fi").lower()
        if re.fullmatch(r"\d{1,3}", language):  # a population-register number code (unknown/other): no own
            language = "und"                     # language of instruction, so a Finnish unit may teach
        if not re.fullmatch(r"[a-z]{2,3}", language):
            bad("lapsen_kieli", row["lapsen_kieli"][:20], "a language code such as fi, sv or en")
        options = {o.strip().upper() for o in row["ominaisuudet"].split(",") if o.strip()}
        if options - CHILD_OPTIONS:
            bad("ominaisuudet", row["ominaisuudet"][:80], "SHIFT_CARE and/or TWO_YEAR_PRESCHOOL, separated by ', '")
        current = row["toimintayksikon_id"] or None
        if current and id_problem(current):
            bad("toimintayksikon_id", current[:80], id_problem(current))
        group = row.get("sisarusryhma") or None
        if group and id_problem(group):
            bad("sisarusryhma", group[:80], id_problem(group))
        located = None
        if len(problems) == before:
            located = _locate(row, n, "evaka children", row["lapsen_osoite"], row["postinumero"],
                              row["toimipaikka"], addresses, problems)
        if len(problems) > before or located is None or born is None:
            continue
        seen[key] = n
        shown = child_id
        k = 2
        while any(c.child_id == shown for c in children):
            shown, k = f"{child_id}#{k}", k + 1
        children.append(Child(child_id=shown, lat=located[0], lon=located[1], birth_date=born,
                              start_date=preschool_start(born, "TWO_YEAR_PRESCHOOL" in options),
                              weekly_hours=PRESCHOOL_WEEKLY_HOURS, language=language,
                              shift_care="SHIFT_CARE" in options, sibling_group=group, current_unit=current,
                              row=n, identity_code=identity))
    return children, problems


def read_evaka_units(source: str | bytes | Path, *, addresses: Any = None,
                     include_private: bool = False) -> tuple[list[PlacementUnit], list[Problem]]:
    """Units of eVaka's preschool unit list: ``(good units, one problem per bad value)``.

    Places this round = ``Paikkojen_lkm``; shift care from ``SHIFT_CARE``; private units (``PRIVATE``)
    are left out of a municipal offer round unless ``include_private``."""
    text = _text_of(source, "evaka units")
    header, rows, problems = table_rows(text, "evaka units")
    header = [h.lstrip("\ufeff") for h in header]
    missing = _check_header(header, UNIT_COLUMNS, "evaka units")
    if missing or not header:
        return [], missing or problems or [Problem("evaka units", "", "eVaka's preschool unit list CSV")]
    units: list[PlacementUnit] = []
    seen: dict[str, int] = {}
    for n, cells in rows:
        row = {h: (cells[k].strip() if k < len(cells) else "") for k, h in enumerate(header)}
        before = len(problems)

        def bad(column: str, value: Any, expected: str) -> None:
            problems.append(Problem(f"evaka units row {n} {column}", value, expected))

        unit_id = row["id"].lower()
        if not is_uuid(unit_id):
            bad("Id", row["id"][:80], "eVaka's unit UUID (8-4-4-4-12 hexadecimal digits)")
        elif unit_id in seen:
            bad("Id", unit_id, f"each unit once (already on row {seen[unit_id]})")
        try:
            places = int(row["paikkojen_lkm"])
            if not 0 <= places <= 2000:
                raise ValueError
        except ValueError:
            places = 0
            bad("Paikkojen_lkm", row["paikkojen_lkm"][:20], "a whole number of places, 0 to 2000")
        options = {o.strip().upper() for o in row["ominaisuudet"].split(",") if o.strip()}
        if options - UNIT_OPTIONS:
            bad("ominaisuudet", row["ominaisuudet"][:80], "PRIVATE, WITH_SCHOOL and/or SHIFT_CARE, separated by ', '")
        languages = tuple(x.strip().lower() for x in re.split(r"[|;, ]+", row.get("kieli", "") or "fi") if x.strip())
        if not languages or any(lang not in ("fi", "sv", "en") for lang in languages):
            bad("kieli", row.get("kieli", "")[:20], "fi, sv or en (several separated by |)")
        name = row["nimi"]
        if "\n" in name or "\r" in name:
            bad("Nimi", name[:80], "a unit name on one line")
        located = None
        if len(problems) == before:
            located = _locate(row, n, "evaka units", row["lahiosoite"], row["postinumero"], row["postitoimipaikka"],
                              addresses, problems)
        if len(problems) > before or located is None:
            continue
        seen[unit_id] = n
        if "PRIVATE" in options and not include_private:
            continue
        units.append(PlacementUnit(unit_id=unit_id, name=name, languages=languages,
                                   shift_care="SHIFT_CARE" in options, available_seats=float(places),
                                   capacity_seats=float(places), lat=located[0], lon=located[1]))
    return units, problems


def read_evaka_placements(source: str | bytes) -> dict[str, str]:
    """The placement-tool import file read the way eVaka reads it (header, ``;``, BOM optional, spaces
    around cells ignored, rows with an empty cell skipped): ``{child: unit}``. ``InputError`` where eVaka
    would fail: a missing column, a child that is neither an identity code nor a UUID, a unit not a UUID."""
    import csv
    import io

    text = source.decode("utf-8-sig") if isinstance(source, bytes) else source.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text), delimiter=";")
    header = [h.strip() for h in next(reader, [])]
    if any(c not in header for c in IMPORT_COLUMNS):
        raise InputError.single("evaka import columns", ";".join(header), "lapsen_id;esiopetusyksikon_id")
    ci, ui = header.index(IMPORT_COLUMNS[0]), header.index(IMPORT_COLUMNS[1])
    out: dict[str, str] = {}
    for n, cells in enumerate(reader, start=2):
        child = cells[ci].strip() if ci < len(cells) else ""
        unit = cells[ui].strip() if ui < len(cells) else ""
        if not child or not unit:
            continue
        if not (is_uuid(child) or hetu_problem(child) is None):
            shown = mask_hetu(child) if looks_like_hetu(child) else child[:40]
            raise InputError.single(f"evaka import row {n} lapsen_id", shown, "an identity code or a UUID")
        if not is_uuid(unit):
            raise InputError.single(f"evaka import row {n} esiopetusyksikon_id", unit, "a unit UUID")
        out[child] = unit
    return out
