"""A DuckDB mirror of the store for the dashboard's and map's aggregates: the same queries, in milliseconds.

A dashboard refresh is five grouped scans (KPIs, trend, top offenses, hour-of-week, CompStat).
SQLite runs each at a few million rows per second, so a refresh over 536k incidents takes seconds;
DuckDB's vectorised engine runs the very same ``crimedesk.analytics`` queries (SQLAlchemy Core,
compiled for DuckDB) in about a tenth of a second. The store stays the source of truth: the mirror
copies the tables those queries read, in the background, and is brought up to date after imports
(rows of new imports replace their ids) or rebuilt when boundary layers change.

The mirror's file outlives the run (crimedesk.analytics.mirror_file) and records the store version
it holds, written in the same DuckDB transaction as the copy: a later start whose store has the
same version uses it at once, one with newer imports only adds them, and a copy cut short by a
crash leaves the previous version in place, never a half-built mirror that looks complete.
"""

from __future__ import annotations

import json
import logging
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
from duckdb_engine import ConnectionWrapper
from sqlalchemy import Connection, Engine, create_engine, func, select

from crimedesk.analytics import summaries
from crimedesk.analytics.mirror_file import MirrorFile, open_mirror_file
from crimedesk.domain.columns import SOURCE_REGION_COLUMNS
from crimedesk.domain.progress import CancelFn, ProgressFn, check_cancel, never_cancel, no_progress
from crimedesk.storage.mirror_read import arrow_batches, read_arrow
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
    "case_number",
    "arrest",
    "domestic",
    *SOURCE_REGION_COLUMNS,
    "latitude",
    "longitude",
    "mappable",
    "quality_flags",
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
#: Recorded with the version: a file written for other tables or columns is rebuilt.
STAGED = "_copy"  # suffix of a table being copied, not yet in use
LAYOUT = {
    **{table.name: list(names or table.c.keys()) for table, names in MIRRORED.items()},
    "summaries": [summaries.build_sql(summary) for summary in summaries.SUMMARIES],
}
log = logging.getLogger(__name__)
# One lock per mirror file, not per mirror: DuckDB hands every connection to a file opened in this
# process the same database, so two mirrors of one store (a window closed while it synced, then
# opened again) would otherwise copy into the same staged tables at once.
_SYNC_LOCKS: dict[Path, threading.Lock] = {}
_SYNC_LOCKS_GUARD = threading.Lock()


def _sync_lock(path: Path) -> threading.Lock:
    with _SYNC_LOCKS_GUARD:
        return _SYNC_LOCKS.setdefault(path.resolve(), threading.Lock())


@dataclass(frozen=True)
class StoreVersion:
    """What the mirror has copied: the newest finished import (with its file hash and finish time,
    which tell it apart from an import of the same id in a store made anew), the incident count and
    the boundary layers with their load times."""

    last_import: int
    import_stamp: str
    incidents: int
    layers: tuple[tuple[int, str, int], ...]


def store_version(store: Engine) -> StoreVersion:
    with store.connect() as conn:
        last = conn.execute(select(func.max(imports.c.id)).where(imports.c.status == "ok")).scalar() or 0
        count = conn.execute(select(func.count()).select_from(incidents)).scalar_one()
        layers = conn.execute(
            select(boundary_layers.c.id, boundary_layers.c.name, boundary_layers.c.loaded_at)
        ).all()
        stamp = import_stamp(conn, last)
    return StoreVersion(last, stamp, count, tuple(sorted((i, n, int(t.timestamp())) for i, n, t in layers)))


def import_stamp(conn: Connection, import_id: int) -> str:
    row = conn.execute(
        select(imports.c.sha256, imports.c.finished_at).where(imports.c.id == import_id)
    ).first()
    return "" if row is None else f"{row.sha256}@{row.finished_at}"


