"""Rule sources told in the reader's language (planner.sources): the English research note stays the
evidence; Finnish and Swedish readers get the kind of rule and the references, numbers as written."""
from __future__ import annotations

from planner.sources import describe_rule, describe_source, references

NOTE = "law 1052/2020 (in force 1.8.2021; not HE 228/2022); yle.fi 9/2020 OKM table; eVaka Tampere dev data"


def test_references_keep_law_numbers_bills_and_sites_as_written_and_skip_months():
    assert references(NOTE) == ["1052/2020", "HE 228/2022", "yle.fi", "OKM", "eVaka"]   # 9/2020 is a month
    assert references("Varhaiskasvatuslaki 540/2018 17 § (before: päivähoitolaki 36/1973 11 a §)") == \
        ["Varhaiskasvatuslaki 540/2018 17 §", "päivähoitolaki 36/1973 11 a §"]
    assert references("see https://www.finlex.fi/fi/laki/ajantasa/2016/20161503 and kela.fi; kela.fi news") == \
        ["https://www.finlex.fi/fi/laki/ajantasa/2016/20161503", "kela.fi"]


def test_finnish_and_swedish_readers_get_no_english_note():
    fi = describe_source("fee_periods.csv", NOTE, "fi")
    assert fi.startswith("Varhaiskasvatusmaksujen tulorajat ja enimmäismaksut")
    assert "Lähteet: 1052/2020, HE 228/2022, yle.fi, OKM, eVaka." in fi
    assert "in force" not in fi and "table" not in fi and "dev data" not in fi
    sv = describe_source("kela_allowances.csv", "kela.fi rates 2023; NOT FOUND, carried: private 173.95", "sv")
    assert sv == ("FPA:s stöd för barnvård (hemvårdsstöd, flexibel och partiell vårdpenning, stöd för privat vård). "
                  "Källor: kela.fi. En del värden är uppskattade eller härledda där källor saknas.")


def test_english_readers_get_the_note_itself_and_no_source_is_a_dash():
    assert describe_source("fee_periods.csv", NOTE, "en") == NOTE
    assert describe_rule({"table": "x.csv", "source": ""}, "fi") == "–"
    assert describe_rule({"table": "unknown.csv", "source": "somewhere"}, "fi") == "Tämän palvelun sääntötaulukko."


def test_every_rule_table_has_a_kind_in_every_language():
    from pathlib import Path

    from planner.i18n import translate
    from planner.sources import KINDS

    root = Path(__file__).resolve().parents[2] / "planner"
    tables = {p.name for p in (root / "rules" / "tables").glob("*.csv")} - {"municipalities.csv"}
    tables |= {p.name for p in (root / "life" / "tables").glob("*.csv")}
    assert tables <= set(KINDS), tables - set(KINDS)
    for key in KINDS.values():
        assert {translate(key, lang) for lang in ("fi", "sv", "en")} != {key}
