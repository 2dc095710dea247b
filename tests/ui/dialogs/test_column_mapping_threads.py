"""The Map columns editor previews on worker threads; pyproj there once crashed the app (exit 139).

Each preview builds pyproj transformers on a worker. On Qt pool threads each task got a new Python
thread state, so pyproj's per-thread PROJ context was torn down between tasks and the next CRS
segfaulted, in most runs within a few previews. Ten editors, each previewed after every field.
"""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt

from crimedesk.ingest.preview import REASON
from crimedesk.ui.dialogs.import_dialog import ImportDialog
from crimedesk.ui.runtime.workers import submit
from tests.generic_csv import MAPPING, write_generic_csv

FIELDS = (
    ("occurred", "Tatzeit"),
    ("offense_type", "Delikt"),
    ("latitude", "Breite"),
    ("longitude", "Laenge"),
    ("block", "Strasse"),
)


def _open_editor(qtbot, store, csv_path):
    dialog = ImportDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.choose_file(csv_path)
    qtbot.waitUntil(dialog.map_columns.isVisible, timeout=10_000)
    dialog.map_columns.click()
    qtbot.waitUntil(lambda: dialog.editor is not None and dialog.editor.isVisible(), timeout=10_000)
    return dialog.editor


@pytest.mark.parametrize("run", range(10))
def test_editor_previews_every_edit_without_crashing(qtbot, sqlite_store, chicago_sample, tmp_path, run):
    editor = _open_editor(qtbot, sqlite_store, write_generic_csv(chicago_sample, tmp_path / "rms.csv"))
    form = editor.form
    form.name.setText(MAPPING.name)
    form.source.setText(MAPPING.source)
    form.key.item_for("Report No").setCheckState(Qt.CheckState.Checked)
    form.date_format.setText("%d.%m.%Y %H:%M")
    for field, column in FIELDS:
        form.combos[field].setCurrentText(column)
        before = editor.frame
        editor.refresh_preview()
        qtbot.waitUntil(lambda before=before: editor.frame is not before, timeout=10_000)
    assert len(editor.frame) == 20
    assert (editor.frame[REASON] != "").sum() == 1  # the one impossible date of the generic file
    assert "block" in editor.frame


def test_worker_threads_keep_their_thread_locals(qtbot):
    """What pyproj relies on: a worker's thread-local state lives from one task to the next."""
    local = threading.local()
    seen: list[tuple[int, bool]] = []

    def task(_progress, _cancel):
        had = getattr(local, "mark", None) == threading.get_ident()
        local.mark = threading.get_ident()
        return threading.get_ident(), had

    for count in range(1, 13):
        submit(task, finished=seen.append)
        qtbot.waitUntil(lambda count=count: len(seen) == count, timeout=5_000)
    threads = {ident for ident, _had in seen}
    repeats = sum(had for _ident, had in seen)
    assert repeats == len(seen) - len(threads)  # every task after a thread's first found its mark
