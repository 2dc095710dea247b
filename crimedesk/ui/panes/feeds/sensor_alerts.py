"""Sensor alerts live in the app: a map layer of the newest alerts and non-blocking notifications.

Batches from MQTT feeds are coalesced (one re-read a second at most, on a worker); the alerts
that the user's rules (``Settings.alert_rules``) pick are shown in a toast that goes by itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QWidget
from sqlalchemy import Engine

from crimedesk.config.settings import load_settings
from crimedesk.feeds.alerts import AlertRule, alert_text, alerts_after, alerts_geojson, latest_alerts, notable
from crimedesk.ui.panes.feeds.live import LiveRefresh
from crimedesk.ui.panes.map.map_pane import MapPane
from crimedesk.ui.runtime.workers import LatestQuery
from crimedesk.ui.widgets.plain_text import PlainLabel

LAYER = "Sensor alerts"
LAYER_SIZE = 2_000  # the newest alerts drawn
TOAST_MS = 8_000


@dataclass(frozen=True)
class AlertNews:
    last_id: int
    layer: str  # GeoJSON text, made on the worker (2,000 points: not on the GUI thread)
    shown: int  # alerts in the layer
    notable: list[dict[str, Any]]


def read_news(engine: Engine, settings_file: Path, after_id: int) -> AlertNews:
    """The alerts after ``after_id`` that the rules pick, and the layer of the newest ones."""
    rules = [AlertRule.from_dict(r) for r in load_settings(settings_file).alert_rules]
    with engine.connect() as conn:
        layer = latest_alerts(conn, LAYER_SIZE)
        if after_id < 0:  # the first read: what was stored before notifies no one
            arrived, picked = layer[-1:], []
        else:
            arrived = alerts_after(conn, after_id)
            picked = notable(conn, arrived, rules)
    last = arrived[-1]["id"] if arrived else max(after_id, 0)
    return AlertNews(last, json.dumps(alerts_geojson(layer)), len(layer), picked)


class Toast(PlainLabel):
    """A plain-text note over the window's top right corner; it goes after a few seconds."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__("", parent)
        self.window_ = parent
        self.setWordWrap(True)
        self.setFixedWidth(380)
        self.setStyleSheet("background: #fff3cd; color: #533f03; border: 1px solid #c9a227; padding: 8px;")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.timer = QTimer(self, singleShot=True, interval=TOAST_MS)
        self.timer.timeout.connect(self.hide)
        self.hide()

    def say(self, text: str) -> None:
        self.setText(text)
        self.adjustSize()
        self.move(self.window_.width() - self.width() - 16, 48)
        self.raise_()
        self.show()
        self.timer.start()


class SensorAlerts(QObject):
    def __init__(self, engine: Engine, settings_file: Path, map_pane: MapPane, window: QWidget) -> None:
        super().__init__(window)
        self.engine, self.settings_file, self.map = engine, settings_file, map_pane
        self.last_id = -1  # -1: not read yet (alerts stored before the app opened do not notify)
        self.layer: str | None = None
        self.toast = Toast(window)
        self.live = LiveRefresh(lambda _changed: self.read(), self)
        self._query = LatestQuery(self._show, lambda exc: self.toast.say(f"Sensor alerts: {exc}"), self)
        map_pane.ready.connect(self._draw)

    def arrived(self, count: int) -> None:
        self.live.note(count)

    def read(self) -> None:
        engine, settings_file, after = self.engine, self.settings_file, self.last_id
        self._query.run(lambda: read_news(engine, settings_file, after))

    def _show(self, news: AlertNews) -> None:
        self.last_id = news.last_id
        if news.shown:
            self.layer = news.layer
            self._draw()
        if news.notable:
            first = alert_text(news.notable[-1])
            more = len(news.notable) - 1
            self.toast.say(f"Sensor alert: {first}" + (f" (and {more:,} more)" if more else ""))

    def _draw(self) -> None:
        if self.layer is not None and self.map.page_ready:
            self.map.show_overlay_json(LAYER, self.layer)

    def stop(self) -> None:
        self.live.stop()
