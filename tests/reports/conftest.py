"""Reports fixtures: the real Chicago sample loaded into each store backend, with a projected CRS."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from tests.analytics.incidents_frame import chicago_frame, load_incidents

#: UTM zone 16N (metres): the tests' stand-in for the store's projected coordinate system.
PROJECTED = 26916


@pytest.fixture(scope="session")
def chicago_df(chicago_sample: Path) -> pd.DataFrame:
    frame = chicago_frame(chicago_sample)
    frame["xy_epsg"] = PROJECTED
    return frame


@pytest.fixture
def chicago_store(store: Engine, chicago_df: pd.DataFrame) -> Engine:
    load_incidents(store, chicago_df)
    return store
