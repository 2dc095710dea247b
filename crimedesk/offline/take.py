"""``take_offline``: a new SQLite store holding one slice of a store, for a laptop with no network.

The slice holds the filtered incidents (their ids kept) with their region joins, every boundary
layer, the saved column mappings, the promoted models (their artifact files copied beside the
slice) and the whole import history; its ``offline_slices`` row says where and how it was taken.
Imports made in the field later get ids past the source's last one, which is how
:mod:`crimedesk.offline.give_back` tells them apart.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, func, select

from crimedesk.analytics.filters_sql import where_clause
from crimedesk.auth import audit
from crimedesk.auth.permissions import requires
from crimedesk.auth.roles import Action
from crimedesk.auth.user import User
from crimedesk.config.secrets import shown_url
from crimedesk.domain.errors import CrimedeskError
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.domain.progress import CancelFn, ProgressFn, never_cancel, no_progress
from crimedesk.models.persistence import artifact_files
from crimedesk.offline.copying import copy_rows
from crimedesk.storage.engine import make_engine
from crimedesk.storage.schema import (
    boundaries,
    boundary_layers,
    experiments,
    import_mappings,
    imports,
    incident_regions,
    incidents,
    offline_slices,
)


class OfflineError(CrimedeskError):
    """A slice cannot be taken or brought back; the message says why."""


@dataclass(frozen=True)
class TakeResult:
    path: Path
    incidents: int
    region_joins: int
    layers: int
    mappings: int
    models: int

    def summary(self) -> str:
        return (
            f"{self.path.name}: {self.incidents:,} incidents, {self.region_joins:,} region joins,"
            f" {self.layers:,} boundary layers, {self.mappings:,} saved mappings, {self.models:,} models"
        )


def models_dir(path: Path) -> Path:
    """Where a slice keeps its models' artifact files."""
    return path.with_name(path.name + ".models")


@requires(Action.TAKE_OFFLINE)
def take_offline(
    server: Engine,
    path: Path,
    filters: FilterSnapshot,
    user: User,
    progress: ProgressFn = no_progress,
    cancel: CancelFn = never_cancel,
) -> TakeResult:
    """Write the slice ``filters`` select to the new SQLite file ``path``; on error or Cancel the
    file is removed and the server is unchanged."""
    if path.exists():
        raise OfflineError(f"{path} exists already: choose a new file for the slice")
    laptop = make_engine(f"sqlite:///{path}")
    try:
        result = _take(server, laptop, path, filters, user, progress, cancel)
    except BaseException:
        laptop.dispose()
        _remove(path)
        raise
    laptop.dispose()
    return result


def _take(
    server: Engine,
    laptop: Engine,
    path: Path,
    filters: FilterSnapshot,
    user: User,
    progress: ProgressFn,
    cancel: CancelFn,
) -> TakeResult:
    chosen = select(incidents.c.id).where(where_clause(filters, incidents))
    with server.connect() as src, laptop.begin() as dst:
        progress(0.0, "import history, boundary layers and mappings")
        copy_rows(src, dst, imports, select(imports).order_by(imports.c.id), cancel)
        layers = copy_rows(src, dst, boundary_layers, select(boundary_layers), cancel)
        copy_rows(src, dst, boundaries, select(boundaries), cancel)
        mappings = copy_rows(src, dst, import_mappings, select(import_mappings), cancel)
        progress(0.1, "promoted models")
        models = _copy_models(src, dst, models_dir(path), cancel)
        progress(0.2, "incidents")
        taken = copy_rows(src, dst, incidents, select(incidents).where(incidents.c.id.in_(chosen)), cancel)
        progress(0.7, "region joins")
        joins = copy_rows(
            src,
            dst,
            incident_regions,
            select(incident_regions).where(incident_regions.c.incident_id.in_(chosen)),
            cancel,
        )
        last_import = src.execute(select(func.coalesce(func.max(imports.c.id), 0))).scalar_one()
        src.rollback()
        details = {"path": str(path), "filters": filters.to_dict(), "incidents": taken}
        _describe(dst, shown_url(server.url), filters, user, last_import, taken)
        audit.record(dst, user, Action.TAKE_OFFLINE, "slice", path.name, details)
    with server.begin() as conn:  # the server's trail says who took what, once the slice is whole
        audit.record(conn, user, Action.TAKE_OFFLINE, "slice", path.name, details)
    progress(1.0, f"{taken:,} incidents taken offline")
    return TakeResult(path, taken, joins, layers, mappings, models)


def _describe(
    conn: Connection, source: str, filters: FilterSnapshot, user: User, last_import: int, taken: int
) -> None:
    conn.execute(
        offline_slices.insert().values(
            source_store=source,
            filters_json=json.dumps(filters.to_dict(), sort_keys=True),
            taken_at=datetime.now(),
            username=user.name,
            host=user.host,
            last_import_id=last_import,
            incidents=taken,
        )
    )


def _copy_models(src: Connection, dst: Connection, folder: Path, cancel: CancelFn) -> int:
    """The promoted models, their artifact files copied into ``folder`` (the rows point there)."""

    def moved(row: dict) -> dict:
        if row["artifact_path"]:
            folder.mkdir(parents=True, exist_ok=True)
            for file in artifact_files(Path(row["artifact_path"])):
                shutil.copy2(file, folder / file.name)
            row["artifact_path"] = str(folder / Path(row["artifact_path"]).name)
        return row

    promoted = select(experiments).where(experiments.c.promoted.is_(True))
    return copy_rows(src, dst, experiments, promoted, cancel, moved)


def _remove(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(models_dir(path), ignore_errors=True)
