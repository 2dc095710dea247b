"""Real Chicago slices for model tests; the full export is parsed once per session."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.models.chicago_frame import cached_chicago, district_slice


@pytest.fixture(scope="session")
def chicago_frame(chicago_full: Path, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    return cached_chicago(chicago_full, tmp_path_factory.mktemp("chicago_parquet"))


@pytest.fixture(scope="session")
def district_11_h1(chicago_frame: pd.DataFrame) -> pd.DataFrame:
    """District 011 (Harrison), January–June 2016: about 9,300 incidents."""
    return district_slice(chicago_frame, ["011"], "2016-01-01", "2016-07-01")
