"""same_result: equal figures are recognised, any difference is not missed."""

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from crimedesk.analytics.same_result import same_result


@dataclass(frozen=True)
class Part:
    when: date
    frame: pd.DataFrame
    counts: dict[str, float]


def part(value: float = 1.5, rate: float = float("nan")) -> Part:
    frame = pd.DataFrame(
        {"n": [3, 4], "rate": [0.5, rate]}, index=pd.to_datetime(["2017-01-01", "2017-01-02"])
    )
    return Part(date(2017, 1, 2), frame, {"a": value, "b": float("nan")})


def test_equal_figures_are_the_same_nan_included():
    assert same_result(part(), part())
    assert same_result((part(), "district"), (part(), "district"))
    assert same_result(np.array([[1.0, np.nan]]), np.array([[1.0, np.nan]]))


def test_any_difference_is_seen():
    assert not same_result(part(), part(value=1.6))
    assert not same_result(part(), part(rate=0.25))
    assert not same_result((part(), "district"), (part(), "beat"))
    assert not same_result(np.array([1, 2]), np.array([1, 2, 3]))
    assert not same_result(pd.DataFrame({"n": [1]}), pd.DataFrame({"n": [1.0]}))  # another dtype
    assert not same_result(1, 1.0) and not same_result(None, 0)
