"""Labels, tooltips and message boxes that show data as text, never as HTML.

Qt guesses the format of a QLabel's text, a tooltip's and a QMessageBox's (``Qt::mightBeRichText``):
a rejected row's reason, a file's header or a server's error page that starts like HTML would be
rendered, images from ``file://`` URLs and links included. A :class:`PlainLabel` shows its text as
typed; where Qt guesses and cannot be told (tooltips, message boxes), :func:`as_rich_text` escapes
the text and marks it as rich text, so it shows literally. Our own formatting (bold titles) uses
rich-text labels whose data parts go through ``crimedesk.domain.display_text.html_text``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from crimedesk.domain.display_text import display_text, html_text


class PlainLabel(QLabel):
    """A label that shows its text as typed, bidirectional controls as visible marks."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setText(text)

    def setText(self, text: str, /) -> None:
        super().setText(display_text(text))


def rich_label(html: str = "", parent: QWidget | None = None) -> QLabel:
    """A label for our own markup; any data in ``html`` must have gone through ``html_text``."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setText(html)
    return label


def as_rich_text(text: str) -> str:
    """``text`` for a place where Qt guesses the format (tooltips, QMessageBox texts): escaped
    and marked as rich text, so markup in it shows as typed; "" stays "" (no tooltip)."""
    return f"<qt>{html_text(text)}</qt>" if text else ""
