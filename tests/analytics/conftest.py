"""Analytics fixtures: the real Chicago sample as a frame and loaded into each store backend."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from tests.analytics.incidents_frame import chicago_frame, load_incidents


@pytest.fixture(scope="session")
def chicago_df(chicago_sample: Path) -> pd.DataFrame:
    return chicago_frame(chicago_sample)


@pytest.fixture
def chicago_store(store: Engine, chicago_df: pd.DataFrame) -> Engine:
    load_incidents(store, chicago_df)
    return store
