"""A refused login is kept on the workstation until a login succeeds, even when the user gives up
and closes the app in between: the next run's login writes it to the trail (issue 16)."""

from __future__ import annotations

import stat
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from crimedesk.auth import audit
from crimedesk.auth.login import LoginAttempts
from crimedesk.auth.roles import Role
from crimedesk.config.secrets import get_secret, secret_account
from crimedesk.ui.dialogs.login_dialog import LoginDialog, log_in_dialog
from tests.auth.server_users import PASSWORD, Logins, logins
from tests.stores import clear_store

pytestmark = pytest.mark.postgres


@pytest.fixture
def users(pg_engine: Engine) -> Iterator[Logins]:
    clear_store(pg_engine)
    with logins(pg_engine) as made:
        yield made


def test_a_refusal_the_user_gave_up_on_is_written_by_the_next_runs_login(
    qtbot, users, pg_engine, tmp_path, monkeypatch
):
    settings_file = tmp_path / "config" / "settings.json"
    kept = settings_file.parent / "failed_logins.json"
    store = make_url(users.database_url).set(username=f"{users.names[Role.ANALYST]}_typo")

    def give_up(dialog: LoginDialog) -> int:
        dialog.password_edit.setText("guess")
        dialog.try_login()
        assert dialog.engine is None and "wrong user name or password" in dialog.error_label.text()
        return 0  # the user gives up: the app exits, nothing reached the store

    monkeypatch.setattr(LoginDialog, "exec", give_up)
    assert log_in_dialog(store, remember=False, settings_file=settings_file) is None
    monkeypatch.undo()
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    other_store = store.set(database="elsewhere")
    assert LoginAttempts.kept_in(kept, other_store).failed == []  # kept per store

    analyst = store.set(username=users.names[Role.ANALYST])
    second = LoginDialog(analyst, LoginAttempts.kept_in(kept, analyst))  # the next run
    qtbot.addWidget(second)
    second.password_edit.setText(PASSWORD)
    second.try_login()
    assert second.engine is not None
    second.engine.dispose()
    rows = [(e.username, e.action) for e in audit.read(pg_engine)][3:]  # after the 3 add_user
    assert rows == [(store.username, "failed_login"), (users.names[Role.ANALYST], "login")]
    assert LoginAttempts.kept_in(kept, store).failed == []  # written once, then forgotten


def test_the_password_goes_to_the_keyring_only_when_asked_and_comes_back_from_it(qtbot, users, settings_file):
    """Issue 16 item 2: typed at login, kept in the OS keyring only if the user asks."""
    url = make_url(users.database_url).set(username=users.names[Role.VIEWER])
    account = secret_account(url)
    for keep in (False, True):
        dialog = LoginDialog(url)
        qtbot.addWidget(dialog)
        assert dialog.password_edit.text() == ""  # nothing saved yet
        dialog.password_edit.setText(PASSWORD)
        dialog.keep_box.setChecked(keep)
        dialog.try_login()
        assert dialog.engine is not None
        dialog.engine.dispose()
        assert get_secret(account) == (PASSWORD if keep else None)
    again = LoginDialog(url)
    qtbot.addWidget(again)
    assert again.password_edit.text() == PASSWORD  # filled from the keyring
