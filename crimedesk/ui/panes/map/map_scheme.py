"""The ``cdmap`` URL scheme that serves the map page, and the guard that keeps the page offline.

``cdmap://app/`` serves the page HTML, the npm Leaflet files, crimedesk's client script, Qt's
qwebchannel.js, MBTiles tiles and cached online tiles. Online tiles are fetched here (not by the
page) only when the user switched them on, then kept on disk for offline use.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QFile, QIODevice, QObject, QUrl
from PySide6.QtNetwork import QNetworkAccessManager, QNetworkReply, QNetworkRequest
from PySide6.QtWebEngineCore import (
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

from crimedesk.mapping.assets import web_assets_dir
from crimedesk.mapping.tiles import MBTiles, TileCache, check_tile, image_type, tile_url

log = logging.getLogger(__name__)
SCHEME = b"cdmap"
CLIENT_DIR = Path(__file__).resolve().parents[3] / "mapping" / "client"
#: Schemes a page request may use without leaving the machine.
LOCAL_SCHEMES = frozenset({"cdmap", "data", "blob", "about", "qrc"})
_TILE = re.compile(r"^/(mbtiles|xyz)/(\d+)/(\d+)/(\d+)$")
USER_AGENT = "crimedesk/0.1 (desktop crime analysis)"
_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml"}


def register_map_schemes() -> None:
    """Register ``cdmap``; must run before the QApplication exists (no-op when already done)."""
    if QWebEngineUrlScheme.schemeByName(SCHEME).name() == SCHEME:
        return
    scheme = QWebEngineUrlScheme(SCHEME)
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    scheme.setFlags(QWebEngineUrlScheme.Flag.SecureScheme | QWebEngineUrlScheme.Flag.CorsEnabled)
    QWebEngineUrlScheme.registerScheme(scheme)


def schemes_registered() -> bool:
    return QWebEngineUrlScheme.schemeByName(SCHEME).name() == SCHEME


class OfflineGuard(QWebEngineUrlRequestInterceptor):
    """Records every request of the page and blocks any that would leave the machine."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.seen: list[str] = []
        self.blocked: list[str] = []

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        url = info.requestUrl()
        self.seen.append(url.toString())
        if url.scheme() not in LOCAL_SCHEMES:
            self.blocked.append(url.toString())
            info.block(True)


def _reply(job: QWebEngineUrlRequestJob, mime: str, data: bytes) -> None:
    buffer = QBuffer(job)
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    job.reply(QByteArray(mime.encode()), buffer)


def _file_under(root: Path, relative: str) -> Path | None:
    """``root/relative`` if that is a file inside ``root`` (no ``..`` escapes)."""
    path = (root / relative).resolve()
    return path if path.is_relative_to(root.resolve()) and path.is_file() else None


class MapSchemeHandler(QWebEngineUrlSchemeHandler):
    """Answers ``cdmap://app/...`` requests; ``html``, ``mbtiles`` and ``cache`` are set by the pane."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.html = b""
        self.mbtiles: MBTiles | None = None
        self.cache: TileCache | None = None
        self.online = False
        self._network = QNetworkAccessManager(self)
        self._live_jobs: set[int] = set()

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        url = job.requestUrl()
        path = url.path()
        if url.host() != "app":
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
        elif path == "/index.html":
            _reply(job, "text/html", self.html)
        elif path == "/qwebchannel.js":
            _reply(job, "text/javascript", _qrc_bytes(":/qtwebchannel/qwebchannel.js"))
        elif path.startswith(("/assets/", "/client/")):
            root = web_assets_dir() if path.startswith("/assets/") else CLIENT_DIR
            self._serve_file(job, root, path.split("/", 2)[2])
        elif match := _TILE.match(path):
            kind, z, x, y = match.group(1), *(int(v) for v in match.groups()[1:])
            self._serve_tile(job, kind, z, x, y)
        else:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)

    def _serve_file(self, job: QWebEngineUrlRequestJob, root: Path, relative: str) -> None:
        path = _file_under(root, relative)
        if path is None:
            log.warning("map asset not found: %s", relative)
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        _reply(job, _TYPES.get(path.suffix, "application/octet-stream"), path.read_bytes())

    def _serve_tile(self, job: QWebEngineUrlRequestJob, kind: str, z: int, x: int, y: int) -> None:
        try:
            check_tile(z, x, y)
        except ValueError:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        data = None
        if kind == "mbtiles" and self.mbtiles is not None:
            data = self.mbtiles.tile(z, x, y)
        elif kind == "xyz" and self.cache is not None:
            data = self.cache.get(z, x, y)
        if data is not None:
            _reply(job, image_type(data), data)
        elif kind == "xyz" and self.online and self.cache is not None:
            self._fetch(job, self.cache, z, x, y)
        else:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)

    def _fetch(self, job: QWebEngineUrlRequestJob, cache: TileCache, z: int, x: int, y: int) -> None:
        key = id(job)
        self._live_jobs.add(key)
        job.destroyed.connect(lambda: self._live_jobs.discard(key))  # the page gave up on the tile
        request = QNetworkRequest(QUrl(tile_url(cache.template, z, x, y)))
        request.setHeader(
            QNetworkRequest.KnownHeaders.UserAgentHeader, "crimedesk/0.1 (desktop crime analysis)"
        )
        reply = self._network.get(request)

        def finished() -> None:
            reply.deleteLater()
            ok = reply.error() == QNetworkReply.NetworkError.NoError
            data = bytes(reply.readAll().data()) if ok else b""
            if ok:
                cache.put(z, x, y, data)
            else:
                log.info("tile %s/%s/%s not fetched: %s", z, x, y, reply.errorString())
            if key not in self._live_jobs:
                return
            self._live_jobs.discard(key)
            if ok:
                _reply(job, image_type(data), data)
            else:
                job.fail(QWebEngineUrlRequestJob.Error.RequestFailed)

        reply.finished.connect(finished)


def _qrc_bytes(name: str) -> bytes:
    resource = QFile(name)
    if not resource.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FileNotFoundError(f"Qt resource {name} missing (QtWebChannel not installed?)")
    try:
        return bytes(resource.readAll().data())
    finally:
        resource.close()
