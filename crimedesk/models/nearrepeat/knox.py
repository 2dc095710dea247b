"""Near-repeat (Knox) analysis: are events close in space also close in time, more than chance says?

For spatial bands × temporal bands, the observed number of event pairs in each cell of the table is
compared with the counts after randomly permuting the events' times (Monte Carlo, 999 times by
default), as the Near Repeat Calculator, CrimeStat and open_cp do. Pairs are found once, on a grid
(only pairs within the largest distance can count: ``neighbours``, which the chains use too); the
permutations then only re-read the pairs' time gaps, in a compiled pass over batches of
permutations on all cores (``pair_counts``).

Bands are closed on the right: a pair at exactly 100 m falls in 0–100 m, one at 100.5 m in the next.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import pairwise

import numpy as np
import pandas as pd

from crimedesk.domain.errors import ImportCancelled
from crimedesk.models.nearrepeat.bands import SPATIAL_EDGES_M, TEMPORAL_EDGES_DAYS
from crimedesk.models.nearrepeat.neighbours import Metric, near_pair_lists
from crimedesk.models.nearrepeat.pair_counts import band_counts

BATCH = 64  # permutations per call of the compiled counter (progress and cancel between calls)


@dataclass(frozen=True)
class KnoxResult:
    """Counts per (spatial band, temporal band); ``p_values`` are one-sided (more pairs than chance)."""

    spatial_edges: tuple[float, ...]
    temporal_edges: tuple[float, ...]
    observed: np.ndarray  # shape (spatial bands, temporal bands)
    expected: np.ndarray  # mean count over the permutations
    p_values: np.ndarray
    permutations: int
    metric: Metric
    events: int

    @property
    def ratio(self) -> np.ndarray:
        """Observed / expected (NaN where nothing is expected)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.expected > 0, self.observed / self.expected, np.nan)

    def table(self) -> pd.DataFrame:
        """The standard Knox table: one row per spatial band, a ratio and a p column per time band."""
        rows = {}
        for t, label in enumerate(_labels(self.temporal_edges, "days")):
            rows[f"{label} ratio"] = self.ratio[:, t]
            rows[f"{label} p"] = self.p_values[:, t]
        return pd.DataFrame(rows, index=pd.Index(_labels(self.spatial_edges, "m"), name="distance"))


