"""Whether two query results hold the same figures (frames, arrays, dataclasses, containers).

The window uses it to skip redrawing a part whose new answer equals the one on screen: when the
analytics mirror takes over from the store, every part is asked again and gets the same figures,
and redrawing them all on the GUI thread while a feed stores thousands of rows a second froze it.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any


def same_result(a: Any, b: Any) -> bool:
    """True when ``a`` and ``b`` hold equal values (NaN equals NaN); False when unsure."""
    if type(a) is not type(b):
        return False
    if hasattr(a, "equals") and hasattr(a, "dtypes"):  # a pandas frame or series
        return bool(a.equals(b))
    if hasattr(a, "shape") and hasattr(a, "dtype"):  # a numpy array
        import numpy as np

        return a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if dataclasses.is_dataclass(a):
        return all(same_result(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    if isinstance(a, tuple | list):
        return len(a) == len(b) and all(same_result(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_result(a[k], b[k]) for k in a)
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False
