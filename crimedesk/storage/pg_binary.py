"""Arrow tables as PostgreSQL binary COPY data, laid out with numpy: no Python object per field.

The server then reads each field as it is stored (a big-endian integer or double, the text's
bytes) instead of parsing CSV text with ``int8in``/``float8in``, and the encoding is a few
vectorised copies per column. Format: https://www.postgresql.org/docs/current/sql-copy.html
(binary format): a signature, then per row a 16-bit field count and per field a 32-bit length
(-1 for NULL) and the bytes; a 16-bit -1 ends the data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection, text

from crimedesk.domain.arrow_buffers import offsets_and_bytes

SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # the signature, no flags, no header extension
TRAILER = b"\xff\xff"
NULL_FIELD = b"\xff\xff\xff\xff"  # a length of -1
FIXED = {  # PostgreSQL type -> big-endian numpy type of its binary form
    "smallint": ">i2",
    "integer": ">i4",
    "bigint": ">i8",
    "real": ">f4",
    "double precision": ">f8",
    "boolean": "u1",
}


def column_types(conn: Connection, table_name: str) -> dict[str, str]:
    """Column -> PostgreSQL type name (``format_type`` without modifiers) of ``table_name``."""
    query = text(
        "SELECT attname, format_type(atttypid, NULL) FROM pg_attribute"
        " WHERE attrelid = CAST(:t AS regclass) AND attnum > 0 AND NOT attisdropped"
    )
    return {name: pg_type for name, pg_type in conn.execute(query, {"t": table_name})}


def encode(table: pa.Table, types: list[str]) -> bytes:
    """The rows of ``table`` in binary COPY form (no signature or trailer); ``types`` are the
    PostgreSQL types of its columns, in order. Fixed-width types or text-like types only."""
    if table.num_rows == 0:
        return b""
    return _buffer_bytes(_records(table, types))


def _records(table: pa.Table, types: list[str]) -> pa.Array:
    """Each row's whole COPY record (field count, then each field), as one binary value.

    Each column becomes its fields (length and bytes). Runs of columns whose fields all have one
    width (numbers without NULLs, columns all NULL) are laid side by side in one numpy matrix; Arrow's
    element-wise join then lays those blocks and the other columns out in one buffer, in C. Its cost
    grows with the number of columns it joins, so callers put the fixed-width ones together
    (:func:`fixed_width_first`).
    """
    rows = table.num_rows
    parts: list[pa.Array] = []
    block = [np.full(rows, table.num_columns, dtype=">i2").view(np.uint8).reshape(rows, 2)]
    for i, pg_type in enumerate(types):
        field = _field(table.column(i).combine_chunks(), pg_type)
        if isinstance(field, np.ndarray):
            block.append(field)
            continue
        if block:
            parts.append(_side_by_side(block))
            block = []
        parts.append(field)
    if block:
        parts.append(_side_by_side(block))
    joined = pc.binary_join_element_wise(*parts, b"") if len(parts) > 1 else parts[0]
    return joined.combine_chunks() if isinstance(joined, pa.ChunkedArray) else joined


def _buffer_bytes(values: pa.Array) -> bytes:
    offsets, data = offsets_and_bytes(values)
    return data[offsets[0] : offsets[-1]].tobytes()


#: Written ahead by :func:`encode_records`, stamped in by :meth:`CopyRecords.stamped`.
NUMBERED = ("id", "import_id")


@dataclass(frozen=True)
class CopyRecords:
    """Rows encoded ahead as binary COPY records, with 0 for the ``id`` and ``import_id`` that only
    the writer knows: those two come first, as integer fields without NULLs, so they sit at the same
    places in every record.

    An import's reading process encodes each batch so, in parallel with the writing process, which
    only stamps the numbers in and sends the bytes (see crimedesk.ingest.prepare).
    """

    table: pa.Table  # one binary column, "record"
    columns: tuple[str, ...]  # the COPY's column list
    number_types: tuple[str, ...]  # the numpy types of the NUMBERED fields' values

    def take(self, positions: np.ndarray) -> CopyRecords:
        return replace(self, table=self.table.take(pa.array(positions, type=pa.int64())))

    def stamped(self, ids: np.ndarray, import_id: int) -> bytes:
        """The records with ``ids`` (one per record, in order) and ``import_id`` in place."""
        records = self.table.column(0).combine_chunks()
        offsets, data = offsets_and_bytes(records)
        stamped = data[offsets[0] : offsets[-1]].copy()
        starts = (offsets[:-1] - offsets[0]).astype(np.int64)[:, None]
        numbers = (np.asarray(ids, dtype=np.int64), np.full(len(records), import_id, dtype=np.int64))
        at = 2  # after the field count
        for values, number_type in zip(numbers, self.number_types, strict=True):
            width = np.dtype(number_type).itemsize
            at += 4  # the field's length
            as_bytes = values.astype(number_type).view(np.uint8).reshape(-1, width)
            stamped[starts + at + np.arange(width)] = as_bytes
            at += width
        return stamped.tobytes()


def encode_records(table: pa.Table, types: Mapping[str, str]) -> CopyRecords:
    """``table``'s rows as :class:`CopyRecords` for a table whose columns have the PostgreSQL
    ``types`` (:func:`column_types`; the NUMBERED ones integers)."""
    number_types = tuple(FIXED.get(types[name], "") for name in NUMBERED)
    if not all(number_type.startswith(">i") for number_type in number_types):
        raise ValueError(f"the numbered columns {NUMBERED} must be integers, not {types}")
    zeros = pa.array(np.zeros(table.num_rows, dtype=np.int64))
    rest = table.select(fixed_width_first([types[name] for name in table.column_names]))
    numbered = pa.table([zeros, zeros, *rest.columns], names=[*NUMBERED, *rest.column_names])
    records = _records(numbered, [types[name] for name in numbered.column_names])
    return CopyRecords(pa.table({"record": records}), tuple(numbered.column_names), number_types)


def fixed_width_first(types: list[str]) -> list[int]:
    """Column positions, those of fixed-width types first (otherwise in order)."""
    return sorted(range(len(types)), key=lambda i: types[i] not in FIXED)


def _side_by_side(fields: list[np.ndarray]) -> pa.Array:
    """Fields of equal width per column (rows x bytes each) as one binary value per row."""
    matrix = np.hstack(fields) if len(fields) > 1 else fields[0]
    return _fixed_binary(np.ascontiguousarray(matrix).reshape(-1), matrix.shape[1])


def _fixed_binary(data: np.ndarray, width: int) -> pa.Array:
    """A binary array of ``len(data) // width`` values of ``width`` bytes each."""
    values = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(width), len(data) // width, [None, pa.py_buffer(data)]
    )
    return values.cast(pa.binary())


