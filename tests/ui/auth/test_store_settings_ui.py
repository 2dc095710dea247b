"""Store-wide settings in the window (issue 16): the Admin pane's "Store settings" both ways, the
Settings dialog within the store's idle-lock limit, the idle lock itself, logins made with psql in
the users table, and "Change my password…"."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from crimedesk.auth import audit
from crimedesk.auth.roles import Role
from crimedesk.auth.session import acting_user
from crimedesk.auth.store_settings import IDLE_LOCK_MAX, change_store_setting, store_setting
from crimedesk.config.settings import Settings, load_settings, save_settings
from crimedesk.ui.dialogs.password_dialog import OwnPasswordDialog
from crimedesk.ui.dialogs.settings_dialog import SettingsDialog
from crimedesk.ui.runtime import workers
from crimedesk.ui.workspace import Workspace
from tests.auth.server_users import Logins, drop_roles, logins
from tests.stores import clear_store
from tests.ui.gui_thread import statements_on_gui_thread

pytestmark = pytest.mark.postgres
MINUTE_MS = 60_000


@pytest.fixture(scope="module")
def users(pg_engine: Engine) -> Iterator[Logins]:
    with logins(pg_engine) as made:
        yield made


@pytest.fixture
def as_role(users: Logins, pg_engine: Engine, qtbot) -> Iterator[dict[Role, Engine]]:
    clear_store(pg_engine)  # an empty store: no limit set, an empty trail
    engines = {role: users.engine(role) for role in Role}
    yield engines
    qtbot.waitUntil(lambda: workers.pending_jobs() == 0, timeout=20_000)
    for engine in engines.values():
        engine.dispose()


def _settled(qtbot) -> None:
    """The Admin pane's reads (on workers) have reached its widgets."""
    qtbot.waitUntil(lambda: workers.pending_jobs() == 0, timeout=20_000)


def _workspace(qtbot, engine: Engine, settings_file: Path) -> Workspace:
    workspace = Workspace(engine, settings_file)
    qtbot.addWidget(workspace.window)
    workspace.window.show()
    qtbot.waitExposed(workspace.window)
    return workspace


def test_the_admin_pane_shows_and_changes_the_store_limit(qtbot, as_role, settings_file, artifacts) -> None:
    admin_engine = as_role[Role.ADMIN]
    workspace = _workspace(qtbot, admin_engine, settings_file)
    assert workspace.idle_lock.interval_ms == 15 * MINUTE_MS  # the workstation's default 15 min
    assert workspace.admin is not None
    box = workspace.admin.store_settings
    workspace.admin_action.trigger()
    _settled(qtbot)  # read on workers
    assert (box.idle_limit.value(), box.changed_note.text()) == (15, "the default")
    name = acting_user(admin_engine).name
    change_store_setting(admin_engine, IDLE_LOCK_MAX, 20)  # the store -> the widget
    workspace.admin.refresh()
    _settled(qtbot)
    assert box.idle_limit.value() == 20 and box.changed_note.text().startswith(f"set by {name}, ")
    box.idle_limit.setValue(8)  # the widget -> the store, and this window's lock at once
    box.apply_button.click()
    _settled(qtbot)
    assert store_setting(as_role[Role.VIEWER], IDLE_LOCK_MAX) == 8.0
    qtbot.waitUntil(lambda: workspace.idle_lock.interval_ms == 8 * MINUTE_MS)  # read on a worker
    details = [e.details for e in audit.read(admin_engine, action="change_settings")]
    assert [(d["old"], d["new"], d["scope"]) for d in details] == [
        (15.0, 20.0, "store"),
        (20.0, 8.0, "store"),
    ]
    assert workspace.admin.audit_table.item(0, 3).text() == "change_settings"  # newest first
    workspace.window.resize(1300, 800)
    qtbot.wait(50)
    assert workspace.window.grab().save(str(artifacts / "admin_store_settings.png"))


