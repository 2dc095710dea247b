"""What a count series' length supports: the seasonal cycle and the horizon, said in words.

Eight months of weekly counts (about 34 weeks) cannot show a yearly cycle (52 weeks): the
forecasters then fall back to no seasonality rather than fail, and a horizon too long for the
backtest is refused with the longest one that fits.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from crimedesk.models.forecast.forecasters import fitted_season, season_length

MIN_FIT = 8  # the fewest periods any forecaster is fitted on, before the first backtest origin
UNITS = {7: "weekly cycle of days", 52: "yearly cycle of weeks"}


@dataclass(frozen=True)
class HistorySupport:
    periods: int
    unit: str  # "days" or "weeks"
    season: int  # the cycle the data supports: 1 when too short for its natural one
    natural_season: int
    max_horizon: int  # the longest horizon that leaves MIN_FIT periods before the first origin
    backtest_origins: int

    def describe(self) -> str:
        cycle = (
            f"with its {UNITS.get(self.season, f'cycle of {self.season}')}"
            if self.season > 1
            else f"too short for a {UNITS.get(self.natural_season, 'seasonal cycle')}, so no seasonality"
        )
        if self.max_horizon < 1:
            origins = self.backtest_origins
            return f"{self.periods:,} {self.unit} of counts: too few for a backtest from {origins} origins"
        return f"{self.periods:,} {self.unit} of counts, {cycle}; horizon at most {self.max_horizon}"


def span_support(span_days: int, freq: str, backtest_origins: int) -> HistorySupport:
    """What ``span_days`` of incidents support, counted per day ("D") or week ("W"), before
    training (the Train dialog offers only this)."""
    natural, unit = (52, "weeks") if freq == "W" else (7, "days")
    periods = span_days // 7 if freq == "W" else span_days
    return HistorySupport(
        periods=periods,
        unit=unit,
        season=natural if periods > natural else 1,
        natural_season=natural,
        max_horizon=periods - backtest_origins + 1 - MIN_FIT,
        backtest_origins=backtest_origins,
    )


def history_support(series: pd.Series, backtest_origins: int) -> HistorySupport:
    index = pd.DatetimeIndex(series.index, freq=series.index.freq or pd.infer_freq(series.index))
    natural = season_length(index)
    unit = "weeks" if natural == 52 else "days"
    return HistorySupport(
        periods=len(series),
        unit=unit,
        season=fitted_season(index),
        natural_season=natural,
        max_horizon=len(series) - backtest_origins + 1 - MIN_FIT,
        backtest_origins=backtest_origins,
    )
