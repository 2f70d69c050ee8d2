"""The list of Finnish municipalities is data, looked up in Finnish or Swedish."""
from planner.municipalities import canonical_name, find_municipality, load_municipalities, municipality_names, suggest


def test_the_list_has_every_municipality_once():
    items = load_municipalities()
    assert len(items) == 309
    assert len({m.code for m in items}) == len(items)


def test_names_in_finnish_or_swedish_any_case_give_the_finnish_name():
    assert canonical_name("Espoo") == "Espoo"
    assert canonical_name("esbo") == "Espoo"
    assert canonical_name(" Helsingfors ") == "Helsinki"
    assert canonical_name("Åbo") == "Turku"
    assert canonical_name("091") == "Helsinki"
    assert find_municipality("Maarianhamina").name_sv == "Mariehamn"


def test_a_name_that_is_no_finnish_municipality_is_none_with_suggestions():
    assert canonical_name("Atlantis") is None
    assert canonical_name("") is None
    assert "Helsinki" in suggest("Helsingi")


def test_the_six_big_cities_are_there():
    names = set(municipality_names("fi"))
    assert {"Helsinki", "Espoo", "Vantaa", "Tampere", "Oulu", "Turku"} <= names
    assert "Vanda" in municipality_names("sv")
