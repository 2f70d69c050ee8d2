"""Numbers in the money texts: decimal comma and no-break spaces in Finnish and Swedish, English as before.

Expected strings are written by hand; ``·`` stands for the no-break space U+00A0 (see ``nb``), every
other space is an ordinary one.
"""
from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.money import calculate_allowances, calculate_fees
from planner.money.compare import compare_scenarios
from planner.money.timeline import fee_timeline
from planner.numbers import format_eur, format_number, format_percent, with_unit

from tests.unit.money.helpers import adult, child, family

LOCALES = Path(__file__).resolve().parents[3] / "planner" / "locales"


def nb(text: str) -> str:
    """``·`` -> no-break space U+00A0."""
    return text.replace("·", "\u00a0")


# --- the helper -------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, lang, decimals, expected", [
    (0, "fi", None, "0"),
    (999, "fi", None, "999"),
    (1000, "fi", None, "1·000"),
    (1145.75, "fi", None, "1·145,75"),
    (1145.75, "sv", None, "1·145,75"),
    (1145.75, "en", None, "1145.75"),
    (1234567, "sv", None, "1·234·567"),
    (22.5, "fi", None, "22,5"),
    (40.0, "fi", None, "40"),
    (Decimal("10.70"), "fi", None, "10,7"),
    (Decimal("30.0"), "en", None, "30"),
    (2, "fi", 2, "2,00"),
    (Decimal("0.125"), "fi", 2, "0,13"),          # half up
    (Decimal("-0.125"), "fi", 2, "\u22120,13"),   # half away from zero; minus sign U+2212
    (-1234.5, "sv", None, "\u22121·234,5"),
    (-1234.5, "en", None, "-1234.5"),
])
def test_format_number(value, lang, decimals, expected):
    assert format_number(value, lang, decimals) == nb(expected)


@pytest.mark.parametrize("cents, lang, expected", [
    (16500, "fi", "165·€"),
    (114575, "fi", "1·145,75·€"),
    (114575, "sv", "1·145,75·€"),
    (114575, "en", "1145.75 €"),
    (37768, "en", "377.68 €"),
    (2000000, "fi", "20·000·€"),
    (5, "sv", "0,05·€"),
    (0, "fi", "0·€"),
])
def test_format_eur_shows_cents_only_when_there_are_some(cents, lang, expected):
    assert format_eur(cents, lang) == nb(expected)


def test_format_eur_can_always_show_the_cents():
    assert format_eur(60000, "fi", decimals=2) == nb("600,00·€")
    assert format_eur(60000, "en", decimals=2) == "600.00 €"


def test_format_percent_and_units():
    assert format_percent(Decimal("10.7"), "fi") == nb("10,7·%")
    assert format_percent(Decimal("7.9"), "sv") == nb("7,9·%")
    assert format_percent(Decimal("10.7"), "en") == "10.7 %"
    assert format_percent(Decimal("0.4") * 100, "fi") == nb("40·%")
    assert with_unit("?", "€", "sv") == nb("?·€")


def test_bad_inputs_are_bugs():
    with pytest.raises(KeyError, match="de"):
        format_number(1, "de")
    with pytest.raises(TypeError):
        format_eur(1.5, "fi")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        format_number(True, "fi")


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.integers(min_value=-10**11, max_value=10**11), st.sampled_from(["fi", "sv", "en"]))
def test_euro_texts_read_back_to_the_same_cents(cents, lang):
    text = format_eur(cents, lang)
    number = text.removesuffix("€").rstrip(" \u00a0").replace("\u00a0", "").replace(",", ".").replace("\u2212", "-")
    assert Decimal(number) * 100 == cents
    assert text.count(" ") == (1 if lang == "en" else 0)   # fi/sv: only no-break spaces


# --- the texts --------------------------------------------------------------------------------------

def test_fi_and_sv_money_texts_put_no_ordinary_space_before_a_unit():
    for lang in ("fi", "sv"):
        texts = json.loads((LOCALES / lang / "money.json").read_text(encoding="utf-8"))
        for key, value in texts.items():
            assert not re.search(r"[\d}?] (€|%|h\b)", value), f"{lang}:{key}: use U+00A0 before the unit"


def test_placeholders_that_carry_the_unit_have_no_unit_after_them():
    # {amount}, {fee}, {percent} ... are filled with the unit included ("165 €", "40 %")
    for lang in ("fi", "sv", "en"):
        texts = json.loads((LOCALES / lang / "money.json").read_text(encoding="utf-8"))
        for key, value in texts.items():
            assert not re.search(r"\}[ \u00a0]?[€%]", value), f"{lang}:{key}"


def two_children(income: float):
    """Kuopio 2025-03-01: 2 adults + 2 children full time, family size 4, threshold 5956 €."""
    return family("2025-03-01", [adult(income, "p1"), adult(0, "p2")],
                  [child("young", "2022-01-01"), child("old", "2020-01-01")])


