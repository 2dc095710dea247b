"""The map page as data: a folium Map wired to local assets, a basemap and the crimedesk client.

Pure (no Qt). folium takes about a second to import, so the UI imports this module only on the
worker that renders a page (URLs and options live in crimedesk.mapping.options). The page holds no
incident data: the Qt side pushes points, aggregates and regions into it afterwards
(``runJavaScript``), so the HTML stays a few KB whatever the store size. Every script and
stylesheet is served by the ``cdmap`` URL scheme; the only http(s) URLs are those of an online
basemap the user switched on.
"""

from __future__ import annotations

import html

import folium
from branca.element import MacroElement
from folium import plugins
from folium.template import Template

from crimedesk.domain.display_text import BIDI_CONTROLS, display_text
from crimedesk.mapping.classes import HEAT_GRADIENT
from crimedesk.mapping.layers import CATEGORY_COLORS
from crimedesk.mapping.options import (
    ASSETS_URL,
    CLIENT_URL,
    MBTILES_URL,
    OSM_ATTRIBUTION,
    QWEBCHANNEL_URL,
    XYZ_CACHE_URL,
    Basemap,
    PageOptions,
)


def local_assets() -> dict[str, list[tuple[str, str]]]:
    """folium's asset lists, re-pointed at the npm files behind the ``cdmap`` scheme."""
    a = ASSETS_URL
    return {
        "map_js": [("leaflet", f"{a}/leaflet/dist/leaflet.js"), ("jquery", f"{a}/jquery/dist/jquery.min.js")],
        "map_css": [("leaflet_css", f"{a}/leaflet/dist/leaflet.css")],
        "plugin_js": [
            ("markerclusterjs", f"{a}/leaflet.markercluster/dist/leaflet.markercluster.js"),
            ("leaflet-heat.js", f"{a}/leaflet.heat/dist/leaflet-heat.js"),
            ("leaflet_draw_js", f"{a}/leaflet-draw/dist/leaflet.draw.js"),
            ("qwebchannel", QWEBCHANNEL_URL),
            ("crimedesk_map", CLIENT_URL),
        ],
        "plugin_css": [
            ("markerclustercss", f"{a}/leaflet.markercluster/dist/MarkerCluster.css"),
            ("markerclusterdefaultcss", f"{a}/leaflet.markercluster/dist/MarkerCluster.Default.css"),
            ("leaflet_draw_css", f"{a}/leaflet-draw/dist/leaflet.draw.css"),
        ],
    }


def client_options(options: PageOptions) -> dict:
    """What the page's client script receives at start-up (JSON)."""
    return {
        "categories": CATEGORY_COLORS,
        "visible": list(options.visible),
        "basemap": options.basemap.kind,
        "bidi": {char: display_text(char) for char in BIDI_CONTROLS},
        "heatGradient": HEAT_GRADIENT,
        "units": options.units,
    }


class Client(MacroElement):
    """Starts the crimedesk client script once every folium layer of the map exists."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "crimedesk.init({{ this._parent.get_name() }}, {{ this.options|tojson }},"
        " {{ this.drawn.get_name() }});"
        "{% endmacro %}"
    )

    def __init__(self, options: dict, drawn: folium.FeatureGroup) -> None:
        super().__init__()
        self._name = "CrimedeskClient"
        self.options = options
        self.drawn = drawn


def build_map(options: PageOptions) -> folium.Map:
    """The folium Map: canvas rendering, scale bar, draw tools, one basemap (or none), the client."""
    assets = local_assets()
    m = folium.Map(
        location=list(options.center),
        zoom_start=options.zoom,
        tiles=None,
        prefer_canvas=True,
        control_scale=False,  # the client adds it, in the chosen units
    )
    m.options["maxZoom"] = options.max_zoom  # markercluster needs it when tiles=None
    m.default_js, m.default_css = assets["map_js"], assets["map_css"]
    basemap = options.basemap
    if basemap.kind != "none":
        url = XYZ_CACHE_URL if basemap.kind == "xyz" else MBTILES_URL
        attribution = basemap.attribution if basemap.kind == "xyz" else _mbtiles_attribution(basemap)
        folium.TileLayer(
            tiles=url, attr=attribution, name="Basemap", max_zoom=options.max_zoom, overlay=False
        ).add_to(m)
    drawn = folium.FeatureGroup(name="Drawn area")
    drawn.add_to(m)
    draw = plugins.Draw(
        feature_group=drawn,
        show_geometry_on_click=False,
        draw_options={"polyline": False, "circle": False, "marker": False, "circlemarker": False},
        edit_options={"edit": False},
    )
    draw.default_js, draw.default_css = assets["plugin_js"], assets["plugin_css"]
    draw.add_to(m)
    Client(client_options(options), drawn).add_to(m)
    return m


def render_page(options: PageOptions) -> str:
    """The page's HTML (a few KB; no incident data)."""
    return build_map(options).get_root().render()


def _mbtiles_attribution(basemap: Basemap) -> str:
    """The file's own attribution (text from the file, never markup) beside "offline tiles"; the
    default online OSM link is not a file's and stays out of an offline page."""
    own = basemap.attribution if basemap.attribution != OSM_ATTRIBUTION else ""
    return f"offline tiles (MBTiles): {html.escape(own)}" if own else "offline tiles (MBTiles)"
