"""`crimedesk import --delimiter --encoding`: the format read is shown, sniffed or chosen."""

from typer.testing import CliRunner

from crimedesk.cli import app
from crimedesk.storage.engine import make_engine
from crimedesk.storage.schema import incidents
from tests.ingest.helpers import count
from tests.ingest.test_text_formats import rms_export

runner = CliRunner()


def test_a_semicolon_cp1252_export_imports_sniffed_and_chosen(tmp_path, chicago_sample):
    path = rms_export(chicago_sample, tmp_path / "rms.csv", ";", "cp1252")
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    sniffed = runner.invoke(app, ["import", str(path), "--db", url])
    assert sniffed.exit_code == 0, sniffed.output
    assert "reading rms.csv as cp1252, delimiter ';'" in sniffed.output
    assert "40 rows read = 40 inserted" in sniffed.output
    chosen = runner.invoke(
        app, ["import", str(path), "--db", url, "--delimiter", ";", "--encoding", "latin1", "--again"]
    )
    assert chosen.exit_code == 0, chosen.output
    assert "reading rms.csv as latin-1, delimiter ';'" in chosen.output
    assert "40 rows read = 0 inserted + 0 updated + 40 unchanged" in chosen.output
    assert count(make_engine(url), incidents, incidents.c.location_description == "CAFÉ ÑORTE") == 1


def test_a_tab_delimiter_is_named_and_a_bad_choice_is_an_error(tmp_path, chicago_sample):
    path = rms_export(chicago_sample, tmp_path / "rms.tsv", "\t", "utf-8")
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    tabbed = runner.invoke(app, ["import", str(path), "--db", url, "--delimiter", "tab"])
    assert "reading rms.tsv as utf-8, delimiter tab" in tabbed.output and tabbed.exit_code == 0
    wrong = runner.invoke(app, ["import", str(path), "--db", url, "--encoding", "ebcdic"])
    assert wrong.exit_code == 1 and "unknown or unsupported encoding 'ebcdic'" in wrong.output
