"""After a copy the mirror holds exactly the store's rows, table by table, on both backends (real data)."""

import pytest

from crimedesk.analytics.mirror import MIRRORED, AnalyticsMirror
from crimedesk.ingest.pipeline import import_file
from crimedesk.regions.store import import_boundary_layer
from crimedesk.storage import mirror_read


def _normal(rows) -> list[tuple]:
    """Rows comparable across drivers (booleans as 0/1), in one order."""
    same = [tuple(int(v) if isinstance(v, bool) else v for v in row) for row in rows]
    return sorted(same, key=repr)


@pytest.mark.parametrize("batch_rows", [200_000, 7])  # 7: many batches, NULL-only first ones
def test_the_mirror_holds_every_row_of_every_mirrored_table(
    store, chicago_sample, nypd_sample, ucr_table, data_dir, monkeypatch, batch_rows
):
    monkeypatch.setattr(mirror_read, "CHUNK_ROWS", batch_rows)
    import_boundary_layer(
        store,
        data_dir / "chicago_police_districts_2012.geojson",
        layer_name="districts",
        id_field="DIST_NUM",
        incident_field="district",
    )
    import_file(store, chicago_sample)
    import_file(store, nypd_sample)
    import_file(store, ucr_table)
    mirror = AnalyticsMirror(store)
    try:
        assert mirror.sync()
        for table, names in MIRRORED.items():
            columns = ", ".join(names or table.c.keys())
            with store.connect() as conn:
                expected = _normal(conn.exec_driver_sql(f"SELECT {columns} FROM {table.name}").all())
            copied = _normal(mirror.file.db.execute(f"SELECT {columns} FROM {table.name}").fetchall())
            assert len(copied) == len(expected) > 0, table.name
            assert copied == expected, table.name
    finally:
        mirror.close()
