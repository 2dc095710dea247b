"""Each region's residents and area: the denominators of the choropleth's rates.

Both are worked out when a layer is loaded (pyproj runs in the loading process, never on the map's
worker threads) and kept in the region's ``properties`` JSON under :data:`SIZE_KEY`, so no table
changes. Areas are measured in a Lambert azimuthal equal-area projection centred on the layer:
true square kilometres, not square degrees.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import Connection, select

from crimedesk.storage.schema import boundaries

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

SIZE_KEY = "_crimedesk_size"  # {"population": float | None, "area_km2": float}


@dataclass(frozen=True)
class RegionSize:
    population: float | None
    area_km2: float | None


def region_populations(frame: pd.DataFrame, id_field: str, population_field: str) -> dict[str, float | None]:
    """Residents of each region id. Several features of one region add up, unless they all repeat
    one value (a multi-part region whose every part carries the region's total). Text such as
    ``"12,345"`` is read as a number; blanks, negatives and text that is no number give None."""
    import pandas as pd

    text = frame[population_field].astype("string").str.replace(",", "", regex=False).str.strip()
    values = pd.to_numeric(text, errors="coerce").where(lambda v: v >= 0)
    out: dict[str, float | None] = {}
    for region_id, group in values.groupby(frame[id_field], sort=False):
        known = group.dropna()
        if known.empty:
            out[str(region_id)] = None
        else:
            out[str(region_id)] = float(known.iloc[0] if known.nunique() == 1 else known.sum())
    return out


def areas_km2(regions: gpd.GeoDataFrame) -> np.ndarray:
    """Area of each region (WGS84 geometries) in km², in an equal-area projection centred on the layer."""
    west, south, east, north = regions.total_bounds
    laea = f"+proj=laea +lat_0={(south + north) / 2} +lon_0={(west + east) / 2} +datum=WGS84 +units=m"
    return np.asarray(regions.geometry.to_crs(laea).area, dtype=float) / 1e6


def region_sizes(conn: Connection, layer_id: int) -> dict[str, RegionSize]:
    """Population and area of each region of ``layer_id`` (None where the layer has none: a layer
    loaded without a population field, or before areas were kept)."""
    query = select(boundaries.c.region_id, boundaries.c.properties).where(boundaries.c.layer_id == layer_id)
    sizes = {}
    for region_id, properties in conn.execute(query).all():
        size = json.loads(properties or "{}").get(SIZE_KEY) or {}
        sizes[str(region_id)] = RegionSize(size.get("population"), size.get("area_km2"))
    return sizes
