"""Settings saved in the dialog are recorded in the open store's audit trail, without secrets."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from crimedesk.auth import audit
from crimedesk.auth.roles import Role
from crimedesk.auth.user import os_user
from crimedesk.config.settings import Settings, load_settings, save_settings
from crimedesk.ui.dialogs.settings_dialog import SettingsDialog
from tests.auth.server_users import logins

SECRET = "Sett-s3cret-88"


def test_each_changed_setting_is_audited_with_old_and_new_value_and_no_password(
    qtbot, settings_file, sqlite_store, tmp_path, artifacts
):
    old_url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    save_settings(Settings(store_url=old_url, idle_lock_minutes=15), settings_file)
    dialog = SettingsDialog(settings_file, old_url, engine=sqlite_store)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.idle_minutes.value() == 15 and dialog.sqlite_path.text().endswith("old.sqlite")
    dialog.postgres.click()
    dialog.pg_url.setText(f"postgresql+psycopg://ana:{SECRET}@db.example:5433/crimes")
    dialog.idle_minutes.setValue(5)
    assert dialog.grab().save(str(artifacts / "settings_dialog.png"))
    dialog.save()
    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    new_url = "postgresql+psycopg://ana@db.example:5433/crimes"
    assert load_settings(settings_file).store_url == new_url
    rows = audit.read(sqlite_store, action="change_settings")
    assert [(r.username, r.object_id, r.details["old"], r.details["new"]) for r in rows] == [
        (os_user().name, "store_url", old_url, new_url),
        (os_user().name, "idle_lock_minutes", 15.0, 5.0),
    ]
    with sqlite_store.connect() as conn:  # the password is in the keyring, nowhere in the trail
        assert (
            conn.execute(
                text("SELECT count(*) FROM audit WHERE details_json LIKE :s"), {"s": f"%{SECRET}%"}
            ).scalar()
            == 0
        )

    again = SettingsDialog(settings_file, old_url, engine=sqlite_store)
    qtbot.addWidget(again)
    again.save()  # nothing changed: nothing recorded
    assert len(audit.read(sqlite_store, action="change_settings")) == 2


@pytest.mark.postgres
def test_a_viewer_login_s_settings_change_is_recorded_under_its_name(qtbot, settings_file, pg_engine):
    with logins(pg_engine) as users:
        viewer = users.engine(Role.VIEWER)
        try:
            dialog = SettingsDialog(settings_file, users.url(Role.VIEWER), engine=viewer)
            qtbot.addWidget(dialog)
            dialog.idle_minutes.setValue(5)  # within the store's limit (15 min by default)
            dialog.save()
        finally:
            viewer.dispose()
        rows = audit.read(pg_engine, action="change_settings", username=users.names[Role.VIEWER])
        idle = [(r.details["old"], r.details["new"]) for r in rows if r.object_id == "idle_lock_minutes"]
        assert idle == [(15.0, 5.0)]  # a viewer may append to the trail, and did
