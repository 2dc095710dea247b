"""A file whose every row is rejected is not a success: its own status, and a failing CLI exit."""

from pathlib import Path

from typer.testing import CliRunner

from crimedesk.cli import app
from crimedesk.ingest.history import REJECTED_ALL
from crimedesk.ingest.pipeline import import_file
from crimedesk.storage.schema import incidents
from tests.ingest.helpers import count, import_row, rejections

BAD = Path(__file__).resolve().parents[1] / "bad_files"
ACCEPTED = "(accepted, one per file: MM/DD/YYYY hh:mm:ss AM, YYYY-MM-DDTHH:mm:ss)"


def test_every_row_rejected_is_recorded_as_rejected_all(store):
    result = import_file(store, BAD / "all_rejected.csv")
    assert result.status == REJECTED_ALL
    assert (result.counts.rows_read, result.counts.rejected, result.counts.inserted) == (5, 5, 0)
    assert import_row(store, result.import_id).status == REJECTED_ALL
    assert count(store, incidents) == 0
    reasons = [reason for _line, reason, _raw in rejections(store, result.import_id)]
    assert reasons[0] == (
        f"occurred 'Jan 1 2017 10:00 AM' does not match MM/DD/YYYY hh:mm:ss AM, this file's format {ACCEPTED}"
    )
    assert len(reasons) == 5 and all(reason.endswith(ACCEPTED) for reason in reasons)


def test_a_partly_rejected_file_is_ok(store):
    result = import_file(store, BAD / "mixed_date_formats.csv")
    assert (result.status, result.counts.rejected) == ("ok", 7)


def test_the_cli_fails_and_lists_the_status(tmp_path):
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    runner = CliRunner()
    result = runner.invoke(app, ["import", str(BAD / "all_rejected.csv"), "--db", url])
    assert result.exit_code == 1, result.output
    assert "5 rows read = 0 inserted + 0 updated + 0 unchanged + 5 rejected" in result.output
    assert "every row of all_rejected.csv was rejected, nothing was stored" in result.output
    assert "crimedesk rejected 1" in result.output
    history = runner.invoke(app, ["imports", "--db", url], env={"COLUMNS": "250"})
    assert REJECTED_ALL in history.output
