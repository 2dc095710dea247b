"""Deleting an import on PostgreSQL: admins only, refused by the core and by the server itself."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import ProgrammingError

from crimedesk.auth import audit
from crimedesk.auth.roles import Role
from crimedesk.auth.user import PermissionDenied, User
from crimedesk.ingest.deletion import delete_import
from crimedesk.ingest.pipeline import import_file
from crimedesk.storage.schema import incidents
from tests.auth.server_users import Logins, logins
from tests.auth.test_server_enforcement import psql

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def users(pg_engine: Engine) -> Iterator[Logins]:
    with logins(pg_engine) as made:
        yield made


def _count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(incidents)).scalar_one()


def test_only_an_admin_login_deletes_an_import(pg_store: Engine, users: Logins, chicago_sample) -> None:
    made = import_file(pg_store, chicago_sample).import_id
    total = _count(pg_store)
    analyst = users.engine(Role.ANALYST)
    try:
        with pytest.raises(PermissionDenied):
            delete_import(analyst, made)
        forged = User(users.names[Role.ANALYST], Role.ADMIN)  # past the core: the server refuses
        with pytest.raises(ProgrammingError, match="permission denied"):
            delete_import(analyst, made, user=forged)
    finally:
        analyst.dispose()
    refused = psql(users, Role.ANALYST, f"DELETE FROM incidents WHERE import_id = {made}")
    assert refused.returncode != 0 and "permission denied" in refused.stderr
    assert _count(pg_store) == total
    admin = users.engine(Role.ADMIN)
    try:
        done = delete_import(admin, made)
    finally:
        admin.dispose()
    assert done.deleted == total and _count(pg_store) == 0
    (row,) = audit.read(pg_store, action="delete_import")
    assert (row.username, row.details["deleted"]) == (users.names[Role.ADMIN], total)
