"""offline_slices: what an offline slice holds and where it came from

Revision ID: 0015
Revises: 0014

A store taken offline (crimedesk.offline) has one row: the source store, the filters, when and by
whom, and the source's last import id at that moment (imports after it were made in the field),
and the last field import brought back (a later return sends only newer ones).
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "offline_slices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_store", sa.String(length=400), nullable=False),
        sa.Column("filters_json", sa.Text(), nullable=False),
        sa.Column("taken_at", sa.BigInteger(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("last_import_id", sa.Integer(), nullable=False),
        sa.Column("incidents", sa.BigInteger(), nullable=False),
        sa.Column("returned_at", sa.BigInteger(), nullable=True),
        sa.Column("returned_through", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offline_slices")),
    )


def downgrade() -> None:
    op.drop_table("offline_slices")
