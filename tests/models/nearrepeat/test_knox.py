"""Knox near-repeat analysis: counts against a brute-force O(n²) count, p-values against a
Monte-Carlo reference, on real Chicago burglaries."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crimedesk.models.nearrepeat.knox import close_pairs, knox_test, near_repeat_chains
from crimedesk.models.nearrepeat.neighbours import near_pair_lists
from crimedesk.models.nearrepeat.pair_counts import band_counts

S_EDGES = (0, 100, 200, 300, 400, 500)
T_EDGES = (0, 7, 14, 21, 28)


@pytest.fixture(scope="module")
def burglaries(chicago_frame: pd.DataFrame) -> pd.DataFrame:
    rows = chicago_frame[chicago_frame["offense_type"] == "BURGLARY"]
    return rows.sort_values("occurred_from").iloc[:2000]


def _days(frame: pd.DataFrame) -> np.ndarray:
    stamps = frame["occurred_from"].to_numpy("datetime64[s]").astype(np.int64)
    return (stamps - stamps.min()) / 86_400


def _brute_force(x, y, days, metric: str, t_edges=T_EDGES) -> np.ndarray:
    """Every pair compared directly; time gaps in whole seconds, as the times were recorded."""
    counts = np.zeros((len(S_EDGES) - 1, len(t_edges) - 1))
    seconds = np.round(days * 86_400).astype(np.int64)
    edges = np.round(np.asarray(t_edges[1:]) * 86_400)
    for i in range(len(x)):
        dx, dy = x[i + 1 :] - x[i], y[i + 1 :] - y[i]
        d = np.abs(dx) + np.abs(dy) if metric == "manhattan" else np.sqrt(dx**2 + dy**2)
        gap = np.abs(seconds[i + 1 :] - seconds[i])
        s = np.searchsorted(S_EDGES[1:], d, side="left")
        t = np.searchsorted(edges, gap, side="left")
        keep = (s < counts.shape[0]) & (t < counts.shape[1])
        np.add.at(counts, (s[keep], t[keep]), 1)
    return counts


@pytest.mark.parametrize("metric", ["euclidean", "manhattan"])
def test_observed_counts_equal_a_brute_force_count(burglaries, metric) -> None:
    x, y, days = burglaries["x"].to_numpy(), burglaries["y"].to_numpy(), _days(burglaries)
    result = knox_test(x, y, days, S_EDGES, T_EDGES, permutations=9, metric=metric)
    np.testing.assert_array_equal(result.observed, _brute_force(x, y, days, metric))
    assert result.observed.sum() > 100  # the sample really holds near pairs


@pytest.fixture(scope="module")
def district_11(chicago_frame: pd.DataFrame) -> pd.DataFrame:
    """The first 2,000 incidents of dense district 011: block-level points shared by many events."""
    rows = chicago_frame[chicago_frame["district"] == "011"]
    return rows.sort_values("occurred_from").iloc[:2000]


@pytest.mark.parametrize("metric", ["euclidean", "manhattan"])
def test_dense_co_located_counts_equal_a_brute_force_count(district_11, metric) -> None:
    """Observed and permuted counts where many events share a point, some pairs past the last band."""
    x, y, days = district_11["x"].to_numpy(), district_11["y"].to_numpy(), _days(district_11)
    assert pd.Series(list(zip(x, y, strict=True))).value_counts().iloc[0] >= 10
    assert days.max() > 1.4 * T_EDGES[-1]
    result = knox_test(x, y, days, S_EDGES, T_EDGES, permutations=1, metric=metric)
    np.testing.assert_array_equal(result.observed, _brute_force(x, y, days, metric))
    draw = np.random.default_rng(7).permutation(days.size)
    seconds = np.round(days * 86_400).astype(np.int32)
    order, pairs = near_pair_lists(x, y, np.asarray(S_EDGES, float), metric)
    gap_edges = np.round(np.asarray(T_EDGES) * 86_400).astype(np.int64)
    counts = band_counts(seconds[draw][order][None, :], pairs, gap_edges)
    np.testing.assert_array_equal(counts[0], _brute_force(x, y, days[draw], metric))
    assert counts[0].sum() > 1000


def test_many_permutations_and_many_bands_equal_a_brute_force_count_each(district_11) -> None:
    """19 permutations (counted 16 side by side, then 3) over 11 time limits (compared 8, then 3)."""
    x, y, days = district_11["x"].to_numpy(), district_11["y"].to_numpy(), _days(district_11)
    t_edges = (0, 0.5, 1, 2, 3, 5, 7, 10, 14, 21, 28, 35)
    order, pairs = near_pair_lists(x, y, np.asarray(S_EDGES, float), "euclidean")
    gap_edges = np.round(np.asarray(t_edges) * 86_400).astype(np.int64)
    draws = [np.random.default_rng(seed).permutation(days.size) for seed in range(19)]
    seconds = np.round(days * 86_400).astype(np.int32)
    counts = band_counts(np.stack([seconds[draw][order] for draw in draws]), pairs, gap_edges)
    for draw, count in zip(draws, counts, strict=True):
        np.testing.assert_array_equal(count, _brute_force(x, y, days[draw], "euclidean", t_edges))
    assert counts[:, :, -1].min() > 0 and counts.sum(axis=(1, 2)).min() > 1000


def _kd_tree_pairs(x: np.ndarray, y: np.ndarray, metric: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """scipy's cKDTree pairs within the last edge, and the band of each (the independent reference)."""
    from scipy.spatial import cKDTree

    points = np.column_stack([x, y])
    p = 2 if metric == "euclidean" else 1
    pairs = cKDTree(points).query_pairs(S_EDGES[-1], p=p, output_type="ndarray")
    gap = points[pairs[:, 0]] - points[pairs[:, 1]]
    distance = np.abs(gap).sum(axis=1) if metric == "manhattan" else np.hypot(gap[:, 0], gap[:, 1])
    return pairs[:, 0], pairs[:, 1], np.searchsorted(S_EDGES[1:], distance, side="left")


