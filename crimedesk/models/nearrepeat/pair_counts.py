"""Knox pair counts for a batch of permutations of the events' times, in one compiled pass.

The pairs within the largest distance are kept per event and space band (each pair once, under
its first event). The permutations are counted ``LANES`` side by side: each event's times in the
64 permutations sit in one row, so one read of a pair serves 64 permutations, and for each time
limit the 64 gaps are compared in vector instructions, counting the pairs at most that far apart;
the bands are the differences of those counts. District 011's 20,000 events make 11 million pairs
within 500 m (block-level geocoding puts up to 234 events on one point): re-reading every pair's
gap once per permutation (the earlier counter, one band look-up per pair) took about 32 s for
999 permutations; side by side, 7.4-7.9 s, and 4.6-5.0 s with the events numbered in cell order
(``neighbours``; idle two-core machine).

Compiled by numba; the events are split in chunks of about equal pair counts, run on all cores.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit, prange


@dataclass(frozen=True)
class PairLists:
    """The later partners of event i in space band s: ``later[offsets[i * spaces + s] : offsets[i *
    spaces + s + 1]]``."""

    offsets: np.ndarray  # int64, events × spaces + 1
    later: np.ndarray  # int32
    spaces: int


LANES = 64  # permutations counted side by side (32 to 256 ran alike on two cores)
CHUNKS = 64  # parts of the events, of about equal pair counts, shared out among the cores


def band_counts(times: np.ndarray, pairs: PairLists, gap_edges: np.ndarray) -> np.ndarray:
    """Pairs per (permutation, space band, time band) for int32 ``times`` of shape (permutations,
    events); ``gap_edges`` are the temporal edges in whole seconds, bands closed on the right."""
    if pairs.later.size >= 2**31:  # the counts are int32 (8.6 GB of pairs would be needed first)
        raise ValueError(f"{pairs.later.size:,} pairs are too many to count")
    limits = np.minimum(gap_edges[1:], np.iinfo(np.int32).max).astype(np.int32)  # gaps are int32
    draws, events = times.shape
    starts = _chunk_starts(pairs, events)
    at_most = np.empty((draws, pairs.spaces, limits.size), np.int64)  # pairs with gap ≤ each limit
    for first in range(0, draws, LANES):
        side_by_side = np.ascontiguousarray(times[first : first + LANES].T, dtype=np.int32)
        counts = _tally(side_by_side, pairs.offsets, pairs.later, limits, pairs.spaces, starts)
        at_most[first : first + LANES] = counts.sum(axis=0, dtype=np.int64).transpose(2, 0, 1)
    return np.diff(at_most, axis=2, prepend=0)


def _chunk_starts(pairs: PairLists, events: int) -> np.ndarray:
    """First event of each chunk, the chunks holding about equal numbers of pairs."""
    before = pairs.offsets[: -1 : pairs.spaces]  # pairs of the events before each event
    targets = np.linspace(0, pairs.offsets[-1], CHUNKS + 1)
    starts = np.searchsorted(before, targets, side="left")
    starts[0], starts[-1] = 0, events
    return np.unique(starts)


@njit(parallel=True, cache=True)
def _tally(
    times: np.ndarray,
    offsets: np.ndarray,
    later: np.ndarray,
    limits: np.ndarray,
    spaces: int,
    starts: np.ndarray,
) -> np.ndarray:
    """Pairs per (chunk, space band, limit, lane) with a time gap at most the limit; ``times``
    holds one row per event, its times in the permutations side by side (the lanes)."""
    lanes = times.shape[1]
    out = np.zeros((starts.size - 1, spaces, limits.size, lanes), np.int32)
    for c in prange(starts.size - 1):
        gap = np.empty(lanes, np.int32)
        for i in range(starts[c], starts[c + 1]):
            ti = times[i]
            for s in range(spaces):
                within = out[c, s]
                for j in range(offsets[i * spaces + s], offsets[i * spaces + s + 1]):
                    tj = times[later[j]]
                    for d in range(lanes):
                        gap[d] = abs(ti[d] - tj[d])
                    for k in range(limits.size):  # each limit against every lane: a vector loop
                        limit, counts = limits[k], within[k]
                        for d in range(lanes):
                            counts[d] += gap[d] <= limit
    return out
