"""64-bit hashes of Arrow strings and of whole rows, vectorised over the rows with numpy.

FNV-1a's step (xor, multiply by its prime) taken over 64-bit words rather than bytes, each step
folding the high half of the hash down, then splitmix64's finaliser to spread the bits. For each
of a row's columns in order the hash takes in the string's length, then its bytes eight at a time
(the last word holds only the string's own bytes): ("a", "bc") and ("ab", "c") differ, and a
missing value hashes as an empty one. Each column's rows are taken longest first, so the rows still
holding a k-th word are a prefix, and one numpy step per word position advances all of them,
reading each row's word where it starts in the column's bytes. On 352,317 rows of the 1 M history
(22 columns) that takes 0.34 s, against 0.61 s for the same scheme one byte at a time (the version
before this one). Earlier ones weighted each byte by a power and summed them with ``reduceat``
(7× slower still); a compiled loop (numba) was faster, but loading numba held the interpreter for
over a second on the first feed batch, freezing the window.

Hashes are compared only within one import (one process computes them), never stored.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crimedesk.domain.arrow_buffers import offsets_and_bytes

FNV_OFFSET = np.uint64(0xCBF29CE484222325)
FNV_PRIME = np.uint64(0x100000001B3)
_BYTE_MASKS = np.array([(1 << 8 * n) - 1 for n in range(8)] + [(1 << 64) - 1], dtype=np.uint64)  # n low bytes


def string_hashes(strings: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """int64 hash of each string (null hashes as "")."""
    return row_hashes([strings])


def row_hashes(columns: Sequence[pa.Array | pa.ChunkedArray]) -> np.ndarray:
    """int64 hash of each row of ``columns`` (equal lengths), all its values in column order."""
    if not columns:
        raise ValueError("a row hash needs at least one column")
    hashes = np.full(len(columns[0]), FNV_OFFSET, np.uint64)
    for column in columns:
        offsets, data = _buffers(column)
        _absorb(hashes, offsets, data)
    return _finish(hashes).view(np.int64)


def _buffers(column: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """The column as strings (nulls empty): its int32 offsets and its bytes."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    return offsets_and_bytes(pc.fill_null(column.cast(pa.string()), ""))


def _absorb(hashes: np.ndarray, offsets: np.ndarray, data: np.ndarray) -> None:
    """Each row's hash takes in its string's length, then its bytes eight at a time."""
    lengths = np.diff(offsets)
    _mix(hashes, lengths.astype(np.uint64))
    words = (lengths + 7) >> 3
    most = int(words.max(initial=0))
    if most == 0:
        return
    order = np.argsort(-words, kind="stable")
    starts = offsets[:-1][order].astype(np.int64)
    last_word_masks = _BYTE_MASKS[(lengths - ((words - 1) << 3))[order].clip(0, 8)]
    ordered = hashes[order]
    padded = np.zeros(int(offsets[-1]) + 8, np.uint8)  # a whole word can be read at every byte
    padded[offsets[0] : offsets[-1]] = data[offsets[0] : offsets[-1]]
    word_at = np.ndarray(shape=(int(offsets[-1]) + 1,), dtype="<u8", buffer=padded, strides=(1,))
    holding = np.bincount(words, minlength=most + 2)[::-1].cumsum()[::-1]  # rows with ≥ k words
    for k in range(most):
        rows, full = int(holding[k + 1]), int(holding[k + 2])  # rows with a word k, a word k + 1
        taken = word_at[starts[:rows] + 8 * k]
        taken[full:] &= last_word_masks[full:rows]  # a string's last word: its bytes only
        _mix(ordered[:rows], taken)
    hashes[order] = ordered


def _mix(hashes: np.ndarray, words: np.ndarray) -> None:
    """One step of each hash over one 64-bit word: FNV-1a's xor and multiply, then the high half
    folded down, so every bit of a word reaches the low bits of the next step."""
    hashes ^= words
    hashes *= FNV_PRIME
    hashes ^= hashes >> np.uint64(32)


def _finish(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads every input bit over the whole hash."""
    values = (values ^ (values >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    values = (values ^ (values >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))
