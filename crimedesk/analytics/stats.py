"""Change statistics for counts: percent change and the Poisson z-score.

Percent change misleads on small counts ("3 -> 6 is +100 %"). For Poisson counts the square root
is variance-stabilising, so z = 2·(√current − √previous) is roughly standard normal when nothing
changed; |z| ≥ 2 is about p < .05 (Wheeler 2018, REFERENCES §1.8).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

SIGNIFICANT_Z = 2.0

ArrayLike = float | npt.NDArray[np.float64]


def poisson_z(current: ArrayLike, previous: ArrayLike) -> ArrayLike:
    """2·(√current − √previous), element-wise for arrays."""
    result = 2.0 * (np.sqrt(current) - np.sqrt(previous))
    return float(result) if np.ndim(result) == 0 else result


def pct_change(current: float, previous: float) -> float | None:
    """Percent change, or None when there is no previous count to compare with."""
    return None if previous == 0 else 100.0 * (current - previous) / previous


def is_significant(z: float) -> bool:
    return abs(z) >= SIGNIFICANT_Z
