"""The mapping form's time zone, same-source, delimiter and encoding fields: widget -> ColumnMapping,
the engine's own sentences in the preview status, and the preview read as the form says."""

from __future__ import annotations

import dataclasses
from zoneinfo import available_timezones

import pandas as pd
from PySide6.QtCore import Qt

from crimedesk.ingest.mappings import load_mappings, save_mapping
from crimedesk.ingest.source import inspect_file
from crimedesk.ui.dialogs.column_mapping_editor import MappingEditor
from tests.generic_csv import MAPPING, write_generic_csv


def _editor(qtbot, store, path) -> MappingEditor:
    editor = MappingEditor(store, inspect_file(path))
    qtbot.addWidget(editor)
    form = editor.form
    form.name.setText("fields")
    form.source.setText("fields_pd")
    form.key.item_for("Report No").setCheckState(Qt.CheckState.Checked)
    form.combos["occurred"].setCurrentText("Tatzeit")
    form.combos["offense_type"].setCurrentText("Delikt")
    form.date_format.setText(MAPPING.date_format)
    return editor


def _previewed(qtbot, editor: MappingEditor) -> None:
    qtbot.waitUntil(
        lambda: len(editor.frame) == 20 and editor.status.text().startswith("20 rows"), timeout=10_000
    )


def test_the_fields_offer_the_engines_values_and_build_the_mapping(qtbot, store, chicago_sample, tmp_path):
    save_mapping(store, dataclasses.replace(MAPPING, name="springfield"))
    editor = _editor(qtbot, store, write_generic_csv(chicago_sample, tmp_path / "generic.csv"))
    form = editor.form
    zones = [form.time_zone.itemText(i) for i in range(form.time_zone.count())]
    assert zones == ["", *sorted(available_timezones())]
    shared = [form.same_source_as.itemText(i) for i in range(form.same_source_as.count())]
    assert shared[0] == "—" and {"chicago", "nypd", "springfield"} <= set(shared)
    delimiters = [form.delimiter.itemText(i) for i in range(form.delimiter.count())]
    assert delimiters == ["Sniffed", ",", ";", "tab", "|"]
    encodings = [form.encoding.itemText(i) for i in range(form.encoding.count())]
    assert encodings[0] == "Sniffed" and "cp1252" in encodings and "utf-16-le" in encodings
    empty = form.mapping()
    assert (empty.time_zone, empty.same_source_as, empty.delimiter, empty.encoding) == (
        None,
        None,
        None,
        None,
    )

    form.time_zone.setCurrentText("America/Chicago")
    form.same_source_as.setCurrentText("springfield")
    form.delimiter.setCurrentText("tab")
    form.encoding.setCurrentText("cp1252")
    chosen = form.mapping()
    assert (chosen.time_zone, chosen.same_source_as, chosen.delimiter, chosen.encoding) == (
        "America/Chicago",
        "springfield",
        "\t",
        "cp1252",
    )


def test_a_utc_offset_needs_a_valid_zone_in_the_preview(qtbot, sqlite_store, chicago_sample, tmp_path):
    frame = pd.read_csv(
        write_generic_csv(chicago_sample, tmp_path / "g.csv"), dtype=str, keep_default_na=False
    )
    frame["Tatzeit"] = frame["Tatzeit"] + " -0600"
    path = tmp_path / "offsets.csv"
    frame.to_csv(path, index=False)
    editor = _editor(qtbot, sqlite_store, path)
    form = editor.form
    form.date_format.setText("%d.%m.%Y %H:%M %z")
    qtbot.waitUntil(lambda: "UTC offset (%z)" in editor.status.text(), timeout=10_000)
    assert editor.status.text() == (
        "⚠ mapping fields: the date format has a UTC offset (%z), so the mapping needs the source's"
        " time zone (time_zone, e.g. America/Chicago) to store local times"
    )
    assert not editor.save_button.isEnabled()
    form.time_zone.setCurrentText("Mars/Olympus")
    qtbot.waitUntil(lambda: "Mars" in editor.status.text(), timeout=10_000)
    assert (
        editor.status.text()
        == "⚠ mapping fields: 'Mars/Olympus' is not an IANA time zone (e.g. America/Chicago)"
    )
    form.time_zone.setCurrentText("America/Chicago")
    qtbot.waitUntil(lambda: len(editor.frame) == 20, timeout=10_000)
    assert str(editor.frame.loc[0, "occurred_from"]) == "2017-01-01 00:01:00"
    assert editor.save_button.isEnabled()


def test_the_preview_reads_the_file_with_the_chosen_delimiter_and_encoding(
    qtbot, sqlite_store, chicago_sample, tmp_path
):
    frame = pd.read_csv(
        write_generic_csv(chicago_sample, tmp_path / "g.csv"), dtype=str, keep_default_na=False
    )
    path = tmp_path / "semicolons.csv"
    frame.to_csv(path, index=False, sep=";")
    editor = _editor(qtbot, sqlite_store, path)
    _previewed(qtbot, editor)
    editor.form.delimiter.setCurrentText(",")
    qtbot.waitUntil(lambda: "has no column" in editor.status.text(), timeout=10_000)
    assert editor.frame.empty and not editor.save_button.isEnabled()
    editor.form.delimiter.setCurrentText(";")
    _previewed(qtbot, editor)
    editor.form.encoding.setCurrentText("utf-16-le")
    qtbot.waitUntil(lambda: editor.status.text().startswith("⚠"), timeout=10_000)
    assert editor.frame.empty
    editor.form.encoding.setCurrentText("Sniffed")
    _previewed(qtbot, editor)


def test_sharing_a_builtin_source_is_saved_only_when_the_form_says_so(qtbot, store, chicago_sample, tmp_path):
    editor = _editor(qtbot, store, write_generic_csv(chicago_sample, tmp_path / "generic.csv"))
    editor.form.source.setText("chicago")
    _previewed(qtbot, editor)
    editor.save_button.click()
    qtbot.waitUntil(lambda: "already the source of chicago" in editor.status.text(), timeout=10_000)
    with store.connect() as conn:
        assert load_mappings(conn) == []
    editor.form.same_source_as.setCurrentText("chicago")
    _previewed(qtbot, editor)
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        editor.save_button.click()
    with store.connect() as conn:
        (saved,) = load_mappings(conn)
    assert (saved.source, saved.same_source_as) == ("chicago", "chicago")
