"""A fake SODA server (httpx.MockTransport) serving the real Chicago sample in the API's CSV form.

The portal export's display headers become snake_case, 12-hour dates become ISO floating
timestamps (``2017-01-01T00:01:00.000``), every field is quoted, as ``/resource/<id>.csv`` does.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx

PORTAL_FORMAT = "%m/%d/%Y %I:%M:%S %p"


def api_rows(sample: Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows of ``sample`` in API form, sorted by date then id (the download's order)."""
    with sample.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = [name.strip().lower().replace(" ", "_") for name in next(reader)]
        rows = list(reader)
    at = {name: i for i, name in enumerate(header)}
    for row in rows:
        for column in ("date", "updated_on"):
            value = row[at[column]]
            if value:
                row[at[column]] = datetime.strptime(value, PORTAL_FORMAT).strftime("%Y-%m-%dT%H:%M:%S.000")
        if row[at["latitude"]]:
            row[at["location"]] = f"POINT ({row[at['longitude']]} {row[at['latitude']]})"
    rows.sort(key=lambda row: (row[at["date"]], int(row[at["id"]])))
    return header, rows


def to_csv(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@dataclass
class FakeSoda:
    """Serves ``rows`` by ``$offset``/``$limit``; ``faults`` answers requests (by number) differently."""

    header: list[str]
    rows: list[list[str]]
    faults: dict[int, Callable[[httpx.Request], httpx.Response]] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        fault = self.faults.get(len(self.requests))
        if fault is not None:
            return fault(request)
        params = request.url.params
        if request.url.path.endswith(".json"):
            return httpx.Response(200, json=[{"n": str(len(self.rows))}])
        offset, limit = int(params["$offset"]), int(params["$limit"])
        return httpx.Response(
            200,
            content=to_csv(self.header, self.rows[offset : offset + limit]),
            headers={"Content-Type": "text/csv; charset=UTF-8"},
        )

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self.handler))

    def page_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path.endswith(".csv")]
