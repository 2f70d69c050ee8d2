"""Life changes, hand-worked from the sources (never from the engine's own tables).

Fee arithmetic (law 1503/2016, period 1.8.2024–31.7.2026, finnish-rules.md §1a, kerava.fi / kokkola.fi):
thresholds 4066 / 5245 / 5956 / 6667 € for 2 / 3 / 4 / 5 persons, 10.7 % of income above the threshold,
rounded half up to whole euros, at most 311 €, under 30 € nothing; the 2nd child 40 % of the youngest
child's fee. Kela 2023 amounts (frozen 2024–2027, kela.fi news 20.12.2023): care allowance 377.68 €.
Municipal supplements: Espoo 160 € for the youngest under 1 y 6 m (espoo.fi, since 1.3.2023),
Helsinki 264 € under 1 year (hel.fi, since 1.6.2021). Part-time: Espoo > 20 – < 35 h 80 %
(eVaka Espoo service-need options), Oulu < 35 h/week (7 h/day) 75 % (eVaka Oulu).
"""
from __future__ import annotations

from datetime import date

import pytest

from planner.errors import InputError
from planner.family import parse_family
from planner.life.changes import parse_changes
from planner.life.evaluate import evaluate_changes

TODAY = date(2025, 9, 1)


def family(**overrides):
    data = {"municipality": "Espoo", "date": "2025-09-01", "holiday_pay": False,
            "adults": [{"id": "p1", "gross_monthly_income_eur": 4000},
                       {"id": "p2", "gross_monthly_income_eur": 3500}],
            "children": [{"id": "o", "birth_date": "2022-01-10", "care": "municipal", "weekly_hours": 40}]}
    data.update(overrides)
    return parse_family(data, today=TODAY)


def evaluate(fam, changes):
    return evaluate_changes(fam, changes, today=TODAY)


# ------------------------------------------------------------------------------------------- move

def test_move_between_municipalities_with_different_part_time_bands():
    # 3500 + 3000 = 6500 €, 3 persons: 10.7 % × (6500 − 5245) = 134.285 → 134 € full time.
    # Espoo 30 h/week: 80 % × 134 = 107.2 → 107 €. Oulu 30 h/week (6 h/day < 7 h): 75 % × 134 = 100.5 → 101 €.
    fam = family(adults=[{"id": "p1", "gross_monthly_income_eur": 3500}, {"id": "p2", "gross_monthly_income_eur": 3000}],
                 children=[{"id": "x", "birth_date": "2023-06-01", "care": "municipal", "weekly_hours": 30}])
    result = evaluate(fam, [{"type": "move", "date": "2025-11-01",
                             "homes": [{"municipality": "Oulu", "home": {"lat": 65.0121, "lon": 25.4651}}]}])
    move = result["changes"][0]
    assert move["before"]["total_monthly_fee_eur"] == 107
    assert move["after"]["total_monthly_fee_eur"] == 101
    assert move["after"]["municipality"] == "Oulu"
    assert move["effective"] == date(2025, 11, 1)


def test_move_changes_the_municipal_supplement():
    # Baby born 1.6.2024 is 15 months old on 1.9.2025; income 6000 € for 3 persons is far above the
    # care-supplement limit (1430 €, 9.4 %): care allowance 377.68 €. Helsinki pays its 264 € only under
    # 1 year → 377.68 €; Espoo pays 160 € under 1 y 6 m → 537.68 €.
    fam = family(municipality="Helsinki",
                 adults=[{"id": "p1", "gross_monthly_income_eur": 6000}, {"id": "p2", "gross_monthly_income_eur": 0}],
                 children=[{"id": "b", "birth_date": "2024-06-01", "care": "home"}])
    result = evaluate(fam, [{"type": "move", "homes": [{"municipality": "Espoo", "home": {"lat": 60.17, "lon": 24.8}},
                                                       {"municipality": "Helsinki", "home": {"lat": 60.19, "lon": 24.95}}]}])
    espoo, helsinki = result["changes"]
    assert helsinki["after"]["home_care_allowance_eur"] == pytest.approx(377.68)
    assert espoo["after"]["home_care_allowance_eur"] == pytest.approx(537.68)


