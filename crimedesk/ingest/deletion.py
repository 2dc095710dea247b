"""Delete one import: the incidents it brought in, its rejected rows and its bookkeeping.

The rule: an import's own rows are the incidents it *inserted* that no later import touched since.
An incident carries the id of the last import that wrote it (inserted or updated it), and an import
inserts with ids above its ``incident_id_floor`` (the highest id reserved when it began writing,
under the import lock), so its own rows are those stamped with its id above its floor. Kept:

- rows it inserted that a later import updated (they carry the later import's id now): the later
  import vouches for them;
- rows it updated that an earlier import brought in (stamped with its id, at or below its floor):
  deleting them would lose the earlier import's incidents. They keep this import's values and id.

Imports older than migration 0016 have no floor: when such an import updated no row, every row
stamped with it is its own; otherwise it cannot be deleted. Feed runs and UCR tables are not
deleted this way (their rows belong to a feed, or are replaced by the next UCR import).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import ColumnElement, Connection, Engine, Row, Table, delete, func, select

from crimedesk.auth import audit
from crimedesk.auth.permissions import requires, resolved
from crimedesk.auth.roles import Action
from crimedesk.auth.user import User
from crimedesk.domain.errors import CrimedeskError
from crimedesk.storage import reject_blocks
from crimedesk.storage.import_lock import holding_import_lock
from crimedesk.storage.schema import (
    feed_runs,
    imports,
    incident_regions,
    incidents,
    rejected_rows,
    ucr_counts,
)


class CannotDeleteImport(CrimedeskError):
    """The import cannot be deleted (unknown, running, a feed's, or its rows cannot be told apart)."""


@dataclass(frozen=True)
class ImportDeletion:
    """What deleting an import removes and keeps (counts of incidents unless said otherwise)."""

    import_id: int
    file_name: str
    deleted: int  # rows it inserted that no later import touched: removed
    kept_updated_later: int  # rows it inserted that are no longer stamped with it (a later import's)
    kept_it_updated: int  # rows of earlier imports it updated: kept, with its values
    rejected: int  # its rejected rows: removed

    def sentence(self) -> str:
        """What was done, in words."""
        return (
            f"Import {self.import_id} ({self.file_name}): {self.deleted:,} incidents and"
            f" {self.rejected:,} rejected rows deleted; {self._kept('kept')}."
        )

    def question(self) -> str:
        """The confirmation asked before deleting."""
        return (
            f"Delete import {self.import_id} ({self.file_name}): {self.deleted:,} incidents and"
            f" {self.rejected:,} rejected rows? {self._kept('will be kept')}."
        )

    def _kept(self, verb: str) -> str:
        kept = self.kept_updated_later + self.kept_it_updated
        return (
            f"{kept:,} incidents {verb} ({self.kept_updated_later:,} it inserted were updated by a later"
            f" import since, {self.kept_it_updated:,} it updated belong to earlier imports)"
        )


def _own_rows(found: Row) -> ColumnElement[bool]:
    """The WHERE clause of the incidents the import inserted and no later import touched."""
    stamped = incidents.c.import_id == found.id
    floor = found.incident_id_floor
    return stamped if floor is None else stamped & (incidents.c.id > floor)


def _checked(conn: Connection, import_id: int) -> Row:
    found = conn.execute(select(imports).where(imports.c.id == import_id)).first()
    if found is None:
        raise CannotDeleteImport(f"no import with id {import_id}")
    if found.status == "running":
        raise CannotDeleteImport(f"import {import_id} is still running; delete it once it has finished")
    if conn.execute(select(feed_runs.c.id).where(feed_runs.c.import_id == import_id).limit(1)).first():
        raise CannotDeleteImport(f"import {import_id} is a run of a live feed; remove the feed instead")
    if conn.execute(select(ucr_counts.c.id).where(ucr_counts.c.import_id == import_id).limit(1)).first():
        raise CannotDeleteImport(
            f"import {import_id} holds UCR figures; import the UCR table again to replace them"
        )
    if found.incident_id_floor is None and found.updated:
        raise CannotDeleteImport(
            f"import {import_id} predates the record of where its rows begin and updated"
            f" {found.updated:,} rows of earlier imports, so its own rows cannot be told apart"
        )
    return found


def _count(conn: Connection, table: Table, where: ColumnElement[bool]) -> int:
    return conn.execute(select(func.count()).select_from(table).where(where)).scalar_one()


def plan_deletion(conn: Connection, import_id: int) -> ImportDeletion:
    """What :func:`delete_import` would remove and keep (nothing is changed)."""
    return _plan(conn, _checked(conn, import_id))


def _plan(conn: Connection, found: Row) -> ImportDeletion:
    own = _count(conn, incidents, _own_rows(found))
    stamped = _count(conn, incidents, incidents.c.import_id == found.id)
    return ImportDeletion(
        import_id=found.id,
        file_name=found.file_name,
        deleted=own,
        kept_updated_later=max(0, int(found.inserted) - own),
        kept_it_updated=stamped - own,
        rejected=_count(conn, rejected_rows, rejected_rows.c.import_id == found.id)
        + reject_blocks.count(conn, found.id),
    )


@requires(Action.DELETE_IMPORT)
def delete_import(engine: Engine, import_id: int, *, user: User | None = None) -> ImportDeletion:
    """Delete the import's own incidents (with their regions), its rejected rows and its ``imports``
    row, with an audit row holding the counts, in one transaction; admins only."""
    with holding_import_lock(engine), engine.begin() as conn:
        found = _checked(conn, import_id)
        done = _plan(conn, found)
        own = select(incidents.c.id).where(_own_rows(found))
        conn.execute(delete(incident_regions).where(incident_regions.c.incident_id.in_(own)))
        conn.execute(delete(incidents).where(_own_rows(found)))
        conn.execute(delete(rejected_rows).where(rejected_rows.c.import_id == import_id))
        reject_blocks.delete_all(conn, import_id)
        conn.execute(delete(imports).where(imports.c.id == import_id))
        audit.record(conn, resolved(user), Action.DELETE_IMPORT, "import", import_id, asdict(done))
    return done
