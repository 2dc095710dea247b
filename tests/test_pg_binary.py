"""Binary COPY (storage.pg_binary): what the server stores equals what the Arrow table held."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pytest
from sqlalchemy import Engine, text

from crimedesk.storage import bulk, pg_binary

pytestmark = pytest.mark.postgres

COLUMNS = {  # the Chicago columns read, and the PostgreSQL type each is stored as
    "ID": ("bigint", pa.int64()),
    "Case Number": ("character varying(40)", pa.string()),
    "Block": ("text", pa.string()),
    "Arrest": ("boolean", pa.bool_()),
    "District": ("integer", pa.int32()),
    "Latitude": ("double precision", pa.float64()),
    "Location Description": ("text", pa.dictionary(pa.int32(), pa.string())),
    "Ward": ("smallint", pa.int16()),
}


def _read(path: Path) -> pa.Table:
    options = pcsv.ConvertOptions(
        include_columns=list(COLUMNS), column_types={k: t for k, (_, t) in COLUMNS.items()}
    )
    table = pcsv.read_csv(path, convert_options=options)
    return table.rename_columns([name.lower().replace(" ", "_") for name in table.column_names])


def test_round_trip_of_real_rows(pg_store: Engine, chicago_sample: Path) -> None:
    table = _read(chicago_sample)
    assert table.num_rows > 1000 and any(table.column(i).null_count for i in range(table.num_columns))
    fields = ", ".join(
        f"{name} {pg}" for name, (pg, _) in zip(table.column_names, COLUMNS.values(), strict=True)
    )
    with pg_store.begin() as conn:
        conn.execute(text(f"CREATE TEMP TABLE copied ({fields}) ON COMMIT DROP"))
        bulk.insert_arrow(conn, "copied", table.slice(0, 700))  # two COPY chunks' worth, then more
        bulk.insert_arrow(conn, "copied", table.slice(700).drop_columns(["ward"]), {"ward": 7})
        stored = conn.execute(text("SELECT * FROM copied")).all()
    expected = table.slice(0, 700).to_pylist() + [{**row, "ward": 7} for row in table.slice(700).to_pylist()]
    assert len(stored) == len(expected)
    for got, want in zip(stored, expected, strict=True):
        for name, value in want.items():
            held = getattr(got, name)
            if isinstance(value, float) and math.isnan(value):
                assert math.isnan(held)
            else:
                assert held == value, (name, held, value)


def test_unicode_and_empty_text(pg_store: Engine) -> None:
    table = pa.table({"label": pa.array(["", None, "Straße — 東京", "x" * 5000], pa.string())})
    with pg_store.begin() as conn:
        conn.execute(text("CREATE TEMP TABLE labels (label text) ON COMMIT DROP"))
        bulk.insert_arrow(conn, "labels", table)
        stored = [row[0] for row in conn.execute(text("SELECT label FROM labels"))]
    assert stored == table.column("label").to_pylist()


def test_columns_all_null_or_without_nulls_laid_side_by_side(pg_store: Engine) -> None:
    """Fixed-width fields (numbers without NULLs, columns all NULL) go out as one block per row."""
    table = pa.table(
        {
            "label": pa.array(["a", None, "ccc"], pa.string()),
            "id": pa.array([1, 2, 3], pa.int64()),
            "nothing": pa.array([None, None, None], pa.int32()),
            "share": pa.array([0.5, None, 2.0], pa.float64()),
            "flag": pa.array([True, False, True]),
            "note": pa.array([None, None, None], pa.string()),
        }
    )
    types = "label text, id bigint, nothing integer, share double precision, flag boolean, note text"
    with pg_store.begin() as conn:
        conn.execute(text(f"CREATE TEMP TABLE mixed ({types}) ON COMMIT DROP"))
        bulk.insert_arrow(conn, "mixed", table)
        stored = [row._asdict() for row in conn.execute(text("SELECT * FROM mixed ORDER BY id"))]
    assert stored == table.to_pylist()


def test_records_encoded_ahead_store_their_rows_with_the_numbers_stamped_in(
    pg_store: Engine, chicago_sample: Path
) -> None:
    """What an import's reading process encodes (encode_records), the writer numbers and COPYs."""
    from crimedesk.ingest.prepare import Preparer
    from crimedesk.ingest.profiles import all_profiles
    from crimedesk.ingest.source import inspect_file

    prepared = next(Preparer(inspect_file(chicago_sample), all_profiles()["chicago"]).batches())
    table = prepared.table
    assert table is not None and table.num_rows > 2_000
    with pg_store.begin() as conn:
        conn.execute(text("CREATE TEMP TABLE copied (LIKE incidents) ON COMMIT DROP"))
        records = pg_binary.encode_records(table, pg_binary.column_types(conn, "incidents"))
        taken = np.arange(0, table.num_rows, 3)  # the writer stores a subset when some rows update
        ids = np.arange(5_000_000_001, 5_000_000_001 + len(taken))
        bulk.copy_records(conn, "copied", records.take(taken), ids, 7)
        stored = [row._asdict() for row in conn.execute(text("SELECT * FROM copied ORDER BY id"))]
    expected = table.take(pa.array(taken)).to_pylist()
    assert [row["id"] for row in stored] == ids.tolist()
    assert {row["import_id"] for row in stored} == {7}
    for got, want in zip(stored, expected, strict=True):
        for name, value in want.items():
            held = got[name]
            if isinstance(value, float) and math.isnan(value):
                assert math.isnan(held)
            else:
                assert held == value, (name, held, value)
