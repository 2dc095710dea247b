"""store settings: store-wide settings that only an admin changes (the idle-lock limit first)

Revision ID: 0018
Revises: 0017

One row per setting a store has changed from its default (crimedesk.auth.store_settings): the
name, its value as JSON, when (UTC) and by whom. On PostgreSQL every group reads the table and only
``crimedesk_admin`` writes it; a superuser migrating the store grants that (and installs the user
functions again, which now know login roles made with psql); run by anyone else it leaves that to
``crimedesk server setup``, which does the same.
"""

import sqlalchemy as sa
from alembic import op

from crimedesk.auth.server import prepare_database

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "store_settings",
        sa.Column("name", sa.String(80), primary_key=True),
        sa.Column("value_json", sa.Text(), nullable=False),
        sa.Column("changed_at", sa.BigInteger(), nullable=False),
        sa.Column("changed_by", sa.String(80), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        prepare_database(op.get_bind())


def downgrade() -> None:
    op.drop_table("store_settings")
