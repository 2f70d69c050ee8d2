"""pages/safe.py and the map labels of pages/maps.py: hostile text stays text.

The hostile strings are the ones the security probe of issue 17 used: a folium tooltip that closed its
template literal (``${...}``), an image link that made the browser fetch a URL, and ``</script>``.
"""
from __future__ import annotations

import json
import re

import pytest

from pages import maps, safe

EVIL = ["${alert(document.domain)}", "`+alert(1)+`", "</script><script>alert(1)</script>",
        "<img src=x onerror=alert(1)>", "![x](http://127.0.0.1:9/x.png)", ":red[big] :material/warning: $x^2$",
        "line1\nline2\r\n# heading", "**bold** [link](https://example.org) www.example.org a@b.fi"]


@pytest.mark.parametrize("text", EVIL + ["1. first", "- item", "# h", "_x_ and birth_date", "a](b) ![c](d)"])
def test_md_reads_as_written_and_forms_no_markdown(text):
    out = safe.md(text)
    assert "\n" not in out and "\r" not in out
    assert safe.shown(out) == safe.plain(text)           # the reader sees the same characters
    unescaped = re.findall(r"(?<!\\)[`*~<>$|&]", out)   # emphasis, code, HTML, math, tables, entities
    assert unescaped == [], (text, out)
    assert re.search(r"(?<!\\)\]\(", out) is None        # no link or image: "](" is always broken
    assert re.search(r":[A-Za-z]", out) is None            # no ":red[", ":smile:", ":material/"
    assert re.match(r"\s*([#>+=-]|\d+[.)])", out) is None  # no heading, quote or list at the start


def test_plain_drops_controls_and_cuts():
    assert safe.plain("a\x00b\u202ec\td") == "abc d"
    assert safe.plain("x" * 100, max_chars=10) == "x" * 9 + "…"
    assert safe.plain(None) == ""


def test_js_string_cannot_close_the_script():
    text = safe.js_string("</script><b>${x}`")
    assert "<" not in text and ">" not in text
    assert json.loads(text) == "</script><b>${x}`"


def test_html_text():
    assert safe.html_text('<a href="x">&') == "&lt;a href=&quot;x&quot;&gt;&amp;"


def _rendered_map(label: str) -> str:
    fmap = maps.new_map([[60.16, 24.93], [60.18, 24.96]])
    maps.add_point(fmap, 60.17, 24.94, label, label)
    maps.add_route(fmap, [[60.16, 24.93], [60.17, 24.94]], label, dashed=True, color="#000000")
    maps.add_catchments(fmap, {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"unit_id": "u1", "other": label},
         "geometry": {"type": "Polygon", "coordinates": [[[24.93, 60.16], [24.95, 60.16], [24.95, 60.18],
                                                            [24.93, 60.16]]]}}]}, "u1", "areas", {"u1": label})
    return fmap.get_root().render()


@pytest.mark.parametrize("label", EVIL)
def test_map_labels_are_text_never_template_literals_or_html(label):
    page = _rendered_map(label)
    assert "bindTooltip(\n" not in page and "bindTooltip(`" not in page  # folium's template literal
    assert "textContent" in page
    assert "<script>alert" not in page and "<img src=x" not in page
    # every occurrence of the label sits inside a JSON string literal
    scripts = page.split("textContent = ")[1:]
    assert scripts and all(s.lstrip().startswith(('"', 'feature.properties.label;')) for s in scripts)
    # other properties of an uploaded catchments file never reach the browser
    assert '"other"' not in page


def test_md_frame_escapes_text_cells_and_headers_for_st_table():
    import pandas as pd

    frame = pd.DataFrame([{"name ![h](http://x/h.png)": "![x](http://x/x.png) **b**", "seats": 21}])
    table = safe.md_frame(frame)
    header = list(table.columns)[0]
    cell = table.iloc[0, 0]
    assert "](" not in header.replace("\\](", "") and "](" not in cell.replace("\\](", "")
    assert safe.shown(cell) == "![x](http://x/x.png) **b**"
    assert table.iloc[0, 1] == 21 and frame.iloc[0, 0] == "![x](http://x/x.png) **b**"  # a copy


def test_exception_logs_keep_the_type_and_line_but_never_the_text():
    import io
    import logging

    stream = io.StringIO()
    logger = logging.getLogger("planner.test.scrub")
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    logger.propagate = False
    try:
        safe.scrub_exception_logs()
        safe.scrub_exception_logs()  # idempotent
        assert handler.filters.count(safe._SCRUBBER) == 1
        try:
            raise ValueError("child born 2023-05-01, income 3900")
        except ValueError:
            logger.exception("Uncaught app exception")
        text = stream.getvalue()
        assert "2023-05-01" not in text and "3900" not in text and "Traceback" not in text
        assert "ValueError at test_safe_text.py:" in text and "Uncaught app exception" in text
    finally:
        logger.removeHandler(handler)
