"""Entry point of the process that reads a SQLite store as Arrow for the analytics mirror:

    python -P -m crimedesk.storage.sqlite_arrow_child PARENT_PID

It reads a pickled ``(database path, SQL, Arrow schema, rows per batch)`` from stdin and writes
the query's rows to stdout as one Arrow IPC stream of that schema. ADBC's SQLite driver builds
the Arrow columns in C, without a Python value per field (Python's sqlite3 spent most of a
7M-row copy on those). It carries its own SQLite library, which must never open the store in the
app's process (see crimedesk.storage.mirror_read); in a process of its own it locks the file like
any other reader.
"""

import pickle
import sys
from urllib.parse import quote

BUSY_TIMEOUT_MS = 10_000  # as the app's own connections (crimedesk.storage.engine)


def main(argv: list[str]) -> None:
    from crimedesk.domain.parent_death import die_with_parent

    die_with_parent(int(argv[1]))  # the copy's owner killed: its reader goes too
    write(*pickle.load(sys.stdin.buffer))


def write(path: str, sql: str, schema: object, batch_rows: int) -> None:
    import adbc_driver_sqlite.dbapi
    import pyarrow as pa

    assert isinstance(schema, pa.Schema)
    uri = f"file:{quote(path, safe='/')}?mode=ro"  # quoted: a ?, # or % in the path is the file's
    with adbc_driver_sqlite.dbapi.connect(uri) as conn, conn.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")  # wait out a writer's commit
        cursor.fetchall()
        cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": str(batch_rows)})
        cursor.execute(typed_first(sql, schema))
        with pa.ipc.new_stream(sys.stdout.buffer, schema) as stream:
            for number, batch in enumerate(cursor.fetch_record_batch()):
                if number == 0:  # the typing row (checked: SQLite returns a UNION ALL's parts in order)
                    assert batch.num_rows and batch.column(0)[0].as_py() is None
                    batch = batch.slice(1)
                stream.write_batch(batch.select(schema.names).cast(schema))


def typed_first(sql: str, schema: object) -> str:
    """``sql`` after a row holding a value of each column's type.

    The driver infers each column's type from the first batch, and takes int64 for a column whose
    values there are all NULL: a text column empty in its first rows then fails on its first text.
    """
    import pyarrow as pa

    assert isinstance(schema, pa.Schema)
    values = ", ".join(f"{_literal(field.type)} AS {field.name}" for field in schema)
    names = ", ".join(schema.names)
    return f"SELECT NULL AS _typing, {values} UNION ALL SELECT 1, {names} FROM ({sql})"


def _literal(arrow_type: object) -> str:
    import pyarrow as pa

    if pa.types.is_string(arrow_type):
        return "''"
    if pa.types.is_floating(arrow_type):
        return "0.5"
    return "0"


if __name__ == "__main__":
    main(sys.argv)
