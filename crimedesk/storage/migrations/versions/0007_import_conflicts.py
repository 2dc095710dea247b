"""imports.conflicts: rows without updated-on kept from replacing a stored record that has one

Revision ID: 0007
Revises: 0006

Rows read = inserted + updated + unchanged + rejected + conflicts. The conflicting rows are listed
in rejected_rows with their reason, so no other table changes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("imports", sa.Column("conflicts", sa.BigInteger(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("imports", schema=None) as batch_op:  # SQLite copies the table
        batch_op.drop_column("conflicts")
