"""A wrong password is refused by the real server (see tests.auth.server_users.scram_analyst)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from crimedesk.auth import audit
from crimedesk.auth.login import LoginAttempts
from crimedesk.auth.session import acting_user
from crimedesk.ui.dialogs.login_dialog import LoginDialog
from tests.auth.server_users import RIGHT_PASSWORD, scram_analyst

pytestmark = pytest.mark.postgres


@pytest.fixture
def scram_user(pg_engine: Engine) -> Iterator[str]:
    with scram_analyst(pg_engine) as name:
        yield name


def test_the_login_dialog_refuses_a_wrong_password_and_accepts_the_right_one(qtbot, scram_user, pg_engine):
    store = make_url(pg_engine.url.render_as_string(hide_password=False)).set(username=scram_user)
    dialog = LoginDialog(store, LoginAttempts())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.password_edit.setText("Wrong-pass-31")
    dialog.try_login()
    assert dialog.isVisible() and dialog.engine is None
    assert dialog.error_label.text() == (
        f"{scram_user} could not log in: wrong user name or password. Nothing was opened; try again."
    )
    dialog.password_edit.setText(RIGHT_PASSWORD)
    dialog.try_login()
    assert dialog.result() == LoginDialog.DialogCode.Accepted and dialog.engine is not None
    assert acting_user(dialog.engine).name == scram_user
    dialog.engine.dispose()
    rows = [(e.username, e.action, e.details.get("reason")) for e in audit.read(pg_engine)]
    assert rows[-2:] == [
        (scram_user, "failed_login", "wrong user name or password"),
        (scram_user, "login", None),
    ]
