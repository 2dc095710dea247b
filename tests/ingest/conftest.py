"""Ingest fixtures: importer processes a test started are reaped and their pipes closed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.ingest.killing import end_importers


@pytest.fixture(autouse=True)
def _importers_reaped() -> Iterator[None]:
    yield
    end_importers()
