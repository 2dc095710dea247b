"""Text longer than its column allows is rejected with the field's name and length (not cut)."""

from __future__ import annotations

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
            batch.reject(
                too_long,
                lambda i, n=name, ln=lengths, lim=limit: f"{n} is {ln[i]:,} characters (limit {lim})",
            )
