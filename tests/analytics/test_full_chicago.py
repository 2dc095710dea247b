"""Dashboard numbers on the whole Chicago 2016-17 file, checked against pandas on the raw CSV.

The expected values are computed from the portal file itself (pandas, the UCR Part I codes written
out here), independently of crimedesk's import; the store's answers and the DuckDB mirror's must
both match them.
"""

from datetime import date, timedelta

import duckdb
import numpy as np
import pandas as pd
import pytest

from crimedesk.analytics.compstat import compstat
from crimedesk.analytics.hour_of_week import hour_of_week
from crimedesk.analytics.kpis import kpis
from crimedesk.analytics.mirror import AnalyticsMirror
from crimedesk.analytics.significance import change_test
from crimedesk.analytics.trend import trend
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.ingest.pipeline import import_file
from crimedesk.storage.engine import make_engine

pytestmark = pytest.mark.slow
START, END = date(2017, 12, 4), date(2017, 12, 31)  # 28 days, Monday to Sunday
PART_ONE = {
    "01A": "violent",
    "02": "violent",
    "03": "violent",
    "04A": "violent",
    "04B": "violent",
    "05": "property",
    "06": "property",
    "07": "property",
    "09": "property",
    "18": "drug",
}


@pytest.fixture(scope="module")
def raw(chicago_full) -> pd.DataFrame:
    frame = pd.read_csv(
        chicago_full,
        usecols=["Date", "FBI Code", "Arrest", "Domestic", "District", "Latitude"],
        dtype={"District": "string", "FBI Code": "string"},
    )
    frame["when"] = pd.to_datetime(frame["Date"], format="%m/%d/%Y %I:%M:%S %p")
    frame["category"] = frame["FBI Code"].map(PART_ONE).fillna("other")
    return frame


@pytest.fixture(scope="module")
def stores(tmp_path_factory, chicago_full):
    store = make_engine(f"sqlite:///{tmp_path_factory.mktemp('full') / 'store.sqlite'}")
    import_file(store, chicago_full)
    mirror = AnalyticsMirror(store)
    mirror.sync()
    yield {"store": store, "mirror": mirror.engine}
    mirror.close()
    store.dispose()


def _between(frame: pd.DataFrame, first: date, last: date) -> pd.DataFrame:
    return frame[
        (frame["when"] >= pd.Timestamp(first)) & (frame["when"] < pd.Timestamp(last + timedelta(days=1)))
    ]


@pytest.fixture(scope="module")
def filters() -> FilterSnapshot:
    return FilterSnapshot(date_from=START, date_to=END)


@pytest.mark.parametrize("where", ["store", "mirror"])
def test_kpis(stores, raw, filters, where):
    with stores[where].connect() as conn:
        report = kpis(conn, filters).kpis
    now, before = (
        _between(raw, START, END),
        _between(raw, START - timedelta(days=28), START - timedelta(days=1)),
    )
    for name in ("violent", "property", "drug", "other"):
        assert (report[name].current, report[name].previous) == (
            (now["category"] == name).sum(),
            (before["category"] == name).sum(),
        )
    assert report["total"].current == len(now)
    assert report["total"].test == change_test(len(now), len(before))
    assert report["arrest_rate"].current == pytest.approx(100 * now["Arrest"].mean())  # percent
    assert report["domestic_share"].current == pytest.approx(100 * now["Domestic"].mean())
    assert report["mappable_share"].current == pytest.approx(100 * now["Latitude"].notna().mean())


@pytest.mark.parametrize("where", ["store", "mirror"])
def test_daily_trend_and_hour_of_week(stores, raw, filters, where):
    with stores[where].connect() as conn:
        daily = trend(conn, filters, "day")
        hours = hour_of_week(conn, filters)
    now = _between(raw, START, END)
    expected = now.groupby([now["when"].dt.normalize(), "category"]).size().unstack(fill_value=0)
    for category in expected.columns:
        assert daily[category].tolist() == expected[category].tolist()
    window = _between(raw, START - timedelta(days=27), END)
    per_day = window.groupby(window["when"].dt.normalize()).size()
    assert daily["ma28"].iloc[-1] == pytest.approx(per_day.tail(28).mean())
    placeholder = now["when"] == now["when"].dt.normalize()  # 00:00:00: the time is unknown
    known = now[~placeholder]
    expected_grid = np.zeros((7, 24))
    np.add.at(expected_grid, (known["when"].dt.day_of_week.to_numpy(), known["when"].dt.hour.to_numpy()), 1)
    assert hours.grid.tolist() == expected_grid.tolist()
    assert hours.time_unknown == placeholder.sum() > 0


