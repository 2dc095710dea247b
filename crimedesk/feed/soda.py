"""Download Chicago crimes (dataset ijzp-q8t2) from the Socrata SODA 2.x API as one CSV file.

Pages with ``$limit``/``$offset`` under a deterministic ``$order`` (SODA's order is unspecified
otherwise, so pages could overlap or skip rows). The API's CSV uses snake_case headers and ISO
dates, which the ``chicago`` import profile reads. 429 and 5xx answers are retried with
exponential backoff (``Retry-After`` honoured); anything else raises a :class:`FeedError` naming
the status and URL. The file is written to ``<dest>.part`` and renamed when complete, so a
failure or a cancel leaves no partial file. The app token is sent as ``X-App-Token`` and is
never logged.
"""

from __future__ import annotations

import csv
import io
import logging
import random
import time
from collections.abc import Callable
from datetime import date
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpx

from crimedesk.config.secrets import get_secret
from crimedesk.domain.errors import ImportCancelled
from crimedesk.feed.errors import FeedError, FeedFormatError, FeedHTTPError, FeedNetworkError

log = logging.getLogger(__name__)

HOST = "data.cityofchicago.org"
DATASET = "ijzp-q8t2"
CSV_URL = f"https://{HOST}/resource/{DATASET}.csv"
JSON_URL = f"https://{HOST}/resource/{DATASET}.json"
TOKEN_ACCOUNT = f"soda:{HOST}"  # keyring account holding the app token
ORDER = "date, :id"  # :id is the platform's unique row id: a stable order for paging
MAX_PAGE_ROWS = 50_000  # documented $limit maximum on 2.0 endpoints
MAX_ATTEMPTS = 5
BACKOFF_SECONDS = 1.0
MAX_WAIT_SECONDS = 120.0
TIMEOUT = httpx.Timeout(120.0, connect=15.0)
RETRY_STATUSES = frozenset({202, 429, 500, 502, 503, 504})

ProgressFn = Callable[[float, str], None]
CancelFn = Callable[[], bool]


def date_filter(start: date, end: date) -> str:
    """The SoQL ``$where`` for incidents that occurred from ``start`` through ``end`` (local time)."""
    return f"date between '{start.isoformat()}T00:00:00' and '{end.isoformat()}T23:59:59'"


def download_chicago(
    start: date,
    end: date,
    dest: Path,
    *,
    client: httpx.Client | None = None,
    app_token: str | None = None,
    page_rows: int = MAX_PAGE_ROWS,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
    sleep: Callable[[float], None] = time.sleep,
    max_attempts: int = MAX_ATTEMPTS,
) -> Path:
    """Write the incidents of ``start``..``end`` to ``dest`` (one CSV, one header) and return it.

    Raises FeedError subclasses on HTTP or network failures and ImportCancelled when ``cancel()``
    turns true between requests; in both cases ``dest`` is not written.
    """
    if start > end:
        raise FeedError(f"The start date {start:%Y-%m-%d} is after the end date {end:%Y-%m-%d}.")
    if not 1 <= page_rows <= MAX_PAGE_ROWS:
        raise ValueError(f"page_rows must be 1..{MAX_PAGE_ROWS}, not {page_rows}")
    progress = progress or (lambda _fraction, _message: None)
    cancel = cancel or (lambda: False)
    token = app_token if app_token is not None else get_secret(TOKEN_ACCOUNT)
    headers = {"User-Agent": "crimedesk"}
    if token:
        headers["X-App-Token"] = token
    log.info("downloading Chicago crimes %s..%s (app token: %s)", start, end, "yes" if token else "no")

    own_client = client is None
    http = client or httpx.Client(timeout=TIMEOUT, follow_redirects=True)
    dest = Path(dest)
    part = dest.with_name(dest.name + ".part")
    fetch = _Fetcher(http, headers, sleep, cancel, max_attempts)
    where = date_filter(start, end)
    try:
        _check(cancel)
        progress(0.0, f"Counting incidents on {HOST}…")
        total = _count(fetch, where)
        written = _pages(fetch, where, part, page_rows, total, progress, cancel)
        if written == 0:
            raise FeedError(
                f"The Chicago Data Portal has no incidents between {start:%Y-%m-%d} and {end:%Y-%m-%d}."
            )
        part.replace(dest)
        progress(1.0, f"Downloaded {written:,} incidents")
        return dest
    finally:
        part.unlink(missing_ok=True)
        if own_client:
            http.close()


