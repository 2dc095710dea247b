"""SODA feeds against a fake portal on 127.0.0.1: every page size and fault ends exact or failed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from crimedesk.config.secrets import set_secret
from crimedesk.feeds.catalog import add_feed, feed_history, load_feed
from crimedesk.feeds.errors import FeedError, FeedFormatError
from crimedesk.feeds.feed import Feed
from crimedesk.feeds.runner import run_feed
from crimedesk.feeds.soda import token_account
from crimedesk.storage.schema import audit, incidents, rejected_rows
from tests.feeds.conftest import ANALYST
from tests.feeds.fake_soda import FakePortal, cut_off, html_page, redirect_to, repeated_page, slow, status

SAMPLE_ROWS = 2426


def subscribe(engine, portal: FakePortal, name: str = "chicago") -> Feed:
    feed = Feed(name=name, kind="soda", endpoint=portal.url, dataset="ijzp-q8t2", profile="chicago")
    return add_feed(engine, feed, user=ANALYST)


def stored_keys(engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(select(incidents.c.source_key)).scalars())


def assert_exact(engine, portal: FakePortal, kept: set[str], added: tuple[str, ...] = ()) -> None:
    """The store holds the portal's rows that a file import keeps (``added``: rows the test added)."""
    keys = stored_keys(engine)
    assert len(keys) == len(set(keys))  # nothing doubled
    assert set(keys) == {r["id"] for r in portal.records.values()} & (kept | set(added))


@pytest.mark.parametrize("cap", [1_000, 5_000, 50_000])
def test_any_page_size_the_server_grants_gives_every_row(store, portal, cap, file_import_keys, quick_retries):
    portal.page_cap = cap
    subscribe(store, portal)
    result = run_feed(store, "chicago", user=ANALYST)
    assert result.counts.rows_read == SAMPLE_ROWS
    assert result.counts.reconciles() and result.note is None
    assert set(stored_keys(store)) == file_import_keys
    assert all("$offset" not in r["params"] for r in portal.requests)
    assert (
        load_feed(store, "chicago").watermark["id"]
        == max(portal.records.values(), key=lambda r: (r[":updated_at"], r[":id"]))[":id"]
    )


def test_a_second_run_fetches_only_what_changed(store, portal, file_import_keys, quick_retries):
    subscribe(store, portal)
    run_feed(store, "chicago", user=ANALYST)
    changed = dict(next(iter(portal.records.values())), description="CHANGED UPSTREAM")
    changed["updated_on"] = "2024-01-01T00:00:00.000"
    portal.touch(changed)
    again = run_feed(store, "chicago", user=ANALYST)
    assert (again.counts.rows_read, again.counts.updated) == (1, 1)
    with store.connect() as conn:
        text = conn.execute(
            select(incidents.c.offense_description).where(incidents.c.source_key == changed["id"])
        ).scalar_one()
    assert text == "CHANGED UPSTREAM"
    assert_exact(store, portal, file_import_keys)


def test_a_repeated_page_doubles_nothing_and_loses_nothing(store, portal, file_import_keys, quick_retries):
    portal.faults = {3: repeated_page, 4: repeated_page}
    subscribe(store, portal)
    result = run_feed(store, "chicago", user=ANALYST)
    assert result.counts.rows_read == SAMPLE_ROWS
    assert_exact(store, portal, file_import_keys)


def test_rows_inserted_updated_and_deleted_between_pages(store, portal, file_import_keys, quick_retries):
    ordered = sorted(portal.records.values(), key=lambda r: (r[":updated_at"], r[":id"]))
    first_page, later = ordered[10], ordered[-10]

    def change(p: FakePortal) -> None:
        p.touch(dict(ordered[5], id="9000000001", **{":id": "row-new-1"}))  # inserted
        p.touch(dict(ordered[20], description="UPDATED BETWEEN PAGES", updated_on="2024-06-01T00:00:00.000"))
        del p.records[first_page[":id"]]  # deleted after it was received
        del p.records[later[":id"]]  # deleted before it was received

    portal.changes = {3: change}
    subscribe(store, portal)
    result = run_feed(store, "chicago", user=ANALYST)
    assert_exact(store, portal, file_import_keys, added=("9000000001",))
    assert first_page["id"] not in stored_keys(store) and "9000000001" in stored_keys(store)
    assert result.deleted == 1
    assert "counted" in (result.note or "") and "deleted" in (result.note or "")
    with store.connect() as conn:
        text = conn.execute(
            select(incidents.c.offense_description).where(incidents.c.source_key == ordered[20]["id"])
        ).scalar_one()
    assert text == "UPDATED BETWEEN PAGES"


