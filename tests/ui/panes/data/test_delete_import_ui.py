"""Deleting an import from the Uploads view: admins only; asked with the file and the counts; the
store, the upload history and the window's dataset line follow."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import Engine, func, select

from crimedesk.auth.roles import Role
from crimedesk.auth.user import User
from crimedesk.ingest.pipeline import import_file
from crimedesk.storage.schema import incidents
from crimedesk.ui.panes.data.uploads_view import UploadsView
from crimedesk.ui.workspace import Workspace


def _two_imports(store: Engine, sample: Path, tmp_path: Path) -> None:
    lines = sample.read_text(encoding="utf-8").splitlines(keepends=True)
    (tmp_path / "first.csv").write_text("".join(lines[:1201]), encoding="utf-8")
    (tmp_path / "second.csv").write_text("".join([lines[0], *lines[1201:]]), encoding="utf-8")
    import_file(store, tmp_path / "first.csv")
    import_file(store, tmp_path / "second.csv")


def _workspace(qtbot, store: Engine, tmp_path: Path, user: User | None = None) -> Workspace:
    workspace = Workspace(store, tmp_path / "settings.json", user=user)
    qtbot.addWidget(workspace.window)
    workspace.window.show()
    workspace.reload()
    qtbot.waitUntil(lambda: workspace.facts is not None, timeout=10_000)
    return workspace


def _count(store: Engine) -> int:
    with store.connect() as conn:
        return conn.execute(select(func.count()).select_from(incidents)).scalar_one()


def test_an_admin_deletes_an_import_after_confirming(
    qtbot, sqlite_store, chicago_sample, tmp_path, monkeypatch, artifacts
):
    _two_imports(sqlite_store, chicago_sample, tmp_path)
    with sqlite_store.connect() as conn:
        second = conn.execute(select(func.count()).where(incidents.c.import_id == 2)).scalar_one()
    workspace = _workspace(qtbot, sqlite_store, tmp_path)  # SQLite: the OS user, its admin
    uploads = workspace.data.uploads
    workspace.window.tabs.setCurrentWidget(workspace.data)
    workspace.data.setCurrentWidget(uploads)
    qtbot.waitUntil(lambda: uploads.imports.rowCount() == 2, timeout=10_000)
    assert not uploads.delete_button.isHidden() and not uploads.delete_button.isEnabled()
    asked: list[str] = []
    answer = QMessageBox.StandardButton.No
    monkeypatch.setattr(QMessageBox, "question", lambda _parent, _title, text: asked.append(text) or answer)
    uploads.imports_view.selectRow(0)  # newest first: second.csv
    qtbot.waitUntil(uploads.delete_button.isEnabled, timeout=10_000)
    uploads.delete_button.click()
    qtbot.waitUntil(lambda: len(asked) == 1, timeout=10_000)
    assert asked[0].startswith(f"Delete import 2 (second.csv): {second:,} incidents and 0 rejected rows?")
    assert _count(sqlite_store) == 2426  # "No" deletes nothing
    answer = QMessageBox.StandardButton.Yes
    with qtbot.waitSignal(uploads.deleted, timeout=20_000) as blocker:
        uploads.delete_button.click()
    assert blocker.args[0].deleted == second and _count(sqlite_store) == 2426 - second
    qtbot.waitUntil(lambda: uploads.imports.rowCount() == 1, timeout=10_000)
    assert uploads.rejected_label.text().startswith(f"Import 2 (second.csv): {second:,} incidents")
    qtbot.waitUntil(lambda: workspace.facts.total == 2426 - second, timeout=10_000)
    assert f"{2426 - second:,} incidents" in workspace.window.dataset_label.text()
    workspace.window.resize(1200, 700)
    qtbot.wait(50)
    assert uploads.grab().save(str(artifacts / "uploads_delete.png"))


@pytest.mark.parametrize("role", [Role.VIEWER, Role.ANALYST])
def test_other_roles_see_no_delete_button(qtbot, chicago_sample_store, tmp_path, role):
    workspace = _workspace(qtbot, chicago_sample_store, tmp_path, User("someone", role))
    uploads = workspace.data.uploads
    uploads.refresh()
    qtbot.waitUntil(lambda: uploads.imports.rowCount() == 1, timeout=10_000)
    uploads.imports_view.selectRow(0)
    qtbot.waitUntil(lambda: uploads.import_id == 1, timeout=10_000)
    assert uploads.delete_button.isHidden()


def test_an_import_that_cannot_be_deleted_says_why(qtbot, sqlite_store, ucr_table):
    import_file(sqlite_store, ucr_table)
    uploads = UploadsView(sqlite_store)
    qtbot.addWidget(uploads)
    uploads.refresh()
    qtbot.waitUntil(lambda: uploads.imports.rowCount() == 1, timeout=10_000)
    uploads.imports_view.selectRow(0)
    qtbot.waitUntil(uploads.delete_button.isEnabled, timeout=10_000)
    with qtbot.waitSignal(uploads.error, timeout=10_000) as blocker:
        uploads.delete_button.click()
    assert blocker.args == [
        "The import was not deleted: Import 1 holds UCR figures; import the UCR table again to replace them."
    ]
