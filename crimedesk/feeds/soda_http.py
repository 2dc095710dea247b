"""GET JSON from a Socrata portal: retries with backoff, the app token kept to its own host.

429 / 5xx / 202, timeouts and cut-off bodies are retried (``Retry-After`` honoured, capped);
an answer that is not a JSON array (an HTML error page served with 200) is an error that quotes
the server's ``X-Socrata-RequestId``. Redirects are followed by hand: the ``X-App-Token`` header
goes only to the host (scheme, name and port) the token was stored for.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from crimedesk.domain.errors import ImportCancelled
from crimedesk.domain.explain import explain
from crimedesk.domain.progress import CancelFn
from crimedesk.feeds.errors import FeedFormatError, FeedHTTPError, FeedNetworkError, FeedOffline

log = logging.getLogger(__name__)
RETRY_STATUSES = frozenset({202, 429, 500, 502, 503, 504})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
MAX_WAIT_SECONDS = 120.0
HINTS = {
    401: " The app token was refused: check it in the keyring.",
    403: " Access denied: check the app token.",
    404: " The dataset or a column was not found.",
    429: " The portal is throttling requests: try later or set an app token.",
}


class SodaClient:
    """One portal's JSON GETs; ``sleep`` and ``backoff`` are the waits between attempts."""

    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        timeout: float = 60.0,
        max_attempts: int = 6,
        backoff: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        cancel: CancelFn = lambda: False,
    ) -> None:
        self.base = httpx.URL(base_url)
        self.token, self.max_attempts, self.backoff = token, max(1, max_attempts), backoff
        self.sleep, self.cancel = sleep, cancel
        self.http = httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 15.0)))

    def close(self) -> None:
        self.http.close()

    def get_json(self, path: str, params: dict[str, str]) -> list[dict[str, Any]]:
        """The JSON array the portal answers (retried as the module says)."""
        url = self.base.join(path)
        for attempt in range(1, self.max_attempts + 1):
            last = attempt == self.max_attempts
            try:
                response = self._get_following(url, params)
            except httpx.ConnectError as exc:
                raise FeedOffline(
                    f"Cannot reach {self.base.host}: {exc}. The feed waits for the network."
                ) from exc
            except httpx.TransportError as exc:  # timeouts, connections cut mid-body
                if last:
                    raise FeedNetworkError(
                        f"The connection to {self.base.host} failed {attempt} times ({explain(exc)})."
                    ) from exc
                self._wait(self._backoff(attempt), type(exc).__name__)
                continue
            if response.status_code == 200:
                try:
                    return _json_rows(response)
                except FeedFormatError:
                    if last:
                        raise
                    self._wait(self._backoff(attempt), "a malformed answer")
                    continue
            if response.status_code in RETRY_STATUSES and not last:
                self._wait(_retry_after(response) or self._backoff(attempt), f"HTTP {response.status_code}")
                continue
            raise FeedHTTPError(_http_message(response, attempt), response.status_code, str(response.url))
        raise AssertionError("unreachable")

    def _get_following(self, url: httpx.URL, params: dict[str, str]) -> httpx.Response:
        response = self.http.get(url, params=params, headers=self._headers(url))
        for _ in range(MAX_REDIRECTS):
            if response.status_code not in REDIRECTS or "location" not in response.headers:
                return response
            url = response.url.join(response.headers["location"])
            response = self.http.get(url, headers=self._headers(url))  # the location carries the query
        return response

    def _headers(self, url: httpx.URL) -> dict[str, str]:
        headers = {"User-Agent": "crimedesk", "Accept": "application/json"}
        same = (url.scheme, url.host, url.port) == (self.base.scheme, self.base.host, self.base.port)
        if self.token and same:
            headers["X-App-Token"] = self.token
        return headers

    def _wait(self, seconds: float, why: str) -> None:
        log.info("%s answered %s; retrying in %.1f s", self.base.host, why, seconds)
        self._check()
        self.sleep(seconds)
        self._check()

    def _check(self) -> None:
        if self.cancel():
            raise ImportCancelled("Feed run cancelled; the batches already written are kept.")

    def _backoff(self, attempt: int) -> float:
        delay = min(self.backoff * 2 ** (attempt - 1), MAX_WAIT_SECONDS)
        return delay + random.uniform(0, delay / 4)  # jitter: clients throttled together spread out


def _json_rows(response: httpx.Response) -> list[dict[str, Any]]:
    request_id = response.headers.get("X-Socrata-RequestId", "none given")
    kind = response.headers.get("content-type", "no content type")
    where = f"{response.url.host} (request id {request_id})"
    if "json" not in kind:
        raise FeedFormatError(f"{where} answered with {kind} instead of JSON: {response.text[:120]!r}")
    try:
        rows = json.loads(response.content)
    except ValueError as exc:
        raise FeedFormatError(f"{where} sent JSON that does not parse ({exc}).") from exc
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise FeedFormatError(f"{where} sent JSON that is not a list of rows: {response.text[:120]!r}")
    return rows


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError):
            return None
    return min(max(seconds, 0.0), MAX_WAIT_SECONDS)


def _http_message(response: httpx.Response, attempts: int) -> str:
    tries = f" after {attempts} attempts" if attempts > 1 else ""
    request_id = response.headers.get("X-Socrata-RequestId")
    quoted = f" (request id {request_id})" if request_id else ""
    detail = f" {response.text[:300].strip()}" if response.status_code == 400 else ""
    return (
        f"HTTP {response.status_code} {response.reason_phrase or 'error'}{tries} from {response.url.host}"
        f"{quoted}.{HINTS.get(response.status_code, '')}{detail}"
    )
