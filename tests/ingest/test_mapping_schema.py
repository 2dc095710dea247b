"""Issue 21: the mapping file is checked field by field with messages that say the fix, a starter
mapping is written from a file's header, and keys too long for the column are hashed."""

from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from crimedesk.cli import app
from crimedesk.domain.errors import ProfileNotFoundError
from crimedesk.ingest.keys import HASHED_PREFIX, KEY_LIMIT
from crimedesk.ingest.mapping_schema import FIELDS, MappingError
from crimedesk.ingest.mappings import ColumnMapping, save_mapping
from crimedesk.ingest.pipeline import import_file
from crimedesk.ingest.profiles.base import normalize_header
from crimedesk.storage.schema import incidents
from tests.generic_csv import MAPPING as GENERIC
from tests.generic_csv import write_generic_csv
from tests.ingest.helpers import count
from tests.keyless_csv import COLUMNS, MAPPING, write_keyless_csv

runner = CliRunner()
GOOD = json.loads(MAPPING.to_json())


def _error(data: object) -> str:
    with pytest.raises(MappingError) as caught:
        ColumnMapping.from_json(json.dumps(data))
    return str(caught.value)


def test_errors_name_the_field_and_the_fix():
    assert "field 'name' is missing or empty: give the mapping's name" in _error({})
    assert "a mapping is a JSON object" in _error(["name"])
    assert "unknown field 'lat'; the fields are: name, source, key" in _error(GOOD | {"lat": "Lat"})
    assert "field 'time_resolution' is 'daily'; use \"minute\" or \"hour\"" in _error(
        GOOD | {"time_resolution": "daily"}
    )
    assert "field 'bbox' must be [min_lon, min_lat" in _error(GOOD | {"bbox": [1, 2, 3]})
    assert "each minimum below its maximum" in _error(GOOD | {"bbox": [-87, 42, -88, 41]})
    assert "field 'latitude' must be a text" in _error(GOOD | {"latitude": 3})
    assert "needs the hour in date_format" in _error(GOOD | {"date_format": "%Y-%m-%d"})
    with pytest.raises(MappingError, match="not JSON"):
        ColumnMapping.from_json("{")


def test_a_key_is_a_column_a_list_or_none():
    assert ColumnMapping.from_json(json.dumps(GOOD | {"key": "Address"})).key == ("Address",)
    assert ColumnMapping.from_json(json.dumps(GOOD | {"key": ["Date", "Hour"]})).key == ("Date", "Hour")
    keyless = ColumnMapping.from_json(json.dumps(GOOD | {"key": "none"}))
    assert keyless.key == () and keyless.to_profile().content_key
    assert ColumnMapping.from_json(keyless.to_json()) == keyless
    assert set(FIELDS) == {f for f in ColumnMapping.__dataclass_fields__}  # every field documented


def test_the_cli_saves_a_mapping_written_with_a_byte_order_mark(tmp_path):
    """As Windows Notepad writes UTF-8 files."""
    spec, url = tmp_path / "m.json", f"sqlite:///{tmp_path / 's.db'}"
    spec.write_text(MAPPING.to_json(), encoding="utf-8-sig")
    result = runner.invoke(app, ["mapping", "save", str(spec), "--db", url])
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["mapping", "list", "--db", url]).output.startswith(f"{MAPPING.name}:")


def test_the_cli_refuses_an_empty_mapping_without_a_traceback(tmp_path):
    spec = tmp_path / "m.json"
    spec.write_text("{}")
    result = runner.invoke(app, ["mapping", "save", str(spec), "--db", f"sqlite:///{tmp_path / 's.db'}"])
    assert result.exit_code == 1 and "field 'name' is missing" in result.output
    assert "Traceback" not in result.output


def test_a_template_from_the_header_imports_the_keyless_file(tmp_path, chicago_sample):
    path = tmp_path / "springfield.csv"
    write_keyless_csv(chicago_sample, path)
    spec, url = tmp_path / "mapping.json", f"sqlite:///{tmp_path / 's.db'}"
    assert runner.invoke(app, ["mapping", "template", str(path), "-o", str(spec)]).exit_code == 0
    written = json.loads(spec.read_text())
    assert {
        k: written[k] for k in ("key", "occurred", "occurred_time", "date_format", "time_resolution")
    } == {
        "key": "none",
        "occurred": "Date",
        "occurred_time": "Hour",
        "date_format": "%Y-%m-%d %H",
        "time_resolution": "hour",
    }
    assert runner.invoke(app, ["mapping", "save", str(spec), "--db", url]).exit_code == 0
    result = runner.invoke(app, ["import", str(path), "--profile", "mapping:springfield", "--db", url])
    assert result.exit_code == 0 and "0 updated" in result.output and "0 rejected" in result.output


def test_a_key_longer_than_the_column_is_hashed_never_rejected(store, tmp_path, chicago_sample):
    path = tmp_path / "keyless.csv"
    written = write_keyless_csv(chicago_sample, path)
    whole_row = replace(MAPPING, name="whole_row", key=tuple(COLUMNS))
    save_mapping(store, whole_row)
    counts = import_file(store, path, profile="mapping:whole_row").counts
    assert counts.rejected == 0 and counts.inserted + counts.duplicates + counts.conflicts == len(written)
    with store.connect() as conn:
        longest = conn.execute(select(func.max(func.length(incidents.c.source_key)))).scalar()
        hashed = conn.execute(
            select(func.count()).where(incidents.c.source_key.startswith(HASHED_PREFIX))
        ).scalar()
    assert longest <= KEY_LIMIT and hashed > 0


@pytest.mark.parametrize(
    ("field", "column"),
    [
        ("occurred_to", "Tatzeit Ende"),
        ("arrest", "Festnahme"),
        ("domestic", "Haeuslich"),
        ("category_column", "Kategorie"),
    ],
)
def test_a_mapped_column_the_file_lacks_is_named_not_read_as_empty(
    store, tmp_path, chicago_sample, field, column
):
    """Every column a mapping names must be in the file: a missing one was read as empty (no end
    time, no arrests stored) or failed with a schema error."""
    save_mapping(store, replace(GENERIC, name="with_missing", **{field: column}))
    path = write_generic_csv(chicago_sample, tmp_path / "generic.csv")
    missing = f"mapping:with_missing .*: missing {normalize_header(column)}"
    with pytest.raises(ProfileNotFoundError, match=missing):
        import_file(store, path)
    assert count(store, incidents) == 0


@pytest.mark.parametrize(
    ("rows", "written_as", "guessed"),
    [
        (20_000, "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M"),
        (20_000, "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M"),
        (200, "%d/%m/%Y %H:%M", ""),  # 1 and 2 January only: 02/01 could be either
    ],
    ids=["day first", "month first", "cannot tell"],
)
def test_a_template_tells_day_first_from_month_first_or_leaves_it_to_the_analyst(
    tmp_path, chicago_full, rows, written_as, guessed
):
    """The first rows of 2016, their dates re-written: a day past the 12th tells the order."""
    frame = pd.read_csv(chicago_full, nrows=rows, usecols=["ID", "Date", "Primary Type"], dtype=str)
    stamps = pd.to_datetime(frame["Date"], format="%m/%d/%Y %I:%M:%S %p")
    frame["Date"] = stamps.dt.strftime(written_as)
    path, spec = tmp_path / "city.csv", tmp_path / "mapping.json"
    frame.to_csv(path, index=False)
    assert runner.invoke(app, ["mapping", "template", str(path), "-o", str(spec)]).exit_code == 0
    assert json.loads(spec.read_text())["date_format"] == guessed
