"""Offline maps: Leaflet served from ``static/`` (folium), base layers drawn from the dataset.

No tile server is contacted: the map has no tile layer; streets come from the dataset's walk graph
and catchment areas from the dataset. Markers carry text labels (H, W1, rank numbers), so nothing
is told by colour alone.

Every label and tooltip is set as text (``textContent``, see :class:`TextTooltip`), never as HTML or
inside a JavaScript template literal: unit names, scenario names and candidate ids come from files
users upload (folium's own ``Tooltip`` would run ``${...}`` in them).
"""
from __future__ import annotations

import json
from typing import Any, Iterable, Sequence

import folium
from branca.element import MacroElement
from folium.features import DivIcon
from jinja2 import Template

from pages import folium_speed  # noqa: F401  (installs the faster rendering of folium's output)
from pages import safe

LEAFLET_JS = "/app/static/leaflet/leaflet.js"
LEAFLET_CSS = "/app/static/leaflet/leaflet.css"


def street_lines(graph: Any, *, max_lines: int = 20000) -> list[list[list[float]]]:
    """Street segments of a ``ModeGraph`` as ``[[lon, lat], [lon, lat]]`` (each undirected edge once)."""
    coo = graph.time_s.tocoo()
    rows, cols = coo.row, coo.col
    lines: list[list[list[float]]] = []
    seen: set[tuple[int, int]] = set()
    for u, v in zip(rows.tolist(), cols.tolist()):
        key = (u, v) if u < v else (v, u)
        if key in seen or u == v:
            continue
        seen.add(key)
        lines.append([[round(float(graph.lon[u]), 6), round(float(graph.lat[u]), 6)],
                      [round(float(graph.lon[v]), 6), round(float(graph.lat[v]), 6)]])
        if len(lines) >= max_lines:
            break
    return lines


def new_map(bounds: Sequence[Sequence[float]], *, height_px: int = 520) -> folium.Map:
    """A folium map without tiles that loads Leaflet from this app (works offline)."""
    fmap = folium.Map(tiles=None, control_scale=False, height=height_px, prefer_canvas=True, zoom_snap=0.25,
                      scrollWheelZoom=False)
    fmap.default_js = [("leaflet", LEAFLET_JS)]
    fmap.default_css = [("leaflet_css", LEAFLET_CSS)]
    fmap.fit_bounds([list(bounds[0]), list(bounds[1])], padding=(36, 36))  # markers clear of the controls
    _PhoneFriendly().add_to(fmap)
    return fmap


class _PhoneFriendly(MacroElement):
    """A metric-only scale bar; on a phone one finger scrolls the page (pinch and the zoom buttons
    still zoom the map), so a map never traps vertical scrolling; the mouse wheel scrolls the page."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.control.scale({metric: true, imperial: false, position: "bottomright"}).addTo({{ this._parent.get_name() }});
        if (L.Browser.mobile || L.Browser.touch && window.innerWidth < 700) {
            {{ this._parent.get_name() }}.dragging.disable();
        }
        {% endmacro %}
    """)


