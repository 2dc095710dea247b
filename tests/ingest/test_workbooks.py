"""Excel workbooks: a chosen sheet imported through the same profiles, rows numbered as in Excel,
recognised by their bytes whatever their name."""

import csv
import gzip
import re
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from crimedesk.cli import app
from crimedesk.domain.errors import ImportFileError
from crimedesk.ingest import pipeline
from crimedesk.ingest.pipeline import import_file
from crimedesk.ingest.preview import REASON, preview
from crimedesk.ingest.profiles import all_profiles
from crimedesk.ingest.source import inspect_file
from crimedesk.storage.engine import make_engine
from crimedesk.storage.schema import incidents
from tests.ingest.helpers import count, rejections

PORTAL = "%m/%d/%Y %I:%M:%S %p"


def sample_rows(sample: Path, count: int) -> list[list[str]]:
    with sample.open(newline="", encoding="utf-8") as handle:
        return [row for _, row in zip(range(count + 1), csv.reader(handle), strict=False)]


def write_workbook(sample: Path, path: Path, rows: int = 60) -> Path:
    """A notes sheet after an incidents sheet of the sample's first rows: dates as date cells,
    coordinates as numbers, codes as text (as an RMS writes them); row 5 has an impossible date."""
    header, *records = sample_rows(sample, rows)
    book = Workbook()
    sheet = book.active
    sheet.title = "Incidents"
    sheet.append(header)
    for record in records:
        cells: list[object] = list(record)
        cells[2] = datetime.strptime(record[2], PORTAL)
        cells[19:21] = [float(v) if v else None for v in record[19:21]]
        sheet.append(cells)
    sheet["C5"] = "02/30/2017 10:00:00 AM"
    book.create_sheet("Notes").append(["exported by", "RMS"])
    book.save(path)
    return path


def test_the_first_sheet_imports_through_the_chicago_profile(store, tmp_path, chicago_sample):
    path = write_workbook(chicago_sample, tmp_path / "export.xlsx")
    assert inspect_file(path).sheet == "Incidents"
    result = import_file(store, path)
    assert (result.profile, result.counts.rows_read, result.counts.inserted) == ("chicago", 60, 59)
    assert [r[:2] for r in rejections(store, result.import_id)] == [
        (5, "occurred '02/30/2017 10:00:00 AM' is not a real date")
    ]
    csv_copy = tmp_path / "export.csv"
    csv_copy.write_text("\n".join(chicago_sample.read_text().splitlines()[:61]) + "\n")
    again = import_file(store, csv_copy)  # the same rows from the CSV: every stored one unchanged
    assert (again.counts.unchanged, again.counts.updated, again.counts.inserted) == (59, 0, 1)


def test_a_renamed_workbook_is_known_by_its_bytes(store, tmp_path, chicago_sample, monkeypatch):
    monkeypatch.setattr(pipeline, "READ_IN_PROCESS_ROWS", 0)  # and read in the reading process
    path = write_workbook(chicago_sample, tmp_path / "export.xlsx").rename(tmp_path / "export.csv")
    assert import_file(store, path).counts.inserted == 59
    assert count(store, incidents) == 59


def test_a_sheet_is_chosen_by_name_and_a_missing_one_is_named(store, tmp_path, chicago_sample):
    path = write_workbook(chicago_sample, tmp_path / "export.xlsx")
    with pytest.raises(
        ImportFileError, match="no import profile fits this file's columns \\(exported by, RMS\\)"
    ):
        import_file(store, path, sheet="Notes")
    with pytest.raises(
        ImportFileError, match=re.escape("export.xlsx has no sheet 'Totals'; its sheets: Incidents, Notes")
    ):
        import_file(store, path, sheet="Totals")
    assert count(store, incidents) == 0


def test_the_cli_reads_the_chosen_sheet(tmp_path, chicago_sample):
    path = write_workbook(chicago_sample, tmp_path / "export.xlsx")
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    result = CliRunner().invoke(app, ["import", str(path), "--db", url, "--sheet", "Incidents"])
    assert result.exit_code == 0, result.output
    assert "reading export.xlsx as an Excel workbook, sheet 'Incidents'" in result.output
    assert "60 rows read = 59 inserted" in result.output
    assert count(make_engine(url), incidents) == 59


def test_a_sheet_previews_with_its_rows_and_rejections(tmp_path, chicago_sample):
    path = write_workbook(chicago_sample, tmp_path / "export.xlsx")
    frame = preview(path, all_profiles()["chicago"], rows=5)
    assert frame["line"].tolist() == [2, 3, 4, 5, 6]
    assert frame[REASON].tolist() == ["", "", "", "occurred '02/30/2017 10:00:00 AM' is not a real date", ""]
    assert frame["case_number"].tolist()[:3] == [row[1] for row in sample_rows(chicago_sample, 3)[1:]]


def test_date_and_time_cells_of_separate_columns_import_as_their_text_does(store, tmp_path, nypd_sample):
    """NYPD keeps the date and the time of day in two columns: as Excel date and time cells they
    once became '12/10/2009 00:00:00 11:30:00', and every row was rejected."""
    with gzip.open(nypd_sample, "rt", newline="", encoding="utf-8") as handle:
        header, *records = [row for _, row in zip(range(301), csv.reader(handle), strict=False)]
    dates = [header.index(name) for name in ("CMPLNT_FR_DT", "CMPLNT_TO_DT", "RPT_DT")]
    times = [header.index(name) for name in ("CMPLNT_FR_TM", "CMPLNT_TO_TM")]
    book = Workbook()
    book.active.append(header)
    for record in records:
        cells: list[object] = list(record)
        for column in dates:
            cells[column] = datetime.strptime(record[column], "%m/%d/%Y") if record[column] else None
        for column in times:
            cells[column] = datetime.strptime(record[column], "%H:%M:%S").time() if record[column] else None
        book.active.append(cells)
    book.save(tmp_path / "nypd.xlsx")
    from_cells = import_file(store, tmp_path / "nypd.xlsx").counts
    as_text = tmp_path / "nypd.csv"
    with as_text.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *records])
    from_text = import_file(store, as_text).counts
    assert from_cells.rows_read == 300 and from_cells.inserted > 290  # the sample's few bad rows apart
    text_counts = (from_text.inserted, from_text.updated, from_text.unchanged, from_text.rejected)
    assert text_counts == (0, 0, from_cells.inserted, from_cells.rejected)
