"""GeoPackage and GeoJSON through GDAL's arrow writer: batches stream in, one layer comes out.

GeoJSON is written as RFC 7946 (WGS84 longitude/latitude, no ``crs`` member); GeoPackage in the
target's coordinate system.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pyarrow as pa
from pyogrio.raw import write_arrow

from crimedesk.reports.exports.formats import WGS84, Target, register


@dataclass(frozen=True)
class GdalFormat:
    name: str
    suffix: str
    driver: str
    only_epsg: int | None = None
    layer_options: dict[str, str] = field(default_factory=dict)
    spatial: bool = True

    def write(self, batches: Iterator[pa.RecordBatch], schema: pa.Schema, target: Target) -> None:
        failures: list[Exception] = []
        reader = pa.RecordBatchReader.from_batches(schema, _noting(batches, failures))
        try:
            self._write(reader, target)
        except RuntimeError:
            if failures:  # GDAL reports only that the stream failed: raise the reason instead
                raise failures[0] from None
            raise

    def _write(self, reader: pa.RecordBatchReader, target: Target) -> None:
        write_arrow(
            reader,
            str(target.path),
            layer=target.layer,
            driver=self.driver,
            geometry_name="geometry",
            geometry_type=target.geometry_type,
            crs=f"EPSG:{target.epsg}",
            layer_options=self.layer_options or None,
        )


def _noting(batches: Iterator[pa.RecordBatch], failures: list[Exception]) -> Iterator[pa.RecordBatch]:
    """The batches; an error raised while making one (a cancel) is kept in ``failures``."""
    try:
        yield from batches
    except Exception as exc:
        failures.append(exc)
        raise


GPKG = register(GdalFormat("gpkg", ".gpkg", "GPKG"))
GEOJSON = register(GdalFormat("geojson", ".geojson", "GeoJSON", WGS84, {"RFC7946": "YES"}))