def _pages(
    fetch: _Fetcher,
    where: str,
    part: Path,
    page_rows: int,
    total: int | None,
    progress: ProgressFn,
    cancel: CancelFn,
) -> int:
    """Fetch pages into ``part`` until a short page; returns the number of data rows written."""
    written, offset, header = 0, 0, b""
    part.parent.mkdir(parents=True, exist_ok=True)
    with part.open("wb") as out:
        while True:
            _check(cancel)
            params = {"$where": where, "$order": ORDER, "$limit": str(page_rows), "$offset": str(offset)}
            body = fetch.get(CSV_URL, params).content
            first_line, _, rest = body.partition(b"\n")
            if not first_line.strip():
                break  # an empty answer: nothing past the end
            if not header:
                header = first_line
                out.write(first_line + b"\n")
            elif first_line.rstrip(b"\r") != header.rstrip(b"\r"):
                raise FeedFormatError(
                    f"The columns changed between pages of {CSV_URL} (at row {offset:,}); try again."
                )
            rows = _count_rows(rest)
            if rows:
                out.write(rest if rest.endswith(b"\n") else rest + b"\n")
            written += rows
            offset += page_rows
            if total:
                progress(min(written / total, 0.999), f"Downloaded {written:,} of {total:,} incidents")
            else:
                progress(0.0, f"Downloaded {written:,} incidents")
            if rows < page_rows:
                break
    return written


def _count_rows(body: bytes) -> int:
    """CSV records in ``body`` (quoted fields may hold newlines, so lines are not records)."""
    return sum(1 for row in csv.reader(io.StringIO(body.decode("utf-8"))) if row)


def _count(fetch: _Fetcher, where: str) -> int | None:
    """How many rows the query will return (for the progress bar); None when the answer is odd."""
    answer = fetch.get(JSON_URL, {"$select": "count(*) AS n", "$where": where}).json()
    try:
        return int(answer[0]["n"])
    except (LookupError, TypeError, ValueError):
        log.warning("unexpected count answer from %s: %.200r", HOST, answer)
        return None


def _check(cancel: CancelFn) -> None:
    if cancel():
        raise ImportCancelled("Download cancelled; nothing was saved.")


class _Fetcher:
    """GET with bounded retries: 429/5xx/202 and broken connections back off exponentially."""

    def __init__(
        self,
        client: httpx.Client,
        headers: dict[str, str],
        sleep: Callable[[float], None],
        cancel: CancelFn,
        max_attempts: int,
    ) -> None:
        self.client, self.headers, self.sleep = client, headers, sleep
        self.cancel, self.max_attempts = cancel, max(1, max_attempts)

    def get(self, url: str, params: dict[str, Any]) -> httpx.Response:
        for attempt in range(1, self.max_attempts + 1):
            last = attempt == self.max_attempts
            try:
                response = self.client.get(url, params=params, headers=self.headers)
            except httpx.ConnectError as exc:  # offline or DNS: retrying will not help soon
                raise FeedNetworkError(f"Cannot reach {HOST}: {exc}. Check the connection.", url) from exc
            except httpx.TransportError as exc:
                if last:
                    raise FeedNetworkError(
                        f"The connection to {HOST} failed {attempt} times ({exc}) for {_shown(url, params)}",
                        url,
                    ) from exc
                self._wait(_backoff(attempt), f"{type(exc).__name__}")
                continue
            if response.status_code == 200:
                return response
            shown = str(response.request.url)
            if response.status_code in RETRY_STATUSES and not last:
                wait = _retry_after(response) or _backoff(attempt)
                self._wait(wait, f"HTTP {response.status_code}")
                continue
            raise FeedHTTPError(_http_message(response, attempt), response.status_code, shown)
        raise AssertionError("unreachable")

    def _wait(self, seconds: float, why: str) -> None:
        log.info("%s answered %s; retrying in %.1f s", HOST, why, seconds)
        _check(self.cancel)
        self.sleep(seconds)
        _check(self.cancel)


def _backoff(attempt: int) -> float:
    delay = min(BACKOFF_SECONDS * 2 ** (attempt - 1), MAX_WAIT_SECONDS)
    return delay + random.uniform(0, delay / 4)  # jitter: clients throttled together spread out


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = when.timestamp() - time.time()
    return min(max(seconds, 0.0), MAX_WAIT_SECONDS)


def _http_message(response: httpx.Response, attempts: int) -> str:
    status, url = response.status_code, str(response.request.url)
    reason = response.reason_phrase or "error"
    tries = f" after {attempts} attempts" if attempts > 1 else ""
    hint = {
        401: " The app token was refused: check it in the keyring.",
        403: " Access denied: check the app token.",
        404: " The dataset or a column was not found.",
        429: " The portal is throttling requests: try later or set an app token.",
    }.get(status, "")
    detail = response.text[:300].strip() if status == 400 else ""
    return f"HTTP {status} {reason}{tries} from {url}.{hint}" + (f" {detail}" if detail else "")


def _shown(url: str, params: dict[str, Any]) -> str:
    return str(httpx.URL(url, params=params))
