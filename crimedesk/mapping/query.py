"""One map update: query everything the page shows for a filter, and the script that shows it.

Pure (no Qt); :func:`collect` runs on a worker thread with its own connections.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select

from crimedesk.domain.filters import FilterSnapshot
from crimedesk.mapping.data import POINT_LIMIT, MapData, map_data, region_counts
from crimedesk.mapping.layers import filter_shape, regions_geojson
from crimedesk.mapping.options import Symbology
from crimedesk.regions.sizes import region_sizes
from crimedesk.storage.schema import boundaries

EMPTY = {"type": "FeatureCollection", "features": []}


@dataclass(frozen=True)
class MapUpdate:
    snapshot: FilterSnapshot
    data: MapData
    layer: int | None  # boundary layer drawn as the choropleth
    regions: dict[str, Any] | None  # its GeoJSON, only when the page does not have it yet
    counts: dict[str, dict[str, Any]]
    region_legend: dict[str, Any] | None
    heat_style: dict[str, int]

    def script(self) -> str:
        """JavaScript that puts this update on the page (data as JSON literals, never HTML).

        Each part runs on its own (``crimedesk.apply``): one that throws is reported and the others
        still show the new filter. The script's value is the list of failed parts' messages.
        """
        d, f = self.data, self.snapshot
        calls = []
        if self.regions is not None or self.layer is None:
            calls.append(_part("setRegions", self.layer, self.regions or EMPTY))
        selected = sorted(f.region_ids) if f.region_layer_id == self.layer else []
        calls += [
            _part("setPoints", d.points),
            _part("setHeat", d.heat),
            _part("setHeatStyle", self.heat_style),
            _part("setAggregates", d.cells),
            _part("setRegionCounts", self.counts, selected),
            _part("setLegend", [*d.legend, *([self.region_legend] if self.region_legend else [])]),
            _part("setFilterShape", filter_shape(f.bbox, f.polygon_wkt)),
        ]
        return "[" + ",\n".join(calls) + "].filter((failed) => failed !== null)"


def arrivals_script(arrived: MapData) -> str:
    """JavaScript that adds ``arrived`` (:func:`crimedesk.mapping.data.arrived_points`) to the
    points, clusters and heat already on the page; its value as :meth:`MapUpdate.script`'s."""
    return f"[{_part('addPoints', arrived.points)}].filter((failed) => failed !== null)"


def _part(function: str, *args: Any) -> str:
    return f"crimedesk.apply({json.dumps(function)}, {json.dumps(list(args))})"


def collect(
    store: Engine,
    snapshot: FilterSnapshot,
    layer: int | None,
    with_geometry: bool,
    point_limit: int | None = None,
    latitude: float = 41.84,
    aggregates: Engine | None = None,
    symbology: Symbology | None = None,
) -> MapUpdate:
    """Points or grid counts, plus the choropleth of ``layer`` (its shapes if ``with_geometry``).

    Counts and points come from ``aggregates`` (the store's DuckDB mirror once it is ready; default
    the store), the region shapes and sizes always from the store. ``symbology`` colours the
    choropleth (counts or rates) and styles the heat map.
    """
    style = symbology or Symbology()
    sizes = None
    if layer is not None and style.measure != "count":
        with store.connect() as conn:
            sizes = region_sizes(conn, layer)
    with (aggregates or store).connect() as conn:
        data = map_data(conn, snapshot, point_limit or POINT_LIMIT, latitude=latitude)
        counts: dict[str, dict[str, Any]] = {}
        legend: dict[str, Any] | None = None
        if layer is not None:
            counts, legend = region_counts(
                conn, snapshot, layer, style.palette, style.method, style.measure, sizes
            )
    regions = None
    if layer is not None and with_geometry:
        b = boundaries.c
        shapes = select(b.region_id, b.name, b.geometry_wkb).where(b.layer_id == layer)
        with store.connect() as conn:
            regions = regions_geojson(conn.execute(shapes).all())
    return MapUpdate(snapshot, data, layer, regions, counts, legend, style.heat())
