"""Calendar features of incident times: the "when" half of every crime model.

Hours, weekdays and months are cyclic (23:00 is next to 00:00), so besides the integer codes a tree
can split on, each gets a sine/cosine pair a distance-based model can use. Public holidays come from
the ``holidays`` package for the configured country, computed offline.
"""

from __future__ import annotations

from typing import Self

import holidays as holiday_calendars
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

PERIODS = {"hour": 24, "weekday": 7, "month": 12}


def calendar_features(
    times: pd.Series | pd.DatetimeIndex, cyclic: bool = True, country: str = "US"
) -> pd.DataFrame:
    """hour, weekday (Monday 0), month (1–12), holiday flag and, if ``cyclic``, sin/cos pairs."""
    when = pd.DatetimeIndex(times)
    out = pd.DataFrame(
        {"hour": when.hour, "weekday": when.day_of_week, "month": when.month},
        index=times.index if isinstance(times, pd.Series) else None,
    )
    years = range(int(when.year.min()), int(when.year.max()) + 1) if len(when) else []
    days_off = holiday_calendars.country_holidays(country, years=years)
    out["holiday"] = when.normalize().isin(pd.DatetimeIndex(list(days_off))).astype(int)
    if cyclic:
        for name, period in PERIODS.items():
            angle = 2 * np.pi * (out[name] - (1 if name == "month" else 0)) / period
            out[f"{name}_sin"], out[f"{name}_cos"] = np.sin(angle), np.cos(angle)
    return out


class TemporalFeatures(BaseEstimator, TransformerMixin):
    """Transformer: a frame with a datetime column in, :func:`calendar_features` of it out."""

    def __init__(self, column: str = "occurred_from", cyclic: bool = True, country: str = "US") -> None:
        self.column = column
        self.cyclic = cyclic
        self.country = country

    def fit(self, X: pd.DataFrame, y: object = None) -> Self:
        self.feature_names_out_ = np.array(calendar_features(X[self.column][:1], self.cyclic).columns)
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        return calendar_features(X[self.column], self.cyclic, self.country)

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        return self.feature_names_out_
