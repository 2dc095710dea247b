"""Knox pair counts for a batch of permutations of the events' times, in one compiled pass.

The pairs within the largest distance are kept per event and space band (each pair once, under
its first event). The permutations are counted ``LANES`` side by side: each event's times in the
16 permutations sit in one row, so one read of a pair serves 16 permutations, and for each time
limit the 16 gaps are compared at once (SIMD), counting the pairs at most that far apart; the
bands are the differences of those counts. District 011's 20,000 events make 11 million pairs
within 500 m (block-level geocoding puts up to 234 events on one point): re-reading every pair's
gap once per permutation (the earlier counter, one band look-up per pair) was {EARLIER}.

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


def pair_lists(
    first: np.ndarray, second: np.ndarray, band: np.ndarray, events: int, spaces: int
) -> PairLists:
    """Pairs (``first`` < ``second``, in space ``band``) grouped by first event and band; a band of
    ``spaces`` or more (past the last edge) is dropped."""
    inside = band < spaces
    first, second, band = first[inside], second[inside], band[inside]
    key = first.astype(np.int64) * spaces + band
    order = np.argsort(key, kind="stable")
    offsets = np.zeros(events * spaces + 1, np.int64)
    offsets[1:] = np.cumsum(np.bincount(key, minlength=events * spaces))
    return PairLists(offsets, np.ascontiguousarray(second[order], dtype=np.int32), spaces)


LANES = 16  # permutations counted side by side
LIMITS = 8  # time limits compared per pass over the pairs (the default bands have 8)
CHUNKS = 64  # parts of the events, of about equal pair counts, shared out among the cores
_NEVER = np.iinfo(np.int32).max  # a padding limit every gap is within


def band_counts(times: np.ndarray, pairs: PairLists, gap_edges: np.ndarray) -> np.ndarray:
    """Pairs per (permutation, space band, time band) for int32 ``times`` of shape (permutations,
    events); ``gap_edges`` are the temporal edges in whole seconds, bands closed on the right."""
    limits = np.minimum(gap_edges[1:], _NEVER).astype(np.int32)  # gaps are int32
    draws, events = times.shape
    starts = _chunk_starts(pairs, events)
    at_most = np.empty((draws, pairs.spaces, limits.size), np.int64)  # pairs with gap ≤ each limit
    for first in range(0, draws, LANES):
        lanes = min(LANES, draws - first)
        side_by_side = np.zeros((events, LANES), np.int32)
        side_by_side[:, :lanes] = times[first : first + lanes].T
        for low in range(0, limits.size, LIMITS):
            part = limits[low : low + LIMITS]
            padded = np.full(LIMITS, _NEVER, np.int32)
            padded[: part.size] = part
            counts = _tally(side_by_side, pairs.offsets, pairs.later, padded, pairs.spaces, starts)
            within = counts.sum(axis=0).transpose(2, 0, 1)  # lanes, spaces, limits
            at_most[first : first + lanes, :, low : low + part.size] = within[:lanes, :, : part.size]
    return np.diff(at_most, axis=2, prepend=0)


def _chunk_starts(pairs: PairLists, events: int) -> np.ndarray:
    """First event of each chunk, the chunks holding about equal numbers of pairs."""
    before = pairs.offsets[:-1:pairs.spaces]  # pairs of the events before each event
    targets = np.linspace(0, pairs.offsets[-1], CHUNKS + 1)
    starts = np.searchsorted(before, targets, side="left")
    starts[0], starts[-1] = 0, events
    return np.unique(starts)


def compile_ahead() -> None:
    """Compile (and cache beside this module) the counter for the types every Knox run uses, so
    the first run after an install does not wait for numba (about 20-60 s on two cores)."""
    one = PairLists(np.zeros(2, np.int64), np.zeros(0, np.int32), 1)
    band_counts(np.zeros((1, 1), np.int32), one, np.array([0, 86_400], np.int64))


@njit(parallel=True, cache=True)
def _tally(
    times: np.ndarray, offsets: np.ndarray, later: np.ndarray, limits: np.ndarray, spaces: int, starts: np.ndarray
) -> np.ndarray:
    """Pairs per (chunk, space band, limit, lane) with a time gap at most the limit; ``times`` holds
    one row of ``LANES`` times per event, ``limits`` exactly ``LIMITS``."""
    out = np.zeros((starts.size - 1, spaces, LIMITS, LANES), np.int64)
    for c in prange(starts.size - 1):
        for i in range(starts[c], starts[c + 1]):
            ti = times[i]
            for s in range(spaces):
                within = out[c, s]
                for j in range(offsets[i * spaces + s], offsets[i * spaces + s + 1]):
                    tj = times[later[j]]
                    for d in range(LANES):  # constant bounds: unrolled and compared as vectors
                        gap = abs(ti[d] - tj[d])
                        for k in range(LIMITS):
                            within[k, d] += gap <= limits[k]
    return out
