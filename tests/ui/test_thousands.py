"""Counts are written with thousands separators in every pane: after loading the Chicago sample
(2,426 incidents) no visible text of any pane holds a bare number of 1,000 or more."""

from __future__ import annotations

import re

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QGroupBox, QLabel, QTextEdit, QWidget

from crimedesk.ui.widgets.chart_box import CountAxis
from tests.ui.test_screen_fit import workspace  # noqa: F401  (the fixture: the sample in a window)

#: Four or more digits not inside a grouped number, a date, a time or a code ("JA103468", "0110").
BARE = re.compile(r"(?<![\w,.\-:/])[1-9]\d{3,}(?![\w,.\-:/])")
TABLE_ROWS = 100


def is_year(number: str) -> bool:
    return len(number) == 4 and number[:2] in ("19", "20")


def visible_texts(pane: QWidget, skip: tuple[QWidget, ...]) -> list[str]:
    """What the pane shows as text: labels, buttons, group titles, text views and table cells."""
    texts: list[str] = []
    for widget in pane.findChildren(QWidget):
        if not widget.isVisible() or any(s is widget or s.isAncestorOf(widget) for s in skip):
            continue
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QTextEdit):
            texts.append(widget.toPlainText())
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            texts += _cells(widget)
    return texts


def _cells(view: QAbstractItemView) -> list[str]:
    model, root = view.model(), QModelIndex()
    columns = range(1 if isinstance(model, QAbstractListModel) else model.columnCount(root))
    cells = [str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in columns]
    for row in range(min(model.rowCount(root), TABLE_ROWS)):
        cells += [str(model.index(row, c).data() or "") for c in columns]
    return cells


def bare_numbers(texts: list[str]) -> list[str]:
    return [text for text in texts for n in BARE.findall(text) if not is_year(n)]


def test_no_pane_shows_a_bare_count(qtbot, workspace):  # noqa: F811
    window = workspace.window
    window.resize(1366, 768)
    # The incident table and details show the source's own values (beats, codes), not counts.
    skip = (workspace.data.table, workspace.data.details)
    found: dict[str, list[str]] = {}
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        qtbot.wait(300)
        pane = window.tabs.currentWidget()
        found[window.tabs.tabText(index)] = bare_numbers(visible_texts(pane, skip))
    found["status bar"] = bare_numbers([window.statusBar().currentMessage()])
    found["status widgets"] = bare_numbers(visible_texts(window.statusBar(), ()))
    assert not any(found.values()), found


def test_the_pattern_tells_counts_from_dates_and_codes():
    assert bare_numbers(["2426 incidents", "of 12345", "(1000)"]) == ["2426 incidents", "of 12345", "(1000)"]
    assert bare_numbers(["2,426 incidents", "2017-01-03 23:52", "JA103468", "0110", "year 2017", "1.5"]) == []


def test_chart_axes_of_counts_group_thousands(qtbot, workspace):  # noqa: F811
    """The dashboard's and UCR pane's count axes, as pyqtgraph asks them for tick labels."""
    bars, trend, ucr = workspace.dashboard.offenses, workspace.dashboard.trend, workspace.ucr.chart
    axes = [bars.plot.getAxis("bottom"), trend.plot.getAxis("left"), ucr.plot.getAxis("left")]
    assert all(isinstance(axis, CountAxis) for axis in axes)
    for axis in axes:
        assert axis.tickStrings([0.0, 1000.0, 2500.0], 1.0, 500.0) == ["0", "1,000", "2,500"]
        assert axis.tickStrings([1_000_000.0], 1.0, 500_000.0) == ["1,000,000"]  # no 1e+06
        assert axis.tickStrings([0.0, 0.5], 1.0, 0.5) == ["0.0", "0.5"]
    low, high = bars.plot.getAxis("bottom").range
    ticks = bars.plot.getAxis("bottom").tickValues(low, high, 400)
    shown = [
        t
        for _spacing, values in ticks
        for t in bars.plot.getAxis("bottom").tickStrings(values, 1.0, _spacing)
    ]
    assert shown and not bare_numbers(shown)
