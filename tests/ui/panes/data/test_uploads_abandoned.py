"""The upload history says which imports were abandoned by a process that died, and why."""

import os

from crimedesk.ingest import history
from crimedesk.ingest.profiles import all_profiles
from crimedesk.ingest.source import inspect_file
from crimedesk.storage.engine import make_engine
from crimedesk.ui.panes.data.uploads_view import UploadsView


def test_an_abandoned_import_is_shown_with_its_reason(qtbot, sqlite_store, chicago_sample):
    # An attempt recorded as running whose process no longer holds the store's import lock.
    history.start(sqlite_store, inspect_file(chicago_sample), all_profiles()["chicago"], "alice")
    reopened = make_engine(sqlite_store.url)
    view = UploadsView(reopened)
    qtbot.addWidget(view)
    view.refresh()
    qtbot.waitUntil(lambda: view.imports.rowCount() == 1, timeout=10_000)
    shown = {name: view.imports.index(0, column).data() for column, name in enumerate(view.imports.frame)}
    assert shown["status"] == "abandoned"
    assert shown["error"].startswith(f"the importing process (pid {os.getpid()} on ")
    assert shown["error"].endswith("ended before finishing; nothing of it was stored")
    reopened.dispose()
