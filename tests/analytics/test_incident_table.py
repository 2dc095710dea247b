"""The data table's details view names the quality flags in words."""

from sqlalchemy import select

from crimedesk.analytics.incident_table import incident_details
from crimedesk.ingest.pipeline import import_file
from crimedesk.storage.schema import incidents


def test_details_spell_out_quality_flags(sqlite_store, chicago_sample):
    import_file(sqlite_store, chicago_sample)
    with sqlite_store.connect() as conn:
        unmappable = conn.execute(select(incidents.c.id).where(incidents.c.source_key == "11227508")).scalar()
        details = incident_details(conn, unmappable)
    assert details["quality"] == "coords missing"
    assert details["case_number"] == "JB146365"
