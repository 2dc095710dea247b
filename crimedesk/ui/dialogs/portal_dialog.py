"""Download incidents from the Chicago Data Portal, then import them through the usual Import dialog.

Nothing goes online until the analyst clicks Download; the download runs on a worker with
progress and Cancel, and the file lands in the user data folder (``downloads/``) so the import
history can point at it. The Import dialog then opens pre-filled with that file.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Signal, Slot
from PySide6.QtWidgets import (
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from crimedesk.ingest.history import ImportResult
from crimedesk.ui.dialogs.import_dialog import ImportDialog
from crimedesk.ui.dialogs.task_dialog import TaskDialog

if TYPE_CHECKING:
    import httpx

DEFAULT_DAYS = 28
NOTE = (
    "<b>This goes online.</b> crimedesk asks <code>data.cityofchicago.org</code> (City of Chicago,"
    " “Crimes - 2001 to Present”) for the incidents that occurred in the range below. The portal"
    " publishes incidents about a week late and addresses at block level. An app token saved in the"
    " keyring is sent when present; nothing else about you or your store leaves this machine."
)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class PortalDialog(TaskDialog):
    CANCELLING = "Cancelling after the current page…"

    downloaded = Signal(object)  # Path of the CSV
    imported = Signal(object)  # ImportResult, relayed from the Import dialog

    def __init__(
        self,
        engine: Engine,
        user: str = "local",
        parent: QWidget | None = None,
        *,
        client: httpx.Client | None = None,
        app_token: str | None = None,
        folder: Path | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Download from the Chicago Data Portal")
        self.resize(560, 320)
        self.engine, self.user = engine, user
        self.client, self.app_token, self.folder = client, app_token, folder
        self.path: Path | None = None
        self.import_dialog: ImportDialog | None = None
        today = today or date.today()
        self.note = QLabel(NOTE)
        self.note.setWordWrap(True)
        self.start_date = self._date_edit(today - timedelta(days=DEFAULT_DAYS - 1))
        self.end_date = self._date_edit(today)
        self.download = self.buttons.addButton("Download", QDialogButtonBox.ButtonRole.AcceptRole)
        self._build()
        self.download.clicked.connect(self.start_download)

    def _date_edit(self, day: date) -> QDateEdit:
        edit = QDateEdit(_qdate(day))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMaximumDate(_qdate(date.today()))
        edit.setMinimumDate(QDate(2001, 1, 1))
        return edit

    def _build(self) -> None:
        form = QFormLayout()
        form.addRow("From", self.start_date)
        form.addRow("To (inclusive)", self.end_date)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.message, stretch=1)
        layout.addWidget(self.buttons)

    def date_range(self) -> tuple[date, date]:
        return _day(self.start_date.date()), _day(self.end_date.date())

    def start_download(self) -> None:
        start, end = self.date_range()
        if start > end:
            self.message.setText("⚠ The start date is after the end date.")
            return
        folder = self.folder or _downloads_folder()
        dest = folder / f"chicago_crimes_{start:%Y-%m-%d}_to_{end:%Y-%m-%d}.csv"
        client, token = self.client, self.app_token

        def task(progress: Any, cancel: Any) -> Path:
            from crimedesk.feed.soda import download_chicago  # httpx loads on first use, not at start

            return download_chicago(
                start, end, dest, client=client, app_token=token, progress=progress, cancel=cancel
            )

        self._busy(True)
        self.progress.setValue(0)
        self.message.setText("Connecting to data.cityofchicago.org…")
        self.run_task(task)

    @Slot(object)
    def _finished(self, path: Path) -> None:
        self.job, self.path = None, path
        self._busy(False)
        self.progress.setValue(1000)
        self.message.setText(f"{self.message.text()} to {path}.\nCheck the import and click Import.")
        self.cancel.setText("Close")
        self.downloaded.emit(path)
        self.open_import(path)

    def open_import(self, path: Path) -> ImportDialog:
        """The usual Import dialog, pre-filled with the downloaded file (profile detection runs)."""
        dialog = ImportDialog(self.engine, self.user, parent=self.parentWidget() or self)
        dialog.imported.connect(self._imported)
        dialog.choose_file(path)
        dialog.show()
        self.import_dialog = dialog
        return dialog

    @Slot(object)
    def _imported(self, result: ImportResult) -> None:
        c = result.counts
        self.message.setText(
            f"{self.message.text().splitlines()[0]}\nImported: {c.rows_read:,} rows read ="
            f" {c.inserted:,} inserted + {c.updated:,} updated + {c.unchanged:,} unchanged"
            f" + {c.rejected:,} rejected"
        )
        self.imported.emit(result)

    @Slot(object)
    def _failed(self, exc: Exception) -> None:
        self.job = None
        self._busy(False)
        self.progress.setValue(0)
        self.message.setText(f"⚠ Download failed; nothing was saved.\n{exc}")

    @Slot()
    def _cancelled(self) -> None:
        self.job = None
        self._busy(False)
        self.progress.setValue(0)
        self.message.setText("Download cancelled; nothing was saved.")

    def _busy(self, busy: bool) -> None:
        for widget in (self.download, self.start_date, self.end_date):
            widget.setEnabled(not busy)


def _downloads_folder() -> Path:
    from crimedesk.config.paths import data_dir

    folder = data_dir() / "downloads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_portal_dialog(
    engine: Engine, parent: QWidget | None = None, on_imported: Callable[[], None] | None = None
) -> PortalDialog:
    """Show the dialog; ``on_imported()`` runs after its download has been imported."""
    dialog = PortalDialog(engine, parent=parent)
    if on_imported is not None:
        dialog.imported.connect(lambda _result: on_imported())
    dialog.show()
    return dialog
