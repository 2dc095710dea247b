"""Re-imports: the array plan (keys, ids and updated-on times only) against the row-by-row walk,
on real Chicago rows whose updated-on moved forward, backward or went missing."""

import csv
import io

import numpy as np
import pytest

from crimedesk.ingest import dedupe
from crimedesk.ingest.dedupe import KeyTracker, plan
from crimedesk.ingest.pipeline import import_file
from crimedesk.ingest.prepare import Preparer
from crimedesk.ingest.profiles import all_profiles
from crimedesk.ingest.source import inspect_file

LATER, EARLIER = "02/12/2019 09:00:00 AM", "01/01/2017 09:00:00 AM"


def _edited(sample, tmp_path, edits: dict[int, dict[str, str]], extra: tuple[dict[str, str], ...] = ()):
    """The sample with ``edits`` (row number -> changed fields) and ``extra`` rows appended."""
    rows = list(csv.DictReader(sample.open()))
    for number, fields in edits.items():
        rows[number] = {**rows[number], **fields}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows([*rows, *extra])
    path = tmp_path / "edited.csv"
    path.write_text(out.getvalue())
    return path


def _batches(path):
    facts = inspect_file(path)
    return [p for p in Preparer(facts, all_profiles()["chicago"]).batches() if p.table.num_rows]


def test_the_array_plan_agrees_with_the_walk_on_a_portal_export_imported_again(
    store, chicago_sample, tmp_path
):
    import_file(store, chicago_sample)
    edits = {i: {"Updated On": LATER, "Arrest": "true"} for i in range(0, 2426, 7)}
    edits |= {i: {"Updated On": EARLIER, "Block": "000XX W ELSEWHERE"} for i in range(3, 2426, 11)}
    first = next(csv.DictReader(chicago_sample.open()))
    path = _edited(chicago_sample, tmp_path, edits, ({**first, "ID": "99999999", "Case Number": "JZ000001"},))
    with store.begin() as conn:
        for prepared in _batches(path):
            table, every = prepared.table, np.arange(prepared.table.num_rows)
            by_time = plan(conn, table, KeyTracker("chicago", source_had_rows=True), prepared.key_hashes)
            assert dedupe._by_updated_on(conn, table, every, "chicago") is not None  # the path taken
            keys = table.column("source_key").to_numpy(zero_copy_only=False)
            walked = dedupe._resolve(conn, table, keys, np.ones(len(every), bool), "chicago")
            assert by_time.insert.tolist() == walked.insert.tolist()
            assert sorted(zip(by_time.update_ids, by_time.update, strict=True)) == sorted(
                zip(walked.update_ids, walked.update, strict=True)
            )
            assert by_time.unchanged == walked.unchanged
        conn.rollback()
    later = sum(fields["Updated On"] == LATER for fields in edits.values())
    counts = import_file(store, path).counts
    assert (counts.inserted, counts.updated, counts.unchanged) == (1, later, 2426 - later)


def test_a_row_without_updated_on_is_compared_whole(store, chicago_sample, tmp_path):
    import_file(store, chicago_sample)
    path = _edited(
        chicago_sample, tmp_path, {0: {"Updated On": "", "Block": "000XX W ELSEWHERE"}, 1: {"Updated On": ""}}
    )
    [prepared] = _batches(path)
    with store.connect() as conn:
        positions = np.arange(prepared.table.num_rows)
        assert dedupe._by_updated_on(conn, prepared.table, positions, "chicago") is None
    result = import_file(store, path)
    # Row 0's content changed; row 1 lost only its updated-on, which is content too.
    assert (result.counts.updated, result.counts.unchanged) == (2, 2424)


@pytest.mark.parametrize(("second", "updated"), [(LATER, 1), (EARLIER, 0)])
def test_a_key_twice_in_one_file_is_walked_in_file_order(store, chicago_sample, tmp_path, second, updated):
    first = next(csv.DictReader(chicago_sample.open()))
    path = _edited(chicago_sample, tmp_path, {}, ({**first, "Updated On": second, "Beat": "9999"},))
    result = import_file(store, path)
    assert (result.counts.inserted, result.counts.updated, result.counts.unchanged) == (
        2426,
        updated,
        1 - updated,
    )