class _StreetLayer(MacroElement):
    """Street lines as one non-interactive GeoJSON layer, serialised once with ``json.dumps``
    (folium's own GeoJson re-serialises thousands of segments on every page run)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.geoJSON({{ this.geojson_text }}, {
            interactive: false,
            style: function () { return {color: "#8a8a8a", weight: 1.2, opacity: 0.8}; }
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, geojson_text: str, name: str):
        super().__init__()
        self._name = "StreetLayer"
        self.layer_name = name
        self.geojson_text = geojson_text


def add_streets(fmap: folium.Map, lines: list[list[list[float]]] | str, name: str) -> None:
    """Grey street lines (the base layer): segments ``[[lon, lat], [lon, lat]]`` or their
    GeoJSON text."""
    if not lines:
        return
    if isinstance(lines, str):
        text = lines
    else:
        text = json.dumps({"type": "Feature", "properties": {},
                           "geometry": {"type": "MultiLineString", "coordinates": lines}},
                          separators=(",", ":"))
    _StreetLayer(text, name).add_to(fmap)


class _CatchmentLayer(MacroElement):
    """Catchment polygons with a text tooltip each; the GeoJSON is embedded with
    :func:`safe.js_json` and each label is set with ``textContent`` (never parsed as HTML)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.geoJSON({{ this.geojson_text }}, {
            style: function (feature) { return feature.properties.style; },
            onEachFeature: function (feature, layer) {
                var box = document.createElement("div");
                box.textContent = feature.properties.label;
                layer.bindTooltip(box, {sticky: true});
            }
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, geojson_text: str, name: str):
        super().__init__()
        self._name = "CatchmentLayer"
        self.layer_name = name
        self.geojson_text = geojson_text


def add_catchments(fmap: folium.Map, geojson: dict, highlight_unit: str | None, name: str,
                   label_for: dict[str, str]) -> None:
    """Catchment polygons; the family's own area outlined thick and labelled in its tooltip.
    Only the geometry, the label and the style reach the browser (no other property of the file)."""
    features = []
    for feature in geojson.get("features", []):
        props = feature.get("properties") or {}
        unit_id = props.get("unit_id")
        own = unit_id is not None and unit_id == highlight_unit
        style = {"color": "#0b5394" if own else "#6d6d6d", "weight": 4 if own else 1,
                 "dashArray": None if own else "4 4", "fillOpacity": 0.12 if own else 0.03}
        label = safe.plain(label_for.get(unit_id, str(unit_id)), max_chars=200)
        features.append({"type": "Feature", "geometry": feature.get("geometry"),
                         "properties": {"label": label, "style": style}})
    if not features:
        return
    _CatchmentLayer(safe.js_json({"type": "FeatureCollection", "features": features}), name).add_to(fmap)


class TextTooltip(MacroElement):
    """A Leaflet tooltip whose text is set with ``textContent``: shown exactly as written, never run
    or parsed as HTML (folium's ``Tooltip`` puts its text into a JavaScript template literal)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var box = document.createElement("div");
            box.textContent = {{ this.text_js }};
            {{ this._parent.get_name() }}.bindTooltip(box, {sticky: true});
        })();
        {% endmacro %}
    """)

    def __init__(self, text: str):
        super().__init__()
        self._name = "TextTooltip"
        self.text_js = safe.js_string(safe.plain(text, max_chars=300))


def _label_icon(text: str, *, background: str, color: str = "#ffffff", size_px: int = 26) -> DivIcon:
    style = (f"background:{background};color:{color};border:2px solid #1a1a1a;border-radius:6px;"
             f"font:bold 13px/22px sans-serif;text-align:center;min-width:{size_px}px;height:{size_px}px;"
             "padding:0 3px;box-sizing:border-box;white-space:nowrap;")
    return DivIcon(html=f'<div style="{style}">{safe.html_text(text, max_chars=40)}</div>',
                   icon_size=(size_px, size_px), icon_anchor=(size_px // 2, size_px // 2))


def add_point(fmap: folium.Map, lat: float, lon: float, label: str, tooltip: str, *,
              background: str = "#1a1a1a", color: str = "#ffffff") -> None:
    """A labelled point (home "H", work "W1", a unit's rank number)."""
    marker = folium.Marker([float(lat), float(lon)], icon=_label_icon(label, background=background, color=color))
    marker.add_child(TextTooltip(tooltip))
    marker.add_to(fmap)


def add_route(fmap: folium.Map, path: Iterable[Sequence[float]], tooltip: str, *, dashed: bool,
              color: str) -> None:
    """A trip as a line; drop-off solid, pick-up dashed (told apart without colour)."""
    points = [[float(p[0]), float(p[1])] for p in path]
    if len(points) < 2:
        return
    line = folium.PolyLine(points, color=color, weight=5, opacity=0.85, dash_array="10 8" if dashed else None)
    line.add_child(TextTooltip(tooltip))
    line.add_to(fmap)


def rank_style(rank: int) -> tuple[str, str]:
    """(background, text colour) of a unit's rank label: the three best dark blue with white text,
    the rest light with dark text (both above 7:1 contrast; the number carries the rank)."""
    return ("#0b5394", "#ffffff") if rank <= 3 else ("#dbe4ef", "#1a1a1a")
