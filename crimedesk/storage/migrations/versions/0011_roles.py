"""roles: user profiles, who ran each experiment, and on PostgreSQL the server's own enforcement

Revision ID: 0011
Revises: 0015

On PostgreSQL, a migration run by a superuser also creates the crimedesk group roles (when absent;
they are cluster-wide), grants each its rights on every table and installs the user-management
functions (crimedesk.auth.server). Run by anyone else it leaves that to ``crimedesk server setup``.
"""

import sqlalchemy as sa
from alembic import op

from crimedesk.auth.server import prepare_database

revision = "0011"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_profiles",
        sa.Column("username", sa.String(80), primary_key=True),
        sa.Column("full_name", sa.String(200), nullable=False, server_default=""),
        sa.Column("department", sa.String(200), nullable=False, server_default=""),
    )
    with op.batch_alter_table("experiments") as batch:
        batch.add_column(sa.Column("username", sa.String(80), nullable=False, server_default=""))
    if op.get_bind().dialect.name == "postgresql":
        prepare_database(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("experiments") as batch:
        batch.drop_column("username")
    op.drop_table("user_profiles")
