"""Rows in conflict with a stored record, listed with the rejected rows and their raw text.

The writer finds conflicts (see :mod:`crimedesk.ingest.dedupe`) in the importing process, which
holds only the accepted values: the source text stays with the reading process. The few
conflicting records are read again from the file, by line number, when the import has written
everything (about 2 s for the 536k-row Chicago file, measured on the project's loaded 2-core
machine); a file without conflicts is not read again.
"""

from __future__ import annotations

import numpy as np

from crimedesk.ingest.lines import LineCounter
from crimedesk.ingest.rows import raw_lines
from crimedesk.ingest.source import FileFacts, RowSink, open_batches


def with_raw_text(facts: FileFacts, conflicts: list[tuple[int, str]]) -> list[tuple[int | None, str, str]]:
    """(line number, raw text, reason) for each (line number, reason) in ``conflicts``."""
    texts = _raw_records(facts, {line for line, _ in conflicts})
    return [(line, texts[line], reason) for line, reason in conflicts]


def _raw_records(facts: FileFacts, wanted: set[int]) -> dict[int, str]:
    """The records starting on the ``wanted`` lines, re-written as CSV as rejected rows are."""
    found: dict[int, str] = {}
    lines, sink = LineCounter(), RowSink()
    targets = np.fromiter(wanted, dtype=np.int64, count=len(wanted))
    for raw in open_batches(facts, sink):
        numbers, _malformed = lines.assign(raw, sink.take())
        rows = np.flatnonzero(np.isin(numbers, targets))
        found.update(zip(numbers[rows].tolist(), raw_lines(raw, rows), strict=True))
    return found
