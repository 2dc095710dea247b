"""While the analytics mirror is still being copied, the dashboard answers from the store."""

import threading

from sqlalchemy import text

from crimedesk.analytics.mirror import AnalyticsMirror
from crimedesk.domain.progress import never_cancel, no_progress
from crimedesk.ui.panes.dashboard.dashboard_pane import DashboardPane
from crimedesk.ui.runtime.mirror_keeper import MirrorKeeper
from crimedesk.ui.runtime.workers import wait_for_workers


def test_the_dashboard_answers_from_the_store_while_the_mirror_copies(
    qtbot, chicago_sample_store, state, monkeypatch, tmp_path
):
    store, copying, release = chicago_sample_store, threading.Event(), threading.Event()
    copy = AnalyticsMirror.sync

    def held_copy(mirror, progress=no_progress, cancel=never_cancel):
        copying.set()
        release.wait(60)
        return copy(mirror, progress, cancel)

    monkeypatch.setattr(AnalyticsMirror, "sync", held_copy)
    failures: list[object] = []
    keeper, synced = MirrorKeeper(store, failures.append), []
    try:
        keeper.sync(synced.append)
        assert copying.wait(30)
        assert keeper.query_engine() is store
        pane = DashboardPane(store, state, query_engine=keeper.query_engine)
        qtbot.addWidget(pane)
        pane.show()
        pane.refresh()
        qtbot.waitUntil(pane.is_current, timeout=15_000)
        with store.connect() as conn:
            total = conn.execute(text("SELECT count(*) FROM incidents")).scalar_one()
        assert pane.kpis.cards["total"].value.text() == f"{total:,}"  # the sample's three days
        assert not synced and not keeper.mirror.ready  # answered while the copy still ran
        release.set()
        qtbot.waitUntil(lambda: synced == [True], timeout=60_000)
        assert keeper.query_engine() is keeper.mirror.engine and not failures
    finally:
        release.set()
        wait_for_workers()
        keeper.close()
