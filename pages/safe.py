"""One place that makes user- and file-supplied text safe to show: markdown, HTML and map labels.

Names of units, ids of children and candidates, scenario values and the values quoted in problem
messages come from files people upload or type. Streamlit renders ``st.markdown``, ``st.error``,
``st.caption``, expander and radio labels as markdown: an image link there makes the browser fetch a
URL, ``:red[...]`` or ``$...$`` change how the page looks. Leaflet tooltips are HTML, and folium puts
tooltip text into a JavaScript template literal, where ``${...}`` runs script. So:

- :func:`md` for any text shown through markdown (every page, every message with data in it);
- :func:`html_text` for text placed into HTML;
- :func:`js_string` for a value placed into a ``<script>`` (a JSON string that cannot close the script);
- :class:`TextTooltip` (in ``pages/maps.py``) sets map labels with ``textContent``, never as HTML.

No Streamlit here, so this module is easy to test on its own.
"""
from __future__ import annotations

import html
import json
import logging
import re
import traceback
from pathlib import Path
from typing import Any

# Escaped everywhere: the characters that make emphasis, code, strike-through, HTML, tables, math and
# entities. "[" and "]" stay (ids such as "children[1]" read as written): a link or image needs "](",
# so "(" right after "]" is escaped; likewise "_" between two letters (as in "birth_date") never
# starts emphasis, only a "_" at a word edge is escaped.
_MD_ALWAYS = re.compile(r"([\\`*~<>$|&])")
_MD_EDGE_UNDERSCORE = re.compile(r"(?<!\w)_|_(?!\w)")
_MD_LINK_PAREN = re.compile(r"(?<=\])([(\[])")
_MD_COLON_WORD = re.compile(r":(?=[A-Za-z])")  # ":smile:", ":red[…]", ":material/…" (Streamlit, before markdown)
_MD_DIRECTIVE_LABEL = re.compile(r"(:\u2060[A-Za-z][\w-]*)([\[{])")  # the "[…]" of ":red[…]"
# A line that starts with these is a heading, quote, list or rule.
_MD_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+(?=[.)]))")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"[\r\n\t\v\f]+")
# Streamlit turns ":material/name:", ":smile:" and ":red[…]" into icons and colours before markdown
# sees the text (a backslash does not stop it), and GitHub-flavoured markdown turns bare "https://…",
# "www.…" and "name@host" into links: a word joiner (U+2060, not visible) after such a colon, the
# scheme, "www" and "@" keeps them text.
_WORD_JOINER = "\u2060"
_NOT_LINKS = re.compile(r"(?i)(https?|ftp|www|mailto|xmpp|@)")


def plain(value: Any, *, max_chars: int | None = None) -> str:
    """``value`` as one line of text: ``None`` as empty, line breaks as spaces, control and
    bidirectional-override characters dropped, cut to ``max_chars`` (with "…")."""
    text = "" if value is None else str(value)
    text = _CONTROL.sub("", _LINE_BREAKS.sub(" ", text))
    if max_chars is not None and len(text) > max_chars:
        text = text[: max(max_chars - 1, 0)] + "…"
    return text


def md(value: Any, *, max_chars: int | None = None) -> str:
    """Text that Streamlit's markdown shows as written (no links, images, emphasis, colours, icons,
    HTML or math), on one line. What the reader sees is the same characters (backslashes are markdown
    escapes; invisible word joiners keep "https://", "www." and ":material/" from becoming links or icons)."""
    text = plain(value, max_chars=max_chars)
    text = _NOT_LINKS.sub(lambda m: m.group(1) + _WORD_JOINER, text)
    text = _MD_ALWAYS.sub(r"\\\1", text)
    text = _MD_EDGE_UNDERSCORE.sub(r"\\_", text)
    text = _MD_LINK_PAREN.sub(r"\\\1", text)
    text = _MD_COLON_WORD.sub(":" + _WORD_JOINER, text)
    text = _MD_DIRECTIVE_LABEL.sub(r"\1\\\2", text)
    match = _MD_LINE_START.match(text)
    if match:
        marker = match.group(2)
        if marker[0].isdigit():  # "1." / "1)" starts an ordered list: escape the dot
            cut = match.end(2)
            text = text[:cut] + "\\" + text[cut:]
        else:
            text = text[:match.start(2)] + "\\" + text[match.start(2):]
    return text


def shown(markdown_text: str) -> str:
    """What a reader sees of :func:`md` output (backslash escapes and word joiners removed):
    for tests that compare page text."""
    return re.sub(r"\\(.)", r"\1", markdown_text).replace(_WORD_JOINER, "")


def html_text(value: Any, *, max_chars: int | None = None) -> str:
    """Text for HTML element content or a quoted attribute (``& < > " '`` escaped)."""
    return html.escape(plain(value, max_chars=max_chars), quote=True)


def js_string(value: Any) -> str:
    """A JavaScript string literal (JSON) holding ``value`` that is safe inside a ``<script>``
    element: ``<``, ``>``, ``&`` and line separators are written as ``\\u`` escapes."""
    text = json.dumps("" if value is None else str(value), ensure_ascii=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def js_json(value: Any) -> str:
    """Any JSON value (e.g. a GeoJSON dict) as script text that cannot close the ``<script>``."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def md_frame(frame: Any) -> Any:
    """A copy of a pandas DataFrame for ``st.table``, whose cells and headers Streamlit renders as
    markdown: every text cell and column name through :func:`md` (numbers stay numbers)."""
    table = frame.copy()
    table.columns = [md(c) if isinstance(c, str) else c for c in table.columns]
    for column in table.columns:
        if table[column].dtype == object or str(table[column].dtype).startswith("str"):
            table[column] = [md(v) if isinstance(v, str) else v for v in table[column]]
    return table


class _NoExceptionValues(logging.Filter):
    """Log an exception as its type and code line only: its text and traceback locals can hold what a
    user typed (a birth date, an income), and nothing personal may reach the server's log."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None:
            frames = traceback.extract_tb(error.__traceback__)
            where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
            message = record.msg if isinstance(record.msg, str) and not record.args else "exception"
            record.msg = f"{message} [{type(error).__name__} at {where}; its text is not logged]"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True


_SCRUBBER = _NoExceptionValues()


def scrub_exception_logs() -> None:
    """Put :class:`_NoExceptionValues` on every log handler of this process (the root logger's and
    Streamlit's own); idempotent, called by ``app.py`` on every run so late handlers get it too."""
    loggers = [logging.getLogger()] + [logger for name, logger in logging.root.manager.loggerDict.items()
                                       if isinstance(logger, logging.Logger)]
    for logger in loggers:
        for handler in logger.handlers:
            if _SCRUBBER not in handler.filters:
                handler.addFilter(_SCRUBBER)
