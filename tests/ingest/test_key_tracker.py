"""KeyTracker: which rows of a batch may share a key with a row written before or beside them."""

import numpy as np

from crimedesk.ingest.dedupe import KeyTracker


def test_repeats_within_a_batch_and_across_batches_are_suspects():
    tracker = KeyTracker("chicago", source_had_rows=False)
    assert tracker.record(np.array([7, -3, 7, 12], dtype=np.int64)).tolist() == [True, False, True, False]
    assert tracker.record(np.array([5, -3, 99], dtype=np.int64)).tolist() == [False, True, False]
    assert sorted(np.concatenate(tracker.runs).tolist()) == sorted([7, -3, 7, 12, 5, -3, 99])


def test_many_batches_agree_with_a_set_and_keep_few_runs():
    """Against a plain set of the keys written so far, over 300 batches of uneven sizes."""
    rng = np.random.default_rng(20)
    tracker = KeyTracker("chicago", source_had_rows=False)
    written: set[int] = set()
    for size in rng.integers(1, 400, size=300):
        batch = rng.integers(0, 40_000, size=size).astype(np.int64)
        counts = {int(k): int((batch == k).sum()) for k in np.unique(batch)}
        expected = [int(k) in written or counts[int(k)] > 1 for k in batch]
        assert tracker.record(batch).tolist() == expected
        written |= set(batch.tolist())
        assert all(np.all(run[:-1] <= run[1:]) for run in tracker.runs)
        assert [len(run) for run in tracker.runs] == sorted((len(run) for run in tracker.runs), reverse=True)
    assert len(tracker.runs) <= 2 * np.log2(sum(len(run) for run in tracker.runs))


def test_every_row_is_a_suspect_when_the_source_already_has_rows():
    tracker = KeyTracker("chicago", source_had_rows=True)
    assert tracker.record(np.array([1, 2], dtype=np.int64)).tolist() == [True, True]
