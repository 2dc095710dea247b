"""feeds: live subscriptions, their runs and sensor alerts

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _counts(*names: str) -> list[sa.Column]:
    return [sa.Column(name, sa.BigInteger(), nullable=False) for name in names]


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("endpoint", sa.String(400), nullable=False),
        sa.Column("dataset", sa.String(200), nullable=False),
        sa.Column("profile", sa.String(80), nullable=False),
        sa.Column("filters", sa.Text(), nullable=False),
        sa.Column("schedule_minutes", sa.Integer(), nullable=False),
        sa.Column("watermark_json", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("last_success", sa.BigInteger()),
        sa.Column("last_error", sa.Text()),
        *_counts("received", "inserted", "updated", "unchanged", "rejected"),
        sa.UniqueConstraint("name", name="uq_feeds_name"),
    )
    op.create_table(
        "feed_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "feed_id",
            sa.Integer(),
            sa.ForeignKey("feeds.id", ondelete="CASCADE", name="fk_feed_runs_feed_id_feeds"),
            nullable=False,
        ),
        sa.Column(
            "import_id",
            sa.Integer(),
            sa.ForeignKey("imports.id", name="fk_feed_runs_import_id_imports"),
            nullable=False,
        ),
        sa.Column("started_at", sa.BigInteger(), nullable=False),
        sa.Column("finished_at", sa.BigInteger()),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("error", sa.Text()),
        sa.Column("note", sa.Text()),
        *_counts("received", "inserted", "updated", "unchanged", "rejected", "conflicts", "deleted"),
        sa.Column("server_count", sa.BigInteger()),
    )
    op.create_index("ix_feed_runs_feed_id_started_at", "feed_runs", ["feed_id", "started_at"])
    op.create_table(
        "sensor_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "feed_id",
            sa.Integer(),
            sa.ForeignKey("feeds.id", ondelete="CASCADE", name="fk_sensor_events_feed_id_feeds"),
            nullable=False,
        ),
        sa.Column("event_id", sa.String(120), nullable=False),
        sa.Column("sensor_id", sa.String(120), nullable=False),
        sa.Column("occurred_at", sa.BigInteger(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("confidence", sa.Float()),
        sa.Column("incident_key", sa.String(120)),
        sa.Column("received_at", sa.BigInteger(), nullable=False),
        sa.UniqueConstraint("feed_id", "event_id", name="uq_sensor_events_feed_id_event_id"),
    )
    op.create_index("ix_sensor_events_occurred_at", "sensor_events", ["occurred_at"])


def downgrade() -> None:
    op.drop_table("sensor_events")
    op.drop_table("feed_runs")
    op.drop_table("feeds")