def test_move_to_a_municipality_without_own_rules_says_so():
    # Law defaults (1503/2016): 25 h/week is above 20 h, under 35 h: the common 80 % step → 107 € of 134 €.
    fam = family(adults=[{"id": "p1", "gross_monthly_income_eur": 3500}, {"id": "p2", "gross_monthly_income_eur": 3000}],
                 children=[{"id": "x", "birth_date": "2023-06-01", "care": "municipal", "weekly_hours": 25}])
    result = evaluate(fam, [{"type": "move", "homes": [{"municipality": "Pelkosenniemi", "label": "Lapland",
                                                        "home": {"address": "Kirkkotie 1"}}]}], )
    move = result["changes"][0]
    assert move["label"] == "Lapland"
    assert move["after"]["municipal_rules_known"] is False
    assert any("Pelkosenniemi" in note for note in move["after"]["notes"])


def test_move_problems_are_named():
    fam = family()
    with pytest.raises(InputError) as error:
        parse_changes(fam, [{"type": "move", "date": "2025-08-01", "homes": [{"municipality": "Espoo"}]},
                            {"type": "move", "homes": [{"municipality": "Atlantis", "home": {"lat": 60, "lon": 25}}] * 4}],
                      today=TODAY)
    fields = {p.field for p in error.value.problems}
    assert "changes[0].date" in fields            # before the family file's date
    assert "changes[0].homes[0].home" in fields   # a move without an address
    assert "changes[1].homes" in fields           # more than three homes


# ------------------------------------------------------------------------------------ new sibling

def test_parental_allowance_default_end_counts_monday_to_saturday():
    # The stated default (money engine): both parents' 2 × 160 = 320 parental allowance days (kela.fi, 2022
    # reform; timing_rules.csv 160 per parent), Monday–Saturday, the birth day first. From Monday 1.12.2025:
    # 53 weeks × 6 = 318 days end on Saturday 5.12.2026; Monday 7.12. is day 319, Tuesday 8.12.2026 day 320.
    from planner.family import Child
    from planner.life.rules import life_rule
    from planner.money.allowances import PARENTAL_ALLOWANCE_DAYS, default_parental_end

    per_parent = life_rule("parental_allowance_working_days_per_parent", date(2025, 12, 1)).int_value
    assert PARENTAL_ALLOWANCE_DAYS == 2 * per_parent
    assert default_parental_end(Child("x", date(2025, 12, 1))) == date(2026, 12, 8)


def test_new_sibling_lowers_the_older_childs_fee_from_the_birth():
    # Before: 7500 €, 3 persons: 10.7 % × (7500 − 5245) = 241.285 → 241 €.
    # From the birth (1.12.2025) 4 persons: 10.7 % × (7500 − 5956) = 165.208 → 165 €.
    result = evaluate(family(), [{"type": "new_sibling", "due_date": "2025-12-01"}])
    rows = {r["month"]: r for r in result["changes"][0]["timeline"]["rows"]}
    assert [rows[m]["total_monthly_fee_eur"] for m in ("2025-09", "2025-10", "2025-11")] == [241, 241, 241]
    assert [rows[m]["total_monthly_fee_eur"] for m in ("2025-12", "2026-03", "2026-06")] == [165, 165, 165]


def test_new_sibling_home_care_allowance_starts_after_parental_allowance():
    # Parental allowance to 8.12.2026 (above): no home care allowance for the baby before (row 12/2026 too).
    # From 1/2027: 377.68 + Espoo 160 (baby under 1 y 6 m) = 537.68 € (income 7500 € > supplement limits);
    # the older child is in municipal ECEC (no sibling part). From 6/2027 the baby is 18 months: 377.68 €.
    # 24 months from 9/2025 (to 8/2027): 5 × 537.68 + 3 × 377.68 = 2688.40 + 1133.04 = 3821.44 €.
    change = evaluate(family(), [{"type": "new_sibling", "due_date": "2025-12-01"}])["changes"][0]
    rows = {r["month"]: r for r in change["timeline"]["rows"]}
    assert change["parental_leave"]["until"] == date(2026, 12, 8)
    assert change["parental_leave"]["default"] is True
    assert rows["2026-12"]["allowances_eur"] == 0 and rows["2026-12"]["parental_leave"] is True
    assert rows["2027-01"]["allowances_eur"] == pytest.approx(537.68) and not rows["2027-01"]["parental_leave"]
    assert rows["2027-06"]["allowances_eur"] == pytest.approx(377.68)
    assert change["timeline"]["allowances_eur"] == pytest.approx(3821.44)


