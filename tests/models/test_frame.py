from datetime import date

import pandas as pd

from crimedesk.domain.filters import FilterSnapshot
from crimedesk.ingest.pipeline import import_file
from crimedesk.models.frame import MODEL_COLUMNS, data_fingerprint, incidents_frame


def test_frame_holds_the_canonical_columns_in_time_order(store, chicago_sample):
    import_file(store, chicago_sample)
    with store.connect() as conn:
        frame = incidents_frame(conn, chunk_rows=500)
    assert list(frame.columns) == list(MODEL_COLUMNS)
    assert len(frame) == 2426
    assert str(frame["occurred_from"].dtype) == "datetime64[ns]"
    assert frame["occurred_from"].is_monotonic_increasing
    assert frame["occurred_from"].min().year == 2017
    assert frame.loc[frame["mappable"], ["x", "y"]].notna().all().all()
    assert (frame.loc[frame["mappable"], "xy_epsg"] == 32616).all()  # UTM 16N metres
    assert set(frame["category"]) <= {"violent", "property", "drug", "other"}


def test_filters_and_columns_are_applied_in_sql(store, chicago_sample):
    import_file(store, chicago_sample)
    january = FilterSnapshot(date_from=date(2017, 1, 1), date_to=date(2017, 1, 31), categories={"violent"})
    with store.connect() as conn:
        frame = incidents_frame(conn, january, columns=["occurred_from", "category"])
        everything = data_fingerprint(conn)
        some = data_fingerprint(conn, january)
    assert list(frame.columns) == ["occurred_from", "category"]
    assert 0 < len(frame) < 2426
    assert (frame["category"] == "violent").all()
    assert frame["occurred_from"].max() < pd.Timestamp("2017-02-01")
    assert everything != some and len(everything) == 64
