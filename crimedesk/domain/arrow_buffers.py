"""The raw buffers of Arrow string and binary arrays, for numpy passes over their bytes."""

from __future__ import annotations

import numpy as np
import pyarrow as pa


def offsets_and_bytes(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """A string or binary array's value offsets (int32, one more than its values; the first need not
    be 0 in a slice) and its whole data buffer as bytes (empty when it has none)."""
    offsets = np.frombuffer(values.buffers()[1], dtype=np.int32)
    data = values.buffers()[2]
    return (
        offsets[values.offset : values.offset + len(values) + 1],
        np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8),
    )
