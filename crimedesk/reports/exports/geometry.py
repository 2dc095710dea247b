"""Point geometry for spatial formats: WKB from the incidents' longitude/latitude, reprojected."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import shapely
from pyproj import Transformer

from crimedesk.reports.exports.formats import WGS84


def with_geometry_schema(schema: pa.Schema) -> pa.Schema:
    return schema.append(pa.field("geometry", pa.binary()))


def with_geometry(batches: Iterator[pa.RecordBatch], epsg: int) -> Iterator[pa.RecordBatch]:
    """Each batch with a ``geometry`` WKB point in ``epsg`` (null where a coordinate is missing)."""
    transformer = None if epsg == WGS84 else Transformer.from_crs(WGS84, epsg, always_xy=True)
    for batch in batches:
        lon = batch.column("longitude").to_numpy(zero_copy_only=False)
        lat = batch.column("latitude").to_numpy(zero_copy_only=False)
        placed = ~(np.isnan(lon) | np.isnan(lat))
        x, y = lon[placed], lat[placed]
        if transformer is not None:
            x, y = transformer.transform(x, y)
        points = np.full(len(lon), None, dtype=object)
        points[placed] = shapely.points(x, y)
        wkb = pa.array(shapely.to_wkb(points), pa.binary())
        yield pa.RecordBatch.from_arrays([*batch.columns, wkb], schema=with_geometry_schema(batch.schema))
