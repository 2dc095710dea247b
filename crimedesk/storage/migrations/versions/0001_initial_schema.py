"""initial schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-22 19:28:21.659710
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "boundary_layers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("source_file", sa.String(length=400), nullable=False),
        sa.Column("id_field", sa.String(length=80), nullable=False),
        sa.Column("name_field", sa.String(length=80), nullable=True),
        sa.Column("incident_field", sa.String(length=40), nullable=True),
        sa.Column("crs", sa.String(length=80), nullable=False),
        sa.Column("loaded_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_boundary_layers")),
        sa.UniqueConstraint("name", name=op.f("uq_boundary_layers_name")),
    )
    op.create_table(
        "import_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("spec_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_mappings")),
        sa.UniqueConstraint("name", name=op.f("uq_import_mappings_name")),
    )
    op.create_table(
        "imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=400), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("profile", sa.String(length=60), nullable=False),
        sa.Column("source", sa.String(length=60), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("started_at", sa.BigInteger(), nullable=False),
        sa.Column("finished_at", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("rows_read", sa.BigInteger(), nullable=False),
        sa.Column("inserted", sa.BigInteger(), nullable=False),
        sa.Column("updated", sa.BigInteger(), nullable=False),
        sa.Column("unchanged", sa.BigInteger(), nullable=False),
        sa.Column("rejected", sa.BigInteger(), nullable=False),
        sa.Column("unmappable", sa.BigInteger(), nullable=False),
        sa.Column("corrected", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
    )
    op.create_table(
        "boundaries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("layer_id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("geometry_wkb", sa.Text(), nullable=False),
        sa.Column("properties", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["layer_id"],
            ["boundary_layers.id"],
            name=op.f("fk_boundaries_layer_id_boundary_layers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_boundaries")),
        sa.UniqueConstraint("layer_id", "region_id", name=op.f("uq_boundaries_layer_id_region_id")),
    )
    op.create_table(
        "incident_regions",
        sa.Column("layer_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.BigInteger(), nullable=False),
        sa.Column("region_id", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("layer_id", "incident_id", name=op.f("pk_incident_regions")),
    )
    with op.batch_alter_table("incident_regions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_regions_layer_id_region_id"), ["layer_id", "region_id"], unique=False
        )

    op.create_table(
        "incidents",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("source", sa.String(length=60), nullable=False),
        sa.Column("source_key", sa.String(length=80), nullable=False),
        sa.Column("case_number", sa.String(length=40), nullable=True),
        sa.Column("occurred_from", sa.BigInteger(), nullable=False),
        sa.Column("occurred_to", sa.BigInteger(), nullable=True),
        sa.Column("reported_at", sa.BigInteger(), nullable=True),
        sa.Column("offense_code", sa.String(length=20), nullable=True),
        sa.Column("offense_type", sa.String(length=100), nullable=True),
        sa.Column("offense_description", sa.String(length=200), nullable=True),
        sa.Column("law_category", sa.String(length=20), nullable=True),
        sa.Column("category", sa.String(length=10), nullable=False),
        sa.Column("location_description", sa.String(length=200), nullable=True),
        sa.Column("block", sa.String(length=200), nullable=True),
        sa.Column("arrest", sa.Boolean(), nullable=True),
        sa.Column("domestic", sa.Boolean(), nullable=True),
        sa.Column("district", sa.String(length=20), nullable=True),
        sa.Column("beat", sa.String(length=20), nullable=True),
        sa.Column("ward", sa.String(length=20), nullable=True),
        sa.Column("community_area", sa.String(length=20), nullable=True),
        sa.Column("precinct", sa.String(length=20), nullable=True),
        sa.Column("borough", sa.String(length=40), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("x", sa.Float(), nullable=True),
        sa.Column("y", sa.Float(), nullable=True),
        sa.Column("xy_epsg", sa.Integer(), nullable=True),
        sa.Column("mappable", sa.Boolean(), nullable=False),
        sa.Column("quality_flags", sa.Integer(), nullable=False),
        sa.Column("source_updated_at", sa.BigInteger(), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
        sa.UniqueConstraint("source", "source_key", name=op.f("uq_incidents_source_source_key")),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incidents_occurred_from"), ["occurred_from"], unique=False)

    op.create_table(
        "rejected_rows",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("line_number", sa.BigInteger(), nullable=True),
        sa.Column("raw_text", sa.Text(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"], ["imports.id"], name=op.f("fk_rejected_rows_import_id_imports"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rejected_rows")),
    )
    with op.batch_alter_table("rejected_rows", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rejected_rows_import_id_line_number"), ["import_id", "line_number"], unique=False
        )

    op.create_table(
        "ucr_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("state_abbr", sa.String(length=2), nullable=False),
        sa.Column("state_name", sa.String(length=60), nullable=False),
        sa.Column("population", sa.BigInteger(), nullable=True),
        sa.Column("violent_crime", sa.BigInteger(), nullable=True),
        sa.Column("homicide", sa.BigInteger(), nullable=True),
        sa.Column("rape_legacy", sa.BigInteger(), nullable=True),
        sa.Column("rape_revised", sa.BigInteger(), nullable=True),
        sa.Column("robbery", sa.BigInteger(), nullable=True),
        sa.Column("aggravated_assault", sa.BigInteger(), nullable=True),
        sa.Column("property_crime", sa.BigInteger(), nullable=True),
        sa.Column("burglary", sa.BigInteger(), nullable=True),
        sa.Column("larceny", sa.BigInteger(), nullable=True),
        sa.Column("motor_vehicle_theft", sa.BigInteger(), nullable=True),
        sa.Column("caveats", sa.Text(), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["import_id"], ["imports.id"], name=op.f("fk_ucr_counts_import_id_imports")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ucr_counts")),
        sa.UniqueConstraint("year", "state_abbr", name=op.f("uq_ucr_counts_year_state_abbr")),
    )


def downgrade() -> None:

    op.drop_table("ucr_counts")
    with op.batch_alter_table("rejected_rows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rejected_rows_import_id_line_number"))

    op.drop_table("rejected_rows")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incidents_occurred_from"))

    op.drop_table("incidents")
    with op.batch_alter_table("incident_regions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_regions_layer_id_region_id"))

    op.drop_table("incident_regions")
    op.drop_table("boundaries")
    op.drop_table("imports")
    op.drop_table("import_mappings")
    op.drop_table("boundary_layers")
