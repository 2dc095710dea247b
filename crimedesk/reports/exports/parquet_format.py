"""Parquet with GeoParquet 1.0 metadata: the ``geometry`` column is WKB, its CRS given as PROJJSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.parquet as pq
from pyproj import CRS

from crimedesk.reports.exports.formats import WGS84, Target, register


@dataclass(frozen=True)
class ParquetFormat:
    name: str = "parquet"
    suffix: str = ".parquet"
    spatial: bool = True
    only_epsg: int | None = None

    def write(self, batches: Iterator[pa.RecordBatch], schema: pa.Schema, target: Target) -> None:
        geo = geo_metadata(target.epsg, target.geometry_type)
        schema = schema.with_metadata({b"geo": json.dumps(geo).encode()})
        with pq.ParquetWriter(target.path, schema, compression="zstd") as writer:
            for batch in batches:
                writer.write_batch(batch.replace_schema_metadata(schema.metadata))


def geo_metadata(epsg: int, geometry_type: str = "Point") -> dict:
    """GeoParquet's longitude/latitude is OGC:CRS84 (EPSG:4326 with x = longitude)."""
    crs = CRS.from_user_input("OGC:CRS84" if epsg == WGS84 else f"EPSG:{epsg}")
    column = {"encoding": "WKB", "geometry_types": [geometry_type], "crs": crs.to_json_dict()}
    return {"version": "1.0.0", "primary_column": "geometry", "columns": {"geometry": column}}


PARQUET = register(ParquetFormat())
