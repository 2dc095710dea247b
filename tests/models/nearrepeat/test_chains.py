"""The Knox test of a store's filtered incidents and its chains: counts and links against a
brute-force pair scan of the incidents read by plain SQL."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from crimedesk.domain.filters import FilterSnapshot
from crimedesk.ingest.pipeline import import_file
from crimedesk.models.nearrepeat.chains import chain_links, first_significant_band, store_knox
from crimedesk.models.nearrepeat.knox import KnoxResult, knox_test


def _stored_events(engine) -> pd.DataFrame:
    """The store's incidents with coordinates, by plain SQL (not the models' frame reader)."""
    query = "SELECT occurred_from, x, y FROM incidents WHERE x IS NOT NULL AND y IS NOT NULL"
    rows = pd.read_sql(query, engine.connect())
    rows["when"] = pd.to_datetime(rows["occurred_from"], unit="s")  # LocalTime: seconds, wall clock
    return rows.sort_values("when", kind="stable")


def test_store_knox_equals_the_test_of_the_file_and_links_every_close_pair(sqlite_store, chicago_sample):
    import_file(sqlite_store, chicago_sample)
    # the sample holds three days: bands of hours
    run = store_knox(sqlite_store, FilterSnapshot(), (0, 100, 200), (0, 0.25, 0.5), permutations=199, seed=5)
    rows = _stored_events(sqlite_store)
    assert len(rows) == pd.read_csv(chicago_sample)["X Coordinate"].notna().sum()
    x, y = rows["x"].to_numpy(float), rows["y"].to_numpy(float)
    days = rows["when"].to_numpy("datetime64[s]").astype(np.int64) / 86_400
    reference = knox_test(x, y, days, (0, 100, 200), (0, 0.25, 0.5), permutations=199, seed=5)
    assert run.result.events == len(rows) > 100
    np.testing.assert_array_equal(run.result.observed, reference.observed)
    assert run.band == first_significant_band(run.result) is not None
    metres, within = run.band
    # brute force: every pair of the file's incidents within the band's distance and time gap
    d = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :])
    gap = np.abs(days[:, None] - days[None, :])
    close = np.triu((d <= metres + 0.01) & (gap <= within), k=1)
    assert run.total_links == close.sum() > 0
    assert run.links is not None and len(run.links.geometries) == run.total_links
    lengths = shapely.length(run.links.geometries)
    assert lengths.max() <= metres + 0.01


def test_first_significant_band_is_the_closest_then_shortest_cell() -> None:
    p = np.array([[0.5, 0.01], [0.001, 0.001]])
    bands = ((0, 100, 200), (0, 7, 14))
    result = KnoxResult(*bands, np.full((2, 2), 10.0), np.ones((2, 2)), p, 99, "euclidean", 9)
    assert first_significant_band(result) == (100, 14)
    fewer = KnoxResult(*bands, np.zeros((2, 2)), np.ones((2, 2)), p, 99, "euclidean", 9)
    assert first_significant_band(fewer) is None  # significant p but fewer pairs than chance


def test_links_of_the_largest_chain_come_first_and_the_cap_holds() -> None:
    x = np.array([0.0, 50.0, 90.0, 130.0, 5000.0, 5030.0])
    y = np.zeros(6)
    days = np.array([0.0, 1.0, 2.0, 3.0, 10.0, 11.0])
    links, total = chain_links(x, y, days, (60.0, 2.0), epsg=3435, limit=3)
    assert total == 4  # 0-1, 1-2, 2-3 in a chain of four; 4-5 in a chain of two
    assert links.values.tolist() == [4.0, 4.0, 4.0]
    assert links.labels[0].startswith("chain of 4 incidents: 50 m, 1.0 days apart")


def test_too_few_incidents_are_refused_in_words(sqlite_store, chicago_sample) -> None:
    import_file(sqlite_store, chicago_sample)
    nothing = FilterSnapshot(offense_types=frozenset({"NO SUCH OFFENSE"}))
    with pytest.raises(ValueError, match="fewer than two incidents with coordinates"):
        store_knox(sqlite_store, nothing, (0, 100), (0, 1))
