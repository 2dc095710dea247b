"""A SQLite query read as Arrow by a child process (storage.sqlite_reader): types, odd paths, cancel."""

import sqlite3

import pyarrow as pa
import pytest

from crimedesk.domain.errors import ImportCancelled
from crimedesk.domain.progress import never_cancel
from crimedesk.storage.sqlite_reader import read_in_child

SCHEMA = pa.schema([("id", pa.int64()), ("block", pa.string()), ("arrest", pa.bool_())])


@pytest.fixture
def odd_store(tmp_path) -> str:
    """Text that is NULL in the first five rows only, in a directory whose name needs quoting."""
    folder = tmp_path / "a #1 ?50%"
    folder.mkdir()
    path = str(folder / "store.sqlite")
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, block TEXT, arrest BOOLEAN)")
        db.executemany(
            "INSERT INTO t VALUES (?, ?, ?)",
            [(i, None if i < 5 else f"0{i}XX W MAIN", i % 2) for i in range(9)],
        )
    return path


def test_rows_come_back_with_the_schema_types_in_small_batches(odd_store):
    batches = list(read_in_child(odd_store, "SELECT id, block, arrest FROM t", SCHEMA, 2, never_cancel))
    table = pa.Table.from_batches(batches, schema=SCHEMA)
    assert max(b.num_rows for b in batches) <= 2
    assert sorted(table.to_pylist(), key=lambda row: row["id"]) == [
        {"id": i, "block": None if i < 5 else f"0{i}XX W MAIN", "arrest": bool(i % 2)} for i in range(9)
    ]


def test_a_cancelled_read_raises_before_its_first_batch(odd_store):
    reading = read_in_child(odd_store, "SELECT id, block, arrest FROM t", SCHEMA, 2, lambda: True)
    with pytest.raises(ImportCancelled):
        next(reading)


def test_a_failing_query_says_why(odd_store):
    from crimedesk.domain.errors import ProcessEnded

    with pytest.raises(ProcessEnded, match="no such table"):
        list(read_in_child(odd_store, "SELECT id, block, arrest FROM missing", SCHEMA, 2, never_cancel))