def test_new_sibling_with_a_shorter_leave_gets_home_care_allowance_earlier():
    # Leave given to 31.5.2026 (one parent): home care allowance from 6/2026: 537.68 € a month.
    change = evaluate(family(), [{"type": "new_sibling", "due_date": "2025-12-01",
                                  "parental_leave_until": "2026-05-31", "leave_adult": "p2"}])["changes"][0]
    rows = {r["month"]: r for r in change["timeline"]["rows"]}
    assert rows["2026-05"]["allowances_eur"] == 0
    assert rows["2026-06"]["allowances_eur"] == pytest.approx(537.68)


def test_new_sibling_with_given_leave_and_municipal_care_after():
    # Leave given to 31.5.2026, then municipal ECEC from 1.6.2026: the baby is the youngest, so it pays the
    # full fee and the older child 40 %: 4 persons 165 € → baby 165 €, older 40 % × 165 = 66 € → 231 €.
    change = evaluate(family(), [{"type": "new_sibling", "due_date": "2025-12-01", "id": "vauva",
                                  "parental_leave_until": "2026-05-31", "care_after_leave": "municipal",
                                  "start_date": "2026-06-01"}])["changes"][0]
    rows = {r["month"]: r for r in change["timeline"]["rows"]}
    assert change["parental_leave"]["default"] is False
    assert rows["2026-05"]["total_monthly_fee_eur"] == 165
    assert rows["2026-06"]["total_monthly_fee_eur"] == 231


def test_new_sibling_problems_are_named():
    with pytest.raises(InputError) as error:
        parse_changes(family(), [{"type": "new_sibling", "due_date": "2025-08-15", "id": "o"},
                                 {"type": "new_sibling", "due_date": "2026-01-10", "parental_leave_until": "2028-06-01",
                                  "care_after_leave": "preschool"}], today=TODAY)
    fields = {p.field for p in error.value.problems}
    assert {"changes[0].due_date", "changes[0].id", "changes[1].parental_leave_until",
            "changes[1].care_after_leave"} <= fields


# ------------------------------------------------------------------------------------- separation

def _two_children():
    return family(adults=[{"id": "p1", "gross_monthly_income_eur": 4200}, {"id": "p2", "gross_monthly_income_eur": 3300}],
                  children=[{"id": "a", "birth_date": "2021-05-01", "care": "municipal", "weekly_hours": 40},
                            {"id": "b", "birth_date": "2023-03-01", "care": "municipal", "weekly_hours": 40}])


def test_separation_both_children_with_one_parent():
    # Together: 4 persons, 7500 €: 10.7 % × 1544 = 165 € (b) + 40 % × 165 = 66 € (a) = 231 €.
    # Apart, both registered with p1: 3 persons, 4200 € < 5245 € threshold → 0 €; p2's household has no child.
    result = evaluate(_two_children(), [{"type": "separation", "date": "2025-10-01", "households": [
        {"label": "p1", "adults": ["p1"], "children": ["a", "b"]}, {"label": "p2", "adults": ["p2"], "children": []}]}])
    change = result["changes"][0]
    assert change["before"]["total_monthly_fee_eur"] == 231
    first, second = change["households"]
    assert first["money"]["family_size"] == 3 and first["money"]["total_monthly_fee_eur"] == 0
    assert second["money"] is None and second["children"] == []


def test_separation_with_a_new_partner_two_fee_decisions():
    # p1 + a: 2 persons, 4200 €: 10.7 % × (4200 − 4066) = 14.338 → 14 € < 30 € minimum → 0 €.
    # p2 + new partner (2500 €) + b: 3 persons, 5800 €: 10.7 % × (5800 − 5245) = 59.385 → 59 €.
    result = evaluate(_two_children(), [{"type": "separation", "date": "2025-10-01", "households": [
        {"adults": ["p1"], "children": ["a"]},
        {"adults": ["p2"], "children": ["b"], "new_partner": {"gross_monthly_income_eur": 2500}}]}])
    first, second = result["changes"][0]["households"]
    assert (first["money"]["family_size"], first["money"]["total_monthly_fee_eur"]) == (2, 0)
    assert (second["money"]["family_size"], second["money"]["total_monthly_fee_eur"]) == (3, 59)


