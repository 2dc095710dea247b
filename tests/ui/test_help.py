"""Help ▸ User guide (F1) and About, the pane shortcuts, and the portal reachable from File."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

import crimedesk
from crimedesk.ui.help.about import components
from crimedesk.ui.help.dialogs import about_box
from tests.ui.test_main_window import open_workspace

SECTIONS = ("Getting started", "Importing", "Filters", "The map", "CompStat", "Models", "Shortcuts")


def test_guide_opens_from_f1_and_the_menu_with_every_section(
    qtbot, chicago_sample_store, tmp_path, artifacts
):
    workspace = open_workspace(qtbot, chicago_sample_store, tmp_path / "settings.json")
    window = workspace.window
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    assert [a.text() for a in help_menu.actions()] == ["User &guide", "&About crimedesk"]
    QTest.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: workspace.guide is not None and workspace.guide.isVisible(), timeout=3_000)
    shown = workspace.guide.browser.toPlainText()
    assert all(section in shown for section in SECTIONS)
    assert "Ctrl+I" in shown and "#" not in shown.splitlines()[0]  # rendered, not raw Markdown
    assert not workspace.guide.browser.openLinks() and not workspace.guide.browser.openExternalLinks()
    assert workspace.guide.grab().save(str(artifacts / "guide.png"))
    workspace.guide.close()
    window.guide_action.trigger()
    assert workspace.guide.isVisible()

    QTest.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is workspace.map
    QTest.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is workspace.data
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    assert window.portal_action in file_menu.actions()


def test_about_names_the_version_and_the_map_libraries_licences(qtbot, tmp_path):
    leaflet = tmp_path / "leaflet"
    leaflet.mkdir()
    (leaflet / "package.json").write_text(json.dumps({"version": "1.9.4", "license": "BSD-2-Clause"}))
    heat = tmp_path / "leaflet.heat"
    heat.mkdir()
    (heat / "package.json").write_text(json.dumps({"version": "0.2.0"}))
    (heat / "LICENSE").write_text("Copyright (c) 2014, Vladimir Agafonkin\nAll rights reserved.\n")
    found = {c.name: c for c in components(tmp_path)}
    assert (found["leaflet"].version, found["leaflet"].licence) == ("1.9.4", "BSD-2-Clause")
    assert found["leaflet.heat"].licence.startswith("Copyright (c) 2014, Vladimir Agafonkin")
    assert found["jquery"].version == "not installed"
    assert found["PySide6"].version and "LGPL" in found["PySide6"].licence
    box = about_box()
    qtbot.addWidget(box)
    assert box.text().startswith(f"crimedesk {crimedesk.__version__}") and "leaflet" in box.text()
    assert box.textFormat() == Qt.TextFormat.PlainText
