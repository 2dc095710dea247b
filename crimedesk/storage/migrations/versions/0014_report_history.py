"""report_history: the reports made (who, when, template, filters, file, pages)

Revision ID: 0014
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_history",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("made_at_utc", sa.BigInteger(), nullable=False),
        sa.Column("username", sa.String(80), nullable=False),
        sa.Column("template", sa.String(40), nullable=False),
        sa.Column("filters_json", sa.Text(), nullable=False),
        sa.Column("options_json", sa.Text(), nullable=False),
        sa.Column("file_name", sa.String(400), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
    )
    op.create_index("ix_report_history_made_at_utc", "report_history", ["made_at_utc"])


def downgrade() -> None:
    op.drop_index("ix_report_history_made_at_utc", table_name="report_history")
    op.drop_table("report_history")
