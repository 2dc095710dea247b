"""Fixtures of the feed tests: the sample as a portal serves it, and the keys a file import keeps."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from crimedesk.auth.roles import Role
from crimedesk.auth.user import User
from crimedesk.feeds.soda import SodaAdapter
from crimedesk.ingest.pipeline import import_file
from crimedesk.storage.engine import make_engine
from crimedesk.storage.schema import incidents
from tests.feeds.fake_soda import FakePortal, api_records

ANALYST = User(name="ana", role=Role.ANALYST, host="test-host")


@pytest.fixture(scope="session")
def portal_records(chicago_sample: Path) -> list[dict]:
    return api_records(chicago_sample)


@pytest.fixture(scope="session")
def file_import_keys(chicago_sample: Path, tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The keys a plain file import of the same sample stores: the independent answer."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('file') / 'file.sqlite'}")
    import_file(engine, chicago_sample, profile="chicago")
    with engine.connect() as conn:
        keys = set(conn.execute(select(incidents.c.source_key)).scalars())
    engine.dispose()
    return keys


@pytest.fixture
def portal(portal_records: list[dict]) -> Iterator[FakePortal]:
    served = FakePortal([dict(r) for r in portal_records], page_cap=1_000)
    yield served
    served.close()


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """No real waiting between attempts; returns the waits asked for."""
    waits: list[float] = []
    options = {"sleep": waits.append, "backoff": 0.0, "timeout": 2.0, "max_attempts": 4}
    monkeypatch.setattr(SodaAdapter, "client_options", options)
    return waits
