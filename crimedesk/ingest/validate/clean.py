"""Canonical string and boolean columns copied from the source (blank and "NA" become NULL)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from crimedesk.domain.columns import SOURCE_TEXT_COLUMNS
from crimedesk.ingest.arrowtools import blank_to_null, to_bool
from crimedesk.ingest.batch import Batch
from crimedesk.ingest.context import ImportContext
from crimedesk.ingest.keys import joined_key


def copy_columns(batch: Batch, context: ImportContext) -> None:
    profile = context.profile
    empty = pa.nulls(len(batch), pa.string())
    if profile.categorize is None:
        raise ValueError(f"profile {profile.name} reads incidents but names no way to categorize them")
    for canonical in SOURCE_TEXT_COLUMNS:
        name = _present(batch, profile.columns.get(canonical))
        batch.values[canonical] = blank_to_null(batch.column(name)) if name is not None else empty
    for canonical in ("arrest", "domestic"):
        name = _present(batch, profile.booleans.get(canonical))
        batch.values[canonical] = (
            to_bool(batch.column(name)) if name is not None else np.full(len(batch), None, object)
        )
    if context.content_keys is not None:
        batch.values["source_key"] = context.content_keys.keys(batch)
    else:
        batch.values["source_key"] = joined_key(batch, profile.key)
    batch.values["category"] = profile.categorize(batch)


def _present(batch: Batch, name: str | None) -> str | None:
    """``name`` when the profile names a column and the batch holds it, else None."""
    return name if name is not None and batch.has(name) else None
