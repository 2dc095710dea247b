"""rejected blocks: an import's rejected rows stored compactly, a compressed block per batch

Revision ID: 0019
Revises: 0018

One ``rejected_rows`` row per reject made millions of rows for a whole city's history, stored
again on every re-import (crimedesk.storage.reject_blocks). ``rejected_rows`` stays for the rows
feeds and returned offline slices reject, and for the imports made before this migration. On
PostgreSQL a superuser migrating the store grants the new table's rights as for rejected_rows.
"""

import sqlalchemy as sa
from alembic import op

from crimedesk.auth.server import prepare_database

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rejected_blocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("first_line", sa.BigInteger(), nullable=True),
        sa.Column("last_line", sa.BigInteger(), nullable=True),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["imports.id"],
            name=op.f("fk_rejected_blocks_import_id_imports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rejected_blocks")),
    )
    op.create_index(
        op.f("ix_rejected_blocks_import_id_first_line"), "rejected_blocks", ["import_id", "first_line"]
    )
    if op.get_bind().dialect.name == "postgresql":
        prepare_database(op.get_bind())


def downgrade() -> None:
    op.drop_index(op.f("ix_rejected_blocks_import_id_first_line"), table_name="rejected_blocks")
    op.drop_table("rejected_blocks")
