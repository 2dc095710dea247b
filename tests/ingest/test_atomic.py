"""An import is all or nothing: cancel, crash or error leave the store as it was."""

import pytest
from sqlalchemy import select

import crimedesk.ingest.source as source
import crimedesk.ingest.writer as writer
from crimedesk.domain.errors import ImportCancelled
from crimedesk.ingest import history
from crimedesk.ingest.pipeline import import_file
from crimedesk.storage.engine import make_engine
from crimedesk.storage.schema import imports, incident_regions, incidents
from tests.ingest.helpers import cancel_after, count, rejected_count, rejections
from tests.layers import import_districts


@pytest.fixture
def small_batches(monkeypatch):
    """~20 KB blocks: the 2,426-row sample arrives in a couple of dozen batches."""
    monkeypatch.setattr(source, "BLOCK_SIZE", 20_000)


def _attempts(store):
    with store.connect() as conn:
        query = select(imports.c.status, imports.c.error).order_by(
            imports.c.id
        )  # PostgreSQL's heap order moves
        return [(r.status, r.error) for r in conn.execute(query)]


def test_cancel_half_way_rolls_everything_back(store, chicago_sample, small_batches):
    with pytest.raises(ImportCancelled):
        import_file(store, chicago_sample, cancel=cancel_after(3))
    assert count(store, incidents) == 0 and rejected_count(store) == 0
    assert _attempts(store) == [("cancelled", "cancelled by the user; nothing was changed")]


def test_a_crash_half_way_rolls_back_and_is_recorded(
    store, chicago_sample, small_batches, monkeypatch, data_dir
):
    import_districts(store, data_dir)
    import_file(store, chicago_sample)  # a first import that must survive the failed second one
    before = count(store, incidents), count(store, incident_regions)
    original = writer.IncidentWriter.write
    calls = []

    def failing(self, *args):
        calls.append(1)
        if len(calls) == 3:
            raise OSError("disk full")
        return original(self, *args)

    monkeypatch.setattr(writer.IncidentWriter, "write", failing)
    changed = chicago_sample.parent / chicago_sample.name  # same rows: all would be unchanged
    with pytest.raises(OSError, match="disk full"):
        import_file(store, changed, again=True)
    assert (count(store, incidents), count(store, incident_regions)) == before
    assert _attempts(store)[-1] == ("failed", "disk full")  # words, not "OSError: disk full"


def test_many_batches_reconcile_and_number_lines_like_one(store, chicago_sample, small_batches, tmp_path):
    lines = chicago_sample.read_text().splitlines()
    lines[2000] = lines[2000].replace("/2017 ", "/2999 ", 1)  # one future date deep in the file
    path = tmp_path / "deep.csv"
    path.write_text("\n".join(lines) + "\n")
    result = import_file(store, path)
    assert result.counts.reconciles() and result.counts.rejected == 1
    ((line, reasons, _raw),) = rejections(store, result.import_id)
    assert (line, reasons) == (2001, "occurred is in the future")


def test_an_end_that_cannot_be_recorded_keeps_the_error_that_ended_the_import(
    store, chicago_sample, small_batches, monkeypatch
):
    """A full disk can fail the import and then its record: the first error is the one raised."""

    def full(*_args):
        raise OSError("disk full")

    def cannot_record(*_args):
        raise RuntimeError("database or disk is full")

    monkeypatch.setattr(writer.IncidentWriter, "write", full)
    monkeypatch.setattr(history, "fail", cannot_record)
    with pytest.raises(OSError, match=r"^disk full$"):
        import_file(store, chicago_sample)
    assert [status for status, _ in _attempts(store)] == ["running"]
    make_engine(store.url.render_as_string(hide_password=False)).dispose()  # the next open
    assert [status for status, _ in _attempts(store)] == ["abandoned"]
    assert count(store, incidents) == 0
