"""Physical line numbers for records, so a rejected row can be found in the file.

The CSV parser numbers records, not lines: a quoted field may span several lines, and malformed
records are handed to us separately (with their record number). Good records take the record
numbers the malformed ones did not, in order; each record's line is its record number plus the
newlines inside earlier records.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crimedesk.domain.arrow_buffers import offsets_and_bytes
from crimedesk.ingest.source import BadRow


def embedded_newlines(raw: pa.RecordBatch) -> np.ndarray:
    """Newlines inside each record's fields (most files have none: their columns are skipped fast)."""
    counts = np.zeros(raw.num_rows, dtype=np.int64)
    for column in raw.columns:
        if _may_hold_newline(column):
            counts += pc.count_substring(column, "\n").to_numpy(zero_copy_only=False)
    return counts


def _may_hold_newline(column: pa.Array) -> bool:
    """Whether the column's text bytes hold a newline, by one scan of its data buffer."""
    if not (pa.types.is_string(column.type) or pa.types.is_binary(column.type)) or len(column) == 0:
        return True  # not laid out as one 32-bit offset string buffer: count it the slow way
    offsets, data = offsets_and_bytes(column)
    return bool((data[offsets[0] : offsets[-1]] == ord("\n")).any())


class LineCounter:
    """Numbers the records batch by batch, in file order.

    The parser may report a malformed record while it still hands out earlier blocks: such a
    record waits here until the good records before it have been counted.
    """

    def __init__(self) -> None:
        self.next_record = 2  # record 1 is the header
        self.extra_newlines = 0  # newlines inside records before next_record
        self.waiting: dict[int, BadRow] = {}  # malformed records by record number, not yet placed

    def assign(
        self, raw: pa.RecordBatch, reported: list[BadRow], newlines: np.ndarray | None = None
    ) -> tuple[np.ndarray, list[BadRow]]:
        """Line numbers of the good rows in ``raw``, and the malformed records placed among or
        before them, their ``line_number`` now a line (those without a number come back at once).
        ``newlines``: ``embedded_newlines(raw)``, when the caller has it already."""
        unnumbered = self._take(reported)
        good = self._good_records(raw.num_rows)
        end = int(good[-1]) + 1 if len(good) else self.next_record
        newlines = embedded_newlines(raw) if newlines is None else newlines
        lines, placed = self._advance(end, good, newlines)
        return lines, unnumbered + placed

    def flush(self, reported: list[BadRow]) -> list[BadRow]:
        """At the end of the file: every malformed record still waiting, placed."""
        unnumbered = self._take(reported)
        end = max(self.waiting, default=self.next_record - 1) + 1
        _, placed = self._advance(end, np.empty(0, np.int64), np.empty(0, np.int64))
        return unnumbered + placed

    def _take(self, reported: list[BadRow]) -> list[BadRow]:
        """Numbered records wait for their place; those without a number are returned as they are."""
        self.waiting.update((row.line_number, row) for row in reported if row.line_number is not None)
        return [row for row in reported if row.line_number is None]

    def _advance(
        self, end: int, good: np.ndarray, good_newlines: np.ndarray
    ) -> tuple[np.ndarray, list[BadRow]]:
        """Number the records up to ``end``: the lines of ``good``, and the waiting rows placed."""
        start = self.next_record
        placed = [(number, self.waiting.pop(number)) for number in sorted(self.waiting) if number < end]
        newlines = np.zeros(end - start, dtype=np.int64)
        newlines[good - start] = good_newlines
        for number, row in placed:
            newlines[number - start] = row.text.count("\n")
        lines = np.arange(start, end) + self.extra_newlines + np.cumsum(newlines) - newlines
        for number, row in placed:
            row.line_number = int(lines[number - start])
        self.next_record = end
        self.extra_newlines += int(newlines.sum())
        return lines[good - start], [row for _, row in placed]

    def _good_records(self, count: int) -> np.ndarray:
        if not self.waiting:
            return np.arange(self.next_record, self.next_record + count, dtype=np.int64)
        good: list[int] = []
        record = self.next_record
        while len(good) < count:
            if record not in self.waiting:
                good.append(record)
            record += 1
        return np.array(good, dtype=np.int64)
