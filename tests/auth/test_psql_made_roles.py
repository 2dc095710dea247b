"""A login made with psql (a role in a crimedesk group, no profile) is a user like any other
(issue 16): listed, managed by admins, and it changes its own password, sent as a SCRAM verifier."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import URL, make_url
from typer.testing import CliRunner

from crimedesk.auth import accounts, audit
from crimedesk.auth.accounts import Account
from crimedesk.auth.login import WRONG_PASSWORD, LoginRefused, kept_attempts, log_in
from crimedesk.auth.roles import Role
from crimedesk.auth.session import acting_user
from crimedesk.cli import app
from crimedesk.config.secrets import get_secret, keep_password, secret_account
from tests.auth.server_users import SCRAM_GROUP, Logins, drop_roles, ensure_scram_rule

pytestmark = pytest.mark.postgres
OLD, NEW, RESET = "Old-pass-41", "New-pass-42", "Reset-pass-43"


@pytest.fixture
def psql_made(users: Logins, pg_engine: Engine) -> Iterator[str]:
    """An analyst made by a superuser with psql, not through crimedesk: the server asks it for its
    SCRAM password (it is in crimedesk_scram_test too)."""
    ensure_scram_rule(pg_engine)
    name = f"cdt_{uuid.uuid4().hex[:8]}_psql"
    url = make_url(users.database_url)
    command = ["psql", "-h", url.host or "127.0.0.1", "-p", str(url.port or 5432), "-U", str(url.username)]
    sql = f"CREATE ROLE {name} LOGIN PASSWORD '{OLD}'; GRANT crimedesk_analyst, {SCRAM_GROUP} TO {name}"
    command += ["-d", str(url.database), "-v", "ON_ERROR_STOP=1", "-c", sql]
    try:
        made = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        assert made.returncode == 0, made.stderr
        yield name
    finally:
        drop_roles(users.database_url, [name])


def _url(users: Logins, name: str, password: str | None = None) -> URL:
    return make_url(users.database_url).set(username=name, password=password)


def _login(users: Logins, name: str, password: str) -> str:
    engine = log_in(_url(users, name, password), kept_attempts(_url(users, name)))
    try:
        return acting_user(engine).name
    finally:
        engine.dispose()


def _listed(admin: Engine, name: str) -> Account:
    return {a.username: a for a in accounts.list_users(admin, user=acting_user(admin))}[name]


def test_a_psql_login_is_listed_and_changes_its_own_password(
    users: Logins, as_role: dict[Role, Engine], psql_made: str, settings_file: Path
) -> None:
    name, admin = psql_made, as_role[Role.ADMIN]
    assert _listed(admin, name) == Account(name, "", "", Role.ANALYST, True, None)
    admin_db = ["--db", _url(users, users.names[Role.ADMIN]).render_as_string()]
    shown = CliRunner().invoke(app, ["users", "list", *admin_db], env={"COLUMNS": "200"})
    [line] = [line for line in shown.output.splitlines() if name in line]
    assert [word for word in ("analyst", "active", "never") if word in line] == ["analyst", "active", "never"]
    own = CliRunner().invoke(
        app, ["users", "passwd", "--db", _url(users, name).render_as_string()], input=f"{OLD}\n{NEW}\n{NEW}\n"
    )
    assert own.exit_code == 0 and f"password of {name} changed" in own.output, own.output
    assert _login(users, name, NEW) == name
    with pytest.raises(LoginRefused, match=WRONG_PASSWORD):
        _login(users, name, OLD)
    trail = [(e.username, e.action, e.object_id) for e in audit.read(admin, username=name)]
    # the CLI's login (old password), its change, the new password's login; the refused old
    # password waits on this workstation for the next login
    assert trail == [(name, "login", name), (name, "set_password", name), (name, "login", name)]
    assert _listed(admin, name).last_login_utc is not None


def test_an_admin_manages_a_psql_login_like_any_user(
    users: Logins, as_role: dict[Role, Engine], psql_made: str, settings_file: Path
) -> None:
    name, admin = psql_made, as_role[Role.ADMIN]
    by = acting_user(admin)
    accounts.set_role(admin, name, Role.VIEWER, user=by)
    accounts.set_active(admin, name, False, user=by)
    listed = _listed(admin, name)
    assert (listed.role, listed.status) == (Role.VIEWER, "suspended")
    with pytest.raises(LoginRefused, match="suspended"):
        _login(users, name, OLD)
    accounts.set_active(admin, name, True, user=by)
    accounts.set_password(admin, name, RESET, user=by)
    assert _login(users, name, RESET) == name
    trail = [(e.username, e.action) for e in audit.read(admin, username=by.name) if e.object_id == name]
    assert trail == [(by.name, a) for a in ("change_role", "change_status", "change_status", "set_password")]


def test_the_open_session_goes_on_with_the_new_password(
    users: Logins, as_role: dict[Role, Engine], psql_made: str, settings_file: Path
) -> None:
    """A window changing its user's password keeps working: its pool's new connections log in
    with the new password, and the keyring's copy is the new one."""
    name = psql_made
    account = secret_account(_url(users, name))
    keep_password(account, OLD)
    engine = log_in(_url(users, name, OLD), kept_attempts(_url(users, name)))
    try:
        accounts.set_own_password(engine, NEW, user=acting_user(engine))
        engine.dispose()  # every pooled connection closed: the next one logs in again
        assert acting_user(engine).name == name
    finally:
        engine.dispose()
    assert get_secret(account) == NEW
    with pytest.raises(LoginRefused, match=WRONG_PASSWORD):
        _login(users, name, OLD)
