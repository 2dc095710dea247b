"""Trend buckets and the trailing 28-day average, against pandas on the same frame."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import Engine

from crimedesk.analytics.trend import trend
from crimedesk.domain.categories import CATEGORIES
from crimedesk.domain.filters import FilterSnapshot
from tests.analytics.incidents_frame import hand_frame, load_incidents


def test_daily_chicago_counts_match_pandas(chicago_store: Engine, chicago_df: pd.DataFrame) -> None:
    expected = pd.crosstab(chicago_df["occurred"].dt.normalize(), chicago_df["category"])
    expected = expected.reindex(columns=list(CATEGORIES), fill_value=0)
    with chicago_store.connect() as conn:
        got = trend(conn, FilterSnapshot(date_from=date(2017, 1, 1), date_to=date(2017, 1, 3)))
        unbounded = trend(conn, FilterSnapshot(categories=frozenset({"violent"})))
    assert list(got.index) == list(expected.index)
    assert (got[list(CATEGORIES)].to_numpy() == expected.to_numpy()).all()
    assert (got["total"] == expected.sum(axis=1).to_numpy()).all()
    assert got["ma28"].isna().all()  # no data in the 27 days before: the average is not faked
    assert list(unbounded["violent"]) == list(expected["violent"]) and unbounded["total"].equals(
        unbounded["violent"]
    )


@pytest.fixture
def daily_store(store: Engine) -> Engine:
    """One incident a day from 2016-11-01 to 2017-02-28, plus 3 extra on Sunday 2017-01-15."""
    days = pd.date_range("2016-11-01", "2017-02-28", freq="D")
    rows = [{"occurred": d + pd.Timedelta(hours=13), "category": "property"} for d in days]
    rows += [{"occurred": "2017-01-15 23:59", "category": "drug"}] * 3
    load_incidents(store, hand_frame(rows))
    return store


def test_trailing_ma_uses_days_before_the_window(daily_store: Engine) -> None:
    with daily_store.connect() as conn:
        got = trend(conn, FilterSnapshot(date_from=date(2017, 1, 1), date_to=date(2017, 1, 31)))
    assert got.index[0] == pd.Timestamp("2017-01-01") and len(got) == 31
    assert got.loc["2017-01-14", "ma28"] == 1.0
    assert got.loc["2017-01-15", "ma28"] == pytest.approx(31 / 28)  # trailing: jumps on the day
    assert got.loc["2017-01-14", "total"] == 1 and got.loc["2017-01-15", "total"] == 4


def test_weeks_start_monday_and_months_are_calendar(daily_store: Engine) -> None:
    window = FilterSnapshot(date_from=date(2017, 1, 2), date_to=date(2017, 2, 28))
    with daily_store.connect() as conn:
        weeks = trend(conn, window, bucket="week")
        months = trend(conn, window, bucket="month")
    assert weeks.index[0] == pd.Timestamp("2017-01-02") and (weeks.index.day_of_week == 0).all()
    assert weeks.loc["2017-01-09", "total"] == 10 and weeks.loc["2017-01-16", "total"] == 7
    assert list(months.index) == [pd.Timestamp("2017-01-01"), pd.Timestamp("2017-02-01")]
    assert list(months["total"]) == [30 + 3, 28] and list(months["drug"]) == [3, 0]
    assert "ma28" not in weeks


def test_empty_result_and_bad_bucket(store: Engine) -> None:
    with store.connect() as conn:
        assert trend(conn, FilterSnapshot()).empty
        zeros = trend(conn, FilterSnapshot(date_from=date(2017, 1, 1), date_to=date(2017, 1, 2)))
        assert list(zeros["total"]) == [0, 0] and zeros["ma28"].isna().all()
        with pytest.raises(ValueError, match="bucket"):
            trend(conn, FilterSnapshot(), bucket="year")  # type: ignore[arg-type]
