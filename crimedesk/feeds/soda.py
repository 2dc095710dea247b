"""Socrata SODA portals (Chicago, NYC, LA, SF...): incremental by ``:updated_at``, keyset paging.

Each page asks for the rows after the watermark, ``:updated_at > W or (:updated_at = W and
:id > K)`` in ``:updated_at, :id`` order, and paging goes on until an empty page, whatever page
size the server grants (never ``$offset``: a row inserted or deleted between pages would shift
it). Rows at or before the watermark (a page served twice) are dropped. A page and the
watermark after it are one transaction (feeds.run). The run compares the rows received with the
server's ``count(*)`` for the window and says so when they differ; when the stored rows of the
feed and the server's count for the whole filter differ, the keys are compared and the feed's
rows deleted upstream are deleted here too.
"""

from __future__ import annotations

from typing import Any

from crimedesk.config.secrets import get_secret
from crimedesk.domain.progress import CancelFn, ProgressFn, check_cancel
from crimedesk.feeds.errors import FeedError, FeedFormatError
from crimedesk.feeds.feed import Feed
from crimedesk.feeds.registry import Outcome, register
from crimedesk.feeds.run import FeedRun
from crimedesk.feeds.soda_http import SodaClient

CHICAGO_DOMAIN, CHICAGO_DATASET = "data.cityofchicago.org", "ijzp-q8t2"
PAGE_ROWS = 50_000  # asked for; a server may grant fewer


def token_account(base_url: str) -> str:
    """The keyring account of a portal's app token (per host: sent to no other)."""
    from httpx import URL

    return f"soda:{URL(base_url).host}"


def base_url(endpoint: str) -> str:
    """``data.cityofchicago.org`` -> ``https://data.cityofchicago.org`` (tests give http://...)."""
    endpoint = endpoint.strip().rstrip("/")
    return endpoint if "://" in endpoint else f"https://{endpoint}"


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def after(watermark: dict[str, Any]) -> str | None:
    """The SoQL condition for rows after the watermark (None: from the start)."""
    if not watermark:
        return None
    at, key = _quoted(watermark["updated_at"]), _quoted(watermark["id"])
    return f"(:updated_at > {at} or (:updated_at = {at} and :id > {key}))"


def where(filters: str, watermark: dict[str, Any]) -> str | None:
    parts = [f"({filters})" if filters.strip() else None, after(watermark)]
    present = [p for p in parts if p]
    return " and ".join(present) or None


class SodaAdapter:
    kind = "soda"
    title = "Socrata open-data portal (SODA)"
    continuous = False
    page_rows = PAGE_ROWS
    client_options: dict[str, Any] = {}  # noqa: RUF012 - tests shorten the waits

    def check(self, feed: Feed) -> None:
        if not feed.endpoint.strip() or not feed.dataset.strip():
            raise FeedError("A portal feed needs the portal's domain and the dataset id (e.g. ijzp-q8t2).")
        if feed.schedule_minutes < 1:
            raise FeedError("A portal feed runs at most once a minute.")

    def pull(self, run: FeedRun, progress: ProgressFn, cancel: CancelFn) -> Outcome:
        base = base_url(run.feed.endpoint)
        client = SodaClient(base, get_secret(token_account(base)), cancel=cancel, **self.client_options)
        try:
            return _Pull(run, client, f"resource/{run.feed.dataset}.json", self.page_rows).go(
                progress, cancel
            )
        finally:
            client.close()


class _Pull:
    def __init__(self, run: FeedRun, client: SodaClient, path: str, page_rows: int) -> None:
        self.run, self.client, self.path, self.page_rows = run, client, path, page_rows

    def count(self, condition: str | None) -> int:
        params = {"$select": "count(*) AS n"}
        if condition:
            params["$where"] = condition
        rows = self.client.get_json(self.path, params)
        try:
            return int(rows[0]["n"])
        except (LookupError, TypeError, ValueError) as exc:
            raise FeedFormatError(f"The portal's count answer is not a count: {rows!r:.120}") from exc

    def go(self, progress: ProgressFn, cancel: CancelFn) -> Outcome:
        feed = self.run.feed
        expected = self.count(where(feed.filters, feed.watermark))
        received = 0
        while True:
            check_cancel(cancel)
            rows = self._page(feed.watermark)
            if not rows:
                break
            last = rows[-1]
            watermark = {"updated_at": last[":updated_at"], "id": last[":id"]}
            start = self.run.counts.rows_read + 1
            self.run.write(rows, range(start, start + len(rows)), watermark)
            received += len(rows)
            progress(min(received / max(expected, 1), 0.99), f"{received:,} of {expected:,} rows received")
        note = None
        if received != expected:
            note = (
                f"The portal counted {expected:,} rows to fetch but {received:,} arrived"
                " (rows changed upstream while paging)."
            )
        return Outcome(self._reconcile(note), expected)

    def _page(self, watermark: dict[str, Any]) -> list[dict[str, Any]]:
        """The next rows after ``watermark``; a page holding only older rows is asked again."""
        for _ in range(self.client.max_attempts):
            params = {
                "$select": ":id, :updated_at, *",
                "$order": ":updated_at, :id",
                "$limit": str(self.page_rows),
            }
            condition = where(self.run.feed.filters, watermark)
            if condition:
                params["$where"] = condition
            rows = self.client.get_json(self.path, params)
            for row in rows:
                if not isinstance(row.get(":id"), str) or not isinstance(row.get(":updated_at"), str):
                    raise FeedFormatError("The portal sent rows without :id and :updated_at system fields.")
            fresh = [r for r in rows if _position(r) > _mark(watermark)]
            if fresh or not rows:
                return sorted(fresh, key=_position)
        raise FeedFormatError("The portal keeps sending rows already received; the run stops here.")

    def _reconcile(self, note: str | None) -> str | None:
        """Delete the feed's rows the portal no longer has, when the counts say some are gone."""
        feed, key = self.run.feed, self.run.profile.key
        on_server = self.count(where(feed.filters, {}))
        if on_server == self.run.stored_keys_count():
            return note
        if len(key) != 1:
            return _joined(
                note, f"The portal holds {on_server:,} rows; deletions are not checked for this profile."
            )
        deleted = self.run.delete_missing(self._keys(key[0]))
        return _joined(note, f"{deleted:,} rows deleted upstream were deleted here.") if deleted else note

    def _keys(self, column: str) -> set[str]:
        keys: set[str] = set()
        last = ""
        while True:
            condition = " and ".join(
                p
                for p in (
                    f"({self.run.feed.filters})" if self.run.feed.filters.strip() else "",
                    f":id > {_quoted(last)}" if last else "",
                )
                if p
            )
            params = {"$select": f":id, {column}", "$order": ":id", "$limit": str(self.page_rows)}
            if condition:
                params["$where"] = condition
            rows = self.client.get_json(self.path, params)
            if not rows:
                return keys
            keys.update(str(r.get(column, "")) for r in rows)
            last = max(str(r[":id"]) for r in rows)


def _position(row: dict[str, Any]) -> tuple[str, str]:
    return (row[":updated_at"], row[":id"])


def _mark(watermark: dict[str, Any]) -> tuple[str, str]:
    return (watermark["updated_at"], watermark["id"]) if watermark else ("", "")


def _joined(note: str | None, more: str) -> str:
    return f"{note} {more}" if note else more


SODA = register(SodaAdapter())
