"""UI fixtures: a SQLite store holding the real Chicago sample (2,426 rows, 2017-01-01..03)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from sqlalchemy import Engine

from crimedesk.ingest.pipeline import import_file
from crimedesk.state.filters import FilterState
from crimedesk.ui.panes.map.map_pane import register_map_schemes
from crimedesk.ui.runtime import workers
from crimedesk.ui.runtime.gc_main_thread import MainThreadCollector

register_map_schemes()  # at collection, before pytest-qt creates the QApplication

ARTIFACTS = Path(__file__).resolve().parents[1] / "_artifacts"
SAMPLE_DAYS = ("2017-01-01", "2017-01-03")


@pytest.fixture
def chicago_sample_store(sqlite_store: Engine, chicago_sample: Path) -> Engine:
    import_file(sqlite_store, chicago_sample)
    return sqlite_store


@pytest.fixture
def state() -> FilterState:
    return FilterState.from_dict({"date_from": SAMPLE_DAYS[0], "date_to": SAMPLE_DAYS[1]})


@pytest.fixture(scope="session", autouse=True)
def gui_collector(qapp) -> Iterator[MainThreadCollector]:
    """As in the app: no worker thread ever frees a finished test's Qt objects."""
    collector = MainThreadCollector()
    yield collector
    # qtbot deletes each test's windows later, on an event loop that may never run again: delete
    # them now, or a web page outlives its profile and Python crashes at exit (exit code 139).
    qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    collector.stop()


@pytest.fixture(autouse=True)
def _no_jobs_left(qtbot) -> Iterator[None]:
    """Every test waits for its background jobs, so none outlives its store."""
    yield
    qtbot.waitUntil(lambda: workers.pending_jobs() == 0, timeout=20_000)


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
