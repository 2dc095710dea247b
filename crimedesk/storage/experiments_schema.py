"""The ``experiments`` table: every training run, its inputs, metrics and saved artifact.

Kept out of schema.py (owned by the storage lead) but attached to the same ``metadata``, so
migrations, ``clear_store`` and the schema-agreement test see it once this module is imported.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, Index, Integer, String, Table, Text

from crimedesk.storage.schema import LocalTime, metadata

experiments = Table(
    "experiments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(120), nullable=False),
    Column("model_kind", String(60), nullable=False),
    Column("task", String(40), nullable=False),
    Column("params_json", Text, nullable=False),
    Column("data_fingerprint", String(64), nullable=False),  # sha256 of training ids + updated times
    Column("filters_json", Text, nullable=False),
    Column("seed", Integer, nullable=False),
    Column("code_version", String(80), nullable=False),
    Column("created_at", LocalTime, nullable=False),
    Column("status", String(20), nullable=False),  # running / ok / failed / cancelled
    Column("error", Text),
    Column("duration_s", Float),
    Column("metrics_json", Text),
    Column("artifact_path", String(400)),
    Column("promoted", Boolean, nullable=False, default=False),
    Index(None, "task", "promoted"),
)
