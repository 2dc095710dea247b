"""The window as each role sees it, the Admin pane, the login dialog and the idle lock (on the server)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QWidget
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from crimedesk.auth import audit
from crimedesk.auth.login import LoginAttempts
from crimedesk.auth.roles import Role
from crimedesk.ui.dialogs.login_dialog import LoginDialog
from crimedesk.ui.runtime import workers
from crimedesk.ui.runtime.idle_lock import IdleLock
from crimedesk.ui.workspace import Workspace
from tests.auth.server_users import PASSWORD, Logins, logins
from tests.stores import clear_store

pytestmark = pytest.mark.postgres


@pytest.fixture
def users(pg_engine: Engine) -> Iterator[Logins]:
    clear_store(pg_engine)  # an empty store (the welcome page), its trail holding only these logins
    with logins(pg_engine) as made:
        yield made


@pytest.fixture
def as_role(users: Logins, qtbot) -> Iterator[dict[Role, Engine]]:
    engines = {role: users.engine(role) for role in Role}
    yield engines
    qtbot.waitUntil(lambda: workers.pending_jobs() == 0, timeout=20_000)  # before the logins go
    for engine in engines.values():
        engine.dispose()


def _workspace(qtbot, engine: Engine, tmp_path: Path) -> Workspace:
    workspace = Workspace(engine, tmp_path / "settings.json")
    qtbot.addWidget(workspace.window)
    workspace.window.show()
    qtbot.waitExposed(workspace.window)
    workspace.reload()
    qtbot.waitUntil(lambda: workspace.facts is not None, timeout=10_000)
    return workspace


def test_a_viewer_sees_nothing_to_change(qtbot, as_role, users, tmp_path) -> None:
    workspace = _workspace(qtbot, as_role[Role.VIEWER], tmp_path)
    w, m, welcome = workspace.window, workspace.models, workspace.welcome
    for action in (w.import_action, w.boundaries_action, w.portal_action, w.bring_back_action):
        assert not action.isEnabled() and not action.isVisible(), action.text()
    assert w.take_offline_action.isEnabled()  # a viewer may take a slice of what it can see
    for button in (
        welcome.import_button,
        welcome.portal_button,
        welcome.boundaries_button,
        m.train_button,
        m.promote_button,
        m.delete_button,
        workspace.data.uploads.delete_button,
    ):
        assert button.isHidden()  # a pane may enable it on its own; hidden, it cannot be clicked
    feeds = workspace.feeds.buttons
    assert not any(feeds[name].isEnabled() for name in feeds if name != "Alert rules…")
    assert "Admin" not in [w.tabs.tabText(i) for i in range(w.tabs.count())]
    assert workspace.user_label.text() == f"Logged in as {users.names[Role.VIEWER]} (viewer)"
    w.import_action.trigger()  # a disabled action does nothing
    assert not [d for d in w.findChildren(object) if type(d).__name__ == "ImportDialog"]


def test_an_analyst_may_import_and_train_but_not_delete(qtbot, as_role, tmp_path) -> None:
    workspace = _workspace(qtbot, as_role[Role.ANALYST], tmp_path)
    assert workspace.window.import_action.isEnabled() and not workspace.models.train_button.isHidden()
    assert workspace.window.portal_action.isEnabled() and workspace.window.bring_back_action.isEnabled()
    assert workspace.models.delete_button.isHidden() and workspace.data.uploads.delete_button.isHidden()
    assert workspace.feeds.buttons["Add…"].isEnabled()  # what the viewer's disabled Add… stands against
    assert workspace.admin is None


def test_an_admin_manages_users_in_the_admin_pane(
    qtbot, as_role, users, pg_engine, tmp_path, artifacts
) -> None:
    workspace = _workspace(qtbot, as_role[Role.ADMIN], tmp_path)
    w, admin = workspace.window, workspace.admin
    assert admin is not None
    assert w.tabs.tabText(w.tabs.count() - 1) == "Admin"
    assert w.stack.currentWidget() is workspace.welcome  # an empty store...
    workspace.admin_action.trigger()  # ...still lets its admin reach the pane (it reads users, trail)
    assert w.tabs.currentWidget() is admin
    _settled(qtbot)  # read on workers
    shown = [admin.users_table.item(r, 0).text() for r in range(admin.users_table.rowCount())]
    assert set(users.names.values()) <= set(shown)
    viewer = users.names[Role.VIEWER]
    row = shown.index(viewer)
    admin.users_table.selectionModel().select(
        admin.users_table.model().index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    admin.suspend_button.click()
    _settled(qtbot)
    with pg_engine.connect() as conn:
        can = conn.execute(
            text("SELECT rolcanlogin FROM pg_roles WHERE rolname = :n"), {"n": viewer}
        ).scalar()
    assert can is False
    assert admin.users_table.item(_row_of(admin, viewer), 4).text() == "suspended"
    admin.users_table.selectRow(_row_of(admin, viewer))
    admin.reactivate_button.click()
    _settled(qtbot)
    assert admin.users_table.item(_row_of(admin, viewer), 4).text() == "active"
    actions = [admin.audit_table.item(r, 3).text() for r in range(admin.audit_table.rowCount())]
    assert actions[:2] == ["change_status", "change_status"]  # newest first
    admin.action_filter.setCurrentText("add_user")
    admin.filter_button.click()
    _settled(qtbot)
    assert {admin.audit_table.item(r, 3).text() for r in range(admin.audit_table.rowCount())} == {"add_user"}
    assert admin.export_to(tmp_path / "audit.csv") == admin.audit_table.rowCount() - 0
    _settled(qtbot)
    assert audit.read(pg_engine, action="export")[-1].username == users.names[Role.ADMIN]
    w.resize(1300, 800)
    qtbot.wait(50)
    assert w.grab().save(str(artifacts / "admin_pane.png"))


def test_the_login_dialog_refuses_and_records_the_failed_login(qtbot, users, pg_engine, artifacts) -> None:
    store = make_url(users.database_url).set(username=f"{users.names[Role.ANALYST]}_typo")
    attempts = LoginAttempts()
    dialog = LoginDialog(store, attempts)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.password_edit.setText("whatever")
    dialog.try_login()
    assert dialog.isVisible() and dialog.engine is None
    assert dialog.error_label.text() == (
        f"{store.username} could not log in: wrong user name or password. Nothing was opened; try again."
    )
    assert dialog.grab().save(str(artifacts / "login_dialog.png"))
    dialog.user_edit.setText(users.names[Role.ANALYST])
    dialog.password_edit.setText(PASSWORD)
    dialog.try_login()
    assert dialog.result() == LoginDialog.DialogCode.Accepted and dialog.engine is not None
    dialog.engine.dispose()
    assert [(e.username, e.action) for e in audit.read(pg_engine)][3:] == [  # after the 3 add_user
        (store.username, "failed_login"),
        (users.names[Role.ANALYST], "login"),
    ]


def test_the_idle_lock_fires_after_the_quiet_time_and_input_postpones_it(qtbot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    locks: list[int] = []
    lock = IdleLock(0.01, lambda: locks.append(1), window)  # 600 ms
    for _ in range(4):  # typing every 300 ms for 1.2 s: never 600 ms quiet
        qtbot.wait(300)
        QTest.keyClick(window.windowHandle(), Qt.Key.Key_A)
    assert locks == []
    qtbot.waitUntil(lambda: locks == [1], timeout=2_000)
    lock.set_minutes(0)
    qtbot.wait(800)
    assert locks == [1]


def test_a_deleted_window_never_locks(qtbot) -> None:
    """The lock of a window that is gone (its workspace may live on) stops: it would lock nothing."""
    window = QWidget()
    lock = IdleLock(15, lambda: None, window)
    assert lock.timer.isActive()
    shiboken6.delete(window)
    assert not lock.timer.isActive()


def test_typing_in_a_modeless_dialog_postpones_the_idle_lock(qtbot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    locks: list[int] = []
    lock = IdleLock(0.01, lambda: locks.append(1), window)  # 600 ms, watching before the dialog opens
    dialog = QDialog(window)  # modeless, its own top-level window (the user guide, the import dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is dialog.windowHandle())
    for _ in range(4):  # typing in the dialog every 300 ms for 1.2 s: never 600 ms quiet
        qtbot.wait(300)
        QTest.keyClick(dialog.windowHandle(), Qt.Key.Key_A)
    assert locks == []
    qtbot.waitUntil(lambda: locks == [1], timeout=2_000)
    lock.set_minutes(0)


def test_locking_hides_the_data_and_cancelling_closes_the_window(qtbot, as_role, tmp_path) -> None:
    workspace = _workspace(qtbot, as_role[Role.ANALYST], tmp_path)
    w = workspace.window
    seen: list[bool] = []

    def answer(give_up: bool) -> None:
        dialog = next(d for d in w.findChildren(LoginDialog) if d.isVisible())
        seen.append(w.stack.isHidden())
        assert dialog.user_edit.isReadOnly()
        if give_up:
            dialog.reject()
        else:
            dialog.password_edit.setText(PASSWORD)
            dialog.try_login()

    QTimer.singleShot(100, lambda: answer(give_up=False))
    assert workspace.lock() and not w.stack.isHidden()
    QTimer.singleShot(100, lambda: answer(give_up=True))
    assert not workspace.lock()
    assert seen == [True, True] and not w.isVisible()


def _settled(qtbot) -> None:
    """The pane's reads (on workers) have reached its tables."""
    qtbot.waitUntil(lambda: workers.pending_jobs() == 0, timeout=20_000)


def _row_of(admin, name: str) -> int:
    """The user's row as the table is now: logins other tests make or drop on the same server
    (group roles are server-wide) move it between refreshes."""
    table = admin.users_table
    return next(r for r in range(table.rowCount()) if table.item(r, 0).text() == name)
