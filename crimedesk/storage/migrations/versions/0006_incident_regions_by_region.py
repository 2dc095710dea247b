"""incident_regions: stored by (layer_id, region_id, incident_id), with a unique (incident_id, layer_id) index

Revision ID: 0006
Revises: 0005

The (layer_id, region_id) index cost a bulk import more than any other to build: sorting many rows
over a few distinct regions compares nearly every pair past its first columns. The table is now
stored in that order (a bulk import appends its pairs sorted), and the index that finds an
incident's rows starts with the incident, whose values are all distinct.
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COLUMNS = "layer_id INTEGER NOT NULL, region_id VARCHAR(80) NOT NULL, incident_id BIGINT NOT NULL"


def _rebuild_sqlite(key: str) -> None:
    """SQLite cannot change a primary key in place: copy into a new table ordered by ``key``."""
    op.execute(
        f"CREATE TABLE incident_regions_new ({COLUMNS}, "
        f"CONSTRAINT pk_incident_regions PRIMARY KEY ({key})) WITHOUT ROWID"
    )
    op.execute(
        "INSERT INTO incident_regions_new (layer_id, region_id, incident_id) "
        f"SELECT layer_id, region_id, incident_id FROM incident_regions ORDER BY {key}"
    )
    op.execute("DROP TABLE incident_regions")  # and its indexes
    op.execute("ALTER TABLE incident_regions_new RENAME TO incident_regions")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite("layer_id, region_id, incident_id")
    else:
        op.drop_index("ix_incident_regions_layer_id_region_id", table_name="incident_regions")
        op.drop_constraint("pk_incident_regions", "incident_regions", type_="primary")
        op.create_primary_key(
            "pk_incident_regions", "incident_regions", ["layer_id", "region_id", "incident_id"]
        )
    op.create_index(
        "ix_incident_regions_incident_id_layer_id",
        "incident_regions",
        ["incident_id", "layer_id"],
        unique=True,
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_sqlite("layer_id, incident_id")
    else:
        op.drop_index("ix_incident_regions_incident_id_layer_id", table_name="incident_regions")
        op.drop_constraint("pk_incident_regions", "incident_regions", type_="primary")
        op.create_primary_key("pk_incident_regions", "incident_regions", ["layer_id", "incident_id"])
    op.create_index("ix_incident_regions_layer_id_region_id", "incident_regions", ["layer_id", "region_id"])
