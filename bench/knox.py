"""Knox near-repeat test: 20,000 real Chicago events × 999 permutations (issue 19 asks ≤ 10 s).

    .venv/bin/python bench/knox.py

Three sets of 20,000 events, the first in time of each: burglaries city-wide (about 17 months),
all crime city-wide (about a month), all crime in district 011 (about 13 months, densely packed:
every pair within 500 m must be re-read in every permutation, so its time grows with the pairs).
Default bands (0–500 m by 100 m × 0–56 days by 7), Euclidean distance.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import pandas as pd

from bench._common import DATA

EVENTS = 20_000


def _sets() -> dict[str, pd.DataFrame]:
    from tests.models.chicago_frame import cached_chicago

    frame = cached_chicago(
        DATA / "chicago_crimes_2016_2017.csv.gz", Path(tempfile.gettempdir()) / "crimedesk_bench"
    )
    return {
        "burglary, city": frame[frame["offense_type"] == "BURGLARY"].iloc[:EVENTS],
        "all crime, city": frame.iloc[:EVENTS],
        "all crime, district 011": frame[frame["district"] == "011"].iloc[:EVENTS],
    }


def main() -> None:
    from crimedesk.models.nearrepeat.knox import close_pairs, knox_test

    for name, events in _sets().items():
        x, y = events["x"].to_numpy(), events["y"].to_numpy()
        seconds = events["occurred_from"].to_numpy("datetime64[s]").astype(np.int64)
        days = (seconds - seconds.min()) / 86_400
        pairs = close_pairs(x, y, (0.0, 500.0))[0].size
        started = time.perf_counter()
        knox_test(x, y, days, permutations=999)
        took = time.perf_counter() - started
        print(
            f"{name:24} {len(events):,} events over {days.max():.0f} days, {pairs:,} pairs ≤ 500 m: {took:.1f} s"
        )


if __name__ == "__main__":
    main()
