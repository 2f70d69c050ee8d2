"""eVaka's files: the future-preschoolers report and unit list in (as eVaka's UI writes them: ``;``,
UTF-8 BOM, quotes only where needed, dd.MM.yyyy), one problem per bad row, and the placement-tool import
file out, read back the way eVaka reads it (PlacementToolService: header, ``;``, BOM optional)."""
from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from planner.errors import InputError, Problem
from planner.placement.evaka import read_evaka_children, read_evaka_placements, read_evaka_units
from planner.placement.report import evaka_export
from planner.placement.round import RoundSettings, plan_round

KID_A = "8d3f6a0e-1b2c-4d5e-9f00-000000000001"
KID_B = "8d3f6a0e-1b2c-4d5e-9f00-000000000002"
UNIT_1 = "5a6b7c8d-0000-4000-8000-000000000001"
UNIT_2 = "5a6b7c8d-0000-4000-8000-000000000002"
UNIT_3 = "5a6b7c8d-0000-4000-8000-000000000003"
CHILD_HEADER = ("lapsen_id;lapsen_sukunimi;lapsen_etunimi;lapsen_syntyma_pvm;lapsen_kieli;lapsen_osoite;"
                "postinumero;toimipaikka;toimintayksikon_id;toimintayksikon_nimi;ominaisuudet")
UNIT_HEADER = "Id;Nimi;Lahiosoite;Postinumero;Postitoimipaikka;Paikkojen_lkm;ominaisuudet"


class Addresses:
    """A stand-in for the dataset's address index: three streets."""

    places = {"Testikatu 1": (60.170, 24.940), "Koekatu 5": (60.175, 24.950), "Provgatan 3": (60.180, 24.930)}

    def resolve(self, text, field="address"):
        if text in self.places:
            return self.places[text]
        raise InputError.single(field, text, "a known address")


def children_file():
    return ("\ufeff" + CHILD_HEADER + "\n"
            f"{KID_A};Meikäläinen;Matti;13.05.2020;fi;Testikatu 1 A 3;00100;HELSINKI;{UNIT_3};Päiväkoti Vanha;\n"
            f"{KID_B};Svensson;Siri;02.02.2020;sv;Provgatan 3;00100;HELSINKI;{UNIT_3};Päiväkoti Vanha;SHIFT_CARE\n"
            "150320A345C;Virtanen;Ville;15.03.2020;fi;Koekatu 5;00100;HELSINKI;;;\n"
            "150320A345X;Virtanen;Veera;15.03.2020;fi;Koekatu 5;00100;HELSINKI;;;\n"          # bad check character
            f"{KID_A};Meikäläinen;Matti;13.05.2020;fi;Testikatu 1;00100;HELSINKI;;;\n"          # the same child again
            "not-a-uuid;X;Y;01.01.2020;fi;Testikatu 1;00100;HELSINKI;;;\n"
            f"{KID_B[:-1]}9;X;Y;31.02.2020;fi;Testikatu 1;00100;HELSINKI;;;\n"                  # no such date
            f"{KID_B[:-1]}8;Salainen;Sanna;01.01.2020;fi;Salakuja 9;00100;HELSINKI;;;\n")       # unknown address


def units_file():
    return ("\ufeff" + UNIT_HEADER + ";kieli\n"
            f'{UNIT_1};"Päiväkoti Testi; esiopetus";Testikatu 1;00100;HELSINKI;14;WITH_SCHOOL;fi\n'
            f"{UNIT_2};Daghemmet Prov;Provgatan 3;00100;HELSINGFORS;7;SHIFT_CARE;sv\n"
            f"{UNIT_3};Yksityinen;Koekatu 5;00100;HELSINKI;21;PRIVATE;fi\n"
            "u4;Huono;Koekatu 5;00100;HELSINKI;many;;fi\n")


