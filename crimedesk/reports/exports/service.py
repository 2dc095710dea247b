"""Export services: the filtered incidents to a file, checked against the user's role and audited."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pyarrow as pa
from sqlalchemy import Connection, Engine, select

from crimedesk.analytics.incident_table import count_incidents
from crimedesk.auth import audit
from crimedesk.auth.permissions import requires
from crimedesk.auth.roles import Action
from crimedesk.auth.user import User
from crimedesk.domain.errors import CrimedeskError
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.domain.progress import CancelFn, ProgressFn, check_cancel, never_cancel, no_progress
from crimedesk.reports.exports.catalog import export_format
from crimedesk.reports.exports.files import written_atomically
from crimedesk.reports.exports.formats import WGS84, ExportFormat, Target
from crimedesk.reports.exports.geometry import with_geometry, with_geometry_schema
from crimedesk.reports.exports.regions import region_batch, region_table
from crimedesk.reports.exports.rows import INCIDENT_SCHEMA, incident_batches
from crimedesk.storage.schema import incidents

CRS_CHOICES = ("wgs84", "projected")


class ExportError(CrimedeskError):
    """An export that cannot be made as asked (the sentence says why)."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    epsg: int | None


@requires(Action.EXPORT)
def export_incidents(
    engine: Engine,
    user: User,
    filters: FilterSnapshot,
    format_name: str,
    out: Path,
    *,
    crs: str = "wgs84",
    bom: bool = False,
    progress: ProgressFn = no_progress,
    cancel: CancelFn = never_cancel,
) -> ExportResult:
    """Write the incidents ``filters`` select to ``out`` as ``format_name``, in chunks.

    ``crs`` is ``wgs84`` or ``projected`` (the store's projected system) for spatial formats.
    """
    fmt = _format(format_name)
    with engine.connect() as conn:
        epsg = _epsg(conn, crs, fmt.only_epsg) if fmt.spatial else None
        total = count_incidents(conn, filters)
        schema = with_geometry_schema(INCIDENT_SCHEMA) if epsg else INCIDENT_SCHEMA
        batches = _counted(incident_batches(conn, filters), total, progress, cancel)
        stream = with_geometry(batches, epsg) if epsg else batches

        def write(path: Path) -> None:
            fmt.write(stream, schema, Target(path, "incidents", epsg or WGS84, bom))

        written_atomically(out, write)
    details = {"format": fmt.name, "epsg": epsg, "rows": total, "filters": filters.to_dict()}
    details["file"] = str(out)
    with engine.begin() as conn:
        audit.record(conn, user, Action.EXPORT, "incidents", out.name, details)
    progress(1.0, f"{total:,} incidents written")
    return ExportResult(out, total, epsg)


@requires(Action.EXPORT)
def export_regions(
    engine: Engine,
    user: User,
    filters: FilterSnapshot,
    layer_id: int,
    format_name: str,
    out: Path,
    *,
    crs: str = "wgs84",
    bom: bool = False,
) -> ExportResult:
    """The choropleth's table of boundary layer ``layer_id`` (see :func:`.regions.region_table`)."""
    fmt = _format(format_name)
    with engine.connect() as conn:
        epsg = _epsg(conn, crs, fmt.only_epsg) if fmt.spatial else None
        table = region_table(conn, filters, layer_id)
    if epsg is not None and epsg != WGS84:
        table = table.to_crs(epsg)
    batch = region_batch(table, fmt.spatial)

    def write(path: Path) -> None:
        target = Target(path, "regions", epsg or WGS84, bom, "MultiPolygon")
        fmt.write(iter([batch]), batch.schema, target)

    written_atomically(out, write)
    details = {"format": fmt.name, "epsg": epsg, "rows": len(table), "filters": filters.to_dict()}
    details |= {"layer_id": layer_id, "file": str(out)}
    with engine.begin() as conn:
        audit.record(conn, user, Action.EXPORT, "regions", out.name, details)
    return ExportResult(out, len(table), epsg)


@requires(Action.EXPORT)
def export_model(
    engine: Engine, user: User, experiment_id: int, format_name: str, out: Path, *, crs: str = "wgs84"
) -> ExportResult:
    """A model's hotspot polygons or flagged risk cells with their values and labels."""
    from crimedesk.reports.exports.model_shapes import model_shapes

    fmt = _format(format_name)
    shapes = model_shapes(engine, experiment_id)
    epsg = None
    if fmt.spatial:
        if crs not in CRS_CHOICES or (crs == "projected" and fmt.only_epsg is not None):
            _epsg_choice_error(crs, fmt.only_epsg)
        epsg = WGS84 if crs == "wgs84" else int(shapes.crs.to_epsg())
        shapes = shapes.to_crs(epsg)
    batch = region_batch(shapes, fmt.spatial)

    def write(path: Path) -> None:
        fmt.write(iter([batch]), batch.schema, Target(path, "model", epsg or WGS84, False, "MultiPolygon"))

    written_atomically(out, write)
    details = {"format": fmt.name, "epsg": epsg, "rows": len(shapes), "experiment_id": experiment_id}
    details["file"] = str(out)
    with engine.begin() as conn:
        audit.record(conn, user, Action.EXPORT, "model", experiment_id, details)
    return ExportResult(out, len(shapes), epsg)


def _epsg_choice_error(crs: str, only: int | None) -> NoReturn:
    if crs not in CRS_CHOICES:
        raise ExportError(f"unknown coordinate system {crs!r}; choose one of {', '.join(CRS_CHOICES)}")
    raise ExportError(f"this format is always written in EPSG:{only} (WGS84); choose wgs84")


def _format(name: str) -> ExportFormat:
    try:
        return export_format(name)
    except ValueError as exc:
        raise ExportError(str(exc)) from None


def _epsg(conn: Connection, crs: str, only: int | None) -> int:
    if crs == "wgs84":
        return WGS84
    if crs not in CRS_CHOICES or only is not None:
        _epsg_choice_error(crs, only)
    return projected_epsg(conn)


def projected_epsg(conn: Connection) -> int:
    """The one projected coordinate system the store's incidents carry."""
    query = select(incidents.c.xy_epsg).where(incidents.c.xy_epsg.is_not(None)).group_by(incidents.c.xy_epsg)
    codes = [row[0] for row in conn.execute(query)]
    if len(codes) != 1:
        raise ExportError(
            f"the store's incidents carry {len(codes)} projected coordinate systems; export in wgs84"
        )
    return int(codes[0])


def _counted(
    batches: Generator[pa.RecordBatch], total: int, progress: ProgressFn, cancel: CancelFn
) -> Iterator[pa.RecordBatch]:
    """The batches with progress; a cancel closes the query's cursor at once."""
    done = 0
    progress(0.0, f"0 of {total:,} incidents")
    with closing(batches):
        for batch in batches:
            check_cancel(cancel)
            yield batch
            done += batch.num_rows
            progress(done / max(total, 1), f"{done:,} of {total:,} incidents")
        check_cancel(cancel)
