"""`crimedesk server setup` on a fresh database: groups, grants, functions and the first admin."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from crimedesk.auth import accounts
from crimedesk.auth.roles import Role
from crimedesk.auth.scram import scram_verifier
from crimedesk.auth.session import acting_user
from crimedesk.auth.setup import SetupError, setup_server
from crimedesk.cli import app
from crimedesk.storage.engine import make_engine
from tests.auth.server_users import drop_roles
from tests.stores import PG_SERVER, _pg_admin

pytestmark = pytest.mark.postgres


@pytest.fixture
def fresh_database() -> Iterator[str]:
    admin = _pg_admin()
    if admin is None:
        pytest.skip("no PostgreSQL server on 127.0.0.1:5432")
    name = f"crimedesk_setup_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'create database "{name}"'))
    yield PG_SERVER.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'drop database if exists "{name}" with (force)'))
    admin.dispose()


def test_setup_creates_the_first_admin_once_who_then_manages_users(fresh_database: str) -> None:
    chief = f"cdt_{uuid.uuid4().hex[:8]}_chief"
    try:
        first = setup_server(fresh_database, chief, "s3cret-pw", full_name="Chief")
        again = setup_server(fresh_database, chief, "s3cret-pw")
        assert (first.admin_created, again.admin_created) == (True, False)
        engine = make_engine(make_url(fresh_database).set(username=chief, password="s3cret-pw"))
        try:
            user = acting_user(engine)
            assert user.role is Role.ADMIN
            listed = accounts.list_users(engine, user=user)
            assert [(a.username, a.full_name, a.role, a.status) for a in listed if a.username == chief] == [
                (chief, "Chief", Role.ADMIN, "active")
            ]
            # the rest are logins of other stores of this cluster (in crimedesk's cluster-wide
            # groups, so users here too): no profile in this database
            assert all((a.full_name, a.department) == ("", "") for a in listed if a.username != chief)
        finally:
            engine.dispose()
    finally:
        drop_roles(PG_SERVER, [chief])


def test_the_verifier_is_what_the_server_stores(fresh_database: str) -> None:
    chief = f"cdt_{uuid.uuid4().hex[:8]}_chief"
    try:
        setup_server(fresh_database, chief, "s3cret-pw")
        plain = create_engine(PG_SERVER)
        with plain.connect() as conn:
            stored = conn.execute(text("SELECT rolpassword FROM pg_authid WHERE rolname = :n"), {"n": chief})
            verifier = stored.scalar_one()
            # libpq's own verifier of the password, with its random salt: ours must equal it
            libpq = conn.connection.dbapi_connection.pgconn.encrypt_password(
                b"s3cret-pw", chief.encode(), b"scram-sha-256"
            ).decode()
        plain.dispose()
        iterations, salt = libpq.split("$")[1].split(":")
        assert verifier.startswith("SCRAM-SHA-256$4096:")
        assert scram_verifier("s3cret-pw", salt=base64.b64decode(salt), iterations=int(iterations)) == libpq
    finally:
        drop_roles(PG_SERVER, [chief])


def test_setup_is_for_postgresql_stores() -> None:
    with pytest.raises(SetupError, match="SQLite"):
        setup_server("sqlite://")


def test_the_cli_sets_up_a_server(fresh_database: str) -> None:
    chief = f"cdt_{uuid.uuid4().hex[:8]}_chief"
    try:
        result = CliRunner().invoke(
            app, ["server", "setup", fresh_database, "--admin", chief], input="pw-1\npw-1\n"
        )
        assert result.exit_code == 0, result.output
        assert f"first admin {chief} created" in result.output
    finally:
        drop_roles(PG_SERVER, [chief])
