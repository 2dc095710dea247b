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


def test_details_in_plain_words_match_the_source_row(sqlite_store, chicago_sample):
    import pandas as pd

    from crimedesk.analytics.incident_words import incident_fields, incident_title

    import_file(sqlite_store, chicago_sample)
    source = pd.read_csv(chicago_sample, dtype=str).dropna(subset=["Latitude"])
    row = source[source["Arrest"] == "true"].iloc[0]
    with sqlite_store.connect() as conn:
        incident_id = conn.execute(select(incidents.c.id).where(incidents.c.source_key == row["ID"])).scalar()
        details = incident_details(conn, incident_id)
    fields = dict(incident_fields(details))
    assert incident_title(details) == f"Case {row['Case Number']}"
    assert fields["Case number"] == row["Case Number"] and fields["Arrest"] == "yes"
    assert fields["Domestic"] == ("yes" if row["Domestic"] == "true" else "no")
    assert (
        fields["Latitude"] == f"{float(row['Latitude']):.5f}" and len(fields["Longitude"].split(".")[1]) == 5
    )
    occurred = pd.to_datetime(row["Date"], format="%m/%d/%Y %I:%M:%S %p")
    assert fields["Occurred"] == occurred.strftime("%Y-%m-%d %H:%M")
    assert fields["Shown on the map"] == "yes" and fields["Data quality"] == "none"
    shown = set(fields) | set(fields.values())
    internal = (str(incident_id), row["ID"], str(details["import_id"]), "source_key", "import_id", "id")
    assert not shown & set(internal)  # no row id, source key, import run id or column names
    assert all(label[0].isupper() and "_" not in label for label in fields)
