"""String and row hashes against a plain-Python version of the scheme, and the cases that must differ."""

import numpy as np
import pyarrow as pa

from crimedesk.ingest.repeats import text_hashes
from crimedesk.ingest.string_hashes import row_hashes, string_hashes

MASK = (1 << 64) - 1


def _reference(*values: str | None) -> int:
    """Per value its byte length, then its UTF-8 bytes as little-endian 64-bit words (the last one
    zero-padded), each taken in by FNV-1a's xor and multiply and a fold of the high half; then
    splitmix64's finaliser."""
    h = 0xCBF29CE484222325

    def mix(word: int) -> int:
        mixed = ((h ^ word) * 0x100000001B3) & MASK
        return mixed ^ (mixed >> 32)

    for value in values:
        data = (value or "").encode()
        h = mix(len(data))
        for start in range(0, len(data), 8):
            h = mix(int.from_bytes(data[start : start + 8], "little"))
    h = ((h ^ (h >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    h = ((h ^ (h >> 27)) * 0x94D049BB133111EB) & MASK
    h ^= h >> 31
    return h - (1 << 64) if h >= 1 << 63 else h


def test_string_hashes_equal_a_plain_python_version():
    values = ["JA100", "", None, "0123456789" * 40, "Ñandú straße", "JA10", "JA1\x000", "12345678", "a\x00"]
    assert string_hashes(pa.array(values)).tolist() == [_reference(v) for v in values]
    padded_alike = string_hashes(pa.array(["a", "a\x00", "a\x00\x00"]))  # one word, other lengths
    assert len(set(padded_alike.tolist())) == 3


def test_a_slice_or_chunks_hash_as_the_values_they_hold():
    values = pa.array([f"key{i}" for i in range(1_000)])
    whole = string_hashes(values)
    assert (string_hashes(values.slice(317, 200)) == whole[317:517]).all()
    chunked = pa.chunked_array([values.slice(0, 400), values.slice(400)])
    assert (string_hashes(chunked) == whole).all()


def test_row_hashes_take_every_column_in_order_with_a_separator():
    first = pa.array(["a", "ab", "a", None, "x"])
    second = pa.array(["bc", "c", "bc", "", "y"])
    hashes = row_hashes([first, second])
    assert hashes.tolist() == [
        _reference(a, b) for a, b in zip(first.to_pylist(), second.to_pylist(), strict=True)
    ]
    assert hashes[0] == hashes[2] and hashes[0] != hashes[1]  # ("a", "bc") is not ("ab", "c")
    assert row_hashes([second, first])[4] != hashes[4]


def test_row_texts_of_a_real_batch_differ_unless_the_rows_do(chicago_full):
    import pyarrow.csv as pcsv

    read = pcsv.read_csv(
        chicago_full,
        read_options=pcsv.ReadOptions(block_size=1 << 22),
        convert_options=pcsv.ConvertOptions(strings_can_be_null=True),
    )
    raw = pa.RecordBatch.from_arrays(
        [column.cast(pa.string()).combine_chunks() for column in read.columns], names=read.column_names
    )
    hashes = text_hashes(raw)
    assert len(np.unique(hashes)) == raw.num_rows == 536_605
    twice = pa.concat_tables([pa.Table.from_batches([raw.slice(0, 50)])] * 2).combine_chunks().to_batches()[0]
    assert (text_hashes(twice)[:50] == text_hashes(twice)[50:]).all()
