"""AppTest for the Life changes page: add a change through the form, see today and after side by side,
bad input named next to the form with nothing else lost, the changes kept across a language switch."""
from __future__ import annotations

from datetime import date

import pytest

from tests.app.conftest import REPO, open_app


def changes_page(lang: str = "fi"):
    at = open_app("family", lang)
    at.switch_page(str(REPO / "pages" / "changes.py")).run()
    assert not at.exception, at.exception
    return at


def text_of(at) -> str:
    return "\n".join(str(getattr(e, "value", "")) for e in list(at.markdown) + list(at.caption) + list(at.error)
                     + list(at.info) + list(at.success) + list(at.title) + list(at.subheader))


@pytest.mark.parametrize("lang, title", [("fi", "Elämänmuutokset"), ("sv", "Livsförändringar"),
                                         ("en", "Life changes")])
def test_page_opens_in_every_language(lang, title):
    at = changes_page(lang)
    assert at.title[0].value == title
    assert at.info, "the page says that no change has been added yet"


def _add_baby(at, due: str):
    at.selectbox(key="life_type").set_value("new_sibling").run()
    at.text_input(key="life_new_sibling_date").set_value(due)
    at.button(key="FormSubmitter:life_form_new_sibling-Lisää muutos").click().run()
    assert not at.exception, at.exception


def test_a_new_baby_shows_the_baby_the_allowance_and_the_fee_change():
    at = changes_page("fi")
    due = date(date.today().year + 1, 6, 15)
    _add_baby(at, f"{due.day}.{due.month}.{due.year}")
    family = at.session_state["family"]
    assert family["changes"] == [{"type": "new_sibling", "care_after_leave": "home", "id": "Vauva",
                                  "due_date": due.isoformat()}]
    shown = text_of(at)
    assert "Vauva, laskettu aika" in shown               # the explanation of the change
    assert "24 kuukaudessa" in shown                     # the 24-month totals
    assert "vanhempainrahapäiväänsä" in shown            # the stated parental-leave default
    assert "perheen koko" in shown.lower() or at.table    # today and after side by side


def test_bad_due_date_is_named_and_nothing_is_lost():
    at = changes_page("fi")
    before = dict(at.session_state["family"])
    _add_baby(at, "1.1.2020")
    assert any("Laskettu aika" in e.value for e in at.error)
    assert "changes" not in at.session_state["family"]
    assert at.session_state["family"]["adults"] == before["adults"]


def test_move_without_an_address_is_named():
    at = changes_page("fi")   # (AppTest formats options in the test thread, i.e. in Finnish)
    at.selectbox(key="life_type").set_value("move").run()
    at.text_input(key="life_move_municipality_0").set_value("Espoo")
    at.button(key="FormSubmitter:life_form_move-Lisää muutos").click().run()
    assert not at.exception, at.exception
    assert any("Uudet kodit" in e.value for e in at.error)
    assert "changes" not in at.session_state["family"]


def test_changes_survive_a_language_switch():
    at = changes_page("fi")
    due = date(date.today().year + 1, 3, 1)
    _add_baby(at, due.isoformat())
    at.session_state["lang"] = "sv"
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Livsförändringar"
    assert len(at.session_state["family"]["changes"]) == 1
    assert "beräknad tid" in text_of(at)
