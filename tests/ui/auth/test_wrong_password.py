"""A wrong password is refused by the real server: the local cluster asks members of
crimedesk_scram_test for their SCRAM password (installer/setup.sh adds that pg_hba rule; this test
runs the same step when the rule is missing)."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from crimedesk.auth import accounts, audit
from crimedesk.auth.login import LoginAttempts
from crimedesk.auth.roles import Role
from crimedesk.auth.session import acting_user
from crimedesk.ui.dialogs.login_dialog import LoginDialog
from tests.auth.server_users import drop_roles
from tests.stores import clear_store

pytestmark = pytest.mark.postgres
SETUP = Path(__file__).resolve().parents[3] / "installer" / "setup.sh"
GROUP = "crimedesk_scram_test"
RIGHT = "Right-pass-31"


def _rule_loaded(engine: Engine) -> bool:
    """The rule is in pg_hba.conf, first (before any trust rule)."""
    query = (
        "SELECT count(*) FROM pg_hba_file_rules WHERE :user = ANY(user_name)"
        " AND auth_method = 'scram-sha-256'"
        " AND line_number = (SELECT min(line_number) FROM pg_hba_file_rules)"
    )
    with engine.connect() as conn:
        return conn.execute(text(query), {"user": f"+{GROUP}"}).scalar_one() == 1


@pytest.fixture
def scram_user(pg_engine: Engine) -> Iterator[str]:
    """An analyst in crimedesk_scram_test, whom the server asks for the real password."""
    if not _rule_loaded(pg_engine):
        command = ["bash", str(SETUP), "--pg-password-rule"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
    assert _rule_loaded(pg_engine)
    clear_store(pg_engine)
    name = f"cdt_{uuid.uuid4().hex[:8]}_scram"
    try:
        accounts.add_user(pg_engine, name, RIGHT, Role.ANALYST, user=acting_user(pg_engine))
        with pg_engine.begin() as conn:
            conn.execute(text(f'GRANT {GROUP} TO "{name}"'))
        yield name
    finally:
        drop_roles(pg_engine.url.render_as_string(hide_password=False), [name])


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
    dialog.password_edit.setText(RIGHT)
    dialog.try_login()
    assert dialog.result() == LoginDialog.DialogCode.Accepted and dialog.engine is not None
    assert acting_user(dialog.engine).name == scram_user
    dialog.engine.dispose()
    rows = [(e.username, e.action, e.details.get("reason")) for e in audit.read(pg_engine)]
    assert rows[-2:] == [
        (scram_user, "failed_login", "wrong user name or password"),
        (scram_user, "login", None),
    ]