@pytest.mark.parametrize(
    "fault",
    [status(429, Retry_After="7"), status(500), status(503), cut_off, slow(3.0)],
    ids=["429", "500", "503", "cut-off", "timeout"],
)
def test_transient_faults_are_retried_and_end_exact(store, portal, fault, file_import_keys, quick_retries):
    portal.faults = {2: fault, 4: fault}
    subscribe(store, portal)
    result = run_feed(store, "chicago", user=ANALYST)
    assert result.counts.rows_read == SAMPLE_ROWS
    assert_exact(store, portal, file_import_keys)


def test_retry_after_is_honoured(sqlite_store, portal, quick_retries):
    portal.faults = {2: status(429, Retry_After="7")}
    subscribe(sqlite_store, portal)
    run_feed(sqlite_store, "chicago", user=ANALYST)
    assert quick_retries == [7.0]


def test_an_html_page_with_status_200_fails_the_run_with_the_request_id(
    store, portal, file_import_keys, quick_retries
):
    portal.faults = {n: html_page for n in range(3, 10)}
    subscribe(store, portal)
    with pytest.raises(FeedFormatError, match=r"req-\d+.*text/html"):
        run_feed(store, "chicago", user=ANALYST)
    history = feed_history(store, "chicago")
    assert history[0]["status"] == "failed" and "text/html" in history[0]["error"]
    assert history[0]["received"] == 1_000  # the first page was committed with its watermark
    assert load_feed(store, "chicago").status == "failing"
    portal.faults = {}
    resumed = run_feed(store, "chicago", user=ANALYST)
    assert resumed.counts.rows_read == SAMPLE_ROWS - 1_000
    assert_exact(store, portal, file_import_keys)
    assert load_feed(store, "chicago").status == "active"


def test_persistent_server_errors_fail_with_a_sentence(sqlite_store, portal, quick_retries):
    portal.faults = {n: status(500) for n in range(1, 20)}
    subscribe(sqlite_store, portal)
    with pytest.raises(FeedError, match=r"HTTP 500.*after 4 attempts.*request id req-4"):
        run_feed(sqlite_store, "chicago", user=ANALYST)


def test_the_token_goes_to_its_host_only(store, portal, portal_records, file_import_keys, quick_retries):
    other = FakePortal([dict(r) for r in portal_records], page_cap=1_000)
    try:
        portal.faults = {n: redirect_to(other) for n in range(1, 50)}
        set_secret(token_account(portal.url), "s3cret-token")
        subscribe(store, portal)
        run_feed(store, "chicago", user=ANALYST)
    finally:
        set_secret(token_account(portal.url), "")
        other.close()
    assert all(r["headers"].get("X-App-Token") == "s3cret-token" for r in portal.requests)
    assert other.requests and not any("X-App-Token" in r["headers"] for r in other.requests)
    assert_exact(store, other, file_import_keys)


def test_runs_are_audited_and_reconciled(sqlite_store, portal, quick_retries):
    subscribe(sqlite_store, portal)
    run_feed(sqlite_store, "chicago", user=ANALYST)
    with sqlite_store.connect() as conn:
        actions = conn.execute(select(audit.c.action).order_by(audit.c.id)).scalars().all()
        rejected = conn.execute(select(func.count()).select_from(rejected_rows)).scalar_one()
    assert actions == ["manage_feeds", "run_feed"]
    run = feed_history(sqlite_store, "chicago")[0]
    written = run["inserted"] + run["updated"] + run["unchanged"] + run["rejected"] + run["conflicts"]
    assert run["received"] == written == SAMPLE_ROWS and run["rejected"] == rejected


def test_an_unexpected_failure_is_recorded_in_words(sqlite_store, portal, monkeypatch):
    class Broken:
        def pull(self, run, progress, cancel):
            raise ValueError("the portal's date column is empty")

    monkeypatch.setattr("crimedesk.feeds.runner.adapter_for", lambda kind: Broken())
    subscribe(sqlite_store, portal)
    with pytest.raises(ValueError):
        run_feed(sqlite_store, "chicago", user=ANALYST)
    error = feed_history(sqlite_store, "chicago")[0]["error"]
    assert error == "the portal's date column is empty"  # not "ValueError: the portal's…"
