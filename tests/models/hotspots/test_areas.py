"""Hotspot maps as areas on real Chicago incidents: Gi* polygons and the equal-area backtest."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from crimedesk.features.grid import Grid
from crimedesk.models.evaluation.area_backtest import equal_area_backtest
from crimedesk.models.hotspots.areas import area_cover, gistar_hotspots, hotspot_area
from crimedesk.models.hotspots.dbscan import CLUSTER_COLUMNS, WeightedDBSCANHotspots
from crimedesk.models.hotspots.gistar import gi_star

CELL = 150.0


@pytest.fixture(scope="module")
def events(district_11_h1: pd.DataFrame) -> pd.DataFrame:
    return district_11_h1


@pytest.fixture(scope="module")
def grid(events: pd.DataFrame) -> Grid:
    return Grid.from_points(events["x"], events["y"], CELL).masked_to_points(events["x"], events["y"])


def test_area_cover_counts_partly_covered_cells_by_their_share() -> None:
    grid = Grid(100.0, 0.0, 0.0, nx=4, ny=2)
    area = shapely.box(0, 0, 250, 100)  # two whole cells and half of the third
    assert area_cover(grid, area).tolist() == [1.0, 1.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0]
    inactive = Grid(100.0, 0.0, 0.0, nx=4, ny=2, active=np.array([False, True] + [True] * 6))
    assert area_cover(inactive, area).sum() == 1.5  # only study-area cells count
    assert area_cover(grid, shapely.Polygon()).sum() == 0


def test_gistar_polygons_are_the_significant_cells_with_their_incidents(events, grid) -> None:
    window = events[events["occurred_from"] >= "2016-05-01"]
    table = gistar_hotspots(window, grid, alpha=0.05)
    assert list(table.columns) == CLUSTER_COLUMNS and len(table) >= 1
    assert table["count"].is_monotonic_decreasing and table["top_offenses"].str.len().gt(0).all()
    gi = gi_star(grid, grid.counts(window["x"], window["y"]))
    hot = gi.loc[(gi["p_fdr"] < 0.05) & (gi["z"] > 0)]
    # dissolving keeps every hot cell once: areas add up to whole cells
    assert table["area_m2"].sum() == pytest.approx(len(hot) * CELL**2)
    polygons = shapely.from_wkt(table["wkt"].to_numpy(dtype=object))
    inside = [shapely.contains_xy(p, window["x"], window["y"]).sum() for p in polygons]
    assert inside == table["count"].tolist()  # (no real incident sits exactly on a cell edge)
    single = gistar_hotspots(window, grid, alpha=0.05, dissolve=False)
    assert len(single) == len(hot) >= len(table) and single["count"].sum() == table["count"].sum()
    assert gistar_hotspots(window, grid, alpha=1e-300).empty


def test_equal_area_backtest_scores_dbscan_and_the_naive_grid_on_the_same_area(events, grid) -> None:
    model = WeightedDBSCANHotspots(eps=100.0, min_samples=20)
    origins = pd.date_range("2016-05-02", periods=3, freq="14D")
    results = equal_area_backtest(events, grid, "dbscan", lambda w: model.fit(w).clusters_, origins, 56)
    assert set(results["method"]) == {"dbscan", "naive_count", "retrospective_kde"}
    assert len(results) == 3 * 3 * 2  # methods × origins × horizons
    n_active = grid.active.sum()
    for (_origin, _days), rows in results.groupby(["origin", "horizon_days"]):
        cells = rows.set_index("method")["coverage"] * n_active
        assert cells["dbscan"] > 1
        assert abs(cells["naive_count"] - cells["dbscan"]) <= 0.5  # equal areas, within half a cell
        assert cells["naive_count"] == cells["retrospective_kde"] == round(cells["naive_count"])
    assert results["pai"].between(0, np.inf, inclusive="neither").all()
    assert results["hit_rate"].between(0, 1).all()

    # the map's own hit rate, by hand, for the first origin and the next week
    origin = origins[0]
    window = events[
        (events["occurred_from"] >= origin - pd.Timedelta(days=56)) & (events["occurred_from"] < origin)
    ]
    area = hotspot_area(model.fit(window).clusters_)
    week = events[
        (events["occurred_from"] >= origin) & (events["occurred_from"] < origin + pd.Timedelta(days=7))
    ]
    in_study = grid.active[grid.cell_index(week["x"], week["y"])]  # every incident is on the grid
    expected = shapely.intersects_xy(area, week["x"][in_study], week["y"][in_study]).mean()
    row = results.query("method == 'dbscan' and origin == @origin and horizon_days == 7").iloc[0]
    assert row["hit_rate"] == pytest.approx(expected)
    assert row["pai"] == pytest.approx(expected / row["coverage"])


def test_an_empty_map_scores_nothing(events, grid) -> None:
    empty = pd.DataFrame(columns=CLUSTER_COLUMNS)
    results = equal_area_backtest(events, grid, "none", lambda w: empty, [pd.Timestamp("2016-05-02")], 56)
    assert results["hit_rate"].isna().all() and (results["coverage"] == 0).all()
