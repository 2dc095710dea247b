"""No widget flashes up as a window of its own while the workspace fills its panes: a child shown
before it has a parent is a top-level window for a moment, and it takes the keyboard (F1 and every
other shortcut) away from the main window. (Watched by the activation it steals: an application-wide
event filter would wrap QtWebEngine's dying objects in Python, which crashes.)"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from tests.ui.test_main_window import open_workspace


def test_filling_every_pane_leaves_the_main_window_active(qtbot, chicago_sample_store, settings_file):
    workspace = open_workspace(qtbot, chicago_sample_store, settings_file)
    window = workspace.window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3_000)
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        qtbot.wait(200)
        assert QApplication.activeWindow() is window, window.tabs.tabText(index)
