"""The user guide (our own Markdown, shipped in the package) and the About box.

The guide is rendered as rich text because it is crimedesk's own text, never data; links are not
followed, so nothing can reach the network.
"""

from __future__ import annotations

from importlib import resources

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QTextBrowser, QVBoxLayout, QWidget

from crimedesk.ui.help.about import about_text


def guide_markdown() -> str:
    return resources.files("crimedesk.ui.help").joinpath("guide.md").read_text(encoding="utf-8")


class GuideDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("crimedesk user guide")
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setOpenExternalLinks(False)
        self.browser.setMarkdown(guide_markdown())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(640, 560)


def about_box(parent: QWidget | None = None) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Information, "About crimedesk", "", parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(about_text())
    return box
