"""KeyTracker: which rows of a batch may share a key with a row written before or beside them."""

import numpy as np

from crimedesk.ingest.dedupe import KeyTracker


def test_repeats_within_a_batch_and_across_batches_are_suspects():
    tracker = KeyTracker("chicago", source_had_rows=False)
    assert tracker.record(np.array([7, -3, 7, 12], dtype=np.int64)).tolist() == [True, False, True, False]
    assert tracker.record(np.array([5, -3, 99], dtype=np.int64)).tolist() == [False, True, False]
    assert tracker.seen.tolist() == sorted([7, -3, 7, 12, 5, -3, 99])


def test_every_row_is_a_suspect_when_the_source_already_has_rows():
    tracker = KeyTracker("chicago", source_had_rows=True)
    assert tracker.record(np.array([1, 2], dtype=np.int64)).tolist() == [True, True]
