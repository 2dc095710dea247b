"""Keys seen again within one file: exact repeats are duplicates, differing rows are conflicts.

Within a file a key seen again is never an update: the first row with a key is the one stored;
a later row with that key and the very same text is a duplicate of it, one with other text a
conflict. Both are kept out, counted and listed with the line they repeat. Keys and row texts are
compared through 64-bit hashes kept sorted (three numbers per distinct key of the file); two
different keys sharing a hash, about once in 10^8 files of a million rows, would be taken as one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crimedesk.ingest.rows import string_hashes

RAW_SEPARATOR = "\x1f"


@dataclass(frozen=True)
class Repeats:
    """Per row of a batch: the line of the earlier row with its key (-1: none) and whether the
    two rows' texts are the same."""

    first_line: np.ndarray
    same_text: np.ndarray

    @property
    def repeated(self) -> np.ndarray:
        return self.first_line >= 0


@dataclass
class RepeatTracker:
    keys: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))  # sorted
    lines: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))  # first line per key
    texts: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))  # its text's hash

    def split(self, keys: np.ndarray, texts: np.ndarray, lines: np.ndarray) -> Repeats:
        """Classify a batch's rows (key and text hashes, line numbers, in file order)."""
        n = len(keys)
        order = np.argsort(keys, kind="stable")
        k, t, ln = keys[order], texts[order], lines[order]
        at = np.minimum(np.searchsorted(self.keys, k), max(len(self.keys) - 1, 0))
        earlier = self.keys[at] == k if len(self.keys) else np.zeros(n, dtype=bool)
        starts = np.ones(n, dtype=bool)
        starts[1:] = k[1:] != k[:-1]
        group_first = np.maximum.accumulate(np.where(starts, np.arange(n), 0))
        first_line = np.where(starts, -1, ln[group_first])
        first_text = t[group_first]
        if earlier.any():
            first_line = np.where(earlier, self.lines[at], first_line)
            first_text = np.where(earlier, self.texts[at], first_text)
        new = starts & ~earlier
        self._remember(k[new], ln[new], t[new])
        result_line, result_same = np.empty(n, np.int64), np.empty(n, dtype=bool)
        result_line[order] = first_line
        result_same[order] = (first_line >= 0) & (t == first_text)
        return Repeats(result_line, result_same)

    def _remember(self, keys: np.ndarray, lines: np.ndarray, texts: np.ndarray) -> None:
        merged = np.concatenate([self.keys, keys])
        order = np.argsort(merged, kind="stable")
        self.keys = merged[order]
        self.lines = np.concatenate([self.lines, lines])[order]
        self.texts = np.concatenate([self.texts, texts])[order]


def text_hashes(raw: pa.RecordBatch) -> np.ndarray:
    """64-bit hashes of each row's whole text (every column, as read)."""
    cells = [pc.fill_null(column, "") for column in raw.columns]
    if not cells:
        return np.zeros(raw.num_rows, dtype=np.int64)
    joined = cells[0] if len(cells) == 1 else pc.binary_join_element_wise(*cells, RAW_SEPARATOR)
    return string_hashes(joined)
