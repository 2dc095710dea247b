"""where_clause: every filter and combinations, checked against pandas masks on the same frame."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
import shapely
from sqlalchemy import Connection, Engine, create_engine, func, literal, select

from crimedesk.analytics.filters_sql import polygon_condition, sum_parity, where_clause
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.storage.schema import incidents
from tests.analytics.incidents_frame import add_layer, hand_frame, load_incidents

JAN2 = date(2017, 1, 2)
LAYER_IDS = ["04", "11"]
TRIANGLE = "POLYGON ((-87.70 41.75, -87.55 41.75, -87.62 41.95, -87.70 41.75))"
WITH_HOLE = (
    "POLYGON ((-87.80 41.70, -87.50 41.70, -87.50 42.00, -87.80 42.00, -87.80 41.70),"
    " (-87.70 41.80, -87.60 41.80, -87.60 41.90, -87.70 41.90, -87.70 41.80))"
)


def count(conn: Connection, filters: FilterSnapshot) -> int:
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
    hour, weekday = df["occurred"].dt.hour, df["occurred"].dt.day_of_week
    case_number = df["case_number"].iloc[10]
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
        "case number": (
            FilterSnapshot(text=case_number.lower()),
            df["case_number"].str.contains(case_number, case=False, na=False) | _in_text(df, case_number),
        ),
        "day hours": (FilterSnapshot(hours=(8, 17)), hour.between(8, 16)),
        "night hours": (FilterSnapshot(hours=(22, 6)), (hour >= 22) | (hour < 6)),
        "to midnight": (FilterSnapshot(hours=(18, 0)), hour >= 18),
        "weekend": (FilterSnapshot(weekdays=frozenset({5, 6})), weekday >= 5),
        "weekday nights": (
            FilterSnapshot(hours=(22, 6), weekdays=frozenset({0, 1, 2, 3, 4}), categories={"violent"}),
            ((hour >= 22) | (hour < 6)) & (weekday < 5) & (df["category"] == "violent"),
        ),
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
    expected = {name: int(mask.sum()) for name, (_, mask) in cases.items()}
    assert got == expected
    assert 0 < expected["combined"] < expected["district"] < len(df)
    assert expected["triangle"] > 0 and 0 < expected["hole"] < expected["mappable"]
    assert expected["case number"] == 1
    assert 0 < expected["weekday nights"] < expected["night hours"] < len(df) - expected["day hours"]


def _in_text(df: pd.DataFrame, needle: str) -> pd.Series:
    block = df["block"].str.contains(needle, case=False, regex=False, na=False)
    return block | df["location_description"].str.contains(needle, case=False, regex=False, na=False)


def test_text_wildcards_are_literal(chicago_store: Engine) -> None:
    with chicago_store.connect() as conn:
        assert count(conn, FilterSnapshot(text="%")) == 0
        assert count(conn, FilterSnapshot(text="_")) == 0


def test_detailed_polygon_matches_shapely(store: Engine) -> None:
    angles = np.linspace(0, 2 * np.pi, 200, endpoint=False)
    radius = 0.1 * (1 + 0.3 * np.sin(7 * angles))
    wkt = shapely.Polygon(np.c_[-87.65 + radius * np.cos(angles), 41.85 + radius * np.sin(angles)]).wkt
    rng = np.random.default_rng(7)
    points = pd.DataFrame(
        {"longitude": rng.uniform(-87.8, -87.5, 100), "latitude": rng.uniform(41.7, 42.0, 100)}
    )
    load_incidents(store, hand_frame([{"occurred": "2017-01-01", **p} for p in points.to_dict("records")]))
    with store.connect() as conn:
        assert count(conn, FilterSnapshot(polygon_wkt=wkt)) == inside(points, wkt).sum() > 10


def test_crossing_parity_stays_shallow_for_sqlite() -> None:
    """A naive sum of 1,500 terms exceeds SQLite's expression depth limit of 1,000."""
    terms = [literal(1)] * 1499 + [literal(0)]
    with create_engine("sqlite://").connect() as conn:
        assert conn.execute(select(sum_parity(terms))).scalar_one() == 1


def test_polygon_limits() -> None:
    with pytest.raises(ValueError, match="simplify"):
        polygon_condition(incidents, shapely.Point(0, 0).buffer(1, quad_segs=600).wkt)
    with pytest.raises(ValueError, match="Polygon"):
        polygon_condition(incidents, "POINT (0 0)")
