"""Data and server text shows as typed in Qt: never rendered as HTML (a crafted file showed a red
heading, loaded a local image and displayed links), bidirectional controls as visible marks.

Each surface gets the injection strings through the real path (a real import, a real file header,
a server answer, a hover) and the test reads what the widget displays: a label's text as such when
it is plain text, its rendering (QTextDocument, as Qt renders it) when Qt takes it as rich text.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from PySide6 import QtGui
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QLabel

from crimedesk.ingest.source import inspect_file
from crimedesk.state.filters import FilterState
from crimedesk.ui.dialogs.column_mapping_editor import MappingEditor
from crimedesk.ui.dialogs.import_dialog import ImportDialog
from crimedesk.ui.dialogs.portal_dialog import PortalDialog
from crimedesk.ui.dialogs.task_dialog import TaskDialog
from crimedesk.ui.panes.dashboard.offense_bars import OffenseBars
from crimedesk.ui.panes.ucr.ucr_chart import UcrChart
from crimedesk.ui.welcome import WelcomePage
from crimedesk.ui.widgets.plain_text import PlainLabel, as_rich_text
from tests.feeds.fake_soda import FakePortal

H1 = '<h1 style="color:red">X</h1>'
IMG = '<img src="file:///etc/passwd">'
LINK = '<a href="http://evil">click</a>'
BIDI = "N STATE ST \u202egnp.exe"
SHOWN_BIDI = "N STATE ST [U+202E]gnp.exe"
INJECTION = H1 + IMG + LINK + BIDI
SHOWN = H1 + IMG + LINK + SHOWN_BIDI


def displayed(text: str, text_format: Qt.TextFormat) -> str:
    """What Qt shows for ``text`` in a label (or tooltip) of ``text_format``."""
    rich = text_format == Qt.TextFormat.RichText or (
        text_format == Qt.TextFormat.AutoText and QtGui.Qt.mightBeRichText(text)  # type: ignore[attr-defined]
    )
    if not rich:
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def shows(label: QLabel) -> str:
    return displayed(label.text(), label.textFormat())


@pytest.fixture
def crafted_sample(tmp_path: Path, chicago_sample: Path) -> Path:
    """Five sample rows; the second's date is the injection, so its rejection reason quotes it."""
    with chicago_sample.open(encoding="utf-8", newline="") as handle:
        rows = [row for _, row in zip(range(6), csv.reader(handle), strict=False)]
    rows[2][2] = INJECTION
    path = tmp_path / "crafted.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


@pytest.fixture
def crafted_header(tmp_path: Path) -> Path:
    path = tmp_path / "header.csv"
    path.write_text(f'"{H1.replace(chr(34), 2 * chr(34))}",{IMG.replace(chr(34), "")},{LINK}x\n1,2,3\n')
    return path


def test_helpers_show_text_as_typed(qtbot):
    label = PlainLabel(INJECTION)
    qtbot.addWidget(label)
    assert label.textFormat() == Qt.TextFormat.PlainText and label.text() == SHOWN
    label.setText(H1)
    assert shows(label) == H1
    assert displayed(as_rich_text(INJECTION + "\nline 2"), Qt.TextFormat.AutoText) == SHOWN + "\nline 2"
    assert displayed(as_rich_text("a &amp; b"), Qt.TextFormat.AutoText) == "a &amp; b"
    assert as_rich_text("") == ""
    assert displayed(INJECTION, Qt.TextFormat.AutoText) != SHOWN  # what Qt does when not told


def test_import_summary_shows_rejection_reasons_as_text(qtbot, sqlite_store, crafted_sample):
    dialog = ImportDialog(sqlite_store)
    qtbot.addWidget(dialog)
    dialog.choose_file(crafted_sample)
    qtbot.waitUntil(dialog.start.isEnabled, timeout=20_000)
    assert shows(dialog.detected) == "Detected profile: Chicago Data Portal crimes export (source chicago)"
    with qtbot.waitSignal(dialog.imported, timeout=60_000):
        dialog.start_import()
    assert dialog.message.textFormat() == Qt.TextFormat.PlainText
    reason = next(line for line in shows(dialog.message).splitlines() if line.startswith("line 3:"))
    assert f"'{SHOWN}'" in reason


