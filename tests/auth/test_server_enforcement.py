"""PostgreSQL itself enforces the roles: through crimedesk, and with psql as each login."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from crimedesk.auth import accounts, audit
from crimedesk.auth.roles import Role
from crimedesk.auth.session import acting_user
from crimedesk.auth.user import PermissionDenied
from tests.auth.server_users import PASSWORD, Logins, logins, psql

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def users(pg_engine: Engine) -> Iterator[Logins]:
    with logins(pg_engine) as made:
        yield made


def test_each_login_opens_the_store_in_its_role(users: Logins) -> None:
    for role in Role:
        engine = users.engine(role)
        try:
            assert acting_user(engine).role is role
        finally:
            engine.dispose()


WRITES = {
    "incidents": [
        "INSERT INTO incidents (source, source_key, occurred_from, category, mappable, quality_flags,"
        " import_id)"
        " VALUES ('x', 'k1', 0, 'THEFT', false, 0, 1)",
        "UPDATE incidents SET category = 'X'",
        "DELETE FROM incidents",
    ],
    "imports": [
        "INSERT INTO imports (file_name, sha256, size_bytes, profile, source, username, started_at, status,"
        " rows_read, inserted, updated, unchanged, rejected, unmappable, corrected)"
        " VALUES ('f', 'h', 1, 'p', 's', 'u', 0, 'ok', 0, 0, 0, 0, 0, 0, 0)",
        "UPDATE imports SET status = 'ok'",
        "DELETE FROM imports",
    ],
    "experiments": [
        "INSERT INTO experiments (name, model_kind, task, params_json, data_fingerprint, filters_json, seed,"
        " code_version, created_at, status, promoted) VALUES ('e','k','t','{}','f','{}',0,'v',0,'ok',false)",
        "UPDATE experiments SET promoted = true",
        "DELETE FROM experiments",
    ],
    "audit": ["UPDATE audit SET username = 'x'", "DELETE FROM audit"],
}


@pytest.mark.parametrize("table", sorted(WRITES))
def test_psql_as_a_viewer_cannot_write(users: Logins, table: str) -> None:
    assert (
        psql(
            users, Role.VIEWER, f"SELECT count(*) FROM {table if table != 'audit' else 'incidents'}"
        ).returncode
        == 0
    )
    for statement in WRITES[table]:
        done = psql(users, Role.VIEWER, statement)
        assert done.returncode != 0, statement
        assert "permission denied" in done.stderr


def test_psql_as_a_viewer_cannot_insert_a_forged_user_or_read_the_trail(users: Logins) -> None:
    done = psql(
        users,
        Role.VIEWER,
        "INSERT INTO audit (at_utc, username, host, action, object_type, object_id,"
        " details_json) VALUES (0, 'v', 'h', 'export', '', '', '{}')",
    )
    assert done.returncode == 0  # everyone may append to the trail...
    assert (
        "permission denied" in psql(users, Role.VIEWER, "SELECT * FROM audit").stderr
    )  # ...only admins read it
    refused = psql(users, Role.VIEWER, "SELECT crimedesk_add_user('x', 'y', 'admin', '', '')")
    assert "permission denied for function" in refused.stderr


@pytest.mark.parametrize(
    "statement", ["UPDATE audit SET username = 'x'", "DELETE FROM audit", "TRUNCATE audit"]
)
def test_psql_as_an_admin_cannot_change_the_trail(users: Logins, statement: str) -> None:
    done = psql(users, Role.ADMIN, statement)
    assert done.returncode != 0
    assert "permission denied" in done.stderr or "append-only" in done.stderr


def test_an_analyst_writes_but_may_not_delete_history_or_experiments(users: Logins) -> None:
    assert psql(users, Role.ANALYST, WRITES["imports"][0]).returncode == 0
    assert psql(users, Role.ANALYST, WRITES["experiments"][0]).returncode == 0
    for statement in (WRITES["imports"][2], WRITES["experiments"][2], WRITES["incidents"][2]):
        assert "permission denied" in psql(users, Role.ANALYST, statement).stderr
    for statement in (WRITES["experiments"][2], "DELETE FROM incidents WHERE false"):
        assert psql(users, Role.ADMIN, statement).returncode == 0


def test_an_admin_manages_users_without_being_a_superuser(users: Logins, pg_engine: Engine) -> None:
    admin_engine = users.engine(Role.ADMIN)
    newcomer = users.names[Role.VIEWER] + "_new"
    try:
        admin = acting_user(admin_engine)
        accounts.add_user(admin_engine, newcomer, "pw one", Role.VIEWER, user=admin, department="Robbery")
        accounts.set_role(admin_engine, newcomer, Role.ANALYST, user=admin)
        accounts.set_active(admin_engine, newcomer, False, user=admin)
        listed = {a.username: a for a in accounts.list_users(admin_engine, user=admin)}
        assert (listed[newcomer].role, listed[newcomer].status, listed[newcomer].department) == (
            Role.ANALYST,
            "suspended",
            "Robbery",
        )
        trail = [(e.username, e.action, e.object_id) for e in audit.read(admin_engine, username=admin.name)]
        assert trail[-3:] == [(admin.name, a, newcomer) for a in ("add_user", "change_role", "change_status")]
        with pytest.raises(PermissionDenied, match="may not change your own role"):
            accounts.set_role(admin_engine, admin.name, Role.VIEWER, user=admin)
        analyst_engine = users.engine(Role.ANALYST)
        try:
            with pytest.raises(PermissionDenied, match="may not manage users"):
                accounts.set_role(analyst_engine, newcomer, Role.ADMIN, user=acting_user(analyst_engine))
        finally:
            analyst_engine.dispose()
    finally:
        admin_engine.dispose()
        with pg_engine.connect() as conn:
            conn.execute(text(f'DROP ROLE IF EXISTS "{newcomer}"'))
            conn.commit()


def test_a_suspended_login_is_refused_by_the_server(users: Logins) -> None:
    name = users.names[Role.VIEWER]
    admin_engine = users.engine(Role.ADMIN)
    try:
        accounts.set_active(admin_engine, name, False, user=acting_user(admin_engine))
        assert "not permitted to log in" in psql(users, Role.VIEWER, "SELECT 1").stderr
        accounts.set_active(admin_engine, name, True, user=acting_user(admin_engine))
        assert psql(users, Role.VIEWER, "SELECT 1").returncode == 0
    finally:
        admin_engine.dispose()


def test_everyone_sets_their_own_password_only_admins_anyones(users: Logins, pg_engine: Engine) -> None:
    analyst_engine, admin_engine = users.engine(Role.ANALYST), users.engine(Role.ADMIN)
    analyst, admin = acting_user(analyst_engine), acting_user(admin_engine)
    stored = "SELECT rolpassword FROM pg_authid WHERE rolname = :n"
    try:
        with pg_engine.connect() as conn:
            before = conn.execute(text(stored), {"n": analyst.name}).scalar_one()
        accounts.set_password(analyst_engine, analyst.name, PASSWORD, user=analyst)
        with pytest.raises(PermissionDenied, match="may not manage users"):
            accounts.set_password(analyst_engine, admin.name, "taken-over", user=analyst)
        accounts.set_password(admin_engine, analyst.name, PASSWORD, user=admin)
        with pg_engine.connect() as conn:
            after = conn.execute(text(stored), {"n": analyst.name}).scalar_one()
        assert after != before and after.startswith("SCRAM-SHA-256$")  # a new salt each time
        trail = [(e.username, e.action, e.object_id) for e in audit.read(admin_engine, action="set_password")]
        assert trail[-2:] == [
            (analyst.name, "set_password", analyst.name),
            (admin.name, "set_password", analyst.name),
        ]
    finally:
        analyst_engine.dispose()
        admin_engine.dispose()
