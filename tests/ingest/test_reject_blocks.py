"""Rejected rows are stored in compressed blocks and read back exactly: count, order, text."""

from __future__ import annotations

import csv
import io

import duckdb
import pytest
from sqlalchemy import func, select

from crimedesk.ingest import source
from crimedesk.ingest.pipeline import import_file
from crimedesk.ingest.rejected import count_rejected, export_rejected, list_rejected
from crimedesk.storage.schema import rejected_blocks, rejected_rows
from tests.ingest.helpers import rejected_count

EDITED = range(7, 2400, 50)  # data rows that come back without Updated On and with another block


@pytest.fixture
def small_batches(monkeypatch):
    """~20 KB blocks: the 2,426-row sample arrives in a couple of dozen batches."""
    monkeypatch.setattr(source, "BLOCK_SIZE", 20_000)


def _edited(chicago_sample, path, keyless_every: int, conflicting: range = range(0)) -> list[str]:
    """The sample with every ``keyless_every``-th row's ID removed and, for ``conflicting`` rows,
    no Updated On and another Block (a conflict with the stored row); returns the file's lines."""
    lines = chicago_sample.read_text(encoding="utf-8").splitlines()
    out = [lines[0]]
    for i, line in enumerate(lines[1:], start=1):
        fields = next(csv.reader([line]))
        if i in conflicting:
            fields[3], fields[18] = "000XX W EDITED ST", ""
        if i % keyless_every == 0:
            fields[0] = ""
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="").writerow(fields)
        out.append(buffer.getvalue())
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return out


def _keyless(path) -> int:
    query = f"SELECT count(*) - count(\"ID\") FROM read_csv('{path}', all_varchar = true)"
    with duckdb.connect() as conn:
        return conn.execute(query).fetchone()[0]


def test_rejects_read_back_as_the_input_lines_in_line_order(store, chicago_sample, tmp_path, small_batches):
    import_file(store, chicago_sample)
    path = tmp_path / "again.csv"
    lines = _edited(chicago_sample, path, keyless_every=10, conflicting=EDITED)
    result = import_file(store, path)
    keyless = _keyless(path)
    conflicts = sum(1 for i in EDITED if i % 10)  # a keyless edited row is rejected, not a conflict
    assert (result.counts.rejected, result.counts.conflicts) == (keyless, conflicts)
    with store.connect() as conn:
        listed = list_rejected(conn, result.import_id, limit=10**6)
        assert count_rejected(conn, result.import_id) == len(listed) == keyless + conflicts
        pages = [list_rejected(conn, result.import_id, limit=37, offset=o) for o in range(0, len(listed), 37)]
        blocks = conn.execute(select(func.count()).select_from(rejected_blocks)).scalar_one()
        legacy = conn.execute(select(func.count()).select_from(rejected_rows)).scalar_one()
    assert [row for page in pages for row in page] == listed
    assert [row.line_number for row in listed] == sorted(row.line_number for row in listed)
    assert all(row.raw_text == lines[row.line_number - 1] for row in listed)  # byte for byte
    reasons = {row.line_number: row.reasons for row in listed}
    assert sum(reason.startswith("conflict") for reason in reasons.values()) == conflicts
    assert blocks > 2 and legacy == 0  # several batches, each a block; nothing row by row


def test_the_export_holds_every_reject_in_line_order(store, chicago_sample, tmp_path, small_batches):
    path = tmp_path / "keyless.csv"
    lines = _edited(chicago_sample, path, keyless_every=7)
    result = import_file(store, path)
    exported = tmp_path / "rejects.csv"
    assert export_rejected(store, result.import_id, exported) == _keyless(path) == rejected_count(store)
    with exported.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["raw_text"] for row in rows] == [lines[int(row["line_number"]) - 1] for row in rows]
    assert [int(row["line_number"]) for row in rows] == [i + 1 for i in range(7, len(lines), 7)]
