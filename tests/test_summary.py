from datetime import datetime

from sqlalchemy import insert

from crimedesk.storage.schema import boundary_layers
from crimedesk.storage.summary import store_label, store_summary
from tests.fill import add_import, add_incident


def test_empty_store(store):
    summary = store_summary(store)
    assert summary.is_empty
    assert summary.by_source == {}
    assert summary.first_occurred is None and summary.last_occurred is None
    assert summary.mappable_share is None
    assert summary.recent_imports == [] and summary.boundary_layers == []


def test_counts_span_share_and_history(store):
    with store.begin() as conn:
        first = add_import(conn, "chicago.csv", rows_read=4, inserted=3, rejected=1)
        second = add_import(
            conn, "nypd.csv.gz", profile="nypd", source="nypd", started_at=datetime(2024, 2, 1), rows_read=1
        )
        add_incident(conn, first, "a", datetime(2017, 1, 1, 0, 5))
        add_incident(conn, first, "b", datetime(2017, 3, 31, 23, 50), mappable=False)
        add_incident(conn, first, "c", datetime(2017, 2, 1, 12, 0))
        add_incident(conn, second, "a", datetime(2016, 12, 31, 22, 0), source="nypd", category="violent")
        conn.execute(
            insert(boundary_layers).values(
                name="police districts", source_file="d.json", id_field="dist", crs="EPSG:4326", loaded_at=0
            )
        )

    summary = store_summary(store)

    assert summary.total_incidents == 4
    assert summary.by_source == {"chicago": 3, "nypd": 1}
    assert summary.first_occurred == datetime(2016, 12, 31, 22, 0)
    assert summary.last_occurred == datetime(2017, 3, 31, 23, 50)
    assert summary.mappable_share == 0.75
    assert [r.file_name for r in summary.recent_imports] == ["nypd.csv.gz", "chicago.csv"]
    chicago = summary.recent_imports[1]
    assert (chicago.profile, chicago.status, chicago.rows_read, chicago.inserted, chicago.rejected) == (
        "chicago",
        "ok",
        4,
        3,
        1,
    )
    assert chicago.started_at == datetime(2024, 1, 1, 9, 0)
    assert summary.boundary_layers == ["police districts"]


def test_recent_imports_are_limited(store):
    with store.begin() as conn:
        for day in range(1, 6):
            add_import(conn, f"f{day}.csv", started_at=datetime(2024, 1, day))
    names = [r.file_name for r in store_summary(store, recent=3).recent_imports]
    assert names == ["f5.csv", "f4.csv", "f3.csv"]


def test_store_label_names_backend_and_place(store):
    label = store_label(store)
    if store.dialect.name == "sqlite":
        assert label == f"SQLite · {store.url.database}"
    else:
        assert label.startswith("PostgreSQL · postgres@127.0.0.1:5432/crimedesk_test_")
        assert "password" not in label
