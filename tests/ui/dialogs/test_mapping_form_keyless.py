"""Issue 21: the mapping form offers a source without ids, how identical rows count, the time
resolution and the area (bbox); ticking them builds the mapping, whose preview reads the file."""

from __future__ import annotations

from crimedesk.ingest.source import inspect_file
from crimedesk.ui.dialogs.column_mapping_editor import MappingEditor
from tests.keyless_csv import write_keyless_csv


def _keyless_editor(qtbot, store, chicago_sample, tmp_path) -> MappingEditor:
    path = tmp_path / "keyless.csv"
    write_keyless_csv(chicago_sample, path)
    editor = MappingEditor(store, inspect_file(path))
    qtbot.addWidget(editor)
    form = editor.form
    form.name.setText("springfield")
    form.combos["occurred"].setCurrentText("Date")
    form.combos["occurred_time"].setCurrentText("Hour")
    form.combos["offense_type"].setCurrentText("Offense")
    form.combos["latitude"].setCurrentText("Lat")
    form.combos["longitude"].setCurrentText("Lon")
    form.date_format.setText("%Y-%m-%d %H")
    return editor


def test_keyless_hourly_and_bbox_fields_build_the_mapping(
    qtbot, sqlite_store, chicago_sample, tmp_path, artifacts
):
    editor = _keyless_editor(qtbot, sqlite_store, chicago_sample, tmp_path)
    form = editor.form
    assert not form.repeated_rows.isEnabled() and form.key.isEnabled()
    form.no_key.setChecked(True)
    assert form.repeated_rows.isEnabled() and not form.key.isEnabled()
    form.time_resolution.setCurrentIndex(form.time_resolution.findData("hour"))
    mapping = form.mapping()
    assert (mapping.key, mapping.repeated_rows, mapping.time_resolution, mapping.bbox) == (
        (),
        "duplicates",
        "hour",
        None,
    )
    assert mapping.to_profile().content_key and mapping.to_profile().midnight_is_real
    form.repeated_rows.setCurrentIndex(1)
    form.bbox.setText("-87.95, 41.62, -87.5, 42.05")
    form.combos["occurred_to"].setCurrentText("Date")
    form.combos["occurred_to_time"].setCurrentText("Hour")
    mapping = form.mapping()
    assert mapping.repeated_rows == "incidents" and mapping.bbox == (-87.95, 41.62, -87.5, 42.05)
    assert (mapping.occurred_to, mapping.occurred_to_time) == ("Date", "Hour")
    qtbot.waitUntil(
        lambda: editor.status.text() == "20 rows previewed: 20 accepted, 0 rejected", timeout=10_000
    )
    editor.resize(1100, 900)
    assert editor.grab().save(str(artifacts / "mapping_form_keyless.png"))


def test_a_bad_bbox_and_an_hour_without_hours_are_said_in_the_status(
    qtbot, sqlite_store, chicago_sample, tmp_path
):
    editor = _keyless_editor(qtbot, sqlite_store, chicago_sample, tmp_path)
    form = editor.form
    form.no_key.setChecked(True)
    form.bbox.setText("-87.95, 41.62")
    qtbot.waitUntil(lambda: "four numbers" in editor.status.text(), timeout=10_000)
    form.bbox.setText("")
    form.time_resolution.setCurrentIndex(form.time_resolution.findData("hour"))
    form.date_format.setText("%Y-%m-%d")
    qtbot.waitUntil(lambda: "needs the hour in date_format" in editor.status.text(), timeout=10_000)
    assert not editor.save_button.isEnabled()
