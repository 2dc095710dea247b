"""The map's web page: its JavaScript errors reach the app instead of dying in the console."""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal
from PySide6.QtWebEngineCore import QWebEnginePage

log = logging.getLogger(__name__)
ERROR = QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel


class MapPage(QWebEnginePage):
    """Uncaught errors and ``console.error`` of the page are logged and announced by ``script_error``."""

    script_error = Signal(str)

    def javaScriptConsoleMessage(
        self, level: QWebEnginePage.JavaScriptConsoleMessageLevel, message: str, line: int, source: str
    ) -> None:
        if level != ERROR:
            return
        log.warning("map page error: %s (%s:%d)", message, source, line)
        self.script_error.emit(message)
