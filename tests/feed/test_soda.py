"""download_chicago against a fake SODA server serving the real Chicago sample (no network)."""

from __future__ import annotations

import csv
import logging
from datetime import date
from pathlib import Path

import httpx
import pytest

from crimedesk.config.secrets import set_secret
from crimedesk.domain.errors import CrimedeskError, ImportCancelled
from crimedesk.feed.errors import FeedError, FeedHTTPError, FeedNetworkError
from crimedesk.feed.soda import CSV_URL, TOKEN_ACCOUNT, download_chicago
from crimedesk.ingest.pipeline import import_file
from tests.feed.soda_mock import FakeSoda, api_rows
from tests.ingest.helpers import count

START, END = date(2017, 1, 1), date(2017, 1, 3)
SAMPLE_ROWS = 2426


@pytest.fixture(scope="module")
def api_sample(chicago_sample: Path) -> tuple[list[str], list[list[str]]]:
    return api_rows(chicago_sample)


@pytest.fixture
def soda(api_sample) -> FakeSoda:
    header, rows = api_sample
    return FakeSoda(header, rows)


def read_back(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def no_sleep(waits: list[float]):
    return waits.append


def test_pages_into_one_csv_with_one_header(soda, tmp_path):
    dest = tmp_path / "chicago.csv"
    reports: list[tuple[float, str]] = []
    with soda.client() as client:
        path = download_chicago(
            START,
            END,
            dest,
            client=client,
            app_token="tok",
            page_rows=1000,
            progress=lambda f, m: reports.append((f, m)),
        )
    assert path == dest and not (tmp_path / "chicago.csv.part").exists()
    pages = soda.page_requests()
    assert [p.url.params["$offset"] for p in pages] == ["0", "1000", "2000"]
    for page in pages:
        assert str(page.url).startswith(CSV_URL)
        assert page.url.params["$limit"] == "1000"
        assert page.url.params["$order"] == "date, :id"
        assert page.url.params["$where"] == ("date between '2017-01-01T00:00:00' and '2017-01-03T23:59:59'")
        assert page.headers["X-App-Token"] == "tok"
    header, rows = read_back(path)
    assert header == soda.header
    assert len(rows) == SAMPLE_ROWS and rows == soda.rows  # all rows, in order, header once
    assert path.read_text(encoding="utf-8").count('"id","case_number"') == 1
    assert reports[-1] == (1.0, "Downloaded 2,426 incidents")
    assert any("1,000 of 2,426" in message for _f, message in reports)


def test_exact_multiple_of_the_page_size_stops_on_an_empty_page(soda, tmp_path):
    with soda.client() as client:
        path = download_chicago(START, END, tmp_path / "c.csv", client=client, app_token="", page_rows=1213)
    assert [p.url.params["$offset"] for p in soda.page_requests()] == ["0", "1213", "2426"]
    assert "X-App-Token" not in soda.page_requests()[0].headers
    assert len(read_back(path)[1]) == SAMPLE_ROWS


def test_downloaded_file_imports_and_reconciles_row_for_row(soda, tmp_path, sqlite_store):
    with soda.client() as client:
        path = download_chicago(START, END, tmp_path / "c.csv", client=client, app_token="", page_rows=1000)
    result = import_file(sqlite_store, path)
    c = result.counts
    assert result.profile == "chicago"
    assert c.rows_read == SAMPLE_ROWS
    assert c.inserted + c.updated + c.unchanged + c.rejected == SAMPLE_ROWS


def test_downloaded_file_imports_like_the_portal_export(soda, tmp_path, sqlite_store, chicago_sample):
    with soda.client() as client:
        path = download_chicago(START, END, tmp_path / "c.csv", client=client, app_token="", page_rows=1000)
    c = import_file(sqlite_store, path).counts
    assert (c.rows_read, c.inserted, c.rejected, c.unmappable) == (SAMPLE_ROWS, SAMPLE_ROWS, 0, 83)
    assert count(sqlite_store) == SAMPLE_ROWS


def test_429_backs_off_honouring_retry_after(soda, tmp_path):
    soda.faults[2] = lambda _r: httpx.Response(429, headers={"Retry-After": "7"})
    waits: list[float] = []
    with soda.client() as client:
        path = download_chicago(
            START, END, tmp_path / "c.csv", client=client, app_token="", sleep=no_sleep(waits)
        )
    assert waits == [7.0]
    assert len(soda.page_requests()) == 2  # the throttled page, then the same page again
    assert len(read_back(path)[1]) == SAMPLE_ROWS


def test_500_exhausts_retries_with_a_clear_error_and_no_file(soda, tmp_path):
    for n in range(3, 10):
        soda.faults[n] = lambda _r: httpx.Response(500, text="boom")
    waits: list[float] = []
    dest = tmp_path / "c.csv"
    with soda.client() as client, pytest.raises(FeedHTTPError) as caught:
        download_chicago(
            START,
            END,
            dest,
            client=client,
            app_token="",
            page_rows=1000,
            sleep=no_sleep(waits),
            max_attempts=4,
        )
    error = caught.value
    assert isinstance(error, CrimedeskError) and error.status == 500
    assert "HTTP 500" in str(error) and "after 4 attempts" in str(error)
    assert CSV_URL in str(error) and "offset=1000" in str(error)
    assert len(waits) == 3 and waits[0] < waits[1] < waits[2]  # exponential
    assert list(tmp_path.iterdir()) == []  # neither the file nor the .part


def test_bad_request_is_not_retried_and_names_the_soql_error(soda, tmp_path):
    soda.faults[2] = lambda _r: httpx.Response(400, json={"message": "No such column: dat"})
    with soda.client() as client, pytest.raises(FeedHTTPError, match=r"HTTP 400.*No such column"):
        download_chicago(START, END, tmp_path / "c.csv", client=client, app_token="", sleep=pytest.fail)
    assert list(tmp_path.iterdir()) == []


def test_network_failure_is_a_clear_error(tmp_path):
    def offline(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Name or service not known", request=request)

    with (
        httpx.Client(transport=httpx.MockTransport(offline)) as client,
        pytest.raises(FeedNetworkError, match=r"Cannot reach data\.cityofchicago\.org"),
    ):
        download_chicago(START, END, tmp_path / "c.csv", client=client, app_token="")
    assert list(tmp_path.iterdir()) == []


def test_cancel_between_pages_leaves_no_file(soda, tmp_path):
    with soda.client() as client, pytest.raises(ImportCancelled):
        download_chicago(
            START,
            END,
            tmp_path / "c.csv",
            client=client,
            app_token="",
            page_rows=1000,
            cancel=lambda: len(soda.page_requests()) >= 1,
        )
    assert len(soda.page_requests()) == 1
    assert list(tmp_path.iterdir()) == []


def test_no_incidents_is_an_error_and_start_after_end_too(api_sample, tmp_path):
    empty = FakeSoda(api_sample[0], [])
    with empty.client() as client, pytest.raises(FeedError, match="no incidents between"):
        download_chicago(START, END, tmp_path / "c.csv", client=client, app_token="")
    with pytest.raises(FeedError, match="after the end date"):
        download_chicago(END, START, tmp_path / "c.csv", client=httpx.Client(), app_token="")
    assert list(tmp_path.iterdir()) == []


def test_app_token_comes_from_the_keyring_and_is_never_logged(soda, tmp_path, caplog):
    set_secret(TOKEN_ACCOUNT, "s3cret-token")
    caplog.set_level(logging.DEBUG)
    try:
        with soda.client() as client:
            download_chicago(START, END, tmp_path / "c.csv", client=client)
    finally:
        set_secret(TOKEN_ACCOUNT, "")
    assert all(r.headers["X-App-Token"] == "s3cret-token" for r in soda.requests)
    assert "s3cret-token" not in caplog.text
