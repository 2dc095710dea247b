"""A PDF's pages as images (Qt's own PDF renderer), one at a time, with page n of N; and printing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QSpinBox, QVBoxLayout, QWidget

PREVIEW_WIDTH = 900


class PdfPreview(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = QPdfDocument(self)
        self.page = QSpinBox(minimum=1, maximum=1)
        self.page.setEnabled(False)
        self.count = QLabel("no report yet")
        self.image = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(self.image)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Page"))
        bar.addWidget(self.page)
        bar.addWidget(self.count)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(scroll, 1)
        self.page.valueChanged.connect(self._show)

    def load(self, path: Path) -> None:
        self.document.close()
        self.document.load(str(path))
        pages = self.document.pageCount()
        self.page.setMaximum(max(pages, 1))
        self.page.setEnabled(pages > 1)
        self.count.setText(f"of {pages}")
        self.page.setValue(1)
        self._show(1)

    def clear(self) -> None:
        self.document.close()
        self.image.clear()
        self.count.setText("no report yet")

    def page_image(self, number: int, width: int = PREVIEW_WIDTH) -> QPixmap:
        size = self.document.pagePointSize(number - 1)
        height = round(width * size.height() / size.width()) if size.width() else width
        return QPixmap.fromImage(self.document.render(number - 1, QSize(width, height)))

    def print_to(self, printer: QPrinter) -> None:
        """Every page, scaled to the printer's page."""
        painter = QPainter(printer)
        try:
            for index in range(self.document.pageCount()):
                if index:
                    printer.newPage()
                area = painter.viewport()
                image = self.document.render(index, QSize(area.width(), area.height()))
                painter.drawImage(area, image)
        finally:
            painter.end()

    def _show(self, number: int) -> None:
        if self.document.pageCount():
            self.image.setPixmap(self.page_image(number))
