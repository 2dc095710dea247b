"""UCR rows: validate counts (stored by ucr_writer, upserted by year and state)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crimedesk.domain.ucr import UCR_COUNT_COLUMNS
from crimedesk.ingest.arrowtools import blank_to_null, is_blank
from crimedesk.ingest.batch import Batch

FIELDS = ("year", "state_abbr", "state_name", *UCR_COUNT_COLUMNS, "caveats")


def _integers(batch: Batch, name: str) -> np.ndarray:
    """Non-negative whole numbers (object array with None for blanks); others reject the row."""
    if not batch.has(name):
        return np.full(len(batch), None, dtype=object)
    text = pc.replace_substring(blank_to_null(batch.column(name)), ",", "")
    whole = pc.fill_null(pc.match_substring_regex(text, r"^\d+$"), True)
    batch.reject(~np.asarray(whole), lambda i: f"{name} '{batch.column(name)[i].as_py()}' is not a count")
    cleaned = pc.if_else(whole, text, pa.scalar(None, pa.string()))
    return np.array(pc.cast(cleaned, pa.int64()).to_pylist(), dtype=object)


def validate(batch: Batch) -> list[dict]:
    """Canonical UCR records of the accepted rows (rejections go into ``batch``)."""
    values = {name: _integers(batch, name) for name in ("year", *UCR_COUNT_COLUMNS)}
    years = np.array([y if y is not None else -1 for y in values["year"]])
    batch.reject(is_blank(batch.column("year")), "year is missing")
    batch.reject((years != -1) & ((years < 1900) | (years > date.today().year)), "year out of range")
    state = pc.fill_null(blank_to_null(batch.column("state_abbr")), "US")
    name = pc.fill_null(blank_to_null(batch.column("state_name")), "United States")
    values["state_abbr"] = np.array(pc.utf8_upper(state).to_pylist(), dtype=object)
    values["state_name"] = np.array(name.to_pylist(), dtype=object)
    caveats = blank_to_null(batch.column("caveats")) if batch.has("caveats") else pa.nulls(len(batch))
    values["caveats"] = np.array(caveats.to_pylist(), dtype=object)
    keep = np.flatnonzero(batch.accepted_mask())
    return [{f: values[f][i] for f in FIELDS} for i in keep]