@pytest.mark.parametrize("metric", ["euclidean", "manhattan"])
def test_the_grid_finds_the_pairs_and_bands_a_kd_tree_finds(district_11, metric) -> None:
    x, y = district_11["x"].to_numpy(), district_11["y"].to_numpy()
    order, pairs = near_pair_lists(x, y, np.asarray(S_EDGES, float), metric)
    first, second, band = _kd_tree_pairs(x, y, metric)
    kept = band < len(S_EDGES) - 1
    expected = sorted(zip(first[kept].tolist(), second[kept].tolist(), band[kept].tolist(), strict=True))
    group = np.repeat(np.arange(x.size * pairs.spaces), np.diff(pairs.offsets))
    position, band_found = np.divmod(group, pairs.spaces)
    one, other = order[position], order[pairs.later]
    assert (position < pairs.later).all() and sorted(order.tolist()) == list(range(x.size))
    low, high = np.minimum(one, other).tolist(), np.maximum(one, other).tolist()
    found = sorted(zip(low, high, band_found.tolist(), strict=True))
    assert found == expected and len(found) > 10_000
    spelled_out = close_pairs(x, y, S_EDGES, metric)  # the same lists in the events' own numbering
    assert sorted(zip(*(column.tolist() for column in spelled_out), strict=True)) == expected


def test_uneven_fractional_day_bands_equal_a_brute_force_count(burglaries) -> None:
    """Edges of 6 h, 1.25 days, 3 days, 10 days: the look-up by their common unit stays exact."""
    x, y, days = burglaries["x"].to_numpy(), burglaries["y"].to_numpy(), _days(burglaries)
    edges = (0, 0.25, 1.25, 3, 10)
    result = knox_test(x, y, days, S_EDGES, edges, permutations=9)
    np.testing.assert_array_equal(result.observed, _brute_force(x, y, days, "euclidean", edges))
    assert result.observed[:, 0].sum() > 0


def test_band_edges_are_closed_on_the_right() -> None:
    x = np.array([0.0, 100.0, 0.0])
    y = np.array([0.0, 0.0, 100.5])
    days = np.array([0.0, 7.0, 7.5])
    result = knox_test(x, y, days, (0, 100, 200), (0, 7, 14), permutations=1)
    # (0,1): 100 m, 7 days -> first bands; (0,2): 100.5 m, 7.5 days -> second bands;
    # (1,2): 145 m, 0.5 days -> second distance band, first time band
    np.testing.assert_array_equal(result.observed, [[1, 0], [1, 1]])


def test_p_values_match_an_independent_monte_carlo_within_its_error(burglaries) -> None:
    x, y, days = burglaries["x"].to_numpy(), burglaries["y"].to_numpy(), _days(burglaries)
    result = knox_test(x, y, days, S_EDGES, T_EDGES, permutations=999, seed=1)
    reference = knox_test(x, y, days, S_EDGES, T_EDGES, permutations=999, seed=2)
    # two independent runs of 999: binomial error of a p-value near 0.5 is about 0.016 each
    assert np.abs(result.p_values - reference.p_values).max() < 0.08
    # the expected count under permutation is the observed total spread by time-gap shares
    assert result.expected.sum() == pytest.approx(reference.expected.sum(), rel=0.02)
    # burglary near repeats: the closest pairs within a week are more common than chance
    assert result.ratio[0, 0] > 1.2 and result.p_values[0, 0] < 0.01
    table = result.table()
    assert list(table.index) == ["0–100 m", "100–200 m", "200–300 m", "300–400 m", "400–500 m"]
    assert table.loc["0–100 m", "0–7 days p"] == result.p_values[0, 0]


def test_random_times_show_no_near_repeat() -> None:
    rng = np.random.default_rng(3)
    x, y = rng.uniform(0, 3000, 1500), rng.uniform(0, 3000, 1500)
    days = rng.uniform(0, 365, 1500)
    result = knox_test(x, y, days, S_EDGES, T_EDGES, permutations=199, seed=4)
    # under no space-time interaction, p-values are roughly uniform: few below 0.05 of 20 cells
    assert (result.p_values < 0.05).sum() <= 4
    assert np.nanmax(np.abs(result.ratio - 1)) < 0.5


def test_events_without_coordinates_are_refused() -> None:
    with pytest.raises(ValueError, match="finite coordinates"):
        knox_test(np.array([0.0, np.nan]), np.zeros(2), np.zeros(2), S_EDGES, T_EDGES, permutations=1)


def test_bad_bands_are_refused() -> None:
    with pytest.raises(ValueError, match="spatial bands need increasing edges starting at 0"):
        knox_test(np.zeros(3), np.zeros(3), np.zeros(3), (0, 200, 100), T_EDGES, permutations=1)


def test_chains_link_events_close_in_space_and_time() -> None:
    x = np.array([0.0, 50.0, 90.0, 5000.0, 5030.0, 9000.0])
    y = np.zeros(6)
    days = np.array([0.0, 3.0, 5.0, 10.0, 40.0, 1.0])
    chains = near_repeat_chains(x, y, days, distance=100.0, within_days=7.0)
    # 0-1-2 linked (50 m / 3 days, 40 m / 2 days); 3-4 too far apart in time; 5 alone
    assert chains.tolist() == [0, 0, 0, -1, -1, -1]
