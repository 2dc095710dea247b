"""Composition root: parse arguments, prepare the environment, open the store, show the window."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import MutableMapping

from crimedesk.config.private_files import use_private_umask


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    """crimedesk's own options; the rest (e.g. ``-platform offscreen``) is left for Qt."""
    parser = argparse.ArgumentParser(prog="crimedesk", description="Desktop GIS for crime analysts")
    parser.add_argument(
        "--db",
        help="store URL without password (default: $CRIMEDESK_DB, the URL saved in Settings, "
        "or the SQLite file)",
    )
    parser.add_argument("--quit-after-ms", type=int, metavar="MS", help="close after MS ms (smoke tests)")
    parser.add_argument(
        "--report-first-paint",
        action="store_true",
        help="print 'first paint' when the window paints, then close",
    )
    parser.add_argument(
        "--report-complete-dashboard",
        action="store_true",
        help="print 'dashboard complete' when every dashboard part shows the store, then close",
    )
    return parser.parse_known_args(argv)


def prepare_webengine_env(environ: MutableMapping[str, str], is_root: bool) -> None:
    """Chromium refuses to run as root without ``--no-sandbox``; add it only then."""
    flags = environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if is_root and "--no-sandbox" not in flags and environ.get("QTWEBENGINE_DISABLE_SANDBOX") != "1":
        environ["QTWEBENGINE_CHROMIUM_FLAGS"] = f"{flags} --no-sandbox".strip()


def main(argv: list[str] | None = None) -> int:
    use_private_umask()  # everything the app and its children write is owner-only
    args, qt_args = parse_args(sys.argv[1:] if argv is None else argv)
    from crimedesk.config.settings import (
        SettingsError,
        configured_store_url,
        open_settings,
        refuse_password,
        settings_path,
    )

    try:
        given_url = refuse_password(args.db) if args.db else None
    except SettingsError as exc:
        print(f"crimedesk: --db: {exc}", file=sys.stderr)
        return 2
    # crimedesk's own notes; other libraries (alembic's migration steps) only when something is wrong
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("crimedesk").setLevel(logging.INFO)
    prepare_webengine_env(os.environ, is_root=hasattr(os, "geteuid") and os.geteuid() == 0)
    # QtWebEngine must be imported before the QApplication exists; Qt itself only from here on.
    from PySide6 import QtWebEngineWidgets  # noqa: F401
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from crimedesk.domain.errors import CrimedeskError
    from crimedesk.storage.engine import make_engine, resolve_url
    from crimedesk.ui.dialogs.login_dialog import log_in_dialog
    from crimedesk.ui.dialogs.settings_dialog import ask_password
    from crimedesk.ui.panes.map.map_pane import register_map_schemes
    from crimedesk.ui.runtime.first_paint import (
        AfterFirstPaint,
        CompleteDashboardReporter,
        FirstPaintReporter,
    )
    from crimedesk.ui.runtime.gc_main_thread import MainThreadCollector
    from crimedesk.ui.runtime.legacy_settings import migrate_legacy_settings
    from crimedesk.ui.runtime.sigterm import close_on_sigterm
    from crimedesk.ui.workspace import Workspace

    register_map_schemes()  # the map's local URL scheme must exist before the QApplication
    app = QApplication([sys.argv[0], *qt_args])
    collector = MainThreadCollector(app)
    settings_file = settings_path()
    problems = [migrate_legacy_settings(settings_file)]
    settings, problem = open_settings(settings_file)
    problems.append(problem)
    url = resolve_url(given_url or configured_store_url(settings))
    try:
        if url.get_backend_name() == "postgresql":
            engine = log_in_dialog(url, remember=given_url is None, settings_file=settings_file)
            if engine is None:
                return 1
        else:
            engine = make_engine(url, ask_password=ask_password)
    except CrimedeskError as exc:
        box = QMessageBox(QMessageBox.Icon.Critical, "crimedesk", str(exc))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()
        return 1
    workspace = Workspace(engine, settings_file)
    for message in filter(None, problems):
        workspace.show_error(message)
    workspace.window.show()
    close_on_sigterm(workspace.window)
    AfterFirstPaint(workspace.window, collector.freeze)  # the start-up heap, out of every full collection
    AfterFirstPaint(workspace.window, workspace.reload)  # paint the window first, then query
    AfterFirstPaint(workspace.window, workspace.start_feeds)
    if args.report_first_paint:
        FirstPaintReporter(workspace.window)
    if args.report_complete_dashboard:
        CompleteDashboardReporter(
            workspace.window, lambda: workspace.facts is not None and workspace.dashboard.is_current()
        )
    if args.quit_after_ms is not None:
        QTimer.singleShot(args.quit_after_ms, workspace.window.close)
    code = app.exec()
    workspace.shutdown()
    engine.dispose()
    return code
