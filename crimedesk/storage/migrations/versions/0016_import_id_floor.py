"""import id floor: where the incidents an import inserted begin, so that it can be deleted

Revision ID: 0016
Revises: 0011

``imports.incident_id_floor`` is the highest incident id reserved when the import began writing
(under the import lock): the rows it inserted have ids above it, the rows it updated ids at or
below it (crimedesk.ingest.deletion). Imports made before this migration have none.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("imports") as batch:
        batch.add_column(sa.Column("incident_id_floor", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("imports") as batch:
        batch.drop_column("incident_id_floor")