def test_a_viewer_may_lock_sooner_but_not_later_nor_never(qtbot, as_role, settings_file) -> None:
    change_store_setting(as_role[Role.ADMIN], IDLE_LOCK_MAX, 10)
    viewer = as_role[Role.VIEWER]
    save_settings(Settings(idle_lock_minutes=0), settings_file)  # an old file: never lock
    workspace = _workspace(qtbot, viewer, settings_file)
    qtbot.waitUntil(lambda: workspace.idle_lock.interval_ms == 10 * MINUTE_MS)  # not 0: the store's limit
    dialog = workspace.open_settings()
    assert isinstance(dialog, SettingsDialog)
    form = dialog.preferences
    assert form.idle_minutes.value() == 10 and "at most 10 min" in form.idle_limit_note.text()
    for refused in (30, 0):
        form.idle_minutes.setValue(refused)
        dialog.save()
        assert dialog.isVisible() and "at most 10 minutes" in dialog.message.text(), refused
        assert load_settings(settings_file).idle_lock_minutes == 0  # nothing saved
    form.idle_minutes.setValue(4)
    dialog.save()
    assert not dialog.isVisible() and load_settings(settings_file).idle_lock_minutes == 4
    qtbot.waitUntil(lambda: workspace.idle_lock.interval_ms == 4 * MINUTE_MS)


def test_a_psql_login_is_in_the_users_table(qtbot, as_role, users, pg_engine, settings_file) -> None:
    name = f"cdt_{uuid.uuid4().hex[:8]}_psql"
    with pg_engine.begin() as conn:
        conn.execute(text(f"CREATE ROLE {name} LOGIN; GRANT crimedesk_analyst TO {name}"))
    try:
        workspace = _workspace(qtbot, as_role[Role.ADMIN], settings_file)
        assert workspace.admin is not None
        workspace.admin.refresh_users()
        _settled(qtbot)
        table = workspace.admin.users_table
        [row] = [r for r in range(table.rowCount()) if table.item(r, 0).text() == name]
        shown = [table.item(row, c).text() for c in range(table.columnCount())]
        assert shown == [name, "", "analyst", "", "active", "never"]
    finally:
        drop_roles(users.database_url, [name])


def test_change_my_password(qtbot, as_role, users, pg_engine, settings_file) -> None:
    viewer = as_role[Role.VIEWER]
    workspace = _workspace(qtbot, viewer, settings_file)
    assert workspace.window.password_action.isVisible()
    stored = "SELECT rolpassword FROM pg_authid WHERE rolname = :n"
    name = users.names[Role.VIEWER]
    with pg_engine.connect() as conn:
        before = conn.execute(text(stored), {"n": name}).scalar_one()
    workspace.window.password_action.trigger()
    dialog = workspace.window.findChild(OwnPasswordDialog)
    dialog.password_edit.setText("Mine-new-51")
    dialog.again_edit.setText("Mine-new-52")
    dialog.change()
    assert dialog.isVisible() and "same" in dialog.message.text()
    dialog.again_edit.setText("Mine-new-51")
    dialog.change()
    assert not dialog.isVisible()
    with pg_engine.connect() as conn:
        after = conn.execute(text(stored), {"n": name}).scalar_one()
    assert after != before and after.startswith("SCRAM-SHA-256$4096:")
    assert [(e.username, e.object_id) for e in audit.read(pg_engine, action="set_password")] == [(name, name)]


def test_the_store_limit_is_read_off_the_gui_thread(qtbot, as_role, settings_file) -> None:
    """A slow server must not freeze the window as it opens: the limit comes from a worker."""
    change_store_setting(as_role[Role.ADMIN], IDLE_LOCK_MAX, 6)
    viewer = as_role[Role.VIEWER]
    with statements_on_gui_thread(viewer) as on_gui_thread:
        workspace = _workspace(qtbot, viewer, settings_file)
        qtbot.waitUntil(lambda: workspace.idle_lock.interval_ms == 6 * MINUTE_MS)
    assert [statement for statement in on_gui_thread if "store_settings" in statement] == []


def test_the_admin_pane_reads_off_the_gui_thread(qtbot, as_role, settings_file) -> None:
    """Users, store settings and the audit trail (a month of it by default) come from workers."""
    admin_engine = as_role[Role.ADMIN]
    change_store_setting(admin_engine, IDLE_LOCK_MAX, 12)  # a line in the trail
    workspace = _workspace(qtbot, admin_engine, settings_file)
    _settled(qtbot)
    assert workspace.admin is not None
    with statements_on_gui_thread(admin_engine) as on_gui_thread:
        workspace.admin_action.trigger()
        workspace.admin.filter_button.click()
        _settled(qtbot)
    assert on_gui_thread == []
    assert workspace.admin.users_table.rowCount() >= 3
    assert workspace.admin.audit_table.item(0, 3).text() == "change_settings"
    assert workspace.admin.store_settings.idle_limit.value() == 12
