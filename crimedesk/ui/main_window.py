"""The main window: layout only (tabs and status bar); behaviour lives in the panes."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget

from crimedesk.storage.summary import StoreSummary
from crimedesk.ui.store_pane import StorePane


class MainWindow(QMainWindow):
    def __init__(self, store_pane: StorePane, store_name: str) -> None:
        super().__init__()
        self.setWindowTitle(f"crimedesk — {store_name}")
        self.resize(1100, 700)
        self.store_pane = store_pane
        self.tabs = QTabWidget()
        self.tabs.addTab(store_pane, "Store")
        self.setCentralWidget(self.tabs)
        self.store_label = QLabel(store_name)
        self.counts_label = QLabel()
        self.statusBar().addWidget(self.store_label)
        self.statusBar().addPermanentWidget(self.counts_label)
        store_pane.summary_loaded.connect(self.show_counts)

    def show_counts(self, summary: StoreSummary) -> None:
        sources = len(summary.by_source)
        self.counts_label.setText(
            f"{summary.total_incidents:,} incidents from {sources} source{'s' if sources != 1 else ''}"
        )
