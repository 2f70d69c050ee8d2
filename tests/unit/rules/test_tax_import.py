"""`python -m planner rules import-tax-rates`: the yearly official table of municipal income tax rates.

The tables here are hand-made in the layout Vero publishes ("Kuntien ja seurakuntien tuloveroprosentit":
a title line, then number; name; income tax percent; parish rates), saved as Windows-1252 with
semicolons and decimal commas. The percentages are FICTIONAL test values (chosen to differ from the
7.50 % estimate), not facts about the municipalities. Nothing personal is involved.
"""
from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal as D

import pytest

from planner.cli import main
from planner.errors import InputError
from planner.money.tax import monthly_net
from planner.rules.tax import tax_book
from planner.rules.tax_import import import_tax_rates

VERO_STYLE = (
    "Kuntien ja seurakuntien tuloveroprosentit 2024\r\n"
    "\r\n"
    "Kuntanumero;Kunta;Tuloveroprosentti;Ev.lut. seurakunta;Ort. seurakunta\r\n"
    "297;Kuopio;9,25;1,30;2,00\r\n"
    "020;Akaa;8,85;1,60;2,00\r\n"
    "182;Jämsä;9,00;1,70;2,00\r\n"
    "609;Pori;8,40;1,45;2,00\r\n"
    "091;Helsinki;5,50;1,00;1,80\r\n"
)
PERSON = [{"id": "p", "wages_cents": 300000}]   # 3 000 €/month of wages


@pytest.fixture()
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv("PLANNER_DATA_DIR", str(folder))
    return folder