def test_fee_and_sibling_explanations():
    # 10.7 % x (7500.50 - 5956) = 10.7 % x 1544.50 = 165.26 -> 165; the sibling 40 % x 165 = 66
    explanations = {lang: [c["explanation"] for c in calculate_fees(two_children(7500.50), lang=lang)["children"]]
                    for lang in ("fi", "sv", "en")}
    assert explanations["fi"] == [
        nb("sisarusjärjestys 1 (nuorin ensin); 10,7·% tulorajan 5·956·€ (4 henkeä) ylittävästä osasta 1·544,50·€"),
        nb("sisarusjärjestys 2 (nuorin ensin); 40·% nuorimman lapsen kokoaikaisesta maksusta 165·€ = 66·€"),
    ]
    assert explanations["sv"] == [
        nb("syskonordning 1 (yngsta först); 10,7·% av 1·544,50·€ över inkomstgränsen 5·956·€ för 4 personer"),
        nb("syskonordning 2 (yngsta först); 40·% av det yngsta barnets heltidsavgift 165·€ = 66·€"),
    ]
    assert explanations["en"] == [
        "sibling rank 1 (youngest first); 10.7 % of 1544.50 € above the 5956 € threshold for 4 persons",
        "sibling rank 2 (youngest first); 40 % of the youngest child's full-time fee 165 € = 66 €",
    ]


def test_capped_fee_explanation():
    # 10.7 % x (12345.67 - 5956) = 10.7 % x 6389.67 = 683.69 -> capped at 311
    explanation = {lang: calculate_fees(two_children(12345.67), lang=lang)["children"][0]["explanation"]
                   for lang in ("fi", "sv", "en")}
    assert explanation["fi"] == nb("sisarusjärjestys 1 (nuorin ensin); 10,7·% tulorajan 5·956·€ (4 henkeä) "
                                   "ylittävästä osasta 6·389,67·€; enintään korkein maksu 311·€")
    assert explanation["sv"] == nb("syskonordning 1 (yngsta först); 10,7·% av 6·389,67·€ över inkomstgränsen 5·956·€ "
                                   "för 4 personer; högst den högsta avgiften 311·€")
    assert explanation["en"] == ("sibling rank 1 (youngest first); 10.7 % of 6389.67 € above the 5956 € threshold "
                                 "for 4 persons; capped at the maximum fee 311 €")


def test_part_time_explanation():
    # Espoo 2025-01-01, size 3, threshold 5245: 10.7 % x 2000 = 214; 22.5 h/week -> 80 % = 171.2 -> 171
    fam = family("2025-01-01", [adult(7245), adult(0)], [child("a", "2022-01-01", weekly_hours=22.5)], "Espoo")
    explanation = {lang: calculate_fees(fam, lang=lang)["children"][0]["explanation"] for lang in ("fi", "sv", "en")}
    assert explanation["fi"] == nb("sisarusjärjestys 1 (nuorin ensin); 10,7·% tulorajan 5·245·€ (3 henkeä) "
                                   "ylittävästä osasta 2·000·€; 22,5·h/viikko: 80·% maksusta = 171·€")
    assert explanation["sv"] == nb("syskonordning 1 (yngsta först); 10,7·% av 2·000·€ över inkomstgränsen 5·245·€ "
                                   "för 3 personer; 22,5·h/vecka: 80·% av avgiften = 171·€")
    assert explanation["en"] == ("sibling rank 1 (youngest first); 10.7 % of 2000 € above the 5245 € threshold "
                                 "for 3 persons; 22.5 h/week: 80 % of the fee = 171 €")


def test_under_the_minimum_fee_explanation():
    # Kuopio 2025-01-01, size 3: 10.7 % x (5520 - 5245) = 29.425 -> 29, under the 30 minimum -> 0
    fam = family("2025-01-01", [adult(5520), adult(0)], [child("a", "2022-01-01")])
    assert calculate_fees(fam, lang="fi")["children"][0]["explanation"].endswith(
        nb("; 29·€ on alle pienimmän perittävän maksun 30·€, joten maksua ei peritä"))
    assert calculate_fees(fam, lang="sv")["children"][0]["explanation"].endswith(
        nb("; 29·€ understiger minimiavgiften 30·€, så ingen avgift tas ut"))


def helsinki_baby():
    return family("2025-10-01", [adult(3600, "mother"), adult(0, "father")],
                  [child("baby", "2025-03-15", "home"), child("middle", "2021-06-10", "home"),
                   child("eldest", "2017-05-20", "none")], "Helsinki", part_time_hours=22.5, private_fee_eur=1234.5)


