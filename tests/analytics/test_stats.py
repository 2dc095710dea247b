"""Percent change, by hand."""

from __future__ import annotations

from crimedesk.analytics.stats import pct_change


def test_percent_change_and_undefined_percent_change() -> None:
    assert pct_change(6, 3) == 100.0
    assert pct_change(5, 0) is None
    assert pct_change(0, 4) == -100.0
