"""Categorical place features (location type, district, beat, ...) with rare categories bucketed.

Location descriptions have a long tail (Chicago has ~140 values, half seen a handful of times); a
category seen fewer than ``min_frequency`` times in training is merged into one "infrequent" bucket,
and a value never seen in training maps to that bucket too (or to -1 for the ordinal form), so a
model fitted in January still scores February's new spelling instead of failing.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder


def category_encoder(
    kind: Literal["onehot", "ordinal"] = "ordinal", min_frequency: int = 20
) -> OneHotEncoder | OrdinalEncoder:
    """One-hot (for linear/NN models) or ordinal codes (for trees), rare values bucketed."""
    if kind == "onehot":
        return OneHotEncoder(
            min_frequency=min_frequency, handle_unknown="infrequent_if_exist", sparse_output=False
        )
    if kind == "ordinal":
        return OrdinalEncoder(
            min_frequency=min_frequency,
            handle_unknown="use_encoded_value",
            unknown_value=-1,
            encoded_missing_value=-1,
            dtype=np.float64,
        )
    raise ValueError(f"unknown encoding {kind!r}: use 'onehot' or 'ordinal'")
