"""CompStat WTD / 28-day / YTD vs one year earlier: a hand case across New Year, and real data."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest
from sqlalchemy import Engine

from crimedesk.analytics.compstat import CITYWIDE, compstat, compstat_periods
from crimedesk.analytics.sqltime import Period
from crimedesk.domain.filters import FilterSnapshot
from tests.analytics.incidents_frame import add_layer, hand_frame, load_incidents

AS_OF = date(2017, 1, 3)  # a Tuesday: the week began Monday 2017-01-02

HAND_ROWS = [
    ("A", "2017-01-03 23:59"),  # wtd, d28, ytd
    ("A", "2017-01-01 12:00"),  # Sunday: d28, ytd (previous week)
    ("A", "2016-12-31 12:00"),  # d28 only (last year)
    ("A", "2016-12-06 12:00"),  # one day before the 28 days
    ("A", "2017-01-04 00:00"),  # after as_of
    ("A", "2016-01-05 08:00"),  # wtd_prev, d28_prev, ytd_prev (Jan 3..5, 2016: 364 days back)
    ("A", "2016-01-02 08:00"),  # d28_prev only: a calendar year back, but not 364 days back
    ("A", "2015-12-09 00:00"),  # first day of d28_prev
    ("A", "2015-12-08 23:59"),  # just before it
    *[("B", "2016-01-04 09:00")] * 4,  # Monday 52 weeks earlier: wtd_prev, d28_prev, ytd_prev
    ("B", "2017-01-02 09:00"),  # wtd, d28, ytd
    (None, "2017-01-02 10:00"),  # no district: still counted citywide
]
EXPECTED = {  # region: wtd, wtd_prev, d28, d28_prev, ytd, ytd_prev
    "A": (1, 1, 3, 3, 2, 1),
    "B": (1, 4, 1, 4, 1, 4),
    None: (1, 0, 1, 0, 1, 0),
    CITYWIDE: (3, 5, 5, 7, 4, 5),
}
COLUMNS = ["wtd", "wtd_prev", "d28", "d28_prev", "ytd", "ytd_prev"]


def test_periods_cross_the_year_boundary() -> None:
    periods = compstat_periods(AS_OF)
    assert periods["wtd"] == (Period(date(2017, 1, 2), AS_OF), Period(date(2016, 1, 4), date(2016, 1, 5)))
    assert periods["d28"] == (
        Period(date(2016, 12, 7), AS_OF),
        Period(date(2015, 12, 9), date(2016, 1, 5)),
    )
    assert periods["ytd"] == (Period(date(2017, 1, 1), AS_OF), Period(date(2016, 1, 3), date(2016, 1, 5)))
    leap = compstat_periods(date(2016, 2, 29))["ytd"]
    assert leap[1] == Period(date(2015, 1, 2), date(2015, 3, 2)) and leap[0].days == leap[1].days == 60
    for current, previous in periods.values():
        assert current.days == previous.days and current.start.weekday() == previous.start.weekday()


def test_hand_case(store: Engine) -> None:
    frame = hand_frame([{"district": d, "occurred": t, "category": "violent"} for d, t in HAND_ROWS])
    load_incidents(store, frame)
    with store.connect() as conn:
        report = compstat(
            conn, FilterSnapshot(date_from=date(2000, 1, 1), date_to=date(2000, 1, 2)), "district", AS_OF
        )
        drugs_only = compstat(conn, FilterSnapshot(categories=frozenset({"drug"})), "district", AS_OF)
    table = report.table.set_index("region")
    assert list(table.index) == ["A", "B", None, CITYWIDE]  # the filter's own dates are ignored
    for region, counts in EXPECTED.items():
        assert tuple(table.loc[region, COLUMNS]) == counts, region
    b = table.loc["B"]
    assert (b["wtd_diff"], b["wtd_pct"], b["wtd_significant"]) == (-3, -75.0, False)
    assert b["wtd_test"].p_value == pytest.approx(0.375) and not b["wtd_test"].testable  # 1 vs 4
    assert table.loc["A", "d28_test"].p_value == 1.0 and not table.loc["A", "d28_significant"]
    assert table.loc[None, "wtd_test"] is None and not table.loc[None, "wtd_significant"]
    assert list(drugs_only.table["region"]) == [CITYWIDE] and drugs_only.table["ytd"].iloc[0] == 0


def test_no_region_row_is_never_tested(store: Engine) -> None:
    """12 vs 0 is significant for a district (p = 0.0005) but not for incidents in no region."""
    rows = [{"district": d, "occurred": "2017-01-02 10:00"} for d in ("A", None) for _ in range(12)]
    load_incidents(store, hand_frame(rows))
    with store.connect() as conn:
        table = compstat(conn, FilterSnapshot(), "district", AS_OF).table.set_index("region")
    assert table.loc["A", "wtd_significant"] and table.loc["A", "wtd_test"].p_value < 0.001
    assert table.loc[None, "wtd_test"] is None and not table.loc[None, "wtd_significant"]
    assert table.loc[CITYWIDE, "wtd_significant"]


def test_chicago_by_district_and_by_layer_match_duckdb(
    chicago_store: Engine, chicago_df: pd.DataFrame
) -> None:
    layer = add_layer(chicago_store)
    frame = chicago_df.assign(layer=chicago_df["source_key"].map(layer))  # noqa: F841 - DuckDB
    with chicago_store.connect() as conn:
        by_district_result = compstat(conn, FilterSnapshot(), "district", AS_OF)
        by_layer_result = compstat(conn, FilterSnapshot(mappable_only=True), 7, AS_OF)
    by_district, by_layer = by_district_result.table, by_layer_result.table
    assert by_district_result.basis == "the source's district codes"
    assert by_layer_result.basis == "test boundaries (points inside polygons)"
    for got, column, where in ((by_district, "district", "true"), (by_layer, "layer", "mappable")):
        expected = duckdb.sql(
            f"""select {column} region, count(*) filter (where occurred >= '2017-01-02') wtd,
                   count(*) d28, count(*) ytd from frame where {where} group by all"""
        ).df()
        expected = expected.fillna({"region": "-"}).set_index("region")
        regions = got.iloc[:-1].fillna({"region": "-"}).set_index("region")
        assert len(regions) == len(expected)
        for name in ("wtd", "d28", "ytd"):
            assert regions[name].to_dict() == expected[name].astype(int).to_dict(), (column, name)
            assert (regions[f"{name}_prev"] == 0).all() and regions[f"{name}_pct"].isna().all()
        assert got.iloc[-1]["region"] == CITYWIDE and got.iloc[-1]["d28"] == expected["d28"].sum()


def test_unknown_region_column_or_layer(store: Engine) -> None:
    with store.connect() as conn, pytest.raises(ValueError, match="unknown region column"):
        compstat(conn, FilterSnapshot(), "zipcode", AS_OF)
    with store.connect() as conn, pytest.raises(ValueError, match="boundary layer 99 does not exist"):
        compstat(conn, FilterSnapshot(), 99, AS_OF)


def test_rows_of_a_boundary_layer_carry_its_region_names(chicago_store: Engine, data_dir) -> None:
    import json

    from crimedesk.regions.store import import_boundary_layer

    path = data_dir / "chicago_community_areas.geojson"
    layer = import_boundary_layer(
        chicago_store, path, layer_name="Community areas", id_field="area_num_1", name_field="community"
    ).layer_id
    features = json.loads(path.read_text())["features"]
    truth = {f["properties"]["area_num_1"]: f["properties"]["community"] for f in features}
    with chicago_store.connect() as conn:
        table = compstat(conn, FilterSnapshot(), layer, AS_OF).table
        by_district = compstat(conn, FilterSnapshot(), "district", AS_OF).table
    places = table[table["region"].notna() & (table["region"] != CITYWIDE)]
    assert len(places) > 50 and list(places["name"]) == [truth[r] for r in places["region"]]
    assert "DOUGLAS" in set(places["name"]) and table["name"].iloc[-1] is None
    assert by_district["name"].isna().all()  # codes with no names
