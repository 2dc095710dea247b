"""The very same file imported again is recognised by its sha256 and nothing is stored again."""

from __future__ import annotations

import pytest

from crimedesk.domain.errors import AlreadyImported
from crimedesk.ingest.pipeline import import_file
from crimedesk.storage.schema import imports, incidents
from tests.ingest.helpers import count, rejected_count


def _with_keyless_rows(chicago_sample, path):
    """The sample with every hundredth row's ID removed (rejected by the Chicago profile)."""
    lines = chicago_sample.read_text(encoding="utf-8").splitlines()
    edited = ["," + line.partition(",")[2] if i % 100 == 1 else line for i, line in enumerate(lines)]
    path.write_text("\n".join(edited) + "\n", encoding="utf-8")
    return path, sum(1 for i in range(1, len(lines)) if i % 100 == 1)


def test_an_identical_file_stores_nothing_again_unless_asked(store, chicago_sample, tmp_path):
    path, keyless = _with_keyless_rows(chicago_sample, tmp_path / "export.csv")
    first = import_file(store, path)
    assert first.counts.rejected == keyless == rejected_count(store)
    copy = tmp_path / "renamed copy.csv"
    copy.write_bytes(path.read_bytes())
    before = count(store, imports), count(store, incidents), rejected_count(store)
    for same in (path, copy):  # known by its bytes, not its name
        with pytest.raises(AlreadyImported, match=f"import {first.import_id}"):
            import_file(store, same)
    assert (count(store, imports), count(store, incidents), rejected_count(store)) == before
    asked = import_file(store, copy, again=True)
    assert (asked.counts.unchanged, asked.counts.rejected) == (first.counts.inserted, keyless)


def test_a_changed_file_is_imported(store, chicago_sample, tmp_path):
    import_file(store, chicago_sample)
    changed = tmp_path / chicago_sample.name
    changed.write_bytes(chicago_sample.read_bytes() + b"\n")  # one more byte: another file
    assert import_file(store, changed).counts.unchanged == count(store, incidents)
