"""The main window: layout only (filter dock, pane tabs, welcome page, menus, status bar).

Behaviour (what the actions do, when panes refresh) is wired by :mod:`crimedesk.ui.workspace`.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QMainWindow,
    QSizePolicy,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

from crimedesk.ui.widgets.plain_text import PlainLabel, as_rich_text

FIRST_SIZE = QSize(1500, 950)  # before a saved layout exists


def first_size(available: QSize) -> QSize:
    """The first window's size: 1500 × 950, or the screen's free area when that is smaller (a
    1366 × 768 laptop), so the window never starts larger than the screen."""
    return FIRST_SIZE.boundedTo(available)


class MainWindow(QMainWindow):
    closing = Signal()

    def __init__(
        self, filter_panel: QWidget, panes: dict[str, QWidget], welcome: QWidget, store_name: str
    ) -> None:
        super().__init__()
        self.setObjectName("MainWindow")
        self.setWindowTitle(f"crimedesk — {store_name}")
        self.resize(first_size(self.screen().availableGeometry().size()))
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for title, pane in panes.items():
            self.tabs.addTab(pane, title)
        self.welcome = welcome
        self.stack = QStackedWidget()
        self.stack.addWidget(self.tabs)
        self.stack.addWidget(welcome)
        self.setCentralWidget(self.stack)
        self.filter_dock = QDockWidget("Filters")
        self.filter_dock.setObjectName("filters")
        self.filter_dock.setWidget(filter_panel)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.filter_dock)
        self.import_action = QAction("&Import incidents…", self, shortcut=QKeySequence("Ctrl+I"))
        self.boundaries_action = QAction("Load &boundaries…", self)
        self.portal_action = QAction("Subscribe to a &portal…", self)
        self.take_offline_action = QAction("&Take offline…", self)
        self.bring_back_action = QAction("Bring &back…", self)
        self.basemap_action = QAction("Prepare offline &basemap…", self)
        self.settings_action = QAction("&Settings…", self)
        self.server_setup_action = QAction("Set up a PostgreSQL &server…", self)
        self.password_action = QAction("Change my &password…", self)  # PostgreSQL stores
        self.quit_action = QAction("&Quit", self, shortcut=QKeySequence("Ctrl+Q"))
        menu = self.menuBar().addMenu("&File")
        menu.addActions([self.import_action, self.boundaries_action, self.portal_action])
        menu.addSeparator()
        menu.addActions([self.take_offline_action, self.bring_back_action, self.basemap_action])
        menu.addSeparator()
        menu.addActions([self.settings_action, self.password_action, self.server_setup_action])
        menu.addSeparator()
        menu.addAction(self.quit_action)
        view = self.menuBar().addMenu("&View")
        view.addAction(self.filter_dock.toggleViewAction())
        view.addSeparator()
        for number, title in enumerate(panes, start=1):
            action = view.addAction(title.replace("&", "&&"))
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _checked=False, pane=panes[title]: self.show_pane(pane))
        self.guide_action = QAction("User &guide", self, shortcut=QKeySequence("F1"))
        self.about_action = QAction("&About crimedesk", self)
        self.menuBar().addMenu("&Help").addActions([self.guide_action, self.about_action])
        self.store_label = PlainLabel(store_name)  # a long path is cut: the title and tooltip hold it
        self.store_label.setToolTip(as_rich_text(store_name))
        self.dataset_label = PlainLabel()
        self.counts_label = PlainLabel()
        self.message_label = PlainLabel()  # a long message is cut (whole in its tooltip), never widens
        self.message_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.statusBar().addWidget(self.store_label)
        self.statusBar().addWidget(self.dataset_label)
        self.statusBar().addWidget(self.message_label, stretch=1)
        self.statusBar().addPermanentWidget(self.counts_label)

    def show_welcome(self, on: bool) -> None:
        self.stack.setCurrentWidget(self.welcome if on else self.tabs)
        self.filter_dock.setVisible(not on)

    def show_pane(self, pane: QWidget) -> None:
        """The pane's tab (the welcome page of an empty store stays until data arrives)."""
        self.tabs.setCurrentWidget(pane)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """The store's path takes at most a fifth of the status bar, leaving a message room."""
        self.store_label.setMaximumWidth(event.size().width() // 5)
        super().resizeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closing.emit()
        super().closeEvent(event)
