"""Colour classes: each method against an independent computation of its classes."""

from __future__ import annotations

import itertools
import statistics

import numpy as np
import pytest

from crimedesk.mapping.classes import PALETTES, classify, jenks, lower_bounds

BLUES = PALETTES["Blues"]


def brute_force_jenks(values: list[float], k: int) -> list[list[float]]:
    """The split of the sorted values into ``k`` runs with the least within-run sum of squares,
    by trying every split."""
    x = sorted(values)
    best, best_cost = None, float("inf")
    for cuts in itertools.combinations(range(1, len(x)), k - 1):
        runs = [x[i:j] for i, j in zip((0, *cuts), (*cuts, len(x)), strict=True)]
        cost = sum(sum((v - statistics.fmean(run)) ** 2 for v in run) for run in runs)
        if cost < best_cost - 1e-9:
            best, best_cost = runs, cost
    assert best is not None
    return best


@pytest.mark.parametrize("seed", range(6))
def test_jenks_is_the_least_squares_split(seed):
    rng = np.random.default_rng(seed)
    values = [float(v) for v in rng.integers(0, 400, 14)]
    runs = brute_force_jenks(values, 4)
    if len({v for run in runs for v in run}) == len(values):  # no ties: the optimum is unique
        assert jenks(np.sort(values), 4) == [run[0] for run in runs]


def test_quantile_and_equal_bounds_match_their_definitions():
    values = [0, 1, 2, 3, 4, 5, 6, 7, 8, 100]
    cut = statistics.quantiles(values, n=5, method="inclusive")
    assert lower_bounds(values, 5, "quantile") == pytest.approx([0, *cut])
    assert lower_bounds(values, 5, "equal") == [0, 20, 40, 60, 80]


def test_classes_run_light_to_dark_and_are_labelled_by_what_they_hold():
    colors, legend = classify([0, 1, 2, 3, 4, 5, 6, 7, 8, 100], "Blues", "equal")
    assert colors[0] == BLUES[0] and colors[-1] == BLUES[-1]
    assert legend == [[BLUES[0], "0 – 8"], [BLUES[-1], "100"]]  # the empty classes are left out


def test_equal_values_share_a_class_and_empty_input_has_none():
    assert classify([], "Blues") == ([], [])
    colors, legend = classify([7, 7, 7], "Blues", "jenks")
    assert colors == [BLUES[-1]] * 3 and legend == [[BLUES[-1], "7"]]
    colors, legend = classify([1, 1, 1, 9], "Blues")
    assert colors == [BLUES[0]] * 3 + [BLUES[-1]] and len(legend) == 2


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="unknown classification"):
        lower_bounds([1, 2], 5, "headtail")