def _field(column: pa.Array, pg_type: str) -> pa.Array | np.ndarray:
    """Each value as its whole field: the 32-bit length then the bytes, or -1 alone for NULL.

    A rows x bytes matrix where every field has one width, else a binary array.
    """
    if column.null_count == len(column):
        return np.tile(np.frombuffer(NULL_FIELD, dtype=np.uint8), (len(column), 1))
    if pg_type in FIXED:
        values = _numbers(column, FIXED[pg_type])
        width = values.dtype.itemsize
        prefixed = np.empty((len(values), 4 + width), dtype=np.uint8)
        prefixed[:, :4] = np.array([width], dtype=">i4").view(np.uint8)
        prefixed[:, 4:] = values.view(np.uint8).reshape(-1, width)
        if not column.null_count:
            return prefixed
        fields = _fixed_binary(prefixed.reshape(-1), 4 + width)
    else:
        if not pa.types.is_string(column.type):
            column = column.cast(pa.string())
        data = column.fill_null("").cast(pa.binary())
        lengths = pc.binary_length(data).to_numpy(zero_copy_only=False).astype(">i4")
        fields = pc.binary_join_element_wise(_fixed_binary(lengths.view(np.uint8), 4), data, b"")
    if column.null_count:
        fields = pc.if_else(column.is_valid(), fields, pa.scalar(NULL_FIELD, pa.binary()))
    return fields


def _numbers(column: pa.Array, dtype: str) -> np.ndarray:
    if pa.types.is_boolean(column.type):
        column = column.cast(pa.uint8())
    elif pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    return np.ascontiguousarray(column.fill_null(0).to_numpy(zero_copy_only=False).astype(dtype))
