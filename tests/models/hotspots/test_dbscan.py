"""Weighted DBSCAN: duplicates merged before clustering, clusters as buffered hulls."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from crimedesk.models.hotspots.dbscan import CLUSTER_COLUMNS, WeightedDBSCANHotspots
from tests.models.chicago_frame import district_slice


def test_duplicates_become_weights() -> None:
    # 60 incidents at (0, 0), 60 at (50, 0), 5 far away; eps 100, min_samples 50 (weighted)
    x = np.r_[np.zeros(60), np.full(60, 50.0), np.full(5, 1000.0)]
    offenses = ["THEFT"] * 70 + ["BATTERY"] * 30 + ["ARSON"] * 20 + ["THEFT"] * 5
    frame = pd.DataFrame({"x": x, "y": x * 0 + 0.2, "offense_type": offenses})
    model = WeightedDBSCANHotspots(eps=100.0, min_samples=50).fit(frame)
    assert model.n_locations_ == 3
    assert model.labels_.tolist() == [0] * 120 + [-1] * 5
    row = model.clusters_.iloc[0]
    assert (row["count"], row["share"]) == (120, pytest.approx(120 / 125))
    # THEFT 70, BATTERY 30, ARSON 20
    assert row["top_offenses"] == "THEFT; BATTERY; ARSON"
    # hull = 50 m segment; buffer 50 m: 100·50 + π·50² = 12,854 m² (polygonal circle: a bit less)
    assert row["area_m2"] == pytest.approx(5000 + np.pi * 2500, rel=5e-3)


def test_no_cluster_gives_an_empty_table() -> None:
    frame = pd.DataFrame({"x": [0.0, 500.0], "y": [0.0, 0.0], "offense_type": ["THEFT", "THEFT"]})
    model = WeightedDBSCANHotspots(eps=50.0, min_samples=2).fit(frame)
    assert model.clusters_.empty and list(model.clusters_.columns) == CLUSTER_COLUMNS
    assert (model.labels_ == -1).all()


def test_fifty_thousand_real_incidents(chicago_frame: pd.DataFrame) -> None:
    events = district_slice(chicago_frame, ["007", "008", "011"], "2016-01-01", "2017-01-01")
    assert len(events) > 45_000
    model = WeightedDBSCANHotspots(eps=75.0, min_samples=100).fit(events)
    # block-level anonymisation: about half as many distinct locations as incidents
    assert model.n_locations_ < 0.6 * len(events)
    clusters = model.clusters_
    assert len(clusters) >= 5 and clusters["count"].is_monotonic_decreasing
    assert clusters["count"].sum() == (model.labels_ >= 0).sum()
    assert clusters["share"].sum() == pytest.approx((model.labels_ >= 0).mean())
    polygons = shapely.from_wkt(clusters["wkt"].to_numpy())
    for cluster, polygon in enumerate(polygons):
        members = events.loc[model.labels_ == cluster, ["x", "y"]].to_numpy()
        assert shapely.contains_xy(polygon, members[:, 0], members[:, 1]).all()
    assert clusters["top_offenses"].str.count("; ").eq(2).all()
