"""64-bit hashes of Arrow strings and of whole rows: FNV-1a, vectorised over the rows.

FNV-1a over the bytes, then splitmix64's finaliser to spread them. A row's hash runs through its
columns in order with a separator byte between them, so ("a", "bc") and ("ab", "c") differ; a
missing value hashes as an empty one. Each column's rows are taken longest first, so the rows still
holding a k-th byte are a prefix, and one numpy step per byte position advances all of them: the
1.07 M rows of the 1 M history (22 columns) hash in 1.4 s. The version this replaces weighted each
byte by a power and summed them with ``reduceat`` (seven passes over 8-byte copies of every byte:
9.8 s, a third of the reading process's time); a compiled loop (numba) took 0.4 s, but loading
numba held the interpreter for over a second on the first feed batch, freezing the window.

Hashes are compared only within one import (one process computes them), never stored.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

FNV_OFFSET = np.uint64(0xCBF29CE484222325)
FNV_PRIME = np.uint64(0x100000001B3)
SEPARATOR = 0x1F  # between a row's columns (the ASCII unit separator)


def string_hashes(strings: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """int64 hash of each string (null hashes as "")."""
    return row_hashes([strings])


def row_hashes(columns: Sequence[pa.Array | pa.ChunkedArray]) -> np.ndarray:
    """int64 hash of each row of ``columns`` (equal lengths), all its values in column order."""
    if not columns:
        raise ValueError("a row hash needs at least one column")
    hashes = np.full(len(columns[0]), FNV_OFFSET, np.uint64)
    for position, column in enumerate(columns):
        offsets, data = _buffers(column)
        _absorb(hashes, offsets, data, SEPARATOR if position else -1)
    return _finish(hashes).view(np.int64)


def _buffers(column: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """The column as strings (nulls empty): its int32 offsets and its bytes."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    strings = pc.fill_null(column.cast(pa.string()), "")
    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int32)
    offsets = offsets[strings.offset : strings.offset + len(strings) + 1]
    data = strings.buffers()[2]
    return offsets, np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)


def _absorb(hashes: np.ndarray, offsets: np.ndarray, data: np.ndarray, lead: int) -> None:
    """FNV-1a step of each row's hash over its string's bytes, after the ``lead`` byte (-1: none)."""
    if lead >= 0:
        hashes ^= np.uint64(lead)
        hashes *= FNV_PRIME
    lengths = np.diff(offsets)
    longest = int(lengths.max(initial=0))
    if longest == 0:
        return
    order = np.argsort(-lengths, kind="stable")
    starts = offsets[:-1][order].astype(np.int64)
    ordered = hashes[order]
    holding = np.bincount(lengths, minlength=longest + 1)[::-1].cumsum()[::-1]  # rows with ≥ k bytes
    for k in range(longest):
        rows = ordered[: holding[k + 1]]
        rows ^= data[starts[: rows.size] + k]
        rows *= FNV_PRIME
    hashes[order] = ordered


def _finish(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads every input bit over the whole hash."""
    values = (values ^ (values >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    values = (values ^ (values >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))
