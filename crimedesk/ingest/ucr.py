"""UCR rows: validate counts and upsert by (year, state)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection, select, update

from crimedesk.domain.ucr import UCR_COUNT_COLUMNS
from crimedesk.ingest.arrowtools import blank_to_null, is_blank
from crimedesk.ingest.batch import Batch
from crimedesk.ingest.writer import Written
from crimedesk.storage.schema import ucr_counts

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


class UcrWriter:
    def __init__(self, conn: Connection, import_id: int) -> None:
        self.conn = conn
        self.import_id = import_id
        rows = conn.execute(select(ucr_counts.c.id, *(ucr_counts.c[f] for f in FIELDS))).all()
        self.stored = {(r.year, r.state_abbr): (r.id, tuple(r[1:])) for r in rows}

    def write(self, records: list[dict]) -> Written:
        inserted = updated = unchanged = 0
        for record in records:
            key, content = (record["year"], record["state_abbr"]), tuple(record[f] for f in FIELDS)
            old = self.stored.get(key)
            if old and old[1] == content:
                unchanged += 1
                continue
            values = dict(record, import_id=self.import_id)
            if old:
                self.conn.execute(update(ucr_counts).where(ucr_counts.c.id == old[0]).values(values))
                updated += 1
                row_id = old[0]
            else:
                row_id = self.conn.execute(ucr_counts.insert().values(values)).inserted_primary_key[0]
                inserted += 1
            self.stored[key] = (row_id, content)
        return Written(inserted, updated, unchanged)
