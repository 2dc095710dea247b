"""The canonical column lists agree with the incidents table they describe."""

from crimedesk.domain.columns import IMPORTED_COLUMNS, SOURCE_REGION_COLUMNS, SOURCE_TEXT_COLUMNS
from crimedesk.storage.schema import incidents


def test_an_import_writes_every_incident_column_but_the_stores_own() -> None:
    assert len(set(IMPORTED_COLUMNS)) == len(IMPORTED_COLUMNS)
    assert set(incidents.c.keys()) - set(IMPORTED_COLUMNS) == {"id", "import_id"}
    assert set(IMPORTED_COLUMNS) <= set(incidents.c.keys())


def test_region_and_text_columns_are_stored_text_columns() -> None:
    assert set(SOURCE_REGION_COLUMNS) <= set(SOURCE_TEXT_COLUMNS) <= set(IMPORTED_COLUMNS)
    for name in SOURCE_TEXT_COLUMNS:
        assert incidents.c[name].type.python_type is str, name
