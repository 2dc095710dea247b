"""The map page as data: folium objects, options and the rendered HTML."""

import re
from pathlib import Path

import pytest
from folium import plugins

import crimedesk.mapping
from crimedesk.mapping.assets import web_assets_dir
from crimedesk.mapping.options import ASSETS_URL, CLIENT_URL, MBTILES_URL, XYZ_CACHE_URL, Basemap, PageOptions
from crimedesk.mapping.page import Client, build_map, client_options, render_page

CLIENT_DIR = Path(crimedesk.mapping.__file__).parent / "client"
URLS = re.compile(r"""(?:src|href)=["']([^"']+)["']""")


def children(m, kind: type) -> list:
    return [c for c in m._children.values() if isinstance(c, kind)]


def tile_layers(m) -> list:
    return [c for c in m._children.values() if type(c).__name__ == "TileLayer"]


@pytest.mark.parametrize("kind", ["none", "mbtiles"])
def test_offline_pages_hold_no_http_url(kind):
    html = render_page(PageOptions(basemap=Basemap(kind)))
    assert "http://" not in html and "https://" not in html
    assert "cdn" not in html.lower()


def test_every_script_and_stylesheet_is_a_local_npm_file():
    html = render_page(PageOptions())
    urls = URLS.findall(html)
    assert len(urls) >= 10
    for url in urls:
        assert url.startswith("cdmap://app/"), url
        if url.startswith(ASSETS_URL):
            assert (web_assets_dir() / url.removeprefix(ASSETS_URL + "/")).is_file(), url
    assert (CLIENT_DIR / CLIENT_URL.rsplit("/", 1)[1]).is_file()
    # jQuery before the map script (folium popups need it), the client after the plugins
    assert html.index("jquery.min.js") < html.index("L.map(")
    assert html.index("leaflet.markercluster.js") < html.index("client/map.js")


def test_map_options_canvas_scale_and_max_zoom():
    m = build_map(PageOptions(center=(41.9, -87.7), zoom=12))
    assert m.options["prefer_canvas"] is True
    assert m.options["maxZoom"] == 19  # markercluster refuses a map without it
    assert m.control_scale is False  # the client adds the scale, in the chosen units
    assert client_options(PageOptions())["units"] == "m"
    assert client_options(PageOptions(units="ft"))["units"] == "ft"
    assert m.location == [41.9, -87.7]
    assert tile_layers(m) == []  # no basemap: boundaries form the background


def test_basemaps_are_served_by_the_scheme():
    online = build_map(PageOptions(basemap=Basemap("xyz")))
    [layer] = tile_layers(online)
    assert layer.tiles == XYZ_CACHE_URL  # fetched and cached by the app, never by the page
    assert "OpenStreetMap" in layer.options["attribution"]
    [layer] = tile_layers(build_map(PageOptions(basemap=Basemap("mbtiles"))))
    assert layer.tiles == MBTILES_URL


def test_draw_tools_are_rectangle_and_polygon_only():
    [draw] = children(build_map(PageOptions()), plugins.Draw)
    options = draw.draw_options
    assert options["polyline"] is False and options["circle"] is False and options["marker"] is False
    assert "rectangle" not in options and "polygon" not in options  # Leaflet.draw defaults: enabled
    assert draw.show_geometry_on_click is False


def test_client_starts_last_with_its_options():
    m = build_map(PageOptions(visible=("heat",)))
    [client] = children(m, Client)
    assert list(m._children.values())[-1] is client
    assert client.options["visible"] == ["heat"]
    assert client.options["categories"]["violent"].startswith("#")
    assert "crimedesk.init(" in m.get_root().render()


def test_bad_basemaps_are_refused():
    with pytest.raises(ValueError, match="unknown basemap"):
        Basemap("google")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"\{z\}"):
        Basemap("xyz", url="https://tiles.example/tile.png")


def test_page_is_small():
    assert len(render_page(PageOptions()).encode()) < 20_000


def test_an_mbtiles_files_attribution_is_shown_as_text() -> None:
    page = render_page(PageOptions(basemap=Basemap("mbtiles", attribution="© <b>Tiles</b> & co")))
    shown = "offline tiles (MBTiles): \\u00a9 \\u0026lt;b\\u0026gt;Tiles\\u0026lt;/b\\u0026gt; \\u0026amp; co"
    assert shown in page  # JSON-escaped in the page: Leaflet sets it as HTML, showing the text
