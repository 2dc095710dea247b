"""any city: within-file duplicates counted, far-off points counted, experiments owned by their store

Revision ID: 0012
Revises: 0010

Rows read = inserted + updated + unchanged + duplicates + conflicts + rejected; ``far_off`` counts
the points flagged as suspect geocodes (also counted as unmappable). ``store_info`` holds the
store's own id, which names the folder of its model artifacts; ``experiments.pid`` and ``host``
say which process trains, so a run left ``running`` by a dead process becomes ``abandoned``.
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("imports", sa.Column("duplicates", sa.BigInteger(), nullable=False, server_default="0"))
    op.add_column("imports", sa.Column("far_off", sa.BigInteger(), nullable=False, server_default="0"))
    op.add_column("experiments", sa.Column("pid", sa.Integer()))
    op.add_column("experiments", sa.Column("host", sa.String(255)))
    info = op.create_table(
        "store_info",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("store_id", sa.String(36), nullable=False),
    )
    op.bulk_insert(info, [{"id": 1, "store_id": str(uuid.uuid4())}])


def downgrade() -> None:
    op.drop_table("store_info")
    with op.batch_alter_table("experiments", schema=None) as batch_op:  # SQLite copies the table
        batch_op.drop_column("host")
        batch_op.drop_column("pid")
    with op.batch_alter_table("imports", schema=None) as batch_op:
        batch_op.drop_column("far_off")
        batch_op.drop_column("duplicates")