def test_detection_errors_and_the_map_columns_header_show_the_file_header_as_text(
    qtbot, sqlite_store, crafted_header
):
    dialog = ImportDialog(sqlite_store)
    qtbot.addWidget(dialog)
    dialog.choose_file(crafted_header)
    qtbot.waitUntil(lambda: dialog.map_columns.isVisibleTo(dialog), timeout=20_000)
    assert dialog.detected.textFormat() == Qt.TextFormat.PlainText
    assert f"({H1}, {IMG.replace(chr(34), '')}, {LINK}x)" in shows(dialog.detected)
    editor = MappingEditor(sqlite_store, inspect_file(crafted_header))
    qtbot.addWidget(editor)
    assert shows(editor.header) == f"Columns in the file: {H1}, {IMG.replace(chr(34), '')}, {LINK}x"


def test_portal_error_shows_the_server_body_as_text(qtbot, sqlite_store):
    body = f"<html><body>{INJECTION}</body></html>"
    portal = FakePortal([])
    portal.faults = {n: (lambda h: h.send(400, body.encode(), kind="text/html")) for n in range(1, 5)}
    try:
        dialog = PortalDialog(sqlite_store)
        qtbot.addWidget(dialog)
        dialog.domain.setText(portal.url)
        dialog.start()
        qtbot.waitUntil(lambda: "⚠" in dialog.message.text(), timeout=20_000)
    finally:
        portal.close()
    assert dialog.message.textFormat() == Qt.TextFormat.PlainText
    assert f"<html><body>{SHOWN}</body></html>" in shows(dialog.message)


def test_task_dialog_progress_messages_are_text(qtbot):
    dialog = TaskDialog()
    qtbot.addWidget(dialog)
    dialog._progress(0.5, INJECTION)
    assert dialog.message.textFormat() == Qt.TextFormat.PlainText and shows(dialog.message) == SHOWN


def test_offense_bar_tooltips_show_offense_text_as_typed(qtbot):
    bars = OffenseBars(FilterState())
    qtbot.addWidget(bars)
    bars.resize(600, 400)
    bars.show()
    frame = pd.DataFrame({"offense_type": [INJECTION, "THEFT"], "count": [30, 20], "share": [60.0, 40.0]})
    bars.show_frame(frame)
    qtbot.waitExposed(bars)
    bars._mouse_moved(bars.plot.vb.mapViewToScene(QPointF(10, 0)))  # over the first bar
    tip = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "qtooltip_label")
    assert displayed(tip.text(), tip.textFormat()) == f"{SHOWN}: 30 incidents (60.0 %)"
    ticks = bars.plot.getAxis("left")._tickLevels[0]
    assert ticks[0][1] == SHOWN[:23] + "…"


def test_welcome_page_shows_the_store_name_as_text(qtbot):
    page = WelcomePage(INJECTION)
    qtbot.addWidget(page)
    assert shows(page.text).endswith(f"Store: {SHOWN}")


def test_chart_legends_and_tooltips_show_state_names_as_typed(qtbot):
    chart = UcrChart()
    qtbot.addWidget(chart)
    frame = pd.DataFrame(
        {"year": [2018, 2019], "state_abbr": [H1, H1], "count": [10, 12], "population": [100, 100]}
    )
    chart.show_series(frame.assign(rate=[1.0, 1.2]), "count")
    [(_sample, label)] = chart.legend.items
    assert label.item.toPlainText() == H1  # pyqtgraph renders legend names as HTML
    tip = chart.tooltip_at(QPointF(2019, 0))
    assert (
        displayed(as_rich_text(tip), Qt.TextFormat.AutoText) == f"2019\n{H1}: 12 offenses · 1.2 per 100,000"
    )
