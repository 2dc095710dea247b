"""Map page: a choropleth of the regions' 28-day counts with legend, scale bar and north arrow,
over the offline basemap when one is configured (an MBTiles file; see crimedesk.reports.basemap).

Drawn as reportlab vectors (no Qt, no matplotlib), so the CLI makes it too. The regions come from
the boundary layer of the report's layer, or, for a source column such as ``district``, from the
boundary layer loaded for that column (its codes matched as the agreement check matches them).
"""

from __future__ import annotations

import math
import sqlite3
from itertools import pairwise
from pathlib import Path

import numpy as np
import shapely
from reportlab.graphics.shapes import Drawing, Image, Line, Polygon, Rect, String
from reportlab.graphics.shapes import Path as Outline
from reportlab.lib import colors
from reportlab.platypus import Flowable, PageBreak
from sqlalchemy import Connection, select

from crimedesk.regions.agreement import codes_match
from crimedesk.regions.store import layer_regions_gdf
from crimedesk.reports.basemap import BasemapImage, basemap_image
from crimedesk.reports.context import ReportContext
from crimedesk.reports.sections.base import register
from crimedesk.reports.sections.compstat import compstat_of
from crimedesk.reports.style import HEADING, SMALL, WIDTH, text
from crimedesk.storage.schema import boundary_layers

RAMP = ("#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15")
HEIGHT = 520
METRES_PER_DEGREE = 111_320
BASEMAP_PIXELS_PER_POINT = 2  # about 144 dpi on paper
OVER_BASEMAP_OPACITY = 0.55  # the streets show through the classes' colours


@register("map", "Map")
def region_map(ctx: ReportContext) -> list[Flowable]:
    layer_id = boundary_layer_of(ctx.store_conn, ctx.options.layer)
    if layer_id is None:
        note = f"No boundary layer is loaded for {ctx.options.layer}; load one to map the regions."
        return [text("Map", HEADING), text(note)]
    regions = layer_regions_gdf(ctx.store_conn, layer_id)
    table = compstat_of(ctx).table
    placed = table[table["region"].notna() & (table["region"] != "Citywide")]
    counts = [
        int(
            next(
                (
                    n
                    for code, n in zip(placed["region"], placed["d28"], strict=True)
                    if codes_match(code, rid)
                ),
                0,
            )
        )
        for rid in regions["region_id"]
    ]
    frame = _Frame(regions.total_bounds)
    basemap, problem = _basemap(ctx.options.basemap, frame)
    drawing, breaks = _choropleth(regions, counts, frame, basemap)
    note = "Incidents in the 28 days to {}, by region (classes by quantile: {}).{}".format(
        ctx.as_of, ", ".join(f"{low:,}–{high:,}" for low, high in breaks), problem
    )
    return [PageBreak(), text("Map: last 28 days by region", HEADING), drawing, text(note, SMALL)]


class _Frame:
    """Where the regions' bounds sit on the page: linear in longitude (squeezed by the cosine of
    the latitude) and latitude, 10 points from the left and 50 from the bottom."""

    def __init__(self, bounds: tuple[float, float, float, float]) -> None:
        minx, miny, maxx, maxy = (float(v) for v in bounds)
        self.bounds = (minx, miny, maxx, maxy)
        self.squeeze = math.cos(math.radians((miny + maxy) / 2))  # metres per degree of longitude
        self.scale = min((WIDTH - 20) / ((maxx - minx) * self.squeeze), (HEIGHT - 60) / (maxy - miny))
        self.width, self.height = (maxx - minx) * self.squeeze * self.scale, (maxy - miny) * self.scale

    def to_page(self, x: np.ndarray, y: np.ndarray) -> list[float]:
        minx, miny = self.bounds[:2]
        px, py = 10 + (x - minx) * self.squeeze * self.scale, 50 + (y - miny) * self.scale
        return [float(v) for pair in zip(px, py, strict=True) for v in pair]


