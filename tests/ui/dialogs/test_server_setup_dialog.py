"""The server set-up dialog on the real PostgreSQL server: a throwaway database gets the groups,
grants and first admin; the superuser's password is used once and kept nowhere."""

from __future__ import annotations

import uuid

import keyring
import pytest
from sqlalchemy.engine import make_url

from crimedesk.auth.roles import Role
from crimedesk.auth.session import acting_user
from crimedesk.storage.engine import make_engine
from crimedesk.ui.dialogs.server_setup_dialog import ServerSetupDialog
from tests.auth.server_users import drop_roles
from tests.auth.test_server_setup import fresh_database  # noqa: F401  (a fixture)
from tests.stores import PG_SERVER

pytestmark = pytest.mark.postgres
SUPERUSER_PASSWORD = "Super-0nce-42"


def test_the_dialog_sets_up_a_fresh_database_and_forgets_the_passwords(
    qtbot,
    fresh_database,  # noqa: F811  (the imported fixture)
    settings_file,
    artifacts,
):
    database = make_url(fresh_database)._replace(username=None).render_as_string()
    dialog = ServerSetupDialog(database)
    qtbot.addWidget(dialog)
    dialog.show()
    chief = f"cdt_{uuid.uuid4().hex[:8]}_chief"
    dialog.superuser_password.setText(SUPERUSER_PASSWORD)
    dialog.admin_edit.setText(chief)
    dialog.full_name_edit.setText("Chief")
    dialog.admin_password.setText("first-admin-9")
    dialog.admin_again.setText("first-admin-8")
    dialog.run_button.click()
    assert dialog.message.text() == "⚠ the admin's two passwords differ" and dialog.job is None
    dialog.admin_again.setText("first-admin-9")
    try:
        dialog.run_button.click()
        qtbot.waitUntil(lambda: dialog.message.text().startswith("✔"), timeout=30_000)
        name = make_url(fresh_database).database
        assert (
            dialog.message.text()
            == f"✔ {name} is set up for crimedesk. The first admin, {chief}, can now log in."
        )
        assert [e.text() for e in (dialog.superuser_password, dialog.admin_password, dialog.admin_again)] == [
            ""
        ] * 3
        assert dialog.grab().save(str(artifacts / "server_setup_dialog.png"))
        engine = make_engine(make_url(fresh_database).set(username=chief, password="first-admin-9"))
        try:
            assert acting_user(engine).role is Role.ADMIN
        finally:
            engine.dispose()
        assert not settings_file.exists()  # nothing saved, and nothing in the keyring
        assert keyring.get_keyring()._secrets == {}
    finally:
        drop_roles(PG_SERVER, [chief])


def test_a_database_that_is_not_postgresql_is_refused_with_a_sentence(qtbot):
    dialog = ServerSetupDialog("sqlite:///x.sqlite")
    qtbot.addWidget(dialog)
    dialog.run_button.click()
    assert dialog.message.text().startswith("⚠ enter a PostgreSQL database, like postgresql+psycopg://")


def test_the_file_menu_opens_the_dialog_with_the_store_database(qtbot, pg_store, tmp_path):
    from crimedesk.ui.workspace import Workspace

    workspace = Workspace(pg_store, tmp_path / "settings.json")
    qtbot.addWidget(workspace.window)
    workspace.window.server_setup_action.trigger()
    (dialog,) = workspace.window.findChildren(ServerSetupDialog)
    url = make_url(dialog.url_edit.text())
    assert (url.username, url.password, url.database) == (None, None, pg_store.url.database)
