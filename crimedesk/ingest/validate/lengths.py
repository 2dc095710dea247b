"""Text longer than its column allows is rejected with the field's name and length (not cut)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow.compute as pc

from crimedesk.domain.columns import SOURCE_TEXT_COLUMNS
from crimedesk.domain.text_limits import INCIDENT_TEXT_LIMITS
from crimedesk.ingest.batch import Batch
from crimedesk.ingest.context import ImportContext

LIMITS = {name: INCIDENT_TEXT_LIMITS[name] for name in (*SOURCE_TEXT_COLUMNS, "source_key")}


def validate(batch: Batch, _context: ImportContext) -> None:
    for name, limit in LIMITS.items():
        lengths = pc.fill_null(pc.utf8_length(batch.values[name]), 0).to_numpy(zero_copy_only=False)
        too_long = lengths > limit
        if too_long.any():
            batch.reject(too_long, _too_long_reason(name, lengths, limit))


def _too_long_reason(name: str, lengths: np.ndarray, limit: int) -> Callable[[int], str]:
    """The rejection reason for row ``i`` of a column whose text ``lengths`` exceed ``limit``."""
    return lambda i: f"{name} is {lengths[i]:,} characters (limit {limit})"
