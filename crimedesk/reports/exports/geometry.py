"""Point geometry for spatial formats: WKB from the incidents' longitude/latitude, reprojected."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa
from pyproj import Transformer

from crimedesk.reports.exports.formats import WGS84

#: One 2-D WKB point: byte order (1: little-endian), geometry type (1: Point), x, y; 21 bytes.
POINT_WKB = np.dtype([("order", "u1"), ("kind", "<u4"), ("x", "<f8"), ("y", "<f8")])


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
        wkb = point_wkb(x, y, placed)
        yield pa.RecordBatch.from_arrays([*batch.columns, wkb], schema=with_geometry_schema(batch.schema))


def point_wkb(x: np.ndarray, y: np.ndarray, placed: np.ndarray) -> pa.Array:
    """WKB points built in numpy: row i is the next (x, y) where ``placed[i]``, else null."""
    records = np.empty(len(x), POINT_WKB)
    records["order"], records["kind"], records["x"], records["y"] = 1, 1, x, y
    offsets = np.zeros(len(placed) + 1, np.int32)
    np.cumsum(placed * np.int32(POINT_WKB.itemsize), out=offsets[1:])
    validity = None if placed.all() else pa.array(placed).buffers()[1]
    buffers = [validity, pa.py_buffer(offsets), pa.py_buffer(records)]
    return pa.Array.from_buffers(pa.binary(), len(placed), buffers)
