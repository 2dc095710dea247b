"""A fake Socrata portal on 127.0.0.1 (a real HTTP server in a thread) serving the Chicago sample.

It understands the SoQL the feed sends (count, keyset ``$where`` on ``:updated_at, :id``,
``$order``, ``$limit`` capped at ``page_cap``) and misbehaves on request: ``faults`` answer a
request (by number, from 1) in their own way; ``changes`` alter the data before a request.
"""

from __future__ import annotations

import csv
import json
import re
import threading
from collections.abc import Callable
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

PORTAL_FORMAT = "%m/%d/%Y %I:%M:%S %p"
AFTER = re.compile(r":updated_at > '([^']*)' or \(:updated_at = '([^']*)' and :id > '([^']*)'\)")
ID_AFTER = re.compile(r":id > '([^']*)'")
BETWEEN = re.compile(r"date between '([^']*)' and '([^']*)'")  # a backfill's date range
Row = dict[str, Any]
Fault = Callable[["Handler"], None]


def api_records(sample: Path) -> list[Row]:
    """The sample as SODA's JSON serves it: strings, JSON booleans, null fields left out, ISO dates,
    plus the :id and :updated_at system fields (several rows share an :updated_at)."""
    with sample.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = [name.strip().lower().replace(" ", "_") for name in next(reader)]
        rows = [dict(zip(header, row, strict=True)) for row in reader]
    records = []
    for row in rows:
        record: Row = {k: v for k, v in row.items() if v != "" and k != "location"}
        for column in ("date", "updated_on"):
            if column in record:
                when = datetime.strptime(record[column], PORTAL_FORMAT)
                record[column] = when.strftime("%Y-%m-%dT%H:%M:%S.000")
        for column in ("arrest", "domestic"):
            record[column] = record.get(column, "false").lower() == "true"
        record[":id"] = f"row-{int(record['id']):09d}"
        record[":updated_at"] = record["updated_on"][:16] + ":00.000Z"  # minutes: ties on :updated_at
        records.append(record)
    return records


class FakePortal:
    def __init__(self, records: list[Row], page_cap: int = 50_000) -> None:
        self.records = {r[":id"]: r for r in records}
        self.page_cap = page_cap
        self.faults: dict[int, Fault] = {}
        self.changes: dict[int, Callable[[FakePortal], None]] = {}
        self.requests: list[dict[str, Any]] = []  # path, params, headers of each request
        self.last_answer: bytes = b"[]"
        self.clock = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.portal = self  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def touch(self, record: Row) -> None:
        """Insert or update ``record`` now: its :updated_at moves past every other row's."""
        self.clock += 1
        record[":updated_at"] = f"2099-01-01T00:00:{self.clock:02d}.000Z"
        self.records[record[":id"]] = record

    def answer(self, params: dict[str, str]) -> list[Row]:
        where = params.get("$where", "")
        rows = sorted(self.records.values(), key=lambda r: (r[":updated_at"], r[":id"]))
        between = BETWEEN.search(where)
        if between:
            rows = [r for r in rows if between.group(1) <= r.get("date", "") <= between.group(2)]
        match = AFTER.search(where)
        if match:
            at, key = match.group(1), match.group(3)
            rows = [r for r in rows if (r[":updated_at"], r[":id"]) > (at, key)]
        elif ID_AFTER.search(where):
            key = ID_AFTER.search(where).group(1)  # type: ignore[union-attr]
            rows = sorted((r for r in rows if r[":id"] > key), key=lambda r: r[":id"])
        if params.get("$select", "").startswith("count(*)"):
            return [{"n": str(len(rows))}]
        if params.get("$order") == ":id":
            rows = sorted(rows, key=lambda r: r[":id"])
        return rows[: min(int(params.get("$limit", "1000")), self.page_cap)]


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    @property
    def portal(self) -> FakePortal:
        return self.server.portal  # type: ignore[attr-defined]

    def do_GET(self) -> None:
        portal = self.portal
        split = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(split.query).items()}
        portal.requests.append({"path": split.path, "params": params, "headers": dict(self.headers)})
        number = len(portal.requests)
        if number in portal.changes:
            portal.changes[number](portal)
        fault = portal.faults.get(number)
        if fault is not None:
            fault(self)
            return
        body = json.dumps(portal.answer(params)).encode()
        if not params.get("$select", "").startswith("count(*)"):
            portal.last_answer = body
        self.send(200, body)

    def send(self, status: int, body: bytes, kind: str = "application/json", **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Socrata-RequestId", f"req-{len(self.portal.requests)}")
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)


def status(code: int, **headers: str) -> Fault:
    return lambda h: h.send(code, b'{"error": true}', **headers)


def html_page(h: Handler) -> None:
    h.send(200, b"<html><body>Service temporarily unavailable</body></html>", kind="text/html")


def repeated_page(h: Handler) -> None:
    h.send(200, h.portal.last_answer)


def cut_off(h: Handler) -> None:
    """Promise a body and close the connection half-way through it."""
    body = json.dumps(h.portal.answer({"$limit": "100"})).encode()
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body[: len(body) // 2])
    h.wfile.flush()
    h.close_connection = True


def slow(seconds: float) -> Fault:
    def answer(h: Handler) -> None:
        threading.Event().wait(seconds)
        h.send(200, b"[]")

    return answer


def redirect_to(other: FakePortal) -> Fault:
    def answer(h: Handler) -> None:
        h.send(302, b"", Location=other.url + h.path)

    return answer
