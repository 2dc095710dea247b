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
    offsets = np.frombuffer(column.buffers()[1], dtype=np.int32)
    first, last = offsets[column.offset], offsets[column.offset + len(column)]
    data = column.buffers()[2]
    return data is not None and bool((np.frombuffer(data, dtype=np.uint8)[first:last] == ord("\n")).any())


class LineCounter:
    def __init__(self) -> None:
        self.next_record = 2  # record 1 is the header
        self.extra_newlines = 0  # newlines inside records before next_record

    def assign(self, raw: pa.RecordBatch, bad_rows: list[BadRow]) -> np.ndarray:
        """Line numbers of the good rows in ``raw``; also sets the line of each bad row."""
        bad_by_record = {row.line_number: row for row in bad_rows if row.line_number is not None}
        good_records = self._good_records(raw.num_rows, set(bad_by_record))
        last_good = int(good_records[-1]) + 1 if len(good_records) else self.next_record
        window_end = max([last_good, *[r + 1 for r in bad_by_record]])
        newlines = np.zeros(window_end - self.next_record, dtype=np.int64)
        newlines[good_records - self.next_record] = embedded_newlines(raw)
        for number, row in bad_by_record.items():
            newlines[number - self.next_record] = row.text.count("\n")
        before = self.extra_newlines + np.concatenate([[0], np.cumsum(newlines)[:-1]])
        lines = np.arange(self.next_record, window_end) + before
        for number, row in bad_by_record.items():
            row.line_number = int(lines[number - self.next_record])
        self.next_record = window_end
        self.extra_newlines += int(newlines.sum())
        return lines[good_records - (self.next_record - len(newlines))]

    def _good_records(self, count: int, bad: set[int]) -> np.ndarray:
        if not bad:
            return np.arange(self.next_record, self.next_record + count, dtype=np.int64)
        good, record = [], self.next_record
        while len(good) < count:
            if record not in bad:
                good.append(record)
            record += 1
        return np.array(good, dtype=np.int64)
