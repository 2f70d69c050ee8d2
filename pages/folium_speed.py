"""Faster folium rendering: skip compiling already-rendered text as a Jinja template.

folium renders each map element to HTML/JavaScript text and then wraps that *output* in a new
``branca.element.Element(text)``, whose constructor compiles the text as a Jinja template; the
final page render then runs that template once. With a few dozen markers this compiling was most
of a map's server time (about 60 % of the Units page's rerun). Text without any Jinja delimiter
renders to itself (minus one trailing newline, Jinja's default), so for such text this module keeps
a tiny stand-in with the same ``render``; text with ``{{``, ``{%`` or ``{#`` still gets a real
template. The HTML produced is identical (tests/app check the pages render). Installed once, on
import, by :mod:`pages.maps`.
"""
from __future__ import annotations

from typing import Any

_DELIMITERS = ("{{", "{%", "{#", "\r")   # (Jinja would also normalise \r\n)


class _PlainText:
    """A Jinja template without delimiters: ``render`` returns the text (one trailing newline dropped,
    as Jinja does with its default ``keep_trailing_newline=False``)."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text[:-1] if text.endswith("\n") else text

    def render(self, *args: Any, **kwargs: Any) -> str:
        return self.text


def install() -> None:
    """Patch ``branca.element.Element.__init__`` once (idempotent)."""
    from branca import element

    if getattr(element.Element, "_planner_plain_text", False):
        return
    original = element.Element.__init__

    def __init__(self, template: str | None = None, template_name: str | None = None):
        if template is not None and not any(d in template for d in _DELIMITERS):
            original(self, None, template_name)
            self._template_str = template
            self._template = _PlainText(template)
        else:
            original(self, template, template_name)

    element.Element.__init__ = __init__
    element.Element._planner_plain_text = True


install()
