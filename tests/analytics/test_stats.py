"""Poisson z and percent change, by hand."""

from __future__ import annotations

import numpy as np
import pytest

from crimedesk.analytics.stats import is_significant, pct_change, poisson_z


@pytest.mark.parametrize(
    ("current", "previous", "z"),
    [(25, 16, 2.0), (16, 25, -2.0), (9, 4, 2.0), (100, 81, 2.0), (4, 0, 4.0), (0, 0, 0.0), (49, 36, 2.0)],
)
def test_poisson_z_by_hand(current: int, previous: int, z: float) -> None:
    assert poisson_z(current, previous) == pytest.approx(z)
    assert is_significant(poisson_z(current, previous)) == (abs(z) >= 2)


def test_small_counts_with_big_percent_change_are_not_significant() -> None:
    assert pct_change(6, 3) == 100.0
    assert not is_significant(poisson_z(6, 3))  # 2·(2.449 − 1.732) = 1.43


def test_vectorised_and_undefined_percent_change() -> None:
    np.testing.assert_allclose(poisson_z(np.array([25.0, 1.0]), np.array([16.0, 1.0])), [2.0, 0.0])
    assert pct_change(5, 0) is None
    assert pct_change(0, 4) == -100.0
