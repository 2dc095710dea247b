"""Logins of every role on the real PostgreSQL server, made once per test module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from crimedesk.auth.roles import Role
from tests.auth.server_users import Logins, logins
from tests.stores import clear_store


@pytest.fixture(scope="module")
def users(pg_engine: Engine) -> Iterator[Logins]:
    with logins(pg_engine) as made:
        yield made


@pytest.fixture
def as_role(users: Logins, pg_engine: Engine) -> Iterator[dict[Role, Engine]]:
    """An engine per role, on a cleared store."""
    clear_store(pg_engine)
    engines = {role: users.engine(role) for role in Role}
    yield engines
    for engine in engines.values():
        engine.dispose()
