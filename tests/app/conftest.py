"""AppTest helpers: start the app on a page in a language, walk the element tree in order."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[2]
PAGES = {"family": "pages/family.py", "costs": "pages/costs.py", "units": "pages/units.py",
         "summary": "pages/summary.py"}
LANGS = ("fi", "sv", "en")


def open_app(page: str = "family", lang: str = "fi") -> AppTest:
    """Run the app once (Family page, which seeds the family), then switch to ``page``."""
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    if page != "family":
        at.switch_page(PAGES[page]).run()
    return at


def walk(node) -> Iterator:
    """Every element below ``node`` in display order."""
    for child in getattr(node, "children", {}).values():
        yield child
        yield from walk(child)


def elements_after(at: AppTest, key: str, count: int = 2) -> list:
    """The ``count`` elements displayed right after the widget with ``key``."""
    sequence = list(walk(at.main))
    for i, element in enumerate(sequence):
        if getattr(element, "key", None) == key:
            return sequence[i + 1:i + 1 + count]
    raise AssertionError(f"widget {key!r} not on the page")


@pytest.fixture
def app_factory():
    return open_app


@pytest.fixture
def after():
    return elements_after


@pytest.fixture(scope="session", autouse=True)
def _embedded_datasets_built():
    """The default and the ``demo`` fixture dataset exist before any page lists the datasets (the
    sidebar's list is cached), so tests can choose ``dataset_name = "demo"``."""
    from planner.datasets import load_dataset

    load_dataset(None)
    load_dataset("demo")
