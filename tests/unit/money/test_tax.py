"""Income tax and net income: payslip cases hand-worked from the published parameters.

The parameters below are restated here from their sources (not read from the engine's tables), so a
wrong table row makes these tests fail:

2024 state scale (veronmaksajat.fi "Valtion tulovero" 2024; taloustaito.fi):
    0: 0 + 12.64 %; 20 500: 2 591.20 + 19 %; 30 500: 4 491.20 + 30.25 %; 50 400: 10 510.95 + 34 % ...
2025 state scale (salkunrakentaja.fi 9/2024 quoting VM):
    0: 0 + 12.64 %; 21 200: 2 679.68 + 19 %; 31 500: 4 636.68 + 30.25 %; 52 100: 10 868.18 + 34 % ...
2024 earned income deduction (vero.fi): 51 % of wages 2 500-7 230, 28 % above, max 3 570, reduced by
    4.5 % of net earned income above 14 000; removed from 2025 (vero.fi). Income acquisition 750 (vero.fi).
2024 basic deduction 3 980 reduced by 18 % (reproduces taloustaito.fi's 1 294 EUR at 25 000 EUR wages).
2024 contributions: pension 7.15 % (taloustaito.fi), unemployment 0.79 % (taloustaito.fi: 198 EUR at
    25 000), daily allowance 1.01 % from 16 499 EUR and medical care 0.51 % (kela.fi).
2026 state scale (HE 98/2025 as tabled by veronmaksajat.fi TaxFax 53, 22.9.2025):
    0: 0 + 12.64 %; 22 000: 2 780.80 + 19 %; 32 600: 4 794.80 + 30.25 %; 40 100: 7 063.55 + 33.25 %;
    52 100: 11 053.55 + 37.50 %.
2026 work income deduction (vero.fi): 18 %, max 3 430, reduced by 2 % of net earned income above 35 000
    up to 50 550 (no reduction above); +105 per minor child (HE 98/2025, etla.fi). 2026 unemployment
    contribution 0.89 % (demokraatti.fi 4.12.2025: from 0.59 % to 0.89 %); employee pension contribution
    7.30 % for all ages (sttinfo.fi 6.10.2025, mtvuutiset.fi 17.12.2025). Municipal rates: Helsinki 5.30 (sttinfo.fi, 2024-2026), Espoo 5.30 (2024-2025).
Items marked PROVISIONAL in income_tax.csv (the 2024 work income deduction 12 % / 2 140 / 1.89 % over
33 000; the 2025 work income deduction 18 % / 3 225 / +50 per child / 2 % over 33 000; 2025 basic
deduction 4 115 and the 2026 estimate 4 272; the 2025-2026 daily allowance 0.84 % and medical care 0.51 %)
are restated too: those cases prove the arithmetic, and say so.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from planner.money.tax import monthly_net, person_tax
from planner.rules.tax import tax_book


def tax(year: int, municipal: str, wages: str, benefits: str = "0", **kw):
    return person_tax(tax_book().year_on(date(year, 6, 1)), D(municipal), D(wages), D(benefits), **kw)


def test_2024_wage_25000_helsinki_matches_taloustaito_and_by_hand():
    # acquisition 750 -> net earned income N 24 250; pension 7.15 % 1 787.50, unemployment 0.79 % 197.50,
    # daily allowance 1.01 % 252.50 (wages >= 16 499): contributions C 2 237.50.
    # earned income deduction: 51 % x 4 730 = 2 412.30 + 28 % x 17 770 = 4 975.60 -> max 3 570,
    #   - 4.5 % x (24 250 - 14 000) = 461.25 -> 3 108.75
    # I = 24 250 - 2 237.50 - 3 108.75 = 18 903.75; basic 3 980 - 18 % x 14 923.75 = 1 293.725 -> 1 293.73
    # T = 17 610.02; state 12.64 % = 2 225.906528 -> 2 225.91; work deduction 12 % x 22 500 -> max 2 140
    #   (PROVISIONAL row) -> state 85.91; municipal 5.30 % = 933.33; medical 0.51 % = 89.81; Yle 163
    # taxes 85.91 + 933.33 + 89.81 + 163 = 1 272.05; net 25 000 - 2 237.50 - 1 272.05 = 21 490.45
    t = tax(2024, "5.30", "25000")
    # taloustaito.fi's published example (whole euros): 750, 24 250, TyEL 1 788, 253, 198, basic 1 294
    assert (t.acquisition_deduction, t.net_earned_income) == (750, 24250)
    assert [round(x) for x in (t.pension, t.daily_allowance, t.unemployment, t.basic_deduction)] == [1788, 252, 198, 1294]
    assert t.earned_income_deduction == D("3108.75") and t.municipal_taxable == D("17610.02")
    assert (t.state_tax, t.municipal_tax, t.medical_care, t.yle_tax) == (D("85.91"), D("933.33"), D("89.81"), 163)
    assert t.taxes == D("1272.05") and t.net == D("21490.45")


def test_2024_state_tax_starts_at_about_24370_of_wages_as_veronmaksajat_says():
    # veronmaksajat.fi 2024: state income tax is paid from about 24 370 EUR of wages (after the work
    # income deduction). At 24 300: I = 23 550 - 2 174.85 - 3 140.25 = 18 234.90; basic 3 980 - 18 % x
    # 14 254.90 = 1 414.12; T = 16 820.78: 12.64 % = 2 126.15 < 2 140 -> 0. At 24 500: > 0.
    assert tax(2024, "5.30", "24300").state_tax == 0
    assert tax(2024, "5.30", "24500").state_tax > 0


def test_2024_wage_60000_helsinki():
    # N 59 250; C = 4 290 + 474 + 606 = 5 370 (taloustaito.fi: TyEL 4 290, 606, 474)
    # earned income deduction 3 570 - 4.5 % x 45 250 = 2 036.25 -> 1 533.75; I = 52 346.25; basic 0
    # state: 10 510.95 + 34 % x 1 946.25 = 11 172.675 -> 11 172.68; work 2 140 - 1.89 % x 26 250 = 496.125
    #   -> 1 643.875 -> 1 643.88; state 9 528.80; municipal 5.30 % 2 774.35125 -> 2 774.35;
    #   medical 0.51 % 266.965875 -> 266.97; Yle 163 -> taxes 12 733.12; net 60 000 - 5 370 - 12 733.12
    t = tax(2024, "5.30", "60000")
    assert t.contributions == 5370 and t.basic_deduction == 0
    assert (t.state_tax, t.municipal_tax, t.medical_care) == (D("9528.80"), D("2774.35"), D("266.97"))
    assert t.net == D("41896.88")


def test_2024_low_wage_12000_pays_no_tax_the_work_deduction_covers_it():
    # N 11 250; pension 858.00, unemployment 94.80, no daily allowance (12 000 < 16 499): C 952.80
    # earned income deduction max 3 570 (N < 14 000, no reduction); I = 6 727.20;
    # basic 3 980 - 18 % x 2 747.20 = 3 485.504 -> 3 485.50; T = 3 241.70; state 409.75, municipal 171.81,
    # medical 16.53; work 12 % x 9 500 = 1 140 covers state 409.75 and then municipal + medical 188.34
    # Yle 0 (N < 14 000); net 12 000 - 952.80 = 11 047.20
    t = tax(2024, "5.30", "12000")
    assert t.daily_allowance == 0 and t.taxes == 0 and t.net == D("11047.20")


def test_2024_church_tax_in_espoo():
    # 40 000: N 39 250; C = 2 860 + 316 + 404 = 3 580; EID 3 570 - 4.5 % x 25 250 = 2 433.75
    # I = T = 33 236.25 (basic 0); state 4 491.20 + 30.25 % x 2 736.25 = 5 318.915625 -> 5 318.92
    # municipal 5.30 % 1 761.52; church 1 % 332.36; medical 169.50; work 2 140 - 1.89 % x 6 250 = 2 021.875
    #   -> 2 021.88: state 3 297.04; Yle 163; taxes 5 723.42; net 40 000 - 3 580 - 5 723.42 = 30 696.58
    t = tax(2024, "5.30", "40000", church_percent=D(1))
    assert t.church_tax == D("332.36") and t.state_tax == D("3297.04")
    assert t.net == D("30696.58")


def test_2024_home_care_allowance_alone_is_taxed_without_work_deductions():
    # 377.68 x 12 = 4 532.16 of benefits: no acquisition deduction, no contributions, no earned income or
    # work income deduction. basic 3 980 - 18 % x 552.16 = 3 880.6112 -> 3 880.61; T = 651.55;
    # state 12.64 % 82.36; municipal 5.30 % 34.53; medical 0.51 % 3.32; taxes 120.21; net 4 411.95
    t = tax(2024, "5.30", "0", "4532.16")
    assert t.contributions == 0 and t.work_income_deduction == 0
    assert t.taxes == D("120.21") and t.net == D("4411.95")


def test_2025_wage_36000_helsinki_no_earned_income_deduction():
    # PROVISIONAL 2025 rates restated above. N 35 250; C = 2 574 + 212.40 + 302.40 = 3 088.80;
    # no earned income deduction (removed 2025); I = T = 32 161.20 (basic 0)
    # state 4 636.68 + 30.25 % x 661.20 = 4 836.693 -> 4 836.69; work 18 % x 36 000 -> max 3 225,
    #   - 2 % x 2 250 = 45 -> 3 180: state 1 656.69; municipal 1 704.54; medical 164.02; Yle 163
    # taxes 3 688.25; net 36 000 - 3 088.80 - 3 688.25 = 29 222.95
    t = tax(2025, "5.30", "36000")
    assert t.earned_income_deduction == 0 and t.state_tax == D("1656.69")
    assert t.net == D("29222.95")


def test_2025_children_raise_the_work_income_deduction():
    # as above with 2 minor children: max 3 225 + 2 x 50 = 3 325 - 45 = 3 280: state 1 556.69, net + 100
    assert tax(2025, "5.30", "36000", minor_children=2).net == D("29322.95")


def test_2025_wage_20000_pays_only_the_yle_tax():
    # N 19 250; C = 1 430 + 118 + 168 = 1 716; I = 17 534; basic 4 115 - 18 % x 13 419 = 1 699.58;
    # T = 15 834.42: state 2 001.47, municipal 839.22, medical 80.76, all covered by the work income
    # deduction 3 225; Yle 2.5 % x 5 250 = 131.25; net 20 000 - 1 716 - 131.25 = 18 152.75
    t = tax(2025, "5.30", "20000")
    assert t.taxes == D("131.25") and t.net == D("18152.75")


def test_2026_wage_50000_with_one_child():
    # work income deduction (vero.fi 2026, V): 18 % x 50 000 -> max 3 430 + 105 (one child) = 3 535,
    #   - 2 % x (49 250 - 35 000) = 285 -> 3 250. C = 3 650 (pension 7.30 %, sttinfo.fi 6.10.2025)
    #   + 445 (0.89 %) + 420 = 4 515; T = 49 250 - 4 515 = 44 735 (basic deduction 0 here)
    # state (HE 98/2025 scale): 7 063.55 + 33.25 % x 4 635 = 8 604.6875 -> 8 604.69 - 3 250 = 5 354.69
    # municipal 5.30 % = 2 370.955 -> 2 370.96; medical 228.15; Yle 163; taxes 8 116.80;
    # net 50 000 - 4 515 - 8 116.80 = 37 368.20
    t = tax(2026, "5.30", "50000", minor_children=1)
    assert t.work_income_deduction == D("3250.00") and t.state_tax == D("5354.69")
    assert t.pension == D("3650.00") and t.net == D("37368.20")


def test_2026_the_work_deduction_reduction_stops_at_50550():
    # vero.fi 2026: reduced by 2 % of net earned income over 35 000 "aina 50 550 euroon saakka" (HE 98/2025
    # removed the second reduction). 80 000 a year: N = 79 250; the reduction is 2 % x (50 550 - 35 000) = 311
    # (not 2 % x 44 250 = 885) -> 3 430 - 311 = 3 119. C = 5 840 + 712 + 672 = 7 224; T = 72 026 (the basic
    # deduction is 0 at this income); state 11 053.55 + 37.5 % x 19 926 = 18 525.80 - 3 119 = 15 406.80;
    # municipal 5.30 % = 3 817.38; medical 367.33; Yle 163; net 80 000 - 7 224 - 19 754.51 = 53 021.49
    t = tax(2026, "5.30", "80000")
    assert t.work_income_deduction == D("3119.00")
    assert t.state_tax == D("15406.80") and t.net == D("53021.49")


def test_2026_state_scale_rows_match_the_published_table():
    # HE 98/2025 (veronmaksajat.fi TaxFax 53): the tax at each lower limit, restated here
    year = tax_book().year_on(date(2026, 6, 1))
    assert [(b.lower_eur, b.tax_at_lower_eur, b.rate_percent) for b in year.state_scale] == [
        (D(0), D(0), D("12.64")), (D(22000), D("2780.80"), D(19)), (D(32600), D("4794.80"), D("30.25")),
        (D(40100), D("7063.55"), D("33.25")), (D(52100), D("11053.55"), D("37.50"))]


def test_tampere_2025_rate_from_tampere_fi():
    # tampere.fi 13.11.2024: the City Council confirmed the 2025 income tax rate at 7.60. 36 000 a year
    # (2025): T = 32 161.20 (as in test_2025_wage_36000_helsinki...); municipal 7.60 % = 2 444.2512 -> 2 444.25
    rate = tax_book().rate_on("Tampere", date(2025, 5, 1))
    assert rate.percent == D("7.60") and rate.rule.status == "verified"
    assert tax(2025, str(rate.percent), "36000").municipal_tax == D("2444.25")
    assert tax_book().rate_on("Turku", date(2025, 5, 1)).percent == D("7.10")   # ah.turku.fi + Kuntaliitto
    assert tax_book().rate_on("Turku", date(2024, 5, 1)).percent == D("6.90")
    assert tax_book().rate_on("Jyväskylä", date(2024, 5, 1)).percent == D("8.00")


def test_a_municipality_without_a_rate_uses_the_estimate_and_says_so():
    # Kuopio has no row: the '*' ESTIMATE 7.50 %. 2024, 2 500 a month = 30 000 a year:
    # N 29 250; C = 2 145 + 237 + 303 = 2 685; EID 3 570 - 4.5 % x 15 250 = 2 883.75; I = 23 681.25;
    # basic 3 980 - 18 % x 19 701.25 = 433.775 -> 433.78; T = 23 247.47
    # state 2 591.20 + 19 % x 2 747.47 = 3 113.2193 -> 3 113.22 - 2 140 = 973.22; municipal 7.5 % 1 743.56;
    # medical 118.56; Yle 163 -> taxes 2 998.34; net 24 316.66 a year = 2 026.388 -> 2 026.39 a month
    result = monthly_net(date(2024, 6, 1), "Kuopio", [{"id": "p", "wages_cents": 250000}])
    assert result["municipal_rate_estimate"] is True and result["provisional"] is True
    assert result["people"][0]["net_eur"] == 2026.39
    assert "ESTIMATE" in result["notes"][0]


def test_helsinki_rate_rows_are_verified():
    assert tax_book().rate_on("Helsinki", date(2026, 3, 1)).rule.status == "verified"
    assert tax_book().rate_on("Helsinki", date(2026, 3, 1)).percent == D("5.30")


def test_a_year_outside_the_tables_names_the_date():
    from planner.errors import MissingRuleError
    with pytest.raises(MissingRuleError, match="2023-06-01"):
        tax_book().year_on(date(2023, 6, 1))


def test_compare_shows_net_after_tax_beside_the_gross_net():
    # docs/examples/family-helsinki-baby.json, 2025 (Helsinki 5.30 %), 3 minor children:
    # mother 3 600 x 12 = 43 200: N 42 450; C 3 088.80 + 254.88 + 362.88 = 3 706.56; T = 38 743.44 (basic 0);
    #   state 4 636.68 + 30.25 % x 7 243.44 = 6 827.82; work 18 % -> max 3 225 + 3 x 50 = 3 375 - 2 % x 9 450
    #   = 3 186 -> 3 641.82; municipal 2 053.40; medical 197.59; Yle 163; net 33 437.63
    # father (the carer) home care allowance 766.36 x 12 = 9 196.32: basic 4 115 - 18 % x 5 081.32 = 3 200.36;
    #   T = 5 995.96: state 757.89, municipal 317.79, medical 30.58; net 8 090.06
    # family: 41 527.69 / 12 = 3 460.64 a month; fees 0
    from pathlib import Path

    from planner.family import load_family
    from planner.money import compare_scenarios
    examples = Path(__file__).resolve().parents[3] / "docs" / "examples"
    result = compare_scenarios(load_family(examples / "family-helsinki-baby.json"))
    as_entered = next(s for s in result["scenarios"] if s["name"] == "as_entered")
    assert as_entered["net_eur"] == 4366.36 and as_entered["net_after_tax_eur"] == 3460.64
    assert [p["net_eur"] for p in as_entered["tax"]["people"]] == [2786.47, 674.17]
    assert result["best_net_after_tax"] == "as_entered"


def _tables(tmp_path):
    import shutil

    from planner.rules.tables import TABLES_DIR
    target = tmp_path / "tables"
    shutil.copytree(TABLES_DIR, target)
    return target


def test_bad_tax_rows_are_refused_one_line_each(tmp_path):
    from planner.errors import RuleTableError
    from planner.rules.tax import load_tax_book
    tables = _tables(tmp_path)
    rates = tables / "municipal_tax_rates.csv"
    text = rates.read_text(encoding="utf-8")
    text = text.replace("Helsinki,2025-01-01,2025-12-31,5.30", "Helsinki,2024-06-01,2025-12-31,5.30")   # overlap
    text = text.replace("Espoo,2025-01-01,2025-12-31,5.30", "Espoo,2025-01-01,2025-12-31,-5.30")         # negative
    rates.write_text(text, encoding="utf-8")
    with pytest.raises(RuleTableError) as caught:
        load_tax_book(tables)
    lines = str(caught.value).splitlines()
    assert len(lines) == 2
    assert "percent -5.30 must be between 0 and 30" in lines[0]
    assert "(Helsinki)" in lines[1] and "overlaps" in lines[1]


def test_a_state_scale_typo_is_refused(tmp_path):
    from planner.errors import RuleTableError
    from planner.rules.tax import load_tax_book
    tables = _tables(tmp_path)
    path = tables / "income_tax.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("30500:4491.20:30.25", "30500:4491.30:30.25"),
                    encoding="utf-8")
    with pytest.raises(RuleTableError, match=r"tax at 30500 is 4491.30, but .* = 4491.20"):
        load_tax_book(tables)


def test_cli_bad_tax_tables_exit_2_with_one_line_per_problem(tmp_path, capsys, monkeypatch):
    import json

    from planner.cli import main
    from planner.money import tax as tax_module
    from planner.rules.tax import load_tax_book
    tables = _tables(tmp_path)
    rates = tables / "municipal_tax_rates.csv"
    text = rates.read_text(encoding="utf-8")
    broken = text.count(",5.30,") + text.count(",8.40,")   # one bad row each (-1 % and 31 %)
    rates.write_text(text.replace(",5.30,", ",-1,").replace(",8.40,", ",31,"), encoding="utf-8")
    monkeypatch.setattr(tax_module, "tax_book", lambda: load_tax_book(tables))
    family = tmp_path / "family.json"
    family.write_text(json.dumps({"municipality": "Helsinki", "date": "2025-03-01",
                                  "adults": [{"id": "p", "gross_monthly_income_eur": 3000}],
                                  "children": [{"id": "a", "birth_date": "2022-01-01", "care": "municipal"}]}),
                      encoding="utf-8")
    assert main(["tax", str(family)]) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert broken >= 7 and len(lines) == broken and all(line.startswith("error: municipal_tax_rates.csv, line") for line in lines), err
    assert "Traceback" not in err


def test_a_work_reduction_end_below_its_start_is_refused(tmp_path):
    from planner.errors import RuleTableError
    from planner.rules.tax import load_tax_book
    tables = _tables(tmp_path)
    path = tables / "income_tax.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",35000,50550,", ",35000,30000,"), encoding="utf-8")
    with pytest.raises(RuleTableError, match=r"work_reduction_to_eur 30000 must be above work_reduction_from_eur 35000"):
        load_tax_book(tables)
