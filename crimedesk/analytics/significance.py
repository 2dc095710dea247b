"""Is a change between two counts more than chance? The exact test for two Poisson counts.

Given ``n = current + previous`` incidents, if the rate did not change then ``current`` is
Binomial(n, t_c / (t_c + t_p)), where t_c and t_p are the lengths of the two periods (the
conditional binomial test, Przyborowski & Wilenski 1940). Its two-sided exact p-value is the one
``scipy.stats.binomtest`` gives, computed here with ``scipy.special``'s binomial distribution
functions: importing ``scipy.stats`` takes 0.7–2 s, a third of a CompStat report's time.
A change is significant at p < 0.05. Unlike the |2(√c − √p)| ≥ 2 rule it replaced (about 16 %
false alarms when nothing changed, and 1 vs 0 "significant"), it holds its 5 % level on small
counts: with too few incidents no split at all reaches p < 0.05, and the change is reported as
untestable instead of tinted.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

ALPHA = 0.05
METHOD = "exact test for two Poisson counts (conditional binomial)"


@dataclass(frozen=True)
class ChangeTest:
    """``p_value`` is two-sided; ``testable`` is False when no split of ``n`` could be significant."""

    p_value: float
    testable: bool

    @property
    def significant(self) -> bool:
        return self.testable and self.p_value < ALPHA

    def describe(self) -> str:
        """One line for a tooltip: the p-value and the method, or why there is none."""
        if not self.testable:
            return f"too few incidents for any change to reach p < {ALPHA:g}: not tested"
        verdict = "significant" if self.significant else "not significant"
        return f"{format_p(self.p_value)}, {verdict} at {ALPHA:g} by the {METHOD}"


def change_test(current: int, previous: int, current_days: int = 1, previous_days: int = 1) -> ChangeTest:
    """Test ``current`` against ``previous``, counted over ``current_days`` and ``previous_days``."""
    if current < 0 or previous < 0 or current_days <= 0 or previous_days <= 0:
        raise ValueError(f"counts must be >= 0 and periods > 0, got {current}, {previous}")
    return _cached(int(current), int(previous), int(current_days), int(previous_days))


def format_p(p_value: float) -> str:
    return "p < 0.001" if p_value < 0.001 else f"p = {p_value:.3f}"


@lru_cache(maxsize=65_536)
def _cached(current: int, previous: int, current_days: int, previous_days: int) -> ChangeTest:
    n = current + previous
    share = current_days / (current_days + previous_days)
    if n == 0:
        return ChangeTest(1.0, False)
    p_value = binomial_p(current, n, share)
    return ChangeTest(p_value, _smallest_p(n, share) < ALPHA)


@lru_cache(maxsize=4_096)
def _smallest_p(n: int, share: float) -> float:
    """The smallest two-sided p any split of ``n`` can give: one of the two all-in-one splits."""
    return min(binomial_p(0, n, share), binomial_p(n, n, share))


def binomial_p(k: int, n: int, p: float) -> float:
    """Two-sided exact p-value of ``k`` successes in ``n`` trials of probability ``p`` (0 < p < 1):
    the chance of an outcome no likelier than ``k``, by ``scipy.stats.binomtest``'s algorithm."""
    from scipy.special import bdtr, bdtrc

    def cdf(x: int) -> float:  # P(X <= x)
        return 0.0 if x < 0 else float(bdtr(x, n, p))

    def sf(x: int) -> float:  # P(X > x)
        return 1.0 if x < 0 else float(bdtrc(x, n, p))

    d, rerr = _pmf(k, n, p), 1 + 1e-7
    if k == p * n:
        return 1.0
    if k < p * n:
        ix = _search(lambda x: -_pmf(x, n, p), -d * rerr, math.ceil(p * n), n)
        y = n - ix + int(d * rerr == _pmf(ix, n, p))
        return min(1.0, cdf(k) + sf(n - y))
    ix = _search(lambda x: _pmf(x, n, p), d * rerr, 0, math.floor(p * n))
    return min(1.0, cdf(ix) + sf(k - 1))


def _pmf(k: int, n: int, p: float) -> float:
    if not 0 <= k <= n:
        return 0.0
    log = math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
    return math.exp(log + k * math.log(p) + (n - k) * math.log1p(-p))


def _search(a: Callable[[int], float], d: float, lo: int, hi: int) -> int:
    """The i in [lo, hi] with a(i) <= d < a(i + 1), ``a`` ascending there (one side of the mode)."""
    while lo < hi:
        mid = lo + (hi - lo) // 2
        value = a(mid)
        if value < d:
            lo = mid + 1
        elif value > d:
            hi = mid - 1
        else:
            return mid
    return lo if a(lo) <= d else lo - 1
