"""JSON events as the raw string columns the import stages read (names as a file header's)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa

from crimedesk.ingest.profiles.base import Profile, normalize_header


def as_text(value: Any) -> str | None:
    """A JSON value as a file would hold it: booleans as true/false, objects as JSON text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return str(value)


def raw_batch(records: Sequence[Mapping[str, Any]], profile: Profile) -> pa.RecordBatch:
    """Every field of ``records`` plus the profile's columns (absent keys are nulls, as SODA leaves
    null fields out); system fields (``:id``, ``:updated_at``) are not event data and are dropped."""
    names = set(profile.known_columns())
    rows = [{normalize_header(k): as_text(v) for k, v in r.items() if not k.startswith(":")} for r in records]
    for row in rows:
        names.update(row)
    ordered = sorted(names)
    columns = [pa.array([row.get(name) for row in rows], type=pa.string()) for name in ordered]
    return pa.RecordBatch.from_arrays(columns, names=ordered)
