"""exact grants: each group's rights on each table match the role table

Revision ID: 0017
Revises: 0016

Migration 0011 gave analysts DELETE on boundary layers, boundaries and saved mappings, analysts
INSERT and UPDATE on the store's identity and offline slices, admins DELETE on every table, and
viewers no way to record the reports they may make. A superuser migrating the store grants again
from crimedesk.auth.server's table (revoking each group's rights first); run by anyone else it
leaves that to ``crimedesk server setup``, which does the same.
"""

from alembic import op

from crimedesk.auth.server import prepare_database

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        prepare_database(op.get_bind())


def downgrade() -> None:
    """Nothing to undo: the grants of 0011 were the mismatch this corrects."""
