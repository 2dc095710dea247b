"""incidents: the (source, source_key) key becomes a unique index a bulk load can drop and rebuild

Revision ID: 0003
Revises: 0002

A UNIQUE constraint's index is updated row by row during a bulk import (about a fifth of SQLite's
insert time for a first load); a unique index can be dropped inside the import's transaction and
built once at the end, which also checks the key again.
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:  # SQLite copies the table
        batch_op.drop_constraint("uq_incidents_source_source_key", type_="unique")
        batch_op.create_index("ix_incidents_source_source_key", ["source", "source_key"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_source_source_key")
        batch_op.create_unique_constraint("uq_incidents_source_source_key", ["source", "source_key"])
