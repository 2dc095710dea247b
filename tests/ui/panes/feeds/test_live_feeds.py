"""Feeds in the running app: the scheduler runs a due feed, the panes refresh once a second at most,
the tabs count what arrived, a failing feed says so once, and closing stops the runs."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from crimedesk.feeds.catalog import add_feed, load_feed
from crimedesk.feeds.feed import Feed
from crimedesk.storage.schema import incidents
from crimedesk.ui.panes.feeds.live import LiveRefresh
from crimedesk.ui.runtime import workers
from crimedesk.ui.workspace import Workspace
from tests.feeds.conftest import ANALYST


def _workspace(qtbot, engine, tmp_path: Path) -> Workspace:
    workspace = Workspace(engine, tmp_path / "settings.json", user=ANALYST)
    qtbot.addWidget(workspace.window)
    workspace.window.show()
    qtbot.waitExposed(workspace.window)
    workspace.reload()
    qtbot.waitUntil(lambda: workspace.facts is not None, timeout=10_000)
    return workspace


def _stored(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(incidents)).scalar_one()


def test_the_scheduler_runs_a_due_feed_and_the_counts_follow(
    qtbot, sqlite_store, portal, quick_retries, tmp_path
):
    feed = Feed(name="chicago", kind="soda", endpoint=portal.url, dataset="ijzp-q8t2", profile="chicago")
    add_feed(sqlite_store, feed, user=ANALYST)
    workspace = _workspace(qtbot, sqlite_store, tmp_path)
    window = workspace.window
    assert window.stack.currentWidget() is workspace.welcome  # empty store
    workspace.start_feeds()  # never run: due now
    qtbot.waitUntil(lambda: load_feed(sqlite_store, "chicago").last_success is not None, timeout=60_000)
    stored = _stored(sqlite_store)
    assert stored > 2_000
    qtbot.waitUntil(lambda: f"{stored:,} incidents" in window.dataset_label.text(), timeout=15_000)
    matching = f"{stored:,} of {stored:,} incidents match the filters"
    qtbot.waitUntil(lambda: window.counts_label.text() == matching, timeout=15_000)
    assert window.stack.currentWidget() is window.tabs
    assert window.tabs.tabText(window.tabs.indexOf(workspace.map)) == f"Map ({stored:,} new)"
    window.tabs.setCurrentWidget(workspace.map)
    assert window.tabs.tabText(window.tabs.indexOf(workspace.map)) == "Map"
    assert window.tabs.tabText(window.tabs.indexOf(workspace.feeds)) == f"Feeds ({stored:,} new)"
    assert not workspace.scheduler.due(
        load_feed(sqlite_store, "chicago"), load_feed(sqlite_store, "chicago").last_success
    )
    window.close()
    assert workspace.scheduler.stopped and not workspace.scheduler.timer.isActive()


def test_many_batches_within_a_second_cause_one_refresh(qtbot):
    calls: list[int] = []
    live = LiveRefresh(lambda: calls.append(1))
    for _ in range(200):
        live.note(17)
    qtbot.wait(1_300)
    assert calls == [1] and live.pending == 0
    live.note(0)  # nothing new: nothing to refresh
    qtbot.wait(1_200)
    assert calls == [1]
    live.note(3)
    qtbot.waitUntil(lambda: len(calls) == 2, timeout=2_000)


def test_batches_reach_the_workspace_as_one_reload(qtbot, chicago_sample_store, tmp_path):
    workspace = _workspace(qtbot, chicago_sample_store, tmp_path)
    reloads: list[int] = []
    workspace.reload = lambda: reloads.append(1)  # type: ignore[method-assign]
    for _ in range(50):
        workspace.scheduler.batch.emit("soda", "chicago", 40)
    workspace.scheduler.batch.emit("mqtt", "alerts", 5)  # sensor alerts are not incidents
    qtbot.wait(1_300)
    assert reloads == [1]
    tabs = workspace.window.tabs
    assert tabs.tabText(tabs.indexOf(workspace.feeds)) == "Feeds (2,005 new)"


def test_a_feed_without_network_pauses_and_says_so_once(qtbot, chicago_sample_store, quick_retries, tmp_path):
    feed = Feed(
        name="away", kind="soda", endpoint="http://127.0.0.1:9", dataset="ijzp-q8t2", profile="chicago"
    )
    add_feed(chicago_sample_store, feed, user=ANALYST)
    workspace = _workspace(qtbot, chicago_sample_store, tmp_path)
    said: list[str] = []
    workspace.scheduler.message.connect(said.append)
    workspace.start_feeds()
    qtbot.waitUntil(lambda: load_feed(chicago_sample_store, "away").status == "paused", timeout=30_000)
    for _ in range(3):  # later ticks: a paused feed is not run again, nothing more is said
        workspace.scheduler.tick()
        qtbot.wait(200)
    qtbot.waitUntil(lambda: workers.pending_jobs() == 0, timeout=10_000)
    assert len(said) == 1 and said[0].startswith("Feed away is paused: Cannot reach 127.0.0.1")
    assert workspace.window.message_label.text() == f"⚠ {said[0]}"


def test_a_failing_feed_is_said_once_and_cleared_when_it_runs_well(
    qtbot, sqlite_store, portal, quick_retries, tmp_path
):
    from tests.feeds.fake_soda import html_page

    portal.faults = {n: html_page for n in range(1, 10)}
    feed = Feed(name="chicago", kind="soda", endpoint=portal.url, dataset="ijzp-q8t2", profile="chicago")
    add_feed(sqlite_store, feed, user=ANALYST)
    workspace = _workspace(qtbot, sqlite_store, tmp_path)
    said: list[str] = []
    workspace.scheduler.message.connect(said.append)
    workspace.start_feeds()
    qtbot.waitUntil(lambda: load_feed(sqlite_store, "chicago").status == "failing", timeout=30_000)
    for _ in range(3):  # later ticks within its 15 minutes: not run again, nothing more said
        workspace.scheduler.tick()
        qtbot.wait(200)
    qtbot.waitUntil(lambda: workers.pending_jobs() == 0, timeout=10_000)
    assert len(said) == 1 and said[0].startswith("Feed chicago failed:") and "text/html" in said[0]
    assert workspace.window.message_label.text() == f"⚠ {said[0]}"
    portal.faults = {}
    workspace.scheduler.run_now("chicago")  # as the Feeds pane's Run now
    qtbot.waitUntil(lambda: workspace.window.message_label.text() == "", timeout=30_000)
    assert load_feed(sqlite_store, "chicago").status == "active" and len(said) == 1