def _basemap(path: str | None, frame: _Frame) -> tuple[BasemapImage | None, str]:
    """The basemap image of the frame, or None; and a sentence when the configured one failed."""
    if path is None:
        return None, ""
    size = (round(frame.width * BASEMAP_PIXELS_PER_POINT), round(frame.height * BASEMAP_PIXELS_PER_POINT))
    try:
        image = basemap_image(Path(path), frame.bounds, size)
    except (OSError, ValueError, sqlite3.Error) as exc:
        return None, f" Basemap not drawn: {exc}."
    return image, "" if image is not None else " The basemap file has no tiles of this area."


def boundary_layer_of(conn: Connection, layer: str | int) -> int | None:
    if isinstance(layer, int):
        return layer
    query = select(boundary_layers.c.id).where(boundary_layers.c.incident_field == layer)
    return conn.execute(query.order_by(boundary_layers.c.id)).scalar()


def _choropleth(
    regions, counts: list[int], frame: _Frame, basemap: BasemapImage | None
) -> tuple[Drawing, list[tuple[int, int]]]:
    to_page = frame.to_page
    edges = np.unique(np.quantile(counts, np.linspace(0, 1, len(RAMP) + 1))) if counts else np.array([0])
    drawing = Drawing(WIDTH, HEIGHT)
    opacity = 1.0
    if basemap is not None:
        drawing.add(Image(10, 50, frame.width, frame.height, basemap.image))
        drawing.add(String(WIDTH - 10, 6, basemap.attribution, fontSize=6, textAnchor="end"))
        opacity = OVER_BASEMAP_OPACITY
    for geometry, region_id, n in zip(regions.geometry, regions["region_id"], counts, strict=True):
        colour = colors.HexColor(RAMP[min(int(np.searchsorted(edges, n, side="right")) - 1, len(RAMP) - 1)])
        for part in getattr(geometry, "geoms", [geometry]):
            ring = np.asarray(part.exterior.coords)
            drawing.add(
                Polygon(
                    to_page(ring[:, 0], ring[:, 1]),
                    fillColor=colour,
                    fillOpacity=opacity,
                    strokeColor=colors.white,
                    strokeWidth=0.5,
                )
            )
        label = shapely.point_on_surface(geometry)
        px, py = to_page(np.array([label.x]), np.array([label.y]))
        drawing.add(String(px, py, str(region_id), fontSize=6, textAnchor="middle"))
    breaks = [(int(a), int(b)) for a, b in pairwise(edges)] or [(0, 0)]
    _legend(drawing, breaks, opacity)  # the swatches as light as the regions over the basemap
    _scale_bar(drawing, frame.scale)
    _north_arrow(drawing)
    return drawing, breaks


def _legend(drawing: Drawing, breaks: list[tuple[int, int]], opacity: float) -> None:
    for i, (low, high) in enumerate(breaks):
        drawing.add(
            Rect(
                WIDTH - 110,
                20 + 14 * i,
                12,
                10,
                fillColor=colors.HexColor(RAMP[i]),
                fillOpacity=opacity,
                strokeWidth=0.3,
            )
        )
        drawing.add(String(WIDTH - 93, 22 + 14 * i, f"{low:,} – {high:,}", fontSize=7))


def _scale_bar(drawing: Drawing, scale: float) -> None:
    """A bar of a round number of kilometres: ``scale`` is page units per degree of latitude."""
    per_metre = scale / METRES_PER_DEGREE
    km = next(k for k in (1, 2, 5, 10, 20, 50, 100) if k * 1000 * per_metre >= 60)
    length = km * 1000 * per_metre
    drawing.add(Line(10, 20, 10 + length, 20, strokeWidth=2))
    drawing.add(String(10, 25, f"{km} km", fontSize=7))


def _north_arrow(drawing: Drawing) -> None:
    x, y = WIDTH - 20, HEIGHT - 40
    arrow = Outline(fillColor=colors.black)
    arrow.moveTo(x, y + 24)
    arrow.lineTo(x - 6, y)
    arrow.lineTo(x + 6, y)
    arrow.closePath()
    drawing.add(arrow)
    drawing.add(String(x, y - 10, "N", fontSize=9, textAnchor="middle"))
