"""A feed's settings and resume point (the ``feeds`` table's row)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

ACTIVE, PAUSED, FAILING = "active", "paused", "failing"
# A run's status (feed_runs.status), here so that reading it needs none of the ingest machinery
OK, FAILED, CANCELLED, RUNNING, INTERRUPTED = "ok", "failed", "cancelled", "running", "interrupted"


@dataclass
class Feed:
    """One subscription and where it resumes (``watermark``: the adapter's own resume point)."""

    name: str
    kind: str
    endpoint: str
    dataset: str
    profile: str
    filters: str = ""
    schedule_minutes: int = 15
    watermark: dict[str, Any] = field(default_factory=dict)
    status: str = ACTIVE
    id: int | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    received: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
