"""The choropleth's table for export: each region of a boundary layer with its count under the
filters (the map's own query), its density and its CompStat columns, and its polygon."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import shapely
from sqlalchemy import Connection

from crimedesk.analytics.compstat import PERIODS, compstat
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.mapping.data import region_counts
from crimedesk.regions.store import layer_regions_gdf

SQUARE_METRES_PER_KM2 = 1_000_000


def region_table(conn: Connection, filters: FilterSnapshot, layer_id: int) -> gpd.GeoDataFrame:
    """One row per region: ``region_id``, ``name``, ``count``, ``area_km2``, ``per_km2`` and, when the
    filters end on a day, CompStat's ``wtd``/``d28``/``ytd`` with ``_prev``, ``_diff``, ``_pct``, ``_p``."""
    regions = layer_regions_gdf(conn, layer_id)
    counts, _legend = region_counts(conn, filters, layer_id)
    table = regions[["region_id", "name"]].copy()
    table["count"] = [int(counts.get(rid, {}).get("count", 0)) for rid in regions["region_id"]]
    areas = regions.to_crs(regions.estimate_utm_crs()).area / SQUARE_METRES_PER_KM2
    table["area_km2"] = areas.to_numpy()
    table["per_km2"] = table["count"] / table["area_km2"]
    if filters.date_to is not None:
        table = table.merge(_compstat_columns(conn, filters, layer_id), on="region_id", how="left")
        counts_of = [p + suffix for p in PERIODS for suffix in ("", "_prev", "_diff")]
        table[counts_of] = table[counts_of].fillna(0).astype("int64")  # no incident in either period
    return gpd.GeoDataFrame(table, geometry=[_multi(g) for g in regions.geometry], crs=regions.crs)


def _compstat_columns(conn: Connection, filters: FilterSnapshot, layer_id: int) -> pd.DataFrame:
    assert filters.date_to is not None
    table = compstat(conn, filters, layer_id, filters.date_to).table
    out = pd.DataFrame({"region_id": table["region"]})
    for p in PERIODS:
        for suffix in ("", "_prev", "_diff"):
            out[p + suffix] = table[p + suffix].astype("int64")
        out[f"{p}_pct"] = pd.to_numeric(table[f"{p}_pct"], errors="coerce")
        out[f"{p}_p"] = [None if t is None or not t.testable else t.p_value for t in table[f"{p}_test"]]
    return out[out["region_id"].notna()]


def _multi(geometry: shapely.Polygon | shapely.MultiPolygon) -> shapely.MultiPolygon:
    """One geometry type for the layer: GeoPackage and GeoParquet readers expect it."""
    return shapely.MultiPolygon([geometry]) if isinstance(geometry, shapely.Polygon) else geometry


def region_batch(table: gpd.GeoDataFrame, spatial: bool) -> pa.RecordBatch:
    """The table as one arrow batch (``geometry`` as WKB when the format is spatial)."""
    frame = pd.DataFrame(table.drop(columns="geometry"))
    batch = pa.RecordBatch.from_pandas(frame, preserve_index=False)
    if any(pa.types.is_null(field.type) for field in batch.schema):  # e.g. a layer without names
        batch = batch.cast(
            pa.schema([f.with_type(pa.string()) if pa.types.is_null(f.type) else f for f in batch.schema])
        )
    if not spatial:
        return batch
    wkb = pa.array(shapely.to_wkb(table.geometry.to_numpy()), pa.binary())
    return pa.RecordBatch.from_arrays(
        [*batch.columns, wkb], schema=batch.schema.append(pa.field("geometry", pa.binary()))
    )
