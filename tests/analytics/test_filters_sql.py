"""where_clause: every filter and combinations, checked against pandas masks on the same frame."""

from __future__ import annotations

from datetime import date

import pandas as pd
import shapely
from sqlalchemy import Connection, Engine, func, select

from crimedesk.analytics.filters_sql import where_clause
from crimedesk.state.filters import FilterSnapshot, FilterState
from crimedesk.storage.schema import incidents
from tests.analytics.incidents_frame import add_layer

JAN2 = date(2017, 1, 2)
LAYER_IDS = ["04", "11"]
TRIANGLE = "POLYGON ((-87.70 41.75, -87.55 41.75, -87.62 41.95, -87.70 41.75))"
WITH_HOLE = (
    "POLYGON ((-87.80 41.70, -87.50 41.70, -87.50 42.00, -87.80 42.00, -87.80 41.70),"
    " (-87.70 41.80, -87.60 41.80, -87.60 41.90, -87.70 41.90, -87.70 41.80))"
)


def count(conn: Connection, filters: FilterSnapshot | FilterState) -> int:
    query = select(func.count()).select_from(incidents)
    return conn.execute(query.where(where_clause(filters, incidents))).scalar_one()


def inside(frame: pd.DataFrame, wkt: str) -> pd.Series:
    return pd.Series(shapely.contains_xy(shapely.from_wkt(wkt), frame["longitude"], frame["latitude"]))


def test_each_filter_matches_pandas(chicago_store: Engine, chicago_df: pd.DataFrame) -> None:
    df = chicago_df
    layer = add_layer(chicago_store)
    in_layer = df["source_key"].map(layer)
    street = df["location_description"].str.contains("STREET", na=False) | df["block"].str.contains("STREET")
    text = df["block"].str.contains("michigan", case=False) | df["location_description"].str.contains(
        "michigan", case=False, na=False
    )
    day = df["occurred"].dt.date
    cases = {
        "nothing": (FilterSnapshot(), df.index == df.index),
        "dates": (
            FilterSnapshot(date_from=date(2017, 1, 2), date_to=date(2017, 1, 2)),
            day == date(2017, 1, 2),
        ),
        "district": (
            FilterSnapshot(region_layer_id="district", region_ids=frozenset({"001", "011"})),
            df["district"].isin(["001", "011"]),
        ),
        "layer": (
            FilterSnapshot(region_layer_id=7, region_ids=frozenset({"04", "11"})),
            in_layer.isin(["04", "11"]),
        ),
        "categories": (
            FilterSnapshot(categories=frozenset({"violent", "drug"})),
            df["category"].isin(["violent", "drug"]),
        ),
        "offense": (FilterSnapshot(offense_types=frozenset({"THEFT"})), df["offense_type"] == "THEFT"),
        "text": (FilterSnapshot(text="  Michigan "), text),
        "mappable": (FilterSnapshot(mappable_only=True), df["mappable"]),
        "bbox": (
            FilterSnapshot(bbox=(-87.7, 41.8, -87.6, 41.9)),
            df["longitude"].between(-87.7, -87.6) & df["latitude"].between(41.8, 41.9),
        ),
        "triangle": (FilterSnapshot(polygon_wkt=TRIANGLE), inside(df, TRIANGLE)),
        "hole": (FilterSnapshot(polygon_wkt=WITH_HOLE), inside(df, WITH_HOLE)),
        "combined": (
            FilterSnapshot(
                date_from=date(2017, 1, 1),
                date_to=date(2017, 1, 2),
                region_layer_id="district",
                region_ids=frozenset({"008", "011", "004"}),
                categories=frozenset({"property", "other"}),
                text="street",
                mappable_only=True,
            ),
            (day <= date(2017, 1, 2))
            & df["district"].isin(["008", "011", "004"])
            & df["category"].isin(["property", "other"])
            & street
            & df["mappable"],
        ),
    }
    with chicago_store.connect() as conn:
        got = {name: count(conn, snapshot) for name, (snapshot, _) in cases.items()}
        assert count(conn, FilterState(cases["district"][0])) == got["district"]
    expected = {name: int(mask.sum()) for name, (_, mask) in cases.items()}
    assert got == expected
    assert 0 < expected["combined"] < expected["district"] < len(df)
    assert expected["triangle"] > 0 and 0 < expected["hole"] < expected["mappable"]


def test_text_wildcards_are_literal(chicago_store: Engine) -> None:
    with chicago_store.connect() as conn:
        assert count(conn, FilterSnapshot(text="%")) == 0
        assert count(conn, FilterSnapshot(text="_")) == 0
