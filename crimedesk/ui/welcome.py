"""First-run page for an empty store: import or download incidents, or load boundaries."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from crimedesk.domain.display_text import html_text
from crimedesk.ui.widgets.plain_text import rich_label

TEXT = (
    "<h1>Welcome to crimedesk</h1>"
    "<p>This store holds no incidents yet. Import a Chicago, NYPD or FBI UCR file, or any CSV with a"
    " column mapping; load police districts or beats as boundary layers to filter and compare regions.</p>"
)


class WelcomePage(QWidget):
    def __init__(self, store_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = rich_label(TEXT + f"<p style='color:#666'>Store: {html_text(store_name)}</p>")
        self.text.setWordWrap(True)
        self.import_button = QPushButton("Import incidents…")
        self.portal_button = QPushButton("Subscribe to a portal…")
        self.portal_button.setToolTip("Goes online: fetches incidents from data.cityofchicago.org")
        self.boundaries_button = QPushButton("Load boundaries…")
        column = QWidget()  # a column of at most 640 px: the text wraps to its whole height
        column.setMaximumWidth(640)
        items = QVBoxLayout(column)
        items.addWidget(self.text)  # no alignment flag, which would give it one line's height
        for button in (self.import_button, self.portal_button, self.boundaries_button):
            button.setMinimumWidth(260)
            items.addWidget(button, alignment=Qt.AlignmentFlag.AlignHCenter)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(column, stretch=4)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
