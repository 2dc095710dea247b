"""Store-wide settings (issue 16): only admins change them, by crimedesk and at the server, audited
with the old and new value; the idle lock is the shorter of the workstation's time and the store's limit."""

from __future__ import annotations

import getpass
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError
from typer.testing import CliRunner

from crimedesk.auth import audit
from crimedesk.auth.roles import Role
from crimedesk.auth.session import acting_user
from crimedesk.auth.store_settings import (
    IDLE_LOCK_MAX,
    StoreSettingError,
    change_store_setting,
    check_workstation_idle,
    effective_idle_minutes,
    read_store_settings,
    store_setting,
)
from crimedesk.auth.user import PermissionDenied, User
from crimedesk.cli import app
from crimedesk.storage.schema import store_settings
from tests.auth.server_users import Logins, psql


@pytest.mark.postgres
def test_only_an_admin_changes_a_store_setting_and_it_is_audited(as_role: dict[Role, Engine]) -> None:
    for role in (Role.VIEWER, Role.ANALYST):
        with pytest.raises(PermissionDenied, match=f"a {role.label} may not change settings"):
            change_store_setting(as_role[role], IDLE_LOCK_MAX, 10)
    admin = as_role[Role.ADMIN]
    assert audit.read(admin, action="change_settings") == []
    assert change_store_setting(admin, IDLE_LOCK_MAX, 10) == 10.0
    name = acting_user(admin).name
    [entry] = audit.read(admin, action="change_settings")
    assert (entry.username, entry.object_type, entry.object_id) == (name, "setting", IDLE_LOCK_MAX)
    assert entry.details == {"setting": IDLE_LOCK_MAX, "old": 15.0, "new": 10.0, "scope": "store"}
    change_store_setting(admin, IDLE_LOCK_MAX, 10)  # the same value again: no change, no row
    change_store_setting(admin, IDLE_LOCK_MAX, 20)
    assert [e.details["old"] for e in audit.read(admin, action="change_settings")] == [15.0, 10.0]
    for role in Role:  # every role reads the store's rule
        [shown] = read_store_settings(as_role[role])
        assert (shown.value, shown.default, shown.changed_by) == (20.0, 15.0, name)


@pytest.mark.postgres
def test_the_server_refuses_viewers_and_analysts_who_skip_the_core(
    users: Logins, as_role: dict[Role, Engine]
) -> None:
    row = "INSERT INTO store_settings VALUES ('idle_lock_max_minutes', '0', 0, current_user)"
    for role in (Role.VIEWER, Role.ANALYST):
        for statement in (row, "UPDATE store_settings SET value_json = '0'"):
            refused = psql(users, role, statement)
            assert refused.returncode != 0 and "permission denied" in refused.stderr, statement
        assert psql(users, role, "SELECT count(*) FROM store_settings").stdout.strip() == "0"
        engine = as_role[role]
        pretender = User(acting_user(engine).name, Role.ADMIN)
        with pytest.raises(ProgrammingError, match="permission denied"):
            change_store_setting.__wrapped__(engine, IDLE_LOCK_MAX, 1, user=pretender)  # type: ignore[attr-defined]
    made = psql(users, Role.ADMIN, row.replace("'0'", "'30'"))
    assert made.returncode == 0, made.stderr
    changed = psql(users, Role.ADMIN, "UPDATE store_settings SET value_json = '0'")
    assert changed.returncode == 0, changed.stderr
    # 0 (never lock) is no limit: a value crimedesk refuses, written past it, counts as the default
    assert store_setting(as_role[Role.VIEWER], IDLE_LOCK_MAX) == 15.0


@pytest.mark.postgres
def test_a_viewer_cannot_get_a_lock_longer_than_the_store_limit_or_none(as_role: dict[Role, Engine]) -> None:
    change_store_setting(as_role[Role.ADMIN], IDLE_LOCK_MAX, 10)
    limit = store_setting(as_role[Role.VIEWER], IDLE_LOCK_MAX)
    assert limit == 10.0
    minimum = {0: 10.0, 30: 10.0, 10: 10.0, 5: 5.0}  # never (0) is no choice: the limit
    assert {w: effective_idle_minutes(w, limit) for w in minimum} == minimum
    for too_long in (0, 11):
        with pytest.raises(ValueError, match="at most 10 minutes"):
            check_workstation_idle(too_long, limit)
    check_workstation_idle(10, limit)


@pytest.mark.parametrize(
    ("name", "value", "why"),
    [
        ("idle_lock_minutes", 5, "not a store-wide setting"),
        (IDLE_LOCK_MAX, 0, "0, never, is no limit"),
        (IDLE_LOCK_MAX, 24 * 60 + 1, "choose 1 to 1440"),
        (IDLE_LOCK_MAX, "ten", "not a number"),
        (IDLE_LOCK_MAX, True, "not a number"),
        (IDLE_LOCK_MAX, float("nan"), "not a number"),
    ],
)
def test_unknown_names_and_bad_values_are_refused(store: Engine, name: str, value: object, why: str) -> None:
    with pytest.raises(StoreSettingError, match=why):
        change_store_setting(store, name, value)
    with store.connect() as conn:
        assert conn.execute(select(store_settings)).all() == []
    assert audit.read(store) == []


def test_on_sqlite_the_os_user_is_the_store_admin(sqlite_store: Engine) -> None:
    change_store_setting(sqlite_store, IDLE_LOCK_MAX, 5)
    [entry] = audit.read(sqlite_store)
    assert (entry.username, entry.action, entry.details["new"]) == (getpass.getuser(), "change_settings", 5.0)
    assert store_setting(sqlite_store, IDLE_LOCK_MAX) == 5.0


@pytest.mark.postgres
def test_cli_settings_store_shows_and_admins_set(
    users: Logins, as_role: dict[Role, Engine], settings_file: Path
) -> None:
    def cli(role: Role, *args: str) -> tuple[int, str]:
        url = make_url(users.database_url).set(username=users.names[role]).render_as_string()
        result = CliRunner().invoke(app, ["settings", "store", *args, "--db", url], env={"COLUMNS": "200"})
        return result.exit_code, result.output

    code, shown = cli(Role.VIEWER)
    assert code == 0 and IDLE_LOCK_MAX in shown and "never" in shown, shown
    for role in (Role.VIEWER, Role.ANALYST):
        code, refused = cli(role, "--set", f"{IDLE_LOCK_MAX}=5")
        assert code == 1 and "may not change settings" in refused, refused
    assert cli(Role.ADMIN, "--set", "idle_lock_max_minutes")[1].count("name=value") == 1
    code, bad = cli(Role.ADMIN, "--set", f"{IDLE_LOCK_MAX}=0")
    assert code == 1 and "no limit" in bad, bad
    code, done = cli(Role.ADMIN, "--set", f"{IDLE_LOCK_MAX}=7.5")
    assert code == 0 and f"{IDLE_LOCK_MAX} = 7.5" in done, done
    assert store_setting(as_role[Role.VIEWER], IDLE_LOCK_MAX) == 7.5
    [entry] = audit.read(as_role[Role.ADMIN], action="change_settings")
    assert (entry.username, entry.details["new"]) == (users.names[Role.ADMIN], 7.5)
