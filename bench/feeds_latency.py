"""Event -> visible on the map, for bench/feeds.py; run as its own process (a QApplication):

    python bench/feeds_latency.py STORE_URL EVENTS

The store gets the Chicago sample (2,426 rows: the map draws points); the real Workspace runs
offscreen on it with a Kafka feed on a Tansu broker, the Map tab in front. One new incident is
published every EVERY_MS; each is timed until the store holds it (the baseline) and until the map
page (QtWebEngine) holds its point, asked with runJavaScript. Prints one JSON line.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "tests.memkeyring.MemoryKeyring")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp()  # never the user's own settings

EVERY_MS = 300


def wait(condition, seconds: float) -> bool:
    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.monotonic() + seconds
    loop, timer = QEventLoop(), QTimer(interval=20)

    def check() -> None:
        if condition() or time.monotonic() > deadline:
            loop.quit()

    timer.timeout.connect(check)
    timer.start()
    loop.exec()
    timer.stop()
    return condition()


def main(url: str, events: int) -> None:
    from PySide6 import QtWebEngineWidgets  # noqa: F401  (before the QApplication, as the app)
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from bench._common import DATA, report
    from crimedesk.feeds.catalog import add_feed, feed_history
    from crimedesk.feeds.feed import Feed
    from crimedesk.ingest.pipeline import import_file
    from crimedesk.storage.engine import make_engine
    from crimedesk.ui.panes.map.map_pane import register_map_schemes
    from crimedesk.ui.runtime.workers import wait_for_workers
    from crimedesk.ui.workspace import Workspace
    from tests.feeds.brokers import Tansu
    from tests.feeds.conftest import ANALYST
    from tests.feeds.fake_soda import api_records
    from tests.feeds.kafka_topic import TOPIC, create_topic, encoded, incident, producer
    from tests.ui.panes.feeds.map_watch import Heartbeat, MapWatch

    register_map_schemes()
    app = QApplication([])
    sample = DATA / "chicago_crimes_sample_2017-01-01_to_03.csv"
    engine = make_engine(url)
    import_file(engine, sample, profile="chicago")
    templates = [r for r in api_records(sample) if r.get("latitude")]
    broker = Tansu()
    broker.start()
    try:
        create_topic(broker.bootstrap, partitions=1)
        add_feed(engine, Feed("live", "kafka", broker.bootstrap, TOPIC, "chicago"), user=ANALYST)
        workspace = Workspace(engine, Path(tempfile.mkdtemp()) / "settings.json", user=ANALYST)
        workspace.window.show()
        workspace.window.tabs.setCurrentWidget(workspace.map)
        workspace.reload()
        assert wait(lambda: workspace.facts is not None and workspace.map.page_ready, 60)
        workspace.start_feeds()
        assert wait(lambda: feed_history(engine, "live") != [], 30)
        sender, watch, heartbeat = (
            producer(broker.bootstrap, linger_ms=0),
            MapWatch(engine, workspace.map),
            Heartbeat(),
        )
        sent = [0]

        def publish() -> None:
            n = sent[0]
            record = incident(templates[n % len(templates)], n)
            watch.sent(record["id"])
            sender.produce(TOPIC, encoded(record))
            sender.poll(0)
            sent[0] += 1
            if sent[0] >= events:
                pacer.stop()

        pacer = QTimer(interval=EVERY_MS)
        pacer.timeout.connect(publish)
        pacer.start()
        wait(lambda: sent[0] >= events and watch.done(), events * EVERY_MS / 1000 + 60)
        stall = heartbeat.longest_stall_ms()
        watch.stop()
        workspace.window.close()
        wait_for_workers()
        report(
            shown=list(watch.shown.values()), stored=list(watch.stored.values()), sent=sent[0], stall_ms=stall
        )
    finally:
        broker.stop()
        engine.dispose()
        app.quit()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
