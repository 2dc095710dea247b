"""Small vectorised helpers over Arrow string columns."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# NYPD writes the literal string "NA" for empty fields. Made without pa.array, which imports
# pandas (80 MB) to check its argument: this module is loaded by every short CLI command.
EMPTY = pa.StringArray.from_buffers(2, pa.py_buffer(np.array([0, 0, 2], np.int32)), pa.py_buffer(b"NA"))


def blank_to_null(values: pa.Array) -> pa.Array:
    """Empty, whitespace-only and literal "NA" strings become nulls; others are trimmed."""
    trimmed = pc.utf8_trim_whitespace(values)
    blank = pc.is_in(trimmed, value_set=EMPTY)
    if not pc.any(blank).as_py():
        return trimmed
    return pc.if_else(blank, pa.scalar(None, pa.string()), trimmed)


def is_blank(values: pa.Array) -> np.ndarray:
    """True where a string is null, empty, whitespace only or the literal "NA"."""
    trimmed = pc.utf8_trim_whitespace(values)
    return np.asarray(pc.fill_null(pc.is_in(trimmed, value_set=EMPTY), True), dtype=bool)


def to_float(values: pa.Array, decimal_comma: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Parse numbers; returns (floats with NaN for blanks/garbage, mask of non-blank garbage).

    ``decimal_comma``: '41,8812' is 41.8812 too (a European export; for values that never hold a
    thousands separator, such as degrees)."""
    cleaned = blank_to_null(values)
    if decimal_comma and pc.any(pc.match_substring(cleaned, ",")).as_py():  # rare: look first
        cleaned = pc.replace_substring_regex(cleaned, r"^\s*([+-]?\d+),(\d+)\s*$", r"\1.\2")
    try:  # fast path: a column of plain finite numbers (the regex below is several times slower)
        parsed = pc.cast(cleaned, pa.float64())
        if pc.all(pc.is_finite(parsed)).as_py() is not False:
            return parsed.to_numpy(zero_copy_only=False, writable=True), np.zeros(len(values), dtype=bool)
    except pa.ArrowInvalid:
        pass  # some value is not a number: the regex finds which
    numeric = pc.match_substring_regex(cleaned, r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
    garbage = np.asarray(pc.fill_null(pc.invert(numeric), False), dtype=bool)
    parsed = pc.cast(pc.if_else(numeric, cleaned, pa.scalar(None, pa.string())), pa.float64())
    return parsed.to_numpy(zero_copy_only=False, writable=True), garbage


def to_bool(values: pa.Array) -> np.ndarray:
    """true/false, t/f, yes/no, y/n, 1/0 (any case) -> object array of True/False/None."""
    lowered = pc.utf8_lower(pc.utf8_trim_whitespace(values))
    true = np.asarray(pc.fill_null(pc.is_in(lowered, pa.array(["true", "t", "yes", "y", "1"])), False))
    false = np.asarray(pc.fill_null(pc.is_in(lowered, pa.array(["false", "f", "no", "n", "0"])), False))
    out = np.full(len(values), None, dtype=object)
    out[true] = True
    out[false] = False
    return out


def map_codes(values: pa.Array, mapping: dict[str, str], default: str) -> pa.Array:
    """Map trimmed, upper-cased codes through ``mapping``; unknown codes get ``default``."""
    keys = pa.array(list(mapping))
    targets = pa.array(list(mapping.values()))
    index = pc.index_in(pc.utf8_upper(pc.utf8_trim_whitespace(values)), value_set=keys)
    return pc.fill_null(pc.take(targets, index), default)
