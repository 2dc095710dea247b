"""KPIs: current vs previous equal-length period and a year earlier, checked with DuckDB."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest
from scipy.stats import binomtest
from sqlalchemy import Engine

from crimedesk.analytics.kpis import kpis
from crimedesk.domain.filters import FilterSnapshot
from tests.analytics.incidents_frame import hand_frame, load_incidents

JAN2_3 = FilterSnapshot(date_from=date(2017, 1, 2), date_to=date(2017, 1, 3))


def duck_kpis(df: pd.DataFrame, start: str, end: str) -> dict[str, float]:
    frame = df[["occurred", "category", "arrest", "domestic", "mappable"]]  # noqa: F841 - used by DuckDB
    row = duckdb.sql(
        f"""select count(*) total,
               count(*) filter (where category = 'violent') violent,
               count(*) filter (where category = 'property') property,
               count(*) filter (where category = 'drug') drug,
               count(*) filter (where category = 'other') other,
               100.0 * avg(arrest::int) arrest_rate, 100.0 * avg(domestic::int) domestic_share,
               100.0 * avg(mappable::int) mappable_share
            from frame where occurred >= '{start}' and occurred < '{end}'"""
    ).df()
    return row.iloc[0].to_dict()


def test_chicago_kpis_match_duckdb(chicago_store: Engine, chicago_df: pd.DataFrame) -> None:
    with chicago_store.connect() as conn:
        report = kpis(conn, JAN2_3)
    assert (report.previous_period.start, report.previous_period.end) == (
        date(2016, 12, 31),
        date(2017, 1, 1),
    )
    now = duck_kpis(chicago_df, "2017-01-02", "2017-01-04")
    before = duck_kpis(chicago_df, "2016-12-31", "2017-01-02")
    for name, kpi in report.kpis.items():
        assert kpi.current == pytest.approx(now[name]), name
        assert kpi.previous == pytest.approx(before[name]), name
        assert kpi.change == pytest.approx(now[name] - before[name]), name
        if name in ("total", "violent", "property", "drug", "other"):
            assert kpi.year_ago == 0, name  # the sample holds no January 2016
    total = report.kpis["total"]
    assert total.test is not None
    n = now["total"] + before["total"]
    assert total.test.p_value == pytest.approx(binomtest(int(now["total"]), int(n), 0.5).pvalue)
    assert total.significant == (total.test.p_value < 0.05)
    assert report.kpis["arrest_rate"].test is None
    assert (report.year_ago_period.start, report.year_ago_period.end) == (date(2016, 1, 4), date(2016, 1, 5))


def test_hand_case_tests_and_missing_shares(store: Engine) -> None:
    """25 violent incidents on Jan 2 vs 16 on Jan 1: p = 0.21, not significant (|z| = 2 said it
    was); vs 10 on Jan 4, 2016 (364 days back, also a Monday): p = 0.017, significant."""
    rows = [{"occurred": "2017-01-02 10:00", "category": "violent"}] * 25
    rows += [{"occurred": "2017-01-01 23:59:59", "category": "violent"}] * 16
    rows += [{"occurred": "2016-01-04 08:00", "category": "violent"}] * 10
    rows += [{"occurred": "2016-01-02 08:00", "category": "violent"}]  # the calendar date: not LY
    rows += [{"occurred": "2017-01-03 00:00", "category": "drug"}]  # after the period
    load_incidents(store, hand_frame(rows))
    with store.connect() as conn:
        report = kpis(conn, FilterSnapshot(date_from=date(2017, 1, 2), date_to=date(2017, 1, 2)))
    violent, drug = report.kpis["violent"], report.kpis["drug"]
    assert violent.test and violent.year_ago_test and drug.test
    assert (violent.current, violent.previous, violent.change, violent.year_ago) == (25, 16, 9, 10)
    assert violent.test.p_value == pytest.approx(binomtest(25, 41).pvalue) == pytest.approx(0.2110, abs=1e-4)
    assert not violent.significant and violent.pct_change == pytest.approx(56.25)
    assert violent.year_ago_test.significant and violent.year_ago_test.p_value == pytest.approx(
        0.0167, abs=1e-4
    )
    assert drug.pct_change is None and drug.test.p_value == 1.0 and not drug.test.testable
    assert report.kpis["arrest_rate"].current is None  # the source never states arrests
    assert report.kpis["mappable_share"].current == 0.0


def test_open_date_range_is_an_error(store: Engine) -> None:
    with store.connect() as conn, pytest.raises(ValueError, match="date_from and date_to"):
        kpis(conn, FilterSnapshot(date_from=date(2017, 1, 2)))
