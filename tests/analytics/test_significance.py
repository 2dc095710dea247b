"""The exact test for two Poisson counts: by hand, against scipy, and its false-alarm rate."""

from __future__ import annotations

import subprocess
import sys
from math import comb

import numpy as np
import pytest
from scipy.stats import binomtest

from crimedesk.analytics.significance import ALPHA, binomial_p, change_test


def exact_two_sided(k: int, n: int, share: float) -> float:
    """Sum of the binomial probabilities no larger than that of ``k`` (the textbook definition)."""
    pmf = [comb(n, i) * share**i * (1 - share) ** (n - i) for i in range(n + 1)]
    return min(1.0, sum(p for p in pmf if p <= pmf[k] * (1 + 1e-7)))


@pytest.mark.parametrize(
    ("current", "previous", "days"),
    [
        (25, 16, (1, 1)),
        (16, 25, (1, 1)),
        (10, 2, (1, 1)),
        (9, 4, (1, 1)),
        (30, 12, (28, 28)),
        (40, 20, (7, 14)),
    ],
)
def test_p_value_matches_the_binomial_definition_and_scipy(current, previous, days) -> None:
    share = days[0] / sum(days)
    test = change_test(current, previous, *days)
    n = current + previous
    assert test.p_value == pytest.approx(exact_two_sided(current, n, share), rel=1e-9)
    assert test.p_value == pytest.approx(binomtest(current, n, share).pvalue, rel=1e-12)


def test_known_cases() -> None:
    assert change_test(10, 2).p_value == pytest.approx(0.03857421875)  # 2·P(X ≤ 2), X ~ B(12, ½)
    assert change_test(10, 2).significant
    assert not change_test(25, 16).significant  # |2(√25 − √16)| = 2 used to tint it; p = 0.21


def test_one_against_none_is_not_significant_nor_testable() -> None:
    one = change_test(1, 0)
    assert one.p_value == 1.0 and not one.significant and not one.testable
    assert "too few" in one.describe()
    assert not change_test(0, 0).testable


def test_counts_too_small_to_reach_significance_are_never_tinted() -> None:
    """With equal periods 5 vs 0 gives p = 0.0625: no split of 5 incidents is significant."""
    assert not any(change_test(k, 5 - k).testable for k in range(6))
    assert change_test(6, 0).testable and change_test(6, 0).significant  # p = 0.03125
    assert change_test(3, 3).testable and not change_test(3, 3).significant


def test_false_alarm_rate_when_nothing_changed_is_at_most_five_percent() -> None:
    rng = np.random.default_rng(13)
    for rate in (2.0, 8.0, 30.0, 120.0):
        draws = rng.poisson(rate, size=(2_000, 2))
        alarms = sum(change_test(int(c), int(p)).significant for c, p in draws)
        assert alarms / len(draws) <= ALPHA, rate
        old_rule = np.abs(2 * (np.sqrt(draws[:, 0]) - np.sqrt(draws[:, 1]))) >= 2
        assert old_rule.mean() > ALPHA, rate  # the |z| ≥ 2 rule it replaces


def test_bad_input_is_an_error() -> None:
    with pytest.raises(ValueError, match="counts must be"):
        change_test(-1, 3)


def test_p_values_agree_with_scipy_on_city_sized_counts() -> None:
    rng = np.random.default_rng(18)
    for _ in range(400):
        n = int(rng.choice([rng.integers(1, 40), rng.integers(1, 2_000), rng.integers(1, 600_000)]))
        share = float(rng.choice([0.5, 1 / 3, 7 / 365, rng.uniform(0.05, 0.95)]))
        k = int(np.clip(round(n * share + rng.normal(0, 3 * np.sqrt(n * share) + 1)), 0, n))
        assert binomial_p(k, n, share) == pytest.approx(binomtest(k, n, share).pvalue, rel=1e-8, abs=1e-300)


def test_the_test_does_not_import_scipy_stats() -> None:
    """scipy.stats takes 0.7–2 s to import: a third of a CompStat report's time."""
    code = (
        "import sys; from crimedesk.analytics.significance import change_test; "
        "change_test(270_000, 266_000); print('scipy.stats' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
