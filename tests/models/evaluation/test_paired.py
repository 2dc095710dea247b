"""The paired comparison against a baseline, checked against scipy and hand counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from crimedesk.models.evaluation.paired import against_baseline, mean_interval, paired_p_value

OURS = np.array([4.1, 3.9, 5.2, 4.4, 3.0, 4.8, 5.0, 4.2, 3.7, 4.9, 4.0, 4.6])
NAIVE = np.array([4.0, 4.1, 4.0, 4.4, 3.2, 4.1, 4.3, 4.0, 3.9, 4.2, 3.6, 4.5])


def _tidy() -> pd.DataFrame:
    origins = pd.date_range("2017-07-01", periods=OURS.size, freq="D")
    rows = [
        {"method": name, "origin": o, "horizon_days": 1, "coverage": 0.05, "pai": v}
        for name, values in (("risk", OURS), ("naive", NAIVE))
        for o, v in zip(origins, values, strict=True)
    ]
    return pd.DataFrame(rows)


def test_p_value_is_scipys_wilcoxon_on_the_differences() -> None:
    expected = stats.wilcoxon(OURS - NAIVE, zero_method="wilcox").pvalue
    assert paired_p_value(OURS, NAIVE) == pytest.approx(expected)
    assert paired_p_value(NAIVE, NAIVE) == 1.0


def test_interval_is_the_t_interval_over_origins() -> None:
    mean, low, high = mean_interval(OURS)
    half = stats.t.ppf(0.975, OURS.size - 1) * OURS.std(ddof=1) / np.sqrt(OURS.size)
    assert (mean, low, high) == pytest.approx((OURS.mean(), OURS.mean() - half, OURS.mean() + half))


def test_against_baseline_counts_wins_and_leaves_out_unscored_origins() -> None:
    tidy = _tidy()
    tidy.loc[(tidy["method"] == "naive") & (tidy["origin"] == tidy["origin"].min()), "pai"] = np.nan
    (row,) = against_baseline(tidy, "naive").to_dict(orient="records")
    ours, naive = OURS[1:], NAIVE[1:]  # the first origin has no naive score
    assert row["method"] == "risk" and row["origins"] == 11
    assert (row["wins"], row["losses"], row["ties"]) == (
        int((ours > naive).sum()),
        int((ours < naive).sum()),
        int((ours == naive).sum()),
    )
    assert row["mean"] == pytest.approx(ours.mean())
    assert row["baseline_mean"] == pytest.approx(naive.mean())
    assert row["p_value"] == pytest.approx(stats.wilcoxon(ours - naive).pvalue)
