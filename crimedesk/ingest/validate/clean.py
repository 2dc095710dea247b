"""Canonical string and boolean columns copied from the source (blank and "NA" become NULL)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crimedesk.domain.columns import SOURCE_TEXT_COLUMNS
from crimedesk.ingest.arrowtools import blank_to_null, to_bool
from crimedesk.ingest.batch import Batch
from crimedesk.ingest.context import ImportContext


def source_key(batch: Batch, key: tuple[str, ...]) -> pa.Array:
    parts = [pc.utf8_trim_whitespace(batch.column(name)) for name in key]
    return parts[0] if len(parts) == 1 else pc.binary_join_element_wise(*parts, "|")


def copy_columns(batch: Batch, context: ImportContext) -> None:
    profile = context.profile
    empty = pa.nulls(len(batch), pa.string())
    for canonical in SOURCE_TEXT_COLUMNS:
        name = profile.columns.get(canonical)
        present = name is not None and batch.has(name)
        batch.values[canonical] = blank_to_null(batch.column(name)) if present else empty
    for canonical in ("arrest", "domestic"):
        name = profile.booleans.get(canonical)
        present = name is not None and batch.has(name)
        batch.values[canonical] = (
            to_bool(batch.column(name)) if present else np.full(len(batch), None, object)
        )
    batch.values["source_key"] = source_key(batch, profile.key)
    batch.values["category"] = profile.categorize(batch)
