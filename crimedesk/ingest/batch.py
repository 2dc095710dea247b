"""The unit of work flowing through the import stages: one chunk of rows from the file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa


@dataclass
class Batch:
    """A chunk of source rows and the canonical values derived from them so far.

    ``raw`` holds the source strings under normalised header names; ``values`` maps canonical
    column names to Arrow arrays (strings) or numpy arrays (numbers, booleans, seconds).
    ``reasons`` collects rejection reasons by row position; ``flags`` the quality bits.
    """

    raw: pa.RecordBatch
    lines: np.ndarray
    values: dict[str, Any] = field(default_factory=dict)
    reasons: dict[int, list[str]] = field(default_factory=dict)
    flags: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.flags = np.zeros(self.raw.num_rows, dtype=np.int32)

    def __len__(self) -> int:
        return self.raw.num_rows

    def column(self, name: str) -> pa.Array:
        """A source column (normalised name) as an Arrow string array."""
        return self.raw.column(name)

    def has(self, name: str) -> bool:
        return name in self.raw.schema.names

    def reject(self, mask: np.ndarray, reason: str | Callable[[int], str]) -> None:
        """Reject the rows in ``mask``; ``reason`` may be a function of the row position."""
        rows = np.flatnonzero(mask).tolist()
        if not callable(reason):
            for row in rows:
                self.reasons.setdefault(row, []).append(reason)
            return
        for row in rows:
            self.reasons.setdefault(row, []).append(reason(row))

    def flag(self, mask: np.ndarray, bit: int) -> None:
        self.flags[mask] |= bit

    def accepted_mask(self) -> np.ndarray:
        mask = np.ones(len(self), dtype=bool)
        if self.reasons:
            mask[list(self.reasons)] = False
        return mask
