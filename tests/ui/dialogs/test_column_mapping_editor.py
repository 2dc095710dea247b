"""Column-mapping editor: a generic CSV no profile fits is mapped by hand, previewed, saved, imported."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt

from crimedesk.ingest.mappings import load_mappings
from crimedesk.ingest.preview import REASON
from crimedesk.ui.dialogs.import_dialog import ImportDialog
from tests.generic_csv import BAD_DATE, BAD_LINE, MAPPING, write_generic_csv
from tests.ingest.helpers import count


def _cell(editor, row: int, header: str) -> str:
    model = editor.table.model()
    column = next(
        c for c in range(model.columnCount()) if model.headerData(c, Qt.Orientation.Horizontal) == header
    )
    return model.data(model.index(row, column))


def test_map_columns_preview_save_and_import(qtbot, sqlite_store, chicago_sample, tmp_path, artifacts):
    path = write_generic_csv(chicago_sample, tmp_path / "springfield.csv")
    dialog = ImportDialog(sqlite_store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.choose_file(path)
    qtbot.waitUntil(dialog.map_columns.isVisible, timeout=10_000)
    assert "no import profile fits" in dialog.detected.text() and not dialog.start.isEnabled()

    dialog.map_columns.click()
    qtbot.waitUntil(lambda: dialog.editor is not None and dialog.editor.isVisible(), timeout=10_000)
    editor = dialog.editor
    form = editor.form
    assert "Report No, Tatzeit, Delikt" in editor.header.text()
    assert "choose a key column (or tick: no id column) and a mapping name" in editor.status.text()
    form.name.setText(MAPPING.name)
    form.source.setText(MAPPING.source)
    form.key.item_for("Report No").setCheckState(Qt.CheckState.Checked)
    for field, column in (
        ("occurred", "Tatzeit"),
        ("offense_type", "Delikt"),
        ("latitude", "Breite"),
        ("longitude", "Laenge"),
        ("offense_description", "Detail"),
        ("block", "Strasse"),
        ("location_description", "Ort"),
        ("district", "Revier"),
    ):
        form.combos[field].setCurrentText(column)
    form.date_format.setText("%d.%m.%Y %H:%M")
    assert form.pretty.text() == "reads as <b>DD.MM.YYYY HH:mm</b>"

    def previewed() -> bool:
        frame = editor.frame
        return len(frame) == 20 and "district" in frame and (frame[REASON] != "").sum() == 1

    qtbot.waitUntil(previewed, timeout=10_000)
    bad_row = BAD_LINE - 2
    assert _cell(editor, bad_row, "line") == str(BAD_LINE)
    assert (
        _cell(editor, bad_row, "rejected because") == f"occurred '{BAD_DATE}' does not match DD.MM.YYYY HH:mm"
    )
    assert _cell(editor, 0, "occurred from") == "2017-01-01 00:01:00"
    assert _cell(editor, 0, "district") == "010" and _cell(editor, 0, "source key") == "11227508"
    assert editor.status.text() == "20 rows previewed: 19 accepted, 1 rejected"
    qtbot.wait(50)
    editor.grab().save(str(artifacts / "mapping_editor.png"))

    editor.save_button.click()
    qtbot.waitUntil(dialog.start.isEnabled, timeout=10_000)
    assert "column mapping 'generic_test'" in dialog.detected.text() and not dialog.map_columns.isVisible()
    with sqlite_store.connect() as conn:
        (saved,) = load_mappings(conn)
    assert saved.key == ("Report No",) and saved.columns["district"] == "Revier"
    with qtbot.waitSignal(dialog.imported, timeout=30_000) as blocker:
        dialog.start.click()
    counts = blocker.args[0].counts
    assert (counts.rows_read, counts.inserted, counts.rejected) == (2426, 2425, 1)
    assert count(sqlite_store) == 2425
    assert f"line {BAD_LINE}: occurred '{BAD_DATE}'" in dialog.message.text()


def test_a_wrong_date_format_rejects_every_previewed_row(qtbot, sqlite_store, chicago_sample, tmp_path):
    path = write_generic_csv(chicago_sample, tmp_path / "springfield.csv")
    dialog = ImportDialog(sqlite_store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.choose_file(path)
    qtbot.waitUntil(dialog.map_columns.isVisible, timeout=10_000)
    dialog.open_mapping_editor()
    qtbot.waitUntil(lambda: dialog.editor is not None, timeout=10_000)
    form = dialog.editor.form
    form.name.setText("wrong")
    form.key.item_for("Report No").setCheckState(Qt.CheckState.Checked)
    form.combos["occurred"].setCurrentText("Tatzeit")
    form.combos["offense_type"].setCurrentText("Delikt")
    qtbot.waitUntil(lambda: len(dialog.editor.frame) == 20, timeout=10_000)
    assert (dialog.editor.frame[REASON].str.contains("does not match MM/DD/YYYY HH:mm")).all()


def test_a_file_no_profile_fits_is_a_normal_flow_not_an_error_in_the_log(
    qtbot, sqlite_store, chicago_sample, tmp_path, caplog
):
    """Issue 14 item 8: "no profile fits" offers Map columns…; nothing is logged as an ERROR."""
    path = write_generic_csv(chicago_sample, tmp_path / "rms.csv")
    dialog = ImportDialog(sqlite_store)
    qtbot.addWidget(dialog)
    with caplog.at_level(logging.INFO):
        dialog.show()
        dialog.choose_file(path)
        qtbot.waitUntil(dialog.map_columns.isVisible, timeout=10_000)
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert "Traceback" not in caplog.text
