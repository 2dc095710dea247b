"""Driver row tuples as Arrow batches, converted in Arrow rather than column by column in Python."""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa


def driver_struct(schema: pa.Schema) -> pa.StructType:
    """``schema`` as the drivers give its values: times as integer seconds, booleans as 0/1 (as SQLite
    keeps them)."""
    as_ints = (pa.types.is_timestamp, pa.types.is_boolean)
    return pa.struct([(f.name, pa.int64()) if any(is_(f.type) for is_ in as_ints) else f for f in schema])


def rows_batch(rows: Sequence[tuple], schema: pa.Schema, raw: pa.StructType) -> pa.RecordBatch:
    """The row tuples as one batch of ``schema``; ``raw`` is ``driver_struct(schema)``."""
    columns = pa.RecordBatch.from_struct_array(pa.array(rows, raw)).columns
    arrays = [column.cast(field.type) for column, field in zip(columns, schema, strict=True)]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)
