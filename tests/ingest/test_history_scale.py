"""A city's whole history (bench/history.py) imports with exact reconciliation on both backends.

CI runs the scaled history (CRIMEDESK_SCALE_SIZE, default ``1m``: two shifted copies of the Chicago
2016-17 file, 1.07 M rows); ``CRIMEDESK_SCALE_SIZE=7m`` runs the full 7 M rows (minutes per backend).
The expected counts come from DuckDB reading the same file, not from crimedesk.
"""

from __future__ import annotations

import os

import duckdb
import pytest

from bench.history import history_path
from crimedesk.ingest.pipeline import import_file
from crimedesk.storage.schema import incidents
from tests.ingest.helpers import count, rejected_count

SIZE = os.environ.get("CRIMEDESK_SCALE_SIZE", "1m")


def _expected(path) -> tuple[int, int, int, int]:
    """Rows, distinct keys, rows repeating a key (later in the file), keyless rows: by DuckDB."""
    query = f"""
        SELECT count(*), count(DISTINCT "ID"), count("ID") - count(DISTINCT "ID"), count(*) - count("ID")
        FROM read_csv('{path}', all_varchar = true)
    """
    with duckdb.connect() as conn:
        rows, keys, repeats, keyless = conn.execute(query).fetchone()
    return rows, keys, repeats, keyless


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["keyless", "updates"])
def test_the_history_reconciles_exactly(store, variant):
    path = history_path(SIZE, variant)
    rows, keys, repeats, keyless = _expected(path)
    c = import_file(store, path).counts
    # a key seen again within one file is never an update: a differing repeat is a listed conflict
    assert (c.rows_read, c.inserted, c.updated, c.unchanged, c.rejected, c.conflicts) == (
        rows, keys, 0, 0, keyless, repeats
    )  # fmt: skip
    stored = (count(store, incidents), rejected_count(store))
    assert stored == (keys, keyless + repeats)  # the conflicts are listed
