"""A bulk load's pages reach the write-ahead log (and the disk) before its commit."""

import threading
from pathlib import Path

from sqlalchemy import func, select

from crimedesk.storage import write_ahead
from crimedesk.storage.engine import CACHE_SIZE_KIB
from crimedesk.storage.schema import rejected_rows
from tests.fill import add_import


def _cache_kib(conn) -> int:
    return -conn.exec_driver_sql("PRAGMA cache_size").scalar()


def test_spilling_writes_a_large_transaction_ahead_and_then_restores_the_cache(sqlite_store, monkeypatch):
    monkeypatch.setattr(write_ahead, "FLUSH_EVERY_S", 0.01)
    wal = Path(f"{sqlite_store.url.database}-wal")
    with sqlite_store.begin() as conn:
        import_id = add_import(conn)
        rows = [
            dict(import_id=import_id, line_number=n, raw_text="x" * 2000, reasons="r") for n in range(30_000)
        ]
        before = wal.stat().st_size if wal.exists() else 0
        with write_ahead.spilling(conn):
            assert _cache_kib(conn) == write_ahead.SPILL_CACHE_KIB
            conn.execute(rejected_rows.insert(), rows)  # 60 MB, more than the spilling cache holds
            assert wal.stat().st_size - before > 16 << 20  # written before the commit
            assert any(t.name == "wal-flusher" for t in threading.enumerate())
        assert _cache_kib(conn) == CACHE_SIZE_KIB
    assert not any(t.name == "wal-flusher" for t in threading.enumerate())
    with sqlite_store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(rejected_rows)).scalar() == 30_000


def test_spilling_leaves_postgresql_as_it_is(pg_store):
    with pg_store.begin() as conn, write_ahead.spilling(conn):
        assert not any(t.name == "wal-flusher" for t in threading.enumerate())
