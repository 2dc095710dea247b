"""While another import runs, the import dialog says whose and offers Wait or Cancel."""

import getpass
import os
from contextlib import ExitStack

from sqlalchemy import select

from crimedesk.ingest import history
from crimedesk.ingest.profiles import all_profiles
from crimedesk.ingest.source import inspect_file
from crimedesk.storage.import_lock import holding_import_lock
from crimedesk.storage.schema import imports
from crimedesk.ui.dialogs.import_dialog import ImportDialog
from tests.ingest.killing import import_children


def _statuses(engine):
    with engine.connect() as conn:
        return conn.execute(select(imports.c.username, imports.c.status).order_by(imports.c.id)).all()


def _busy_dialog(qtbot, engine, chicago_sample, running: ExitStack) -> ImportDialog:
    """The store's import lock held by 'alice' (as her import would), and the dialog told so."""
    running.enter_context(holding_import_lock(engine))
    history.start(engine, inspect_file(chicago_sample), all_profiles()["chicago"], "alice")
    dialog = ImportDialog(engine)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.choose_file(chicago_sample)
    qtbot.waitUntil(dialog.start.isEnabled, timeout=10_000)
    assert dialog.wait.isHidden()
    dialog.start.click()
    qtbot.waitUntil(dialog.wait.isVisible, timeout=30_000)
    return dialog


def test_wait_imports_once_the_running_import_ends(qtbot, sqlite_store, chicago_sample, artifacts):
    with ExitStack() as running:
        dialog = _busy_dialog(qtbot, sqlite_store, chicago_sample, running)
        text = dialog.message.text()
        assert "another import is running (import 1 of chicago_crimes_sample" in text and "by alice" in text
        assert dialog.cancel.text() == "Cancel" and _statuses(sqlite_store) == [("alice", "running")]
        dialog.grab().save(str(artifacts / "import_dialog_busy.png"))
        dialog.wait.click()
        assert dialog.wait.isHidden()
        qtbot.waitUntil(lambda: dialog.message.text().startswith("waiting: another import"), timeout=30_000)
        with qtbot.waitSignal(dialog.imported, timeout=30_000) as blocker:
            running.close()  # alice's import ends
    assert blocker.args[0].counts.inserted == 2426
    assert _statuses(sqlite_store)[1] == (getpass.getuser(), "ok")


def test_cancel_while_waiting_imports_nothing(qtbot, sqlite_store, chicago_sample):
    with ExitStack() as running:
        dialog = _busy_dialog(qtbot, sqlite_store, chicago_sample, running)
        dialog.wait.click()
        qtbot.waitUntil(lambda: dialog.message.text().startswith("waiting:"), timeout=30_000)
        dialog.cancel.click()
        qtbot.waitUntil(lambda: dialog.job is None, timeout=30_000)
    assert dialog.message.text() == "Cancelled; the store is unchanged."
    assert _statuses(sqlite_store) == [("alice", "running")]


def test_an_import_process_that_dies_is_abandoned_at_once(qtbot, sqlite_store, chicago_full):
    dialog = ImportDialog(sqlite_store)
    qtbot.addWidget(dialog)
    dialog.choose_file(chicago_full)
    qtbot.waitUntil(dialog.start.isEnabled, timeout=20_000)
    dialog.start.click()
    qtbot.waitUntil(lambda: dialog.progress.value() > 0, timeout=30_000)
    [child] = import_children(os.getpid())
    child.kill()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=30_000)
    assert "the import file process ended unexpectedly (exit code -9)" in dialog.message.text()
    assert _statuses(sqlite_store) == [(getpass.getuser(), "abandoned")]