@pytest.mark.parametrize("where", ["store", "mirror"])
def test_compstat_by_district(stores, raw, filters, where):
    with stores[where].connect() as conn:
        table = compstat(conn, filters, "district", END).table.set_index("region")
    year = timedelta(days=364)
    periods = {"wtd": (date(2017, 12, 25), END), "d28": (START, END), "ytd": (date(2017, 1, 1), END)}
    prior = {
        "wtd": tuple(d - year for d in periods["wtd"]),
        "d28": tuple(d - year for d in periods["d28"]),
        "ytd": (date(2016, 1, 3), date(2017, 1, 1)),  # 364 days back, not the 366 days of 2016
    }
    for name, (first, last) in periods.items():
        current = _between(raw, first, last).groupby("District").size()
        previous = _between(raw, *prior[name]).groupby("District").size()
        for district in ("001", "011", "025"):
            assert table.loc[district, name] == current.get(district, 0)
            assert table.loc[district, f"{name}_prev"] == previous.get(district, 0)
        assert table.loc["Citywide", name] == len(_between(raw, first, last))


def duck_count(path, first: date, last: date) -> int:
    """Incidents of the raw CSV on days first..last, counted by DuckDB alone."""
    [(count,)] = duckdb.execute(
        f"""select count(*) from read_csv('{path}', all_varchar = true)
            where strptime("Date", '%m/%d/%Y %I:%M:%S %p') >= DATE '{first}'
              and strptime("Date", '%m/%d/%Y %I:%M:%S %p') < DATE '{last + timedelta(days=1)}'"""
    ).fetchall()
    return count


@pytest.mark.parametrize("where", ["store", "mirror"])
def test_kpis_and_compstat_give_one_year_ago_answer(stores, chicago_full, where):
    """2017 vs the year before: the KPI card said +31 (vs 2016-01-02..12-31) while CompStat's YTD
    said -1,021 (vs all 366 days of 2016). Both now compare with 364 days back, same weekdays."""
    year = FilterSnapshot(date_from=date(2017, 1, 1), date_to=END)
    with stores[where].connect() as conn:
        yearly = kpis(conn, year).kpis["total"]
        monthly = kpis(conn, FilterSnapshot(date_from=START, date_to=END)).kpis["total"]
        citywide = compstat(conn, year, "district", END).table.iloc[-1]
    back = timedelta(days=364)
    assert (
        yearly.year_ago
        == citywide["ytd_prev"]
        == duck_count(chicago_full, date(2016, 1, 3), date(2017, 1, 1))
    )
    assert yearly.current - yearly.year_ago == citywide["ytd_diff"]
    assert monthly.year_ago == citywide["d28_prev"] == duck_count(chicago_full, START - back, END - back)
    assert yearly.year_ago_test == citywide["ytd_test"]


@pytest.mark.parametrize("where", ["store", "mirror"])
def test_hour_grid_leaves_out_2017_placeholder_midnights(stores, chicago_full, where):
    with stores[where].connect() as conn:
        hours = hour_of_week(conn, FilterSnapshot(date_from=date(2017, 1, 1), date_to=END))
    [(midnights,)] = duckdb.execute(
        f"""select count(*) from read_csv('{chicago_full}', all_varchar = true)
            where "Date" like '%/2017 12:00:00 AM'"""
    ).fetchall()
    assert hours.time_unknown == midnights == 3_428
    assert hours.grid.sum() == duck_count(chicago_full, date(2017, 1, 1), END) - midnights
