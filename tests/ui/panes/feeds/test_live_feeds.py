"""Feeds in the running app: the scheduler runs a due feed, the panes refresh once a second at most,
the tabs count what arrived, a failing feed says so once, and closing stops the runs."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import func, select

from crimedesk.feeds.catalog import add_feed, load_feed
from crimedesk.feeds.feed import Feed
from crimedesk.storage.schema import incidents
from crimedesk.ui.panes.feeds.live import IDLE_MS, REFRESH_MS, LiveRefresh
from crimedesk.ui.runtime import workers
from crimedesk.ui.workspace import Workspace
from tests.feeds.conftest import ANALYST
from tests.ui.panes.map.mapjs import js


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
    calls: list[bool] = []
    live = LiveRefresh(calls.append)
    for _ in range(200):
        live.note(17)
    qtbot.wait(1_300)
    assert calls == [False] and live.pending == 0
    live.note(0)  # nothing new: nothing to refresh
    qtbot.wait(1_200)
    assert calls == [False]
    live.note(3, updated=1)  # stored incidents changed too: said to the refresh
    qtbot.waitUntil(lambda: len(calls) == 2, timeout=2_000)
    assert calls == [False, True]


def test_a_batch_after_a_quiet_second_is_refreshed_at_once_later_ones_a_second_apart(qtbot):
    """The coalescing delay is only paid while batches keep coming."""
    fired: list[float] = []
    live = LiveRefresh(lambda _changed: fired.append(time.monotonic()))
    live.note(1)
    assert live.timer.remainingTime() <= IDLE_MS  # not a second's wait
    qtbot.waitUntil(lambda: len(fired) == 1, timeout=2_000)
    live.note(1)  # right after a refresh: at the end of its second
    assert live.timer.remainingTime() > IDLE_MS
    qtbot.waitUntil(lambda: len(fired) == 2, timeout=3_000)
    assert fired[1] - fired[0] >= REFRESH_MS / 1000 - 0.01


def test_batches_reach_the_workspace_as_one_live_refresh_without_a_reload(
    qtbot, chicago_sample_store, tmp_path
):
    workspace = _workspace(qtbot, chicago_sample_store, tmp_path)
    reloads: list[int] = []
    workspace.reload = lambda: reloads.append(1)  # type: ignore[method-assign]
    for _ in range(50):
        workspace.scheduler.batch.emit("soda", "chicago", 30, 10)
    workspace.scheduler.batch.emit("mqtt", "alerts", 5, 0)  # sensor alerts are not incidents
    qtbot.wait(1_300)
    assert workspace.live.refreshes == 1 and reloads == []  # not every pane and query again
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


def test_a_live_refresh_adds_to_the_map_in_front_and_leaves_hidden_panes_until_shown(
    qtbot, chicago_sample_store, tmp_path
):
    engine = chicago_sample_store
    workspace = _workspace(qtbot, engine, tmp_path)
    window, dashboard = workspace.window, workspace.dashboard
    window.tabs.setCurrentWidget(workspace.map)
    qtbot.waitUntil(lambda: workspace.map.shown is not None and workspace.map.page_ready, timeout=20_000)
    qtbot.waitUntil(lambda: workers.pending_jobs() == 0, timeout=20_000)
    redrawn = dashboard.refreshes
    with engine.begin() as conn:
        template = (
            conn.execute(select(incidents).where(incidents.c.mappable.is_(True)).limit(1)).mappings().one()
        )
        row = {k: v for k, v in template.items() if k != "id"} | {"source_key": "live-1"}
        conn.execute(incidents.insert().values(**row))
        new_id = conn.execute(select(func.max(incidents.c.id))).scalar_one()
    workspace.scheduler.batch.emit("kafka", "topic", 1, 0)
    qtbot.waitUntil(lambda: workspace.map.arrivals_added == 1, timeout=5_000)
    ids = js(qtbot, workspace.map, "crimedesk.layers.points.getLayers().map((m) => m.options.incidentId)")
    assert new_id in ids and workspace.map.shown.data.total == len(ids)
    total = _stored(engine)
    qtbot.waitUntil(lambda: f"{total:,} incidents" in window.dataset_label.text(), timeout=10_000)
    qtbot.waitUntil(lambda: workers.pending_jobs() == 0, timeout=20_000)  # the mirror caught up too
    assert dashboard.refreshes == redrawn and workspace.in_view["dashboard"].stale
    window.tabs.setCurrentWidget(dashboard)
    assert dashboard.refreshes == redrawn + 1
    qtbot.waitUntil(lambda: dashboard.kpis.cards["total"].value.text() == f"{total:,}", timeout=10_000)