class AnalyticsMirror:
    """Copies of the analytic tables in a DuckDB file that outlives the run (temporary if it cannot)."""

    def __init__(self, store: Engine, directory: Path | None = None) -> None:
        """``directory`` holds the mirror files (default: the user cache directory)."""
        self.store = store
        self.file: MirrorFile = open_mirror_file(store.url, directory)
        self._db = self.file.db
        self.engine = create_engine("duckdb://", creator=lambda: ConnectionWrapper(self._db.cursor()))
        self._lock = _sync_lock(self.file.path)
        self.version: StoreVersion | None = None
        # Closed when dropped or at exit too: DuckDB objects alive at interpreter exit leak noisily.
        self._close = weakref.finalize(self, _close, self.engine, self.file)

    @property
    def ready(self) -> bool:
        return self.version is not None

    def sync(self, progress: ProgressFn = no_progress, cancel: CancelFn = never_cancel) -> bool:
        """Bring the mirror up to date with the store; False when it already was."""
        with self._lock:
            held = self.version or self._recorded()
            version = store_version(self.store)
            if version != held:
                self._update(held, version, progress, cancel)
            changed = version != self.version
            self.version = version
            return changed

    def close(self) -> None:
        self._close()

    def _update(
        self, held: StoreVersion | None, version: StoreVersion, progress: ProgressFn, cancel: CancelFn
    ) -> None:
        after = None if held is None else self._new_after(held, version)
        if after is not None:
            progress(0.0, "adding new imports")
            self._add_imports(after, version)
            mirrored = self._db.execute("SELECT count(*) FROM incidents").fetchall()  # all: no open result
            if mirrored == [(version.incidents,)]:
                return
            log.warning("the analytics mirror disagrees with the store after adding imports; rebuilding")
        self._rebuild(version, progress, cancel)

    def _new_after(self, held: StoreVersion, version: StoreVersion) -> int | None:
        """The import id after which the store's rows may be new to the mirror, when the store has
        what the mirror holds plus rows of newer imports or more of its newest one (a feed's run
        stores batches under one import while it runs); None: copy everything again."""
        if version.layers != held.layers or version.last_import < held.last_import:
            return None
        with self.store.connect() as conn:
            if import_stamp(conn, held.last_import) != held.import_stamp:
                return None
        return held.last_import - 1 if version.last_import == held.last_import else held.last_import

    def _recorded(self) -> StoreVersion | None:
        """The store version an earlier run left in the file, if any, readable and of this layout."""
        try:
            return self._read_record()
        except (duckdb.Error, ValueError, KeyError, TypeError) as exc:
            log.warning(
                "the analytics mirror %s has an unreadable version (%r); rebuilding it", self.file.path, exc
            )
            return None

    def _read_record(self) -> StoreVersion | None:
        if not self._db.execute(
            "SELECT 1 FROM duckdb_tables() WHERE table_name = 'mirror_version'"
        ).fetchall():
            return None
        [(record,)] = self._db.execute("SELECT record FROM mirror_version").fetchall()
        fields = json.loads(record)
        if fields.pop("layout") != LAYOUT:
            log.info("the analytics mirror %s has other columns; rebuilding it", self.file.path)
            return None
        layers = tuple(tuple(layer) for layer in fields.pop("layers"))
        return StoreVersion(**fields, layers=layers)

    def _rebuild(self, version: StoreVersion, progress: ProgressFn, cancel: CancelFn) -> None:
        """Each table is copied beside the one in use, committed batch by batch, then all are
        swapped in one transaction with the version record. One transaction around the whole copy
        kept every uncommitted row in memory (2.5 GB for 7M incidents); the copies are only ever
        read after the swap, so a copy cut short leaves the previous mirror in use."""
        for step, (table, names) in enumerate(MIRRORED.items()):
            check_cancel(cancel)
            progress(step / len(MIRRORED), f"copying {table.name}")
            schema, batches = arrow_batches(self.store, table, names, cancel=cancel)
            with self._registered(empty=schema.empty_table()):
                self._db.execute(f"CREATE OR REPLACE TABLE {table.name}{STAGED} AS SELECT * FROM empty")
            self._insert(f"{table.name}{STAGED}", batches)
        progress(0.99, "summing up")
        with self._transaction(version):
            for table in MIRRORED:
                self._db.execute(f"DROP TABLE IF EXISTS {table.name}")
                self._db.execute(f"ALTER TABLE {table.name}{STAGED} RENAME TO {table.name}")
            for summary in summaries.SUMMARIES:
                self._db.execute(summaries.build_sql(summary))

    def _add_imports(self, after: int, version: StoreVersion) -> None:
        """Rows written by imports ``after < id <= version.last_import`` replace the mirror's rows of
        the same ids."""
        new = (incidents.c.import_id > after) & (incidents.c.import_id <= version.last_import)
        of_new = incident_regions.c.incident_id.in_(select(incidents.c.id).where(new))
        with self._transaction(version):
            summaries.begin_changes(self._db)
            for batch in arrow_batches(self.store, incidents, INCIDENT_COLUMNS, new)[1]:
                self._replace_incidents(batch)
            summaries.merge_changes(self._db)
            self._insert("incident_regions", arrow_batches(self.store, incident_regions, where=of_new)[1])
            with self._registered(ucr=read_arrow(self.store, ucr_counts)):
                self._db.execute("CREATE OR REPLACE TABLE ucr_counts AS SELECT * FROM ucr")

    def _replace_incidents(self, batch: pa.RecordBatch) -> None:
        """The batch's incidents replace the mirror's rows of the same ids, and their region joins go;
        the summaries' changes count the replaced rows out and the batch's in."""
        replaced = "(SELECT * FROM incidents WHERE id IN (SELECT id FROM new_rows))"
        with self._registered(new_rows=batch):
            summaries.count_changes(self._db, replaced, "new_rows")
            for table, key in (("incidents", "id"), ("incident_regions", "incident_id")):
                self._db.execute(f"DELETE FROM {table} WHERE {key} IN (SELECT id FROM new_rows)")
            self._db.execute("INSERT INTO incidents SELECT * FROM new_rows")

    def _insert(self, table_name: str, batches: Iterator[pa.RecordBatch]) -> None:
        """Append batch by batch: only one batch of the store's rows is held at a time."""
        for batch in batches:
            with self._registered(batch=batch):
                self._db.execute(f"INSERT INTO {table_name} SELECT * FROM batch")

    @contextmanager
    def _transaction(self, version: StoreVersion) -> Iterator[None]:
        """The block's changes and the record of ``version`` are committed together, or not at all."""
        self._db.execute("BEGIN")
        try:
            yield
            record = json.dumps({"layout": LAYOUT, **asdict(version)})
            self._db.execute("CREATE OR REPLACE TABLE mirror_version AS SELECT ? AS record", [record])
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    @contextmanager
    def _registered(self, **tables: pa.Table | pa.RecordBatch) -> Iterator[None]:
        """Arrow tables visible to DuckDB SQL under the given names for the block."""
        for name, table in tables.items():
            self._db.register(name, table)
        try:
            yield
        finally:
            for name in tables:
                self._db.unregister(name)


def _close(engine: Engine, file: MirrorFile) -> None:
    engine.dispose()
    file.db.close()
    if file.temporary is not None:
        file.temporary.cleanup()