def test_children_report_bad_rows_one_problem_each_good_rows_kept():
    children, problems = read_evaka_children(children_file(), addresses=Addresses(), on=date(2026, 1, 1))
    assert [c.child_id for c in children] == [KID_A, KID_B, "150320A****"]
    assert children[2].identity_code == "150320A345C"
    assert children[0].start_date == date(2026, 8, 1) and children[1].shift_care
    assert children[0].current_unit == UNIT_3 and children[0].sibling_group is None
    assert [p.field for p in problems] == [f"evaka children row {n} {col}" for n, col in (
        (5, "lapsen_id"), (6, "lapsen_id"), (7, "lapsen_id"), (8, "lapsen_syntyma_pvm"), (9, "address"))]
    text = " ".join(str(p.to_dict()) for p in problems)
    assert "Salakuja" not in text and "Veera" not in text and "345X" not in text  # no names, streets or codes


def test_unit_list_places_languages_and_private_units():
    units, problems = read_evaka_units(units_file(), addresses=Addresses())
    assert [u.unit_id for u in units] == [UNIT_1, UNIT_2]  # the private unit is left out of a municipal round
    assert units[0].name == "Päiväkoti Testi; esiopetus" and units[0].available_seats == 14.0
    assert units[1].languages == ("sv",) and units[1].shift_care
    assert {p.field for p in problems} == {"evaka units row 5 Id", "evaka units row 5 Paikkojen_lkm"}


@pytest.mark.parametrize("sep", ["\t", "|"])
def test_wrong_separators_are_one_problem(sep):
    text = children_file().replace(";", sep)
    children, problems = read_evaka_children(text, addresses=Addresses())
    assert children == [] and len(problems) == 1
    assert "missing" in problems[0].expected and "separated by ';'" in problems[0].expected
    units, problems = read_evaka_units(units_file().replace(";", sep), addresses=Addresses())
    assert units == [] and len(problems) == 1


def test_project_children_csv_with_a_wrong_separator_is_one_problem():
    from planner.placement.children import read_children

    text = "child_id\tlat\tlon\tbirth_date\tstart_date\tweekly_hours\tlanguage\tshift_care\tsibling_group\n" \
           "k1\t60.1\t24.9\t2022-01-01\t2026-08-01\t40\tfi\tno\t\n"
    children, problems = read_children(text)
    assert children == [] and len(problems) == 1 and "separated by , or ;" in problems[0].expected


def test_round_trip_import_assign_export_read_back_as_evaka_does():
    children, _ = read_evaka_children(children_file(), addresses=Addresses(), on=date(2026, 1, 1))
    units, _ = read_evaka_units(units_file(), addresses=Addresses())
    travel = np.array([[120.0, 900.0], [900.0, 120.0], [300.0, 800.0]])
    report = plan_round(children, units, travel, [UNIT_1, UNIT_2, UNIT_1], RoundSettings(kind="preschool"))
    assert {o["child_id"] for o in report["offers"]} == {KID_A, KID_B, "150320A****"}
    assert "150320A345C" not in str(report)  # JSON keeps the masked code only
    text, skipped = evaka_export(report, children)
    assert skipped == [] and text.splitlines()[0] == "lapsen_id;esiopetusyksikon_id"
    back = read_evaka_placements(text.encode("utf-8"))
    assert back == {KID_A: UNIT_1, KID_B: UNIT_2, "150320A345C": UNIT_1}
    assert read_evaka_placements("\ufeff" + text) == back  # with a BOM too
    with pytest.raises(InputError):
        read_evaka_placements("lapsen_id;esiopetusyksikon_id\nabc;" + UNIT_1 + "\n")


def test_unknown_unit_ids_in_the_export_are_named_not_written():
    children, _ = read_evaka_children(children_file(), addresses=Addresses(), on=date(2026, 1, 1))
    report = {"kind": "preschool", "offers": [{"child_id": KID_A, "unit_id": "demo-1"}]}
    text, skipped = evaka_export(report, children)
    assert text == "lapsen_id;esiopetusyksikon_id\n"
    assert skipped == [Problem("evaka esiopetusyksikon_id", "demo-1",
                               "an eVaka unit UUID: import the units from eVaka's unit list (left out)")]