def test_separation_blended_family_counts_the_partners_child():
    # As above, but the partner's own child (born 2015, at school) lives there too: 4 persons,
    # threshold 5956 € > 5800 € → 0 €.
    result = evaluate(_two_children(), [{"type": "separation", "date": "2025-10-01", "households": [
        {"adults": ["p1"], "children": ["a"]},
        {"adults": ["p2"], "children": ["b"], "new_partner": {"gross_monthly_income_eur": 2500},
         "other_children": [{"id": "s", "birth_date": "2015-04-01", "care": "none"}]}]}])
    second = result["changes"][0]["households"][1]
    assert (second["money"]["family_size"], second["money"]["total_monthly_fee_eur"]) == (4, 0)


def test_separation_problems_are_named():
    with pytest.raises(InputError) as error:
        parse_changes(_two_children(), [{"type": "separation", "households": [
            {"adults": ["p1"], "children": ["a", "b"]}, {"adults": ["p1"], "children": ["b", "zz"]}]}], today=TODAY)
    values = {(p.field, str(p.value)) for p in error.value.problems}
    assert ("changes[0].households[1].children[1]", "zz") in values
    assert ("changes[0].households", "p1") in values and ("changes[0].households", "p2") in values
    assert ("changes[0].households", "b") in values


# ------------------------------------------------------------------------------------ work change

def test_work_change_over_ten_percent_revises_the_fee_from_next_month():
    # 7500 → 8300 € (+10.7 %, ≥ 10 %: law 1503/2016 11 §): 10.7 % × (8300 − 5245) = 326.9 → max 311 €,
    # from 1.11.2025 (the month after the change on 15.10.2025).
    change = evaluate(family(), [{"type": "work_change", "date": "2025-10-15", "adult": "p2",
                                  "gross_monthly_income_eur": 4300}])["changes"][0]
    revision = change["fee_revision"]
    assert change["before"]["total_monthly_fee_eur"] == 241
    assert change["after"]["total_monthly_fee_eur"] == 311
    assert revision["revised"] is True and revision["fee_applied_eur"] == 311
    assert revision["income_change_percent"] == pytest.approx(10.7)
    assert revision["new_fee_from"] == date(2025, 11, 1)


def test_work_change_under_ten_percent_keeps_the_fee():
    # 7500 → 8000 € (+6.7 %): not revised for income alone; 241 € stays (computed would be 295 €).
    change = evaluate(family(), [{"type": "work_change", "date": "2025-10-15", "adult": "p2",
                                  "gross_monthly_income_eur": 4000}])["changes"][0]
    assert change["after"]["total_monthly_fee_eur"] == 295
    assert change["fee_revision"]["revised"] is False
    assert change["fee_revision"]["fee_applied_eur"] == 241


def test_work_change_income_drop_to_under_the_minimum():
    # 7500 → 5300 € (−29.3 %): 10.7 % × (5300 − 5245) = 5.9 → 6 € < 30 € → 0 € from 1.11.2025.
    change = evaluate(family(), [{"type": "work_change", "date": "2025-10-15", "adult": "p1",
                                  "gross_monthly_income_eur": 1800}])["changes"][0]
    assert change["fee_revision"]["revised"] is True
    assert change["fee_revision"]["fee_applied_eur"] == 0
    assert change["fee_revision"]["income_change_percent"] == pytest.approx(-29.3)


def test_work_change_problems_are_named():
    with pytest.raises(InputError) as error:
        parse_changes(family(), [{"type": "work_change", "adult": "p9"}, {"type": "holiday"}], today=TODAY)
    fields = {p.field for p in error.value.problems}
    assert {"changes[0].date", "changes[0].adult", "changes[0]", "changes[1].type"} <= fields


def test_explanations_in_every_language():
    changes = [{"type": "work_change", "date": "2025-10-15", "adult": "p2", "gross_monthly_income_eur": 4300}]
    texts = {lang: evaluate_changes(family(), changes, today=TODAY, lang=lang)["changes"][0]["explanation"]
             for lang in ("fi", "sv", "en")}
    assert "1.11.2025" in texts["fi"] and "1.11.2025" in texts["sv"] and "2025-11-01" in texts["en"]
    assert "10,7" in texts["fi"] and "10.7" in texts["en"]
    assert len(set(texts.values())) == 3
