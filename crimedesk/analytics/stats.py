"""Percent change, which misleads on small counts ("3 -> 6 is +100 %"): the dashboard shows it
beside the exact test of ``analytics.significance``, never instead of it."""

from __future__ import annotations


def pct_change(current: float, previous: float) -> float | None:
    """Percent change, or None when there is no previous count to compare with."""
    return None if previous == 0 else 100.0 * (current - previous) / previous
