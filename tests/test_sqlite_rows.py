"""Arrow batches become SQLite rows exactly: constants as literals, nulls, integers, booleans, quotes."""

import numpy as np
import pyarrow as pa
import pytest
from sqlalchemy import create_engine, text

from crimedesk.storage.sqlite_rows import encode_rows, insert_rows

BATCH = pa.table(
    {
        "name": pa.array(["O'Hare", "Loop", None, "Loop"]),
        "count": pa.array([1, None, 3, 2**40], pa.int64()),
        "share": pa.array([0.5, None, 0.1 + 0.2, -1e-300]),
        "flag": pa.array([True, False, None, True]),
        "same": pa.array(["x'y"] * 4),
        "empty": pa.array([None] * 4, pa.string()),
    }
)


@pytest.fixture
def conn():
    engine = create_engine("sqlite://")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE t (name TEXT, count INTEGER, share REAL, flag BOOLEAN,"
            " same TEXT, empty TEXT, src TEXT)"
        )
        yield conn


def _rows(conn):
    return conn.execute(text("SELECT name, count, typeof(count), share, flag, same, empty, src FROM t")).all()


def test_constants_become_literals_and_nothing_is_lost(conn):
    encoded = encode_rows(BATCH, {"src": "chicago"})
    assert encoded.constants == {"src": "chicago", "same": "x'y"}
    assert encoded.table.column_names == ["name", "count", "share", "flag"]
    insert_rows(conn, "t", encoded)
    assert _rows(conn) == [
        ("O'Hare", 1, "integer", 0.5, 1, "x'y", None, "chicago"),
        ("Loop", None, "null", None, 0, "x'y", None, "chicago"),
        (None, 3, "integer", 0.1 + 0.2, None, "x'y", None, "chicago"),
        ("Loop", 2**40, "integer", -1e-300, 1, "x'y", None, "chicago"),
    ]


def test_a_subset_of_rows_and_more_constants(conn):
    encoded = encode_rows(BATCH).take(np.array([3, 0])).with_constants({"src": "nypd"})
    insert_rows(conn, "t", encoded)
    assert [(r.name, r.count, r.src) for r in _rows(conn)] == [("Loop", 2**40, "nypd"), ("O'Hare", 1, "nypd")]


def test_one_row_has_only_constants_and_is_still_written(conn):
    encoded = encode_rows(BATCH.slice(0, 1))
    assert encoded.table.num_columns == 0 and encoded.num_rows == 1
    insert_rows(conn, "t", encoded)
    assert _rows(conn) == [("O'Hare", 1, "integer", 0.5, 1, "x'y", None, None)]


def test_many_rows_span_several_statements(conn):
    many = pa.table({"name": pa.array([f"n{i}" for i in range(1001)]), "count": pa.array(range(1001))})
    insert_rows(conn, "t", encode_rows(many))
    assert conn.execute(text("SELECT count(*), sum(count), count(DISTINCT name) FROM t")).one() == (
        1001,
        500500,
        1001,
    )


def test_distinct_columns_stay_plain_strings_and_repeated_values_are_encoded(conn):
    keys = [f"JA{n:06d}'" for n in range(1500)]
    keys[7] = None
    batch = pa.table({"name": pa.array(keys), "same": pa.array(["Loop", "Austin", None] * 500)})
    encoded = encode_rows(batch, distinct=["name"])
    assert encoded.table.schema.field("name").type == pa.string()
    assert pa.types.is_dictionary(encoded.table.schema.field("same").type)
    insert_rows(conn, "t", encoded)
    assert [(r.name, r.same) for r in _rows(conn)] == list(
        zip(keys, ["Loop", "Austin", None] * 500, strict=True)
    )
