"""Knox near-repeat test: 20,000 real Chicago events × 999 permutations (issue 19 asks ≤ 10 s).

    .venv/bin/python bench/knox.py

Three sets of 20,000 events, the first in time of each: burglaries city-wide (about 17 months),
all crime city-wide (about a month), all crime in district 011 (about 13 months, densely packed:
11 million pairs within 500 m). Default bands (0–500 m by 100 m × 0–56 days by 7), Euclidean.

Baseline in the same run: the earlier counter (a KD-tree's pairs, every pair's time gap re-read
per permutation with numpy), timed on ``BASELINE_DRAWS`` permutations and scaled to 999. Wall
time depends on the machine's load (other processes share its cores), so the load average and the
process's CPU seconds are printed beside each figure.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import pandas as pd

from bench._common import DATA

EVENTS = 20_000
PERMUTATIONS = 999
BASELINE_DRAWS = 20
S_EDGES = np.arange(0.0, 501.0, 100.0)
T_EDGES = np.arange(0.0, 57.0, 7.0)


def knox_sets() -> dict[str, pd.DataFrame]:
    from tests.models.chicago_frame import cached_chicago

    cache = Path(tempfile.gettempdir()) / "crimedesk_bench"
    cache.mkdir(exist_ok=True)
    frame = cached_chicago(DATA / "chicago_crimes_2016_2017.csv.gz", cache)
    return {
        "burglary, city": frame[frame["offense_type"] == "BURGLARY"].iloc[:EVENTS],
        "all crime, city": frame.iloc[:EVENTS],
        "all crime, district 011": frame[frame["district"] == "011"].iloc[:EVENTS],
    }


def _baseline_seconds(x: np.ndarray, y: np.ndarray, seconds: np.ndarray) -> float:
    """The earlier per-pair counter's time for 999 permutations (scaled from ``BASELINE_DRAWS``)."""
    from crimedesk.models.nearrepeat.knox import close_pairs

    started = time.perf_counter()
    first, second, band = close_pairs(x, y, S_EDGES)
    order = np.argsort(first, kind="stable")  # as it did: the first time read in order
    first, second, band = first[order], second[order], band[order]
    offset = band * np.int32(T_EDGES.size - 1)
    unit = 7 * 86_400  # every edge is a whole number of weeks: the band of a gap by one look-up
    table = np.minimum(np.arange(T_EDGES.size + 1) - 1, T_EDGES.size - 1).clip(0).astype(np.int32)
    table[-1] = offset.max() + T_EDGES.size  # past the last edge: dropped
    cells = (S_EDGES.size - 1) * (T_EDGES.size - 1)
    setup = time.perf_counter() - started
    rng, times = np.random.default_rng(0), seconds.astype(np.int32)
    started = time.perf_counter()
    for _ in range(BASELINE_DRAWS):
        shuffled = rng.permutation(times)
        gap = np.abs(shuffled[first] - shuffled[second])
        np.add(gap, unit - 1, out=gap)
        np.floor_divide(gap, unit, out=gap)
        np.minimum(gap, table.size - 1, out=gap)
        cell = table.take(gap) + offset
        np.bincount(cell, minlength=cells)[:cells]
    return setup + (time.perf_counter() - started) * PERMUTATIONS / BASELINE_DRAWS


def _seconds(events: pd.DataFrame) -> np.ndarray:
    seconds = events["occurred_from"].to_numpy("datetime64[s]").astype(np.int64)
    return seconds - seconds.min()


def timed_knox(events: pd.DataFrame) -> dict[str, float]:
    """One Knox run (default bands, Euclidean, 999 permutations): wall and CPU seconds, the load
    average at its start, the events' span in days and their pairs within 500 m."""
    from crimedesk.models.nearrepeat.knox import close_pairs, knox_test

    x, y = events["x"].to_numpy(), events["y"].to_numpy()
    days = _seconds(events) / 86_400
    pairs = close_pairs(x, y, (0.0, 500.0))[0].size
    load = os.getloadavg()[0]
    cpu, started = time.process_time(), time.perf_counter()
    knox_test(x, y, days, tuple(S_EDGES), tuple(T_EDGES), permutations=PERMUTATIONS)
    took, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": took, "cpu": cpu, "load": load, "days": float(days.max()), "pairs": pairs}


def describe(name: str, events: int, figures: dict[str, float]) -> str:
    return (
        f"{name:24} {events:,} events over {figures['days']:.0f} days, {figures['pairs']:,} pairs ≤ 500 m:"
        f" {figures['seconds']:.1f} s ({figures['cpu']:.1f} CPU s, load {figures['load']:.1f})"
    )


def first_call_seconds() -> float:
    """A one-pair Knox test: numba compiles the counter, or loads it from its cache."""
    from crimedesk.models.nearrepeat.knox import knox_test

    started = time.perf_counter()
    knox_test(np.zeros(2), np.zeros(2), np.zeros(2), permutations=1)
    return time.perf_counter() - started


def main() -> None:
    print(f"first call (numba compile, or its cache read): {first_call_seconds():.1f} s")
    for name, events in knox_sets().items():
        figures = timed_knox(events)
        took = figures["seconds"]
        baseline = _baseline_seconds(events["x"].to_numpy(), events["y"].to_numpy(), _seconds(events))
        print(
            f"{describe(name, len(events), figures)}; earlier per-pair counter "
            f"{baseline:.1f} s (from {BASELINE_DRAWS} permutations, load {os.getloadavg()[0]:.1f}), "
            f"{baseline / took:.1f}× as long"
        )


if __name__ == "__main__":
    main()
