"""Source keys: the profile's key columns joined, or for sources without ids a content key.

A content key is a hash of the normalised row (the columns the profile reads, in name order:
trimmed, lower-cased, runs of white space made one space), so re-importing the same file, or a
later export holding the same rows, meets the same keys. When the mapping says repeated rows are
distinct incidents, the row's occurrence within the file (2nd, 3rd, ...) is appended. A key
longer than the column holds is replaced by a hash of itself, never rejected.
"""

from __future__ import annotations

import hashlib
from collections import Counter

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crimedesk.domain.text_limits import INCIDENT_TEXT_LIMITS
from crimedesk.ingest.batch import Batch

KEY_LIMIT = INCIDENT_TEXT_LIMITS["source_key"]
CONTENT_PREFIX = "row:"  # content keys
HASHED_PREFIX = "key:"  # keys too long for the column
SEPARATOR = "\x1f"  # the unit separator: no normalised cell holds it


def joined_key(batch: Batch, key: tuple[str, ...]) -> pa.Array:
    """The key columns, trimmed and joined by '|'; keys too long for the column hashed."""
    parts = [pc.utf8_trim_whitespace(batch.column(name)) for name in key]
    joined = parts[0] if len(parts) == 1 else pc.binary_join_element_wise(*parts, "|")
    return _fitted(joined)


def normalised_rows(batch: Batch, columns: tuple[str, ...]) -> pa.Array:
    """Each row's ``columns`` (those present), normalised and joined: what a content key hashes."""
    cells = []
    for name in sorted(c for c in columns if batch.has(c)):
        cell = pc.fill_null(batch.column(name), "")
        cell = pc.utf8_lower(pc.utf8_trim_whitespace(pc.utf8_normalize(cell, form="NFC")))
        cells.append(pc.replace_substring_regex(cell, r"\s+", " "))
    if not cells:
        return pa.array([""] * len(batch), pa.string())
    return cells[0] if len(cells) == 1 else pc.binary_join_element_wise(*cells, SEPARATOR)


class ContentKeys:
    """Content keys across the batches of one file (the occurrences are counted file-wide)."""

    def __init__(self, columns: tuple[str, ...], count_occurrences: bool) -> None:
        self.columns = columns
        self.count_occurrences = count_occurrences
        self.seen: Counter[str] = Counter()

    def keys(self, batch: Batch) -> pa.Array:
        digests = [_digest(text) for text in normalised_rows(batch, self.columns).to_pylist()]
        if not self.count_occurrences:
            return pa.array([CONTENT_PREFIX + d for d in digests], pa.string())
        keys = []
        for digest in digests:
            self.seen[digest] += 1
            n = self.seen[digest]
            keys.append(f"{CONTENT_PREFIX}{digest}" + (f"#{n}" if n > 1 else ""))
        return pa.array(keys, pa.string())


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _fitted(keys: pa.Array) -> pa.Array:
    """``keys`` with each one longer than KEY_LIMIT replaced by HASHED_PREFIX + its hash."""
    lengths = pc.fill_null(pc.utf8_length(keys), 0).to_numpy(zero_copy_only=False)
    long = np.flatnonzero(lengths > KEY_LIMIT)
    if len(long) == 0:
        return keys
    values = keys.to_pylist()
    for row in long.tolist():
        values[row] = HASHED_PREFIX + _digest(values[row])
    return pa.array(values, pa.string())