def knox_test(
    x: np.ndarray,
    y: np.ndarray,
    days: np.ndarray,
    spatial_edges: Sequence[float] = SPATIAL_EDGES_M,
    temporal_edges: Sequence[float] = TEMPORAL_EDGES_DAYS,
    permutations: int = 999,
    metric: Metric = "euclidean",
    seed: int = 0,
    progress: Callable[[float, str], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> KnoxResult:
    """Knox table of events at ``x``, ``y`` (metres) and times ``days`` (days, any origin)."""
    s_edges, t_edges = _edges(spatial_edges, "spatial"), _edges(temporal_edges, "temporal")
    order, pairs = near_pair_lists(x, y, s_edges, metric)  # counts do not depend on the events' order
    times = _whole_seconds(days)[order]
    gap_edges = np.round(t_edges * 86_400).astype(np.int64)
    count = partial(band_counts, pairs=pairs, gap_edges=gap_edges)
    observed = count(times[None, :])[0]
    rng = np.random.default_rng(seed)
    total = np.zeros(observed.shape)
    at_least = np.zeros(observed.shape)
    for done in range(0, permutations, BATCH):
        if cancel is not None and cancel():
            raise ImportCancelled("Knox analysis cancelled.")
        if progress is not None:
            progress(done / permutations, f"permutation {done:,} of {permutations:,}")
        draws = [rng.permutation(times) for _ in range(min(BATCH, permutations - done))]
        counts = count(np.stack(draws))
        total += counts.sum(axis=0)
        at_least += (counts >= observed).sum(axis=0)
    return KnoxResult(
        spatial_edges=tuple(s_edges),
        temporal_edges=tuple(t_edges),
        observed=observed.astype(float),
        expected=total / permutations,
        p_values=(1 + at_least) / (1 + permutations),
        permutations=permutations,
        metric=metric,
        events=times.size,
    )


def compile_ahead() -> None:
    """Compile (and cache beside their modules) the pair finder and the counter for the types every
    Knox run uses, so the first run after an install does not wait for numba (20-60 s on two cores)."""
    knox_test(np.array([0.0, 10.0]), np.zeros(2), np.array([0.0, 1.0]), permutations=1)


def close_pairs(
    x: np.ndarray, y: np.ndarray, spatial_edges: Sequence[float] | np.ndarray, metric: Metric = "euclidean"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair (i < j, in the events' own numbering and order) within the largest distance, and
    the spatial band each falls in: the pair lists of ``neighbours`` spelled out."""
    order, pairs = near_pair_lists(x, y, np.asarray(spatial_edges, dtype=float), metric)
    group = np.repeat(np.arange(order.size * pairs.spaces), np.diff(pairs.offsets))
    position, band = np.divmod(group, pairs.spaces)
    one, other = order[position], order[pairs.later]
    first, second = np.minimum(one, other), np.maximum(one, other)
    ordered = np.lexsort((second, first))
    return first[ordered].astype(np.int32), second[ordered].astype(np.int32), band[ordered].astype(np.int32)


def linked_pairs(
    x: np.ndarray, y: np.ndarray, days: np.ndarray, distance: float, within_days: float, metric: Metric
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs (first, second) at most ``distance`` metres and ``within_days`` days apart, and
    their gaps in days: the links of near-repeat chains."""
    first, second, _band = close_pairs(x, y, (0.0, float(distance)), metric)
    times = np.asarray(days, dtype=float)
    gap = np.abs(times[first] - times[second])
    linked = gap <= within_days
    return first[linked], second[linked], gap[linked]


def near_repeat_chains(
    x: np.ndarray, y: np.ndarray, days: np.ndarray, distance: float, within_days: float
) -> np.ndarray:
    """Chain id per event (-1 for none): events linked by pairs at most ``distance`` metres and
    ``within_days`` days apart, joined transitively; ids count from 0, largest chain first."""
    first, second, _gap = linked_pairs(x, y, days, distance, within_days, "euclidean")
    return chain_ids(first, second, len(days))


def chain_ids(first: np.ndarray, second: np.ndarray, n: int) -> np.ndarray:
    """Chain id per event of ``n`` linked by the pairs (``first``, ``second``): -1 for an event in no
    pair; ids count from 0, largest chain first."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(first.size), (first, second)), shape=(n, n))
    _count_components, labels = connected_components(graph, directed=False)
    sizes = np.bincount(labels)
    rank = np.full(sizes.size, -1)
    chained = np.flatnonzero(sizes > 1)
    rank[chained[np.argsort(-sizes[chained], kind="stable")]] = np.arange(chained.size)
    return rank[labels]


def _whole_seconds(days: np.ndarray) -> np.ndarray:
    """Times as int32 seconds from the first (exact gaps; half the memory traffic of float64)."""
    seconds = np.round(np.asarray(days, dtype=float) * 86_400)
    span = seconds - seconds.min() if seconds.size else seconds
    if span.size and span.max() >= 2**31:
        raise ValueError("events span more than 68 years")
    return span.astype(np.int32)


def _edges(values: Sequence[float], what: str) -> np.ndarray:
    edges = np.asarray(values, dtype=float)
    if edges.size < 2 or edges[0] != 0 or np.any(np.diff(edges) <= 0):
        raise ValueError(f"{what} bands need increasing edges starting at 0, got {list(values)}")
    return edges


def _labels(edges: Sequence[float], unit: str) -> list[str]:
    return [f"{lo:g}–{hi:g} {unit}" for lo, hi in pairwise(edges)]
