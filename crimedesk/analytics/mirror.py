"""A DuckDB mirror of the store for the dashboard's and map's aggregates: the same queries, in milliseconds.

A dashboard refresh is five grouped scans (KPIs, trend, top offenses, hour-of-week, CompStat).
SQLite runs each at a few million rows per second, so a refresh over 536k incidents takes seconds;
DuckDB's vectorised engine runs the very same ``crimedesk.analytics`` queries (SQLAlchemy Core,
compiled for DuckDB) in about a tenth of a second. The store stays the source of truth: the mirror
copies the tables those queries read, in the background, and is brought up to date after imports
(rows of new imports replace their ids) or rebuilt when boundary layers change.
"""

from __future__ import annotations

import tempfile
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
from duckdb_engine import ConnectionWrapper
from sqlalchemy import Engine, create_engine, func, select

from crimedesk.domain.progress import CancelFn, ProgressFn, check_cancel, never_cancel, no_progress
from crimedesk.storage.mirror_read import read_arrow
from crimedesk.storage.schema import (
    boundaries,
    boundary_layers,
    imports,
    incident_regions,
    incidents,
    ucr_counts,
)

#: The incident columns the dashboard's queries (crimedesk.analytics) and filters read.
INCIDENT_COLUMNS = (
    "id",
    "source",
    "occurred_from",
    "occurred_to",
    "category",
    "offense_type",
    "location_description",
    "block",
    "arrest",
    "domestic",
    "district",
    "beat",
    "ward",
    "community_area",
    "precinct",
    "borough",
    "latitude",
    "longitude",
    "mappable",
    "import_id",
)
#: The map's choropleth lists a layer's regions; their shapes stay in the store.
BOUNDARY_COLUMNS = ("id", "layer_id", "region_id", "name")
MIRRORED = {
    incidents: INCIDENT_COLUMNS,
    incident_regions: None,
    boundary_layers: None,
    boundaries: BOUNDARY_COLUMNS,
    ucr_counts: None,
}


@dataclass(frozen=True)
class StoreVersion:
    """What the mirror has copied: the newest finished import and the boundary layers' load times."""

    last_import: int
    layers: tuple[tuple[int, int], ...]


def store_version(store: Engine) -> StoreVersion:
    with store.connect() as conn:
        last = conn.execute(select(func.max(imports.c.id)).where(imports.c.status == "ok")).scalar() or 0
        layers = conn.execute(select(boundary_layers.c.id, boundary_layers.c.loaded_at)).all()
    return StoreVersion(last, tuple(sorted((i, int(t.timestamp())) for i, t in layers)))


class AnalyticsMirror:
    """Copies of the analytic tables in a DuckDB file under the user's temporary directory."""

    def __init__(self, store: Engine, directory: Path | None = None) -> None:
        self.store = store
        self._dir = tempfile.TemporaryDirectory(prefix="crimedesk-mirror-", dir=directory)
        self._db = duckdb.connect(str(Path(self._dir.name) / "mirror.duckdb"))
        self.engine = create_engine("duckdb://", creator=lambda: ConnectionWrapper(self._db.cursor()))
        self._lock = threading.Lock()
        self.version: StoreVersion | None = None
        # Closed when dropped or at exit too: DuckDB objects alive at interpreter exit leak noisily.
        self._close = weakref.finalize(self, _close, self.engine, self._db, self._dir)

    @property
    def ready(self) -> bool:
        return self.version is not None

    def sync(self, progress: ProgressFn = no_progress, cancel: CancelFn = never_cancel) -> bool:
        """Bring the mirror up to date with the store; False when it already was."""
        with self._lock:
            version = store_version(self.store)
            if version == self.version:
                return False
            if (
                self.version is None
                or version.layers != self.version.layers
                or version.last_import < (self.version.last_import)
            ):
                self._rebuild(progress, cancel)
            else:
                self._add_imports(self.version.last_import, version.last_import)
            self.version = version
            return True

    def close(self) -> None:
        self._close()

    def _rebuild(self, progress: ProgressFn, cancel: CancelFn) -> None:
        for step, (table, names) in enumerate(MIRRORED.items()):
            check_cancel(cancel)
            progress(step / len(MIRRORED), f"copying {table.name}")
            with self._registered(copy=read_arrow(self.store, table, names, cancel=cancel)):
                self._db.execute(f"CREATE OR REPLACE TABLE {table.name} AS SELECT * FROM copy")

    def _add_imports(self, after: int, upto: int) -> None:
        """Rows written by imports ``after < id <= upto`` replace the mirror's rows of the same ids."""
        new = (incidents.c.import_id > after) & (incidents.c.import_id <= upto)
        rows = read_arrow(self.store, incidents, INCIDENT_COLUMNS, new)
        of_new = incident_regions.c.incident_id.in_(select(incidents.c.id).where(new))
        frames = {
            "new_rows": rows,
            "new_regions": read_arrow(self.store, incident_regions, where=of_new),
            "ucr": read_arrow(self.store, ucr_counts),
        }
        with self._registered(**frames):
            self._db.execute("BEGIN")
            self._db.execute("DELETE FROM incidents WHERE id IN (SELECT id FROM new_rows)")
            self._db.execute("DELETE FROM incident_regions WHERE incident_id IN (SELECT id FROM new_rows)")
            self._db.execute("INSERT INTO incidents SELECT * FROM new_rows")
            self._db.execute("INSERT INTO incident_regions SELECT * FROM new_regions")
            self._db.execute("CREATE OR REPLACE TABLE ucr_counts AS SELECT * FROM ucr")
            self._db.execute("COMMIT")

    @contextmanager
    def _registered(self, **tables: pa.Table) -> Iterator[None]:
        """Arrow tables visible to DuckDB SQL under the given names for the block."""
        for name, table in tables.items():
            self._db.register(name, table)
        try:
            yield
        finally:
            for name in tables:
                self._db.unregister(name)


def _close(engine: Engine, db: duckdb.DuckDBPyConnection, directory: tempfile.TemporaryDirectory) -> None:
    engine.dispose()
    db.close()
    directory.cleanup()