def test_home_care_allowance_reasons():
    # 377.68 + 72.66 + (202.12 - 7.9 % x (3600 - 1700) = 52.02) + Helsinki 264
    reasons = {lang: calculate_allowances(helsinki_baby(), lang=lang)["home_care_allowance"]["reasons"]
               for lang in ("fi", "sv", "en")}
    assert reasons["fi"] == [nb(t) for t in [
        "hoitoraha 377,68·€ lapsesta baby, joka on alle 3-vuotias ja hoidetaan kotona (2028-03-15 asti)",
        "sisarkorotus 72,66·€ lapsesta middle, joka on 3 vuotta täyttänyt alle kouluikäinen eikä kunnallisessa "
        "varhaiskasvatuksessa",
        "hoitolisä 52,02·€: 4 hengen perhe, tulot 3·600·€ tulorajaa 1·700·€ vasten, vähennys 7,9·% ylittävästä osasta",
        "Kuntalisä (Helsinki) 264·€ nuorimmasta alle 12 kuukauden ikäisestä lapsesta (2026-03-15 asti) "
        "(ei tiedetä, saavatko sisarukset olla varhaiskasvatuksessa: oletettu sallituksi)",
    ]]
    assert reasons["sv"] == [nb(t) for t in [
        "vårdpenning 377,68·€ för barnet baby, som är under 3 år och vårdas hemma (till 2028-03-15)",
        "syskonförhöjning 72,66·€ för barnet middle mellan 3 år och skolåldern som inte är i kommunal "
        "småbarnspedagogik",
        "vårdtillägg 52,02·€: familj med 4 personer, inkomst 3·600·€ mot gränsen 1·700·€, minskat med 7,9·% av "
        "överskottet",
        "Kommuntillägg 264·€ i Helsingfors för det yngsta barnet under 12 månader (till 2026-03-15) "
        "(om syskon får delta i småbarnspedagogik är inte känt: antaget tillåtet)",
    ]]
    assert reasons["en"] == [
        "care allowance 377.68 € for child baby, who is under 3 and cared for at home (until 2028-03-15)",
        "sibling supplement 72.66 € for child middle aged 3 to school age not in municipal ECEC",
        "care supplement 52.02 €: family of 4 persons, income 3600 € against the 1700 € limit, reduced by 7.9 % of "
        "the excess",
        "Helsinki's municipal supplement 264 € for the youngest child under 12 months (until 2026-03-15) "
        "(whether siblings may attend ECEC is not known: assumed allowed)",
    ]


def test_flexible_care_allowance_reasons():
    fam = family("2025-06-01", [adult(4000, "p1", weekly_work_hours=22.5), adult(3000, "p2", weekly_work_hours=37.5)],
                 [child("a", "2024-01-01", weekly_hours=25)], "Turku")
    reasons = {lang: calculate_allowances(fam, lang=lang)["flexible_care_allowance"]["reasons"]
               for lang in ("fi", "sv", "en")}
    assert reasons["fi"] == [nb("aikuinen p1 tekee töitä 22,5·h/viikko: 269,24·€"),
                             nb("aikuinen p2 tekee töitä 37,5·h/viikko, yli 30·h")]
    assert reasons["sv"] == [nb("vuxen p1 arbetar 22,5·h/vecka: 269,24·€"),
                             nb("vuxen p2 arbetar 37,5·h/vecka, mer än 30·h")]
    assert reasons["en"] == ["adult p1 works 22.5 h/week: 269.24 €", "adult p2 works 37.5 h/week, more than 30 h"]


def test_compare_descriptions():
    scenarios = {lang: {s["name"]: s for s in compare_scenarios(helsinki_baby(), lang=lang)["scenarios"]}
                 for lang in ("fi", "sv", "en")}
    assert scenarios["fi"]["private"]["description"] == nb(
        "alle kouluikäiset lapset yksityisessä päivähoidossa hintaan 1·234,50·€ lapselta kuukaudessa; yksityisen "
        "hoidon tuki maksetaan palveluntuottajalle")
    assert scenarios["sv"]["part_time"]["description"] == nb(
        "father arbetar 22,5·h/vecka (inkomsten proportionerad från 37,5·h); det yngsta barnet i småbarnspedagogik "
        "22,5·h/vecka med flexibel vårdpenning")
    assert scenarios["en"]["private"]["description"] == (
        "children under school age in private day care at 1234.50 € per child per month, with the private day care "
        "allowance paid to the provider")


def test_timeline_changes():
    # 2026-04: the Helsinki supplement 264 ended on the baby's 1st birthday (2026-03-15): 766.36 -> 502.36
    fam = helsinki_baby()
    start = date(2026, 3, 1)
    changes = {lang: fee_timeline(fam, start=start, months=2, lang=lang)["rows"][1]["changes"]
               for lang in ("fi", "sv", "en")}
    assert changes["fi"] == [nb("kuntalisä (264·€) päättyy"), nb("tuet 766,36·€ → 502,36·€")]
    assert changes["sv"] == [nb("kommuntillägget (264·€) upphör"), nb("stöd 766,36·€ → 502,36·€")]
    assert changes["en"] == ["the municipal supplement (264 €) ends", "allowances 766.36 € → 502.36 €"]


def test_json_numbers_do_not_change_with_the_language():
    fam = helsinki_baby()
    for compute in (calculate_fees, calculate_allowances):
        results = [compute(fam, lang=lang) for lang in ("fi", "sv", "en")]
        numbers = [{k: v for k, v in r.items() if isinstance(v, (int, float))} for r in results]
        assert numbers[0] == numbers[1] == numbers[2]
