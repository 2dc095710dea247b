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

from crimedesk.ingest.string_hashes import row_hashes


@dataclass(frozen=True)
class Repeats:
    """Per row of a batch: the line of the earlier row with its key (-1: none) and whether the
    two rows' texts are the same."""

    first_line: np.ndarray
    same_text: np.ndarray

    @property
    def repeated(self) -> np.ndarray:
        return self.first_line >= 0


Run = tuple[np.ndarray, np.ndarray, np.ndarray]  # key hashes (sorted), first lines, text hashes


@dataclass
class RepeatTracker:
    """The keys of the file's rows so far, as sorted runs (each key in one run only).

    A run is merged with the last one only while that one is no larger (as a binary counter
    carries, like dedupe.KeyTracker), so a key is copied O(log n) times over the file and a batch
    is looked up in O(log n) runs. Re-sorting one array of every key per batch made the cost per
    row grow with the file: at 7 M rows it was a third of the reading process's time.
    """

    runs: list[Run] = field(default_factory=list)

    def split(self, keys: np.ndarray, texts: np.ndarray, lines: np.ndarray) -> Repeats:
        """Classify a batch's rows (key and text hashes, line numbers, in file order)."""
        n = len(keys)
        order = np.argsort(keys, kind="stable")
        k, t, ln = keys[order], texts[order], lines[order]
        starts = np.ones(n, dtype=bool)
        starts[1:] = k[1:] != k[:-1]
        group_first = np.maximum.accumulate(np.where(starts, np.arange(n), 0))
        first_line = np.where(starts, -1, ln[group_first])
        first_text = t[group_first]
        earlier = np.zeros(n, dtype=bool)
        for run_keys, run_lines, run_texts in self.runs:
            at = np.minimum(np.searchsorted(run_keys, k), len(run_keys) - 1)
            found = run_keys[at] == k
            if found.any():
                first_line = np.where(found, run_lines[at], first_line)
                first_text = np.where(found, run_texts[at], first_text)
                earlier |= found
        new = starts & ~earlier
        self._remember((k[new], ln[new], t[new]))
        result_line, result_same = np.empty(n, np.int64), np.empty(n, dtype=bool)
        result_line[order] = first_line
        result_same[order] = (first_line >= 0) & (t == first_text)
        return Repeats(result_line, result_same)

    def _remember(self, run: Run) -> None:
        if not len(run[0]):
            return
        while self.runs and len(self.runs[-1][0]) <= len(run[0]):
            last = self.runs.pop()
            merged = np.concatenate([last[0], run[0]])
            order = np.argsort(merged, kind="stable")  # two sorted runs: a merge
            lines, texts = (np.concatenate([a, b])[order] for a, b in zip(last[1:], run[1:], strict=True))
            run = (merged[order], lines, texts)
        self.runs.append(run)


def text_hashes(raw: pa.RecordBatch) -> np.ndarray:
    """64-bit hashes of each row's whole text (every column, as read)."""
    if not raw.num_columns:
        return np.zeros(raw.num_rows, dtype=np.int64)
    return row_hashes(raw.columns)
