"""incident_regions: a WITHOUT ROWID table on SQLite, stored in (layer_id, incident_id) order

Revision ID: 0004
Revises: 0003

A rowid table with a composite primary key keeps each row twice (the table by rowid, and an
automatic index on the key); stored by its key, a row is written once. A first import writes and
then indexes a third less. PostgreSQL's tables are unchanged.
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _recreate(with_rowid: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "incident_regions", recreate="always", table_kwargs={"sqlite_with_rowid": with_rowid}
    ):
        pass


def upgrade() -> None:
    _recreate(with_rowid=False)


def downgrade() -> None:
    _recreate(with_rowid=True)
