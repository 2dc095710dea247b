"""imports: the process that runs each attempt (pid and host)

Revision ID: 0008
Revises: 0006

An attempt left ``running`` by a process that died is marked ``abandoned`` when the store opens
(see crimedesk.storage.import_lock); pid and host say who ran it, and who runs the import another
one has to wait for.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("imports", sa.Column("pid", sa.Integer(), nullable=True))
    op.add_column("imports", sa.Column("host", sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("imports") as batch:
        batch.drop_column("host")
        batch.drop_column("pid")
