"""A file that changes while it is imported (still being copied, or rewritten) fails the import
atomically: the bytes read are checked against the size, time and hash taken before reading."""

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from crimedesk.domain.errors import ImportFileError
from crimedesk.ingest import pipeline, source
from crimedesk.ingest.pipeline import import_file
from crimedesk.storage.schema import imports, incidents
from tests.ingest.helpers import count, rejected_count

CHANGED = "the file changed while it was read; import it again when it is complete"


def appended(path: Path) -> None:
    with path.open("ab") as handle:
        handle.write(path.read_bytes().split(b"\n", 1)[1][:200_000])


def truncated(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def rewritten(path: Path) -> None:
    """The same size, one row's digits changed: only the hash (and the time) tell."""
    data = path.read_bytes()
    cut = len(data) * 3 // 4
    path.write_bytes(data[:cut] + data[cut:].replace(b"2017", b"2016", 1))
    assert len(path.read_bytes()) == len(data)


@pytest.mark.parametrize("change", [appended, truncated, rewritten])
@pytest.mark.parametrize("reading", ["inline", "child"])
def test_a_file_changed_mid_import_fails_and_stores_nothing(
    store, tmp_path, chicago_sample, monkeypatch, change, reading
):
    monkeypatch.setattr(source, "BLOCK_SIZE", 16384)  # about 60 rows a block: tens of batches
    if reading == "child":
        monkeypatch.setattr(pipeline, "READ_IN_PROCESS_ROWS", 0)
    path = tmp_path / "copying.csv"
    path.write_bytes(chicago_sample.read_bytes())
    changes = []

    def change_once(_fraction: float, _message: str) -> None:
        if not changes:
            changes.append(change(path))

    with pytest.raises(ImportFileError, match=f"copying.csv: {CHANGED}"):
        import_file(store, path, progress=change_once)
    assert changes
    assert count(store, incidents) == rejected_count(store) == 0
    with store.connect() as conn:
        [(status, error)] = conn.execute(select(imports.c.status, imports.c.error))
    assert (status, error) == ("failed", f"copying.csv: {CHANGED}")


def test_an_unchanged_file_imported_twice_is_not_mistaken_for_a_changed_one(store, chicago_sample):
    first = import_file(store, chicago_sample)
    second = import_file(store, chicago_sample, again=True)
    assert (first.status, second.status, second.counts.unchanged) == ("ok", "ok", first.counts.inserted)
