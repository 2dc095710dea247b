"""Store fixtures: every storage test runs on SQLite and on PostgreSQL.

PostgreSQL tests use a throwaway database on the local server (127.0.0.1:5432, trust auth;
CRIMEDESK_TEST_PG overrides the server URL). Outside CI they skip when no server answers; with
CI=true an unreachable server is an error, never a skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, create_engine, text

from crimedesk.storage.engine import make_engine
from crimedesk.storage.schema import metadata

PG_SERVER = os.environ.get("CRIMEDESK_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _pg_admin() -> Engine | None:
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # the server is down or absent: decide below whether that is fatal
        if os.environ.get("CI") == "true":
            raise RuntimeError(f"PostgreSQL must run in CI but {PG_SERVER} failed: {exc}") from exc
        return None
    return admin


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    admin = _pg_admin()
    if admin is None:
        pytest.skip("no PostgreSQL server on 127.0.0.1:5432")
    name = f"crimedesk_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'create database "{name}"'))
    url = PG_SERVER.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'drop database if exists "{name}" with (force)'))
    admin.dispose()


@pytest.fixture(scope="session")
def pg_engine(pg_url: str) -> Iterator[Engine]:
    engine = make_engine(pg_url)
    yield engine
    engine.dispose()


def clear_store(engine: Engine) -> None:
    """Empty every table (keeps the migrated schema and the store's id), the audit trail included."""
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            if table.name == "store_info":
                continue
            if table.name == "audit":
                _clear_audit(conn)
            else:
                conn.execute(table.delete())


def _clear_audit(conn: Connection) -> None:
    """Only a test may empty the trail: it lifts the append-only triggers for the moment."""
    if conn.dialect.name == "sqlite":
        conn.execute(text("DROP TRIGGER audit_no_delete"))
        conn.execute(text("DELETE FROM audit"))
        refusal = "SELECT RAISE(ABORT, 'the audit trail is append-only')"
        conn.execute(text(f"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN {refusal}; END"))
    else:
        conn.execute(text("ALTER TABLE audit DISABLE TRIGGER audit_append_only"))
        conn.execute(text("DELETE FROM audit"))
        conn.execute(text("ALTER TABLE audit ENABLE TRIGGER audit_append_only"))


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    yield engine
    engine.dispose()


@pytest.fixture
def pg_store(pg_engine: Engine) -> Engine:
    clear_store(pg_engine)
    return pg_engine


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest) -> Engine:
    """A fresh, empty, migrated store on each backend."""
    return request.getfixturevalue("sqlite_store" if request.param == "sqlite" else "pg_store")