def write(tmp_path, text: str, encoding: str = "cp1252", name: str = "vero.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_vero_style_windows_1252_imports_and_the_tax_uses_it(tmp_path, data_dir):
    before = monthly_net(date(2024, 6, 1), "Kuopio", PERSON)
    assert before["municipal_rate_estimate"] is True and before["municipal_tax_percent"] == 7.5
    assert any("ESTIMATE" in note for note in before["notes"])

    summary = import_tax_rates(write(tmp_path, VERO_STYLE), 2024, "Vero: tuloveroprosentit 2024 (test copy)")
    assert summary["rows_imported"] == 5 and summary["year"] == 2024
    overlay = data_dir / "rules" / "municipal_tax_rates.csv"
    assert summary["overlay_path"] == str(overlay)
    with overlay.open(encoding="utf-8") as handle:
        rows = {r["municipality"]: r for r in csv.DictReader(handle)}
    assert rows["Jämsä"] == {"municipality": "Jämsä", "valid_from": "2024-01-01", "valid_to": "2024-12-31",
                             "percent": "9.00", "source": "Vero: tuloveroprosentit 2024 (test copy)",
                             "status": "verified"}

    after = monthly_net(date(2024, 6, 1), "Kuopio", PERSON)
    assert after["municipal_tax_percent"] == 9.25 and after["municipal_rate_estimate"] is False
    assert not any("ESTIMATE" in note for note in after["notes"])
    # 1.75 points more municipal tax on the same income: more tax, less net (credits come off the state tax first)
    assert after["taxes_eur"] > before["taxes_eur"] and after["net_eur"] < before["net_eur"]
    assert after["rules_used"][1]["source"] == "Vero: tuloveroprosentit 2024 (test copy)"
    # the ä survived Windows-1252
    assert tax_book().rate_on("Jämsä", date(2024, 3, 1)).percent == D("9.00")


def test_imported_rows_win_over_provisional_and_verified_shipped_rows(tmp_path, data_dir):
    shipped = tax_book().rate_on("Pori", date(2024, 6, 1))
    assert shipped.rule.status == "provisional" and shipped.percent == D("8.40")
    summary = import_tax_rates(write(tmp_path, VERO_STYLE), 2024, "Vero 2024")
    assert summary["provisional_shipped_rows_replaced"] == 1
    assert tax_book().rate_on("Pori", date(2024, 6, 1)).rule.status == "verified"
    # shipped Helsinki 2024 is verified 5.30; the (fictional) table says 5.50: reported, imported value kept
    [disagreement] = summary["disagreements"]
    assert disagreement["municipality"] == "Helsinki" and disagreement["kept"] == "imported"
    assert disagreement["shipped_percent"] == D("5.30") and disagreement["imported_percent"] == D("5.50")
    assert tax_book().rate_on("Helsinki", date(2024, 6, 1)).percent == D("5.50")
    # the Helsinki rows of other years are untouched
    assert tax_book().rate_on("Helsinki", date(2025, 6, 1)).percent == D("5.30")


def test_overlay_is_ignored_for_a_year_it_does_not_cover(tmp_path, data_dir):
    import_tax_rates(write(tmp_path, VERO_STYLE), 2024, "Vero 2024")
    result = monthly_net(date(2025, 6, 1), "Kuopio", PERSON)
    assert result["municipal_rate_estimate"] is True and result["municipal_tax_percent"] == 7.5


def test_a_second_year_keeps_the_first(tmp_path, data_dir):
    import_tax_rates(write(tmp_path, VERO_STYLE), 2024, "Vero 2024")
    utf8 = "\ufeffKunnan nimi,Kunnallisveroprosentti 2025\nKuopio,9.40\nEsbo,5.3 %\n"   # BOM, commas, Swedish name
    summary = import_tax_rates(write(tmp_path, utf8, "utf-8", "2025.csv"), 2025, "Vero 2025")
    assert summary["rows_imported"] == 2 and summary["disagreements"] == []
    assert tax_book().rate_on("Kuopio", date(2024, 6, 1)).percent == D("9.25")
    assert tax_book().rate_on("Kuopio", date(2025, 6, 1)).percent == D("9.40")
    assert tax_book().rate_on("Espoo", date(2025, 6, 1)).percent == D("5.30")
    # re-importing 2025 replaces that year's rows only
    import_tax_rates(write(tmp_path, "Kunta;Tuloveroprosentti\nKuopio;9,50\n", name="again.csv"), 2025, "Vero 2025 b")
    assert tax_book().rate_on("Kuopio", date(2025, 6, 1)).percent == D("9.50")
    assert tax_book().rate_on("Espoo", date(2025, 6, 1)).municipality == "Espoo"   # back to the shipped row
    assert tax_book().rate_on("Espoo", date(2025, 6, 1)).rule.source != "Vero 2025"


def test_without_rate_lists_the_municipalities_left_on_the_estimate(tmp_path, data_dir):
    summary = import_tax_rates(write(tmp_path, VERO_STYLE), 2024, "Vero 2024")
    missing = summary["without_rate"]["municipalities"]
    assert "Kuopio" not in missing and "Helsinki" not in missing and "Vantaa" not in missing  # Vantaa: shipped 2024
    assert "Lahti" in missing
    assert summary["without_rate"]["count"] == 309 - 5 - 7    # 7 more shipped 2024 rows (Espoo … Vaasa), Pori and Helsinki imported


def test_summary_rows_are_skipped_and_listed_not_refused(tmp_path, data_dir):
    # the country's average at the end (and a mainland line), as the yearly table sums itself up
    text = VERO_STYLE + "000;KOKO MAA keskimäärin;7,52;1,35;2,00\r\n;Manner-Suomi;7,55;;\r\n"
    summary = import_tax_rates(write(tmp_path, text), 2024, "Vero 2024")
    assert summary["rows_imported"] == 5
    assert summary["rows_skipped"] == [
        {"line": 9, "name": "KOKO MAA keskimäärin", "why": "a summary row (not a municipality)"},
        {"line": 10, "name": "Manner-Suomi", "why": "a summary row (not a municipality)"}]
    with (data_dir / "rules" / "municipal_tax_rates.csv").open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == 5
    # a file of summary rows only has nothing to import
    only = "Kunta;Tuloveroprosentti\r\nKoko maa;7,52\r\n"
    with pytest.raises(InputError, match="at least one municipality row"):
        import_tax_rates(write(tmp_path, only, name="only.csv"), 2024, "Vero 2024")


def test_every_bad_row_is_named_and_nothing_is_written(tmp_path, data_dir, capsys):
    bad = ("Kuntanumero;Kunta;Tuloveroprosentti\r\n"
           "297;Kuopio;9,25\r\n"
           "020;Akka;8,85\r\n"          # line 3: misspelt
           "182;Jämsä;19,00\r\n"        # line 4: over 15
           "091;Espoo;5,30\r\n"         # line 5: number of Helsinki
           "297;Kuopio;9,25\r\n"        # line 6: twice
           "609;Pori;n/a\r\n")          # line 7: not a number
    path = write(tmp_path, bad)
    code = main(["rules", "import-tax-rates", str(path), "--year", "2024", "--source", "Vero 2024"])
    assert code == 2
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 5
    assert "line 3" in lines[0] and "'Akka'" in lines[0] and "Akaa" in lines[0]
    assert "line 4" in lines[1] and "'19,00'" in lines[1] and "between 0 and 15" in lines[1]
    assert "line 5" in lines[2] and "'091'" in lines[2] and "049 for Espoo" in lines[2]
    assert "line 6" in lines[3] and "already on line 2" in lines[3]
    assert "line 7" in lines[4] and "'n/a'" in lines[4]
    assert not (data_dir / "rules" / "municipal_tax_rates.csv").exists()


def test_no_header_and_not_a_file_are_one_line_each(tmp_path, data_dir, capsys):
    path = write(tmp_path, "a;b\n1;2\n")
    assert main(["rules", "import-tax-rates", str(path), "--year", "2024", "--source", "x"]) == 2
    assert main(["rules", "import-tax-rates", str(tmp_path), "--year", "2024", "--source", "x"]) == 2
    assert main(["rules", "import-tax-rates", str(path), "--year", "2024", "--source", "  "]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 3
    assert "Tuloveroprosentti" in err and "--source" in err


def test_cli_prints_the_summary_json(tmp_path, data_dir, capsys):
    path = write(tmp_path, VERO_STYLE)
    assert main(["rules", "import-tax-rates", str(path), "--year", "2024", "--source", "Vero 2024"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["rows_imported"] == 5 and out["municipalities"] == 5 and out["year"] == 2024
    assert out["overlay_path"].endswith("rules/municipal_tax_rates.csv")
    assert out["disagreements"][0]["municipality"] == "Helsinki"
    assert out["without_rate"]["count"] == len(out["without_rate"]["municipalities"])


def test_a_damaged_overlay_fails_loudly_naming_it(tmp_path, data_dir):
    from planner.errors import RuleTableError

    overlay = data_dir / "rules" / "municipal_tax_rates.csv"
    overlay.parent.mkdir(parents=True)
    overlay.write_text("municipality,valid_from,valid_to,percent,source,status\nKuopio,2024-01-01,2024-12-31,abc,x,verified\n",
                       encoding="utf-8")
    with pytest.raises(RuleTableError, match="imported tax rates"):
        tax_book()


def test_input_error_type(tmp_path, data_dir):
    with pytest.raises(InputError):
        import_tax_rates(write(tmp_path, "Kunta;Tuloveroprosentti\nKuopio;-1\n"), 2024, "x")


def test_tax_command_for_a_family_uses_the_imported_rate(tmp_path, data_dir, capsys):
    from pathlib import Path

    family = json.loads((Path(__file__).parents[3] / "docs" / "examples" / "family-espoo.json").read_text("utf-8"))
    family.update(municipality="Kuopio", date="2024-06-01")
    family_path = tmp_path / "family.json"
    family_path.write_text(json.dumps(family), encoding="utf-8")
    assert main(["tax", str(family_path)]) == 0
    before = json.loads(capsys.readouterr().out)
    assert before["municipal_rate_estimate"] is True
    assert main(["rules", "import-tax-rates", str(write(tmp_path, VERO_STYLE)), "--year", "2024",
                 "--source", "Vero 2024"]) == 0
    capsys.readouterr()
    assert main(["tax", str(family_path)]) == 0
    after = json.loads(capsys.readouterr().out)
    assert after["municipal_tax_percent"] == 9.25 and after["municipal_rate_estimate"] is False
    assert "ESTIMATE" not in json.dumps(after["notes"])
