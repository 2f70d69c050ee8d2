"""Costs page: the comparison's numbers typed the Finnish way, and no child-at-home option called best
without saying who cares for the child (issue 9)."""
from __future__ import annotations

from tests.app.conftest import open_app


def _texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [e.value for e in at.error] \
        + [i.value for i in at.info]
    return "\n".join(str(p) for p in parts)


def test_scenario_numbers_are_text_boxes_read_the_finnish_way():
    at = open_app("costs", "fi")
    assert not at.exception
    assert not [n for n in at.number_input if n.key in ("c.part_time_hours", "c.private_fee_eur")]
    hours, fee = at.text_input(key="c.part_time_hours"), at.text_input(key="c.private_fee_eur")
    hours.set_value("22,5")
    fee.set_value("1 200 €")
    at.run()
    family = at.session_state["family"]
    assert family["part_time_hours"] == 22.5
    assert family["private_fee_eur"] == 1200
    # a text that is no number: named under its field, the family keeps its last good value,
    # the box keeps what was typed, the other box is untouched
    at.text_input(key="c.part_time_hours").set_value("kaksikymmentä").run()
    errors = [e.value for e in at.error]
    assert any("Osa-aikatyön tunnit viikossa" in e and "kirjoita luku numeroina" in e for e in errors), errors
    assert at.session_state["family"]["part_time_hours"] == 22.5
    assert at.text_input(key="c.part_time_hours").value == "kaksikymmentä"
    assert at.text_input(key="c.private_fee_eur").value == "1 200 €"
    at.text_input(key="c.part_time_hours").set_value("70").run()
    assert any("väliltä 0–60" in e.value for e in at.error)
    at.text_input(key="c.part_time_hours").set_value("").run()
    assert "part_time_hours" not in at.session_state["family"]
    assert not at.error


def test_the_seeded_numbers_are_written_as_finns_write_them():
    at = open_app("family", "fi")
    family = dict(at.session_state["family"])
    family["part_time_hours"] = 22.5
    family["private_fee_eur"] = 1250.5
    at.session_state["family"] = family
    at.switch_page("pages/costs.py").run()
    assert at.text_input(key="c.part_time_hours").value == "22,5"
    assert at.text_input(key="c.private_fee_eur").value == "1\u00a0250,50"


def _baby_family(at, carer: str | None = None) -> None:
    """One low earner and a baby at home: the option with the baby at home leaves the most money."""
    family = dict(at.session_state["family"])
    adults = [dict(a) for a in family["adults"]]
    adults[1]["gross_monthly_income_eur"] = 600
    family["adults"] = adults
    children = [dict(c) for c in family["children"]]
    baby = children[0]
    baby["care"] = "home"
    baby.pop("start_date", None)
    baby.pop("weekly_hours", None)
    family["children"] = children
    if carer:
        family["carer"] = carer
    else:
        family.pop("carer", None)
    at.session_state["family"] = family


def test_a_child_at_home_is_not_called_best_without_asking_who_cares_for_it():
    at = open_app("family", "fi")
    _baby_family(at)
    at.switch_page("pages/costs.py").run()
    assert not at.exception
    page = _texts(at)
    assert "Kuka hoitaisi lasta kotona?" in page                          # asked next to the comparison
    assert "Aikuinen 2 jää kotiin" in page                                 # the assumption, by label
    answer = [m.value for m in at.markdown if "Siksi sitä ei sanota tässä parhaaksi" in str(m.value)]
    assert answer, "question 8 must not call the child-at-home option best"
    assert "käteen jää eniten" not in answer[0]
    assert at.selectbox(key="c.carer").index == 0                      # the control to answer with

    at.selectbox(key="c.carer").select_index(2).run()                     # the family answers: Aikuinen 2
    assert at.session_state["family"]["carer"] == "parent2"
    page = _texts(at)
    assert "Kuka hoitaisi lasta kotona?" not in page
    assert "olettavat, että Aikuinen 2 hoitaa lasta kotona" in page
    assert not [m for m in at.markdown if "Siksi sitä ei sanota tässä parhaaksi" in str(m.value)]


def test_the_question_in_swedish_too():
    at = open_app("family", "sv")
    _baby_family(at)
    at.switch_page("pages/costs.py").run()
    page = _texts(at)
    assert "Vem skulle vårda barnet hemma?" in page
    assert "Därför kallas det inte bäst här" in page


def test_the_money_inputs_are_text_boxes_too():
    """Daily ECEC hours and a private provider's fee: Finnish decimals read, a wrong text named."""
    at = open_app("family", "fi")
    family = dict(at.session_state["family"])
    children = [dict(c) for c in family["children"]]
    children[1]["care"] = "private"
    family["children"] = children
    at.session_state["family"] = family
    at.switch_page("pages/costs.py").run()
    assert not [n for n in at.number_input if n.key.startswith("c.")]
    daily = at.text_input(key=f"c.daily.{children[0]['id']}")
    fee = at.text_input(key=f"c.cfee.{children[1]['id']}")
    daily.set_value("7,5")
    fee.set_value("1 250,50 €")
    at.run()
    kids = at.session_state["family"]["children"]
    assert kids[0]["daily_hours"] == 7.5 and kids[1]["private_fee_eur"] == 1250.5
    at.text_input(key=f"c.daily.{children[0]['id']}").set_value("25").run()
    assert any("väliltä 0–24" in e.value for e in at.error)
    assert at.session_state["family"]["children"][0]["daily_hours"] == 7.5
