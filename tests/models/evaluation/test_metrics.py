"""Metric definitions checked against cases worked by hand (arithmetic in the comments)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from crimedesk.models.evaluation.metrics import (
    diebold_mariano,
    flag_weights,
    flagged_cells,
    hit_rate,
    mae,
    mape,
    mase,
    pai,
    pei_star,
    r2,
    rmse,
)

SCORES = np.array([3.0, 1.0, 3.0, 0.0, 2.0])
ACTUAL = np.array([1, 5, 0, 2, 2])  # N = 10


def test_the_cells_shown_break_ties_by_lower_cell_index() -> None:
    # coverage 0.4 of 5 cells -> k = floor(2 + 0.5) = 2; cells 0 and 2 tie on 3.0 -> [0, 2]
    assert flagged_cells(SCORES, 0.4).tolist() == [0, 2]
    # k = floor(3.5) = 3 -> [0, 2] then cell 4 (score 2)
    assert flagged_cells(SCORES, 0.6).tolist() == [0, 2, 4]


def test_hotspot_metrics_two_cells() -> None:
    # flagged {0, 2}: n = 1 + 0 = 1, N = 10 -> hit rate 0.1
    assert hit_rate(SCORES, ACTUAL, 0.4) == pytest.approx(0.1)
    # a/A = 2/5 -> PAI = 0.1 / 0.4 = 0.25
    assert pai(SCORES, ACTUAL, 0.4) == pytest.approx(0.25)
    # best two cells hold 5 + 2 = 7 -> PEI* = 1/7
    assert pei_star(SCORES, ACTUAL, 0.4) == pytest.approx(1 / 7)


def test_hotspot_metrics_three_cells() -> None:
    # flagged {0, 2, 4}: n = 1 + 0 + 2 = 3 -> 0.3; PAI = 0.3 / (3/5) = 0.5; n* = 5 + 2 + 2 = 9 -> 1/3
    assert hit_rate(SCORES, ACTUAL, 0.6) == pytest.approx(0.3)
    assert pai(SCORES, ACTUAL, 0.6) == pytest.approx(0.5)
    assert pei_star(SCORES, ACTUAL, 0.6) == pytest.approx(1 / 3)


def test_at_least_one_cell_and_no_crime() -> None:
    # 1% of 5 cells rounds to 0: one place is still flagged, shared by cells 0 and 2 (tied on 3.0):
    # n = 0.5 * 1 + 0.5 * 0 = 0.5 -> hit rate 0.05; PAI = 0.05 / (1/5) = 0.25
    assert hit_rate(SCORES, ACTUAL, 0.01) == pytest.approx(0.05)
    assert pai(SCORES, ACTUAL, 0.01) == pytest.approx(0.25)
    assert np.isnan(hit_rate(SCORES, np.zeros(5), 0.4))
    assert np.isnan(pei_star(SCORES, np.zeros(5), 0.4))
    with pytest.raises(ValueError, match="coverage"):
        hit_rate(SCORES, ACTUAL, 0)


TIED = np.array([5.0, 2.0, 2.0, 2.0, 1.0, 0.0])  # 2 places at 1/3 of 6 cells; cells 1-3 tie for one
CRIMES = np.array([1, 3, 0, 0, 4, 2])  # N = 10


def test_tied_cells_share_the_places_left() -> None:
    # cell 0 flagged; cells 1, 2, 3 share one place: n = 1 + (3 + 0 + 0) / 3 = 2 -> hit rate 0.2
    assert flag_weights(TIED, 1 / 3).tolist() == pytest.approx([1, 1 / 3, 1 / 3, 1 / 3, 0, 0])
    assert hit_rate(TIED, CRIMES, 1 / 3) == pytest.approx(0.2)
    assert pai(TIED, CRIMES, 1 / 3) == pytest.approx(0.2 / (2 / 6))
    # n* = 4 + 3 = 7 -> PEI* = 2 / 7
    assert pei_star(TIED, CRIMES, 1 / 3) == pytest.approx(2 / 7)


def test_no_order_of_tied_cells_changes_a_score() -> None:
    rng = np.random.default_rng(7)
    scores = rng.integers(0, 4, 60).astype(float)  # many ties
    crimes = rng.poisson(1.0, 60)
    expected = hit_rate(scores, crimes, 0.05)
    for _ in range(20):
        order = rng.permutation(60)
        assert hit_rate(scores[order], crimes[order], 0.05) == pytest.approx(expected)


def test_the_expected_rule_is_the_mean_over_every_order_of_the_ties() -> None:
    from itertools import permutations

    captured = [CRIMES[0] + CRIMES[order[0]] for order in permutations([1, 2, 3])]
    assert hit_rate(TIED, CRIMES, 1 / 3) == pytest.approx(np.mean(captured) / CRIMES.sum())


def test_open_cp_rule_floors_the_area_and_keeps_the_highest_index_ties() -> None:
    # floor(1/3 * 6) = 2 places: cell 0, then of cells 1-3 the last, cell 3 (0 crimes): n = 1
    assert flag_weights(TIED, 1 / 3, "open_cp").tolist() == [1, 0, 0, 1, 0, 0]
    assert hit_rate(TIED, CRIMES, 1 / 3, "open_cp") == pytest.approx(0.1)
    # 5 % of 697 cells: open_cp flags 34, the expected rule 35
    assert flag_weights(np.arange(697.0), 0.05, "open_cp").sum() == 34
    assert flag_weights(np.arange(697.0), 0.05).sum() == 35


def test_crimes_outside_the_study_area_count_in_n() -> None:
    # the 10 crimes of CRIMES plus 10 in cells nobody could flag: hit rate halves
    assert hit_rate(TIED, CRIMES, 1 / 3, total=20) == pytest.approx(0.1)


A = np.array([2.0, 0.0, 4.0, 6.0])
F = np.array([1.0, 1.0, 5.0, 3.0])  # errors a - f = [1, -1, -1, 3]


def test_forecast_errors() -> None:
    assert mae(A, F) == pytest.approx(1.5)  # (1 + 1 + 1 + 3) / 4
    assert rmse(A, F) == pytest.approx(np.sqrt(3))  # sqrt((1 + 1 + 1 + 9) / 4)
    # zero actual skipped: (1/2 + 1/4 + 3/6) / 3 = 1.25 / 3
    assert mape(A, F) == pytest.approx(1.25 / 3)
    assert np.isnan(mape(np.zeros(3), np.ones(3)))
    # mean 3; SS_tot = 1 + 9 + 1 + 9 = 20; SS_res = 12 -> 1 - 12/20
    assert r2(A, F) == pytest.approx(0.4)


def test_mase_uses_seasonal_naive_in_sample() -> None:
    train = np.array([1.0, 3.0, 2.0, 4.0, 3.0, 5.0])
    # m = 2: |2-1|, |4-3|, |3-2|, |5-4| -> scale 1 -> MASE = MAE = 1.5
    assert mase(A, F, train, m=2) == pytest.approx(1.5)
    # m = 1: |2|, |-1|, |2|, |-1|, |2| -> 8/5 = 1.6 -> 1.5 / 1.6
    assert mase(A, F, train, m=1) == pytest.approx(0.9375)
    with pytest.raises(ValueError, match="m=7"):
        mase(A, F, train, m=7)


def test_diebold_mariano_one_step() -> None:
    actual = np.zeros(5)
    f1, f2 = np.ones(5), np.array([0.0, 2.0, 0.0, 2.0, 1.0])
    # squared losses 1 vs [0, 4, 0, 4, 1] -> d = [1, -3, 1, -3, 0], mean -0.8
    # centred [1.8, -2.2, 1.8, -2.2, 0.8]: γ0 = (3.24 + 4.84 + 3.24 + 4.84 + 0.64) / 5 = 3.36
    # DM = -0.8 / sqrt(3.36 / 5) = -0.975900; HLN sqrt((5 + 1 - 2) / 5) = sqrt(0.8) -> -0.872872
    result = diebold_mariano(actual, f1, f2, h=1)
    assert result.statistic == pytest.approx(-0.872872, abs=1e-6)
    assert result.p_value == pytest.approx(2 * stats.t.sf(0.872872, df=4), abs=1e-6)


def test_diebold_mariano_two_step_rectangular() -> None:
    actual = np.zeros(6)
    f1, f2 = np.array([2.0, 2, 1, 1, 2, 2]), np.ones(6)
    # squared: d = [3, 3, 0, 0, 3, 3], mean 2, centred [1, 1, -2, -2, 1, 1]
    # γ0 = 12/6 = 2; γ1 = (1 - 2 + 4 - 2 + 1)/6 = 1/3; Var(d̄) = (2 + 2/3)/6 = 4/9 -> DM = 2/(2/3) = 3
    # HLN: sqrt((6 + 1 - 4 + 2/6)/6) = sqrt(5/9) -> 3 · sqrt(5)/3 = sqrt(5)
    assert diebold_mariano(actual, f1, f2, h=2).statistic == pytest.approx(np.sqrt(5))
    # absolute loss: d = [1, 1, 0, 0, 1, 1] is the squared case divided by 3: same statistic
    assert diebold_mariano(actual, f1, f2, h=2, loss="absolute").statistic == pytest.approx(np.sqrt(5))


def test_diebold_mariano_falls_back_to_bartlett() -> None:
    actual = np.zeros(5)
    f1, f2 = np.ones(5), np.array([0.0, 2.0, 0.0, 2.0, 1.0])
    # d as in the one-step case; γ1 = (1.8·-2.2 · 3 + -2.2·0.8)/5 = -13.64/5 = -2.728
    # rectangular 3.36 - 5.456 < 0 -> Bartlett (3.36 - 2.728)/5 = 0.1264 -> DM = -0.8/0.355528 = -2.250175
    # HLN sqrt((5 + 1 - 4 + 2/5)/5) = sqrt(0.48) -> -1.558968
    assert diebold_mariano(actual, f1, f2, h=2).statistic == pytest.approx(-1.558968, abs=1e-6)


def test_diebold_mariano_rejects_identical_losses() -> None:
    with pytest.raises(ValueError, match="constant"):
        diebold_mariano(np.zeros(4), np.ones(4), -np.ones(4))
