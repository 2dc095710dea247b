"""The built-in export formats, registered by importing them, and the look-ups over the registry."""

from __future__ import annotations

from crimedesk.reports.exports import csv_format, gdal_formats, parquet_format
from crimedesk.reports.exports.formats import FORMATS, ExportFormat

BUILT_IN = (csv_format.CSV, gdal_formats.GEOJSON, gdal_formats.GPKG, parquet_format.PARQUET)


def export_format(name: str) -> ExportFormat:
    """The registered format ``name``; a ValueError lists the known ones."""
    if name not in FORMATS:
        raise ValueError(f"unknown export format {name!r}; choose one of {', '.join(format_names())}")
    return FORMATS[name]


def format_names() -> list[str]:
    return sorted(FORMATS)
