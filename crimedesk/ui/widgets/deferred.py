"""A place in a layout for a widget whose module is slow to import (pyqtgraph, pandas).

The window paints first with the empty place; the widget is built, and its module imported, the
first time something asks for it — a pane's first query, after the first paint (issue 18).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtWidgets import QVBoxLayout, QWidget

W = TypeVar("W", bound=QWidget)


class DeferredWidget(QWidget, Generic[W]):
    def __init__(self, build: Callable[[], W], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._build = build
        self._widget: W | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    @property
    def built(self) -> bool:
        return self._widget is not None

    def widget(self) -> W:
        """The widget, built on the first call."""
        if self._widget is None:
            self._widget = self._build()
            self._layout.addWidget(self._widget)
        return self._widget
