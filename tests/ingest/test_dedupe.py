"""Re-imports: the plan made with arrays (keys, ids and updated-on times) against the row-by-row
walk, which compares whole rows where an updated-on is missing, on real Chicago and NYPD rows."""

import csv
import gzip
import io

import numpy as np
import pytest
from sqlalchemy import select

from crimedesk.ingest import dedupe
from crimedesk.ingest.dedupe import KeyTracker, plan
from crimedesk.ingest.pipeline import import_file
from crimedesk.ingest.prepare import Preparer
from crimedesk.ingest.profiles import all_profiles
from crimedesk.ingest.source import inspect_file
from crimedesk.storage.engine import make_engine
from crimedesk.storage.schema import incidents

LATER, EARLIER = "02/12/2019 09:00:00 AM", "01/01/2017 09:00:00 AM"


def _edited(rows: list[dict[str, str]], tmp_path, edits: dict[int, dict[str, str]], extra=()):
    """``rows`` with ``edits`` (row number -> changed fields) and ``extra`` rows appended, as a CSV."""
    rows = [{**row, **edits.get(number, {})} for number, row in enumerate(rows)]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows([*rows, *extra])
    path = tmp_path / "edited.csv"
    path.write_text(out.getvalue())
    return path


def _assert_plans_agree(store, path, profile: str, by_times: bool) -> None:
    """Every batch of ``path``: the plan ``plan`` makes equals the walk's, as a re-import sees it;
    ``by_times``: whether the batches are decided on updated-on times alone."""
    facts = inspect_file(path)
    with store.begin() as conn:
        for prepared in Preparer(facts, all_profiles()[profile]).batches():
            table = prepared.table
            every = np.arange(table.num_rows)
            assert (dedupe._by_updated_on(conn, table, every, profile) is not None) == by_times
            by_arrays = plan(conn, table, KeyTracker(profile, source_had_rows=True), prepared.key_hashes)
            keys = table.column("source_key").to_numpy(zero_copy_only=False)
            walked = dedupe._resolve(conn, table, keys, np.ones(table.num_rows, bool), profile)
            assert by_arrays.insert.tolist() == walked.insert.tolist()
            assert sorted(zip(by_arrays.update_ids, by_arrays.update, strict=True)) == sorted(
                zip(walked.update_ids, walked.update, strict=True)
            )
            assert by_arrays.unchanged == walked.unchanged
            assert by_arrays.conflicts == walked.conflicts
        conn.rollback()


def test_a_portal_export_imported_again_is_decided_on_updated_on_times(store, chicago_sample, tmp_path):
    import_file(store, chicago_sample)
    rows = list(csv.DictReader(chicago_sample.read_text(encoding="utf-8").splitlines(keepends=True)))
    edits = {i: {"Updated On": LATER, "Arrest": "true"} for i in range(0, 2426, 7)}
    edits |= {i: {"Updated On": EARLIER, "Block": "000XX W ELSEWHERE"} for i in range(3, 2426, 11)}
    path = _edited(rows, tmp_path, edits, ({**rows[0], "ID": "99999999", "Case Number": "JZ000001"},))
    _assert_plans_agree(store, path, "chicago", by_times=True)
    later = sum(fields["Updated On"] == LATER for fields in edits.values())
    counts = import_file(store, path).counts
    assert (counts.inserted, counts.updated, counts.unchanged) == (1, later, 2426 - later)
    fresh = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    import_file(fresh, path)
    updated = [rows[i]["ID"] for i, fields in edits.items() if fields["Updated On"] == LATER]
    assert _stored(store, updated) == _stored(fresh, updated)  # as a first import stores them


def _stored(engine, keys: list[str]) -> list[tuple]:
    """Every stored value of these incidents but the id and the import that wrote them."""
    shown = [c for c in incidents.c if c.name not in ("id", "import_id")]
    with engine.connect() as conn:
        query = select(*shown).where(incidents.c.source_key.in_(keys)).order_by(incidents.c.source_key)
        return [tuple(row) for row in conn.execute(query)]


def test_rows_without_updated_on_never_replace_rows_with_one(store, chicago_sample, tmp_path):
    import_file(store, chicago_sample)
    rows = list(csv.DictReader(chicago_sample.read_text(encoding="utf-8").splitlines(keepends=True)))
    edits = {
        0: {"Updated On": "", "Block": "000XX W ELSEWHERE"},
        1: {"Updated On": ""},
        2: {"Updated On": LATER},
    }
    path = _edited(rows, tmp_path, edits)
    before = _stored(store, [rows[0]["ID"], rows[1]["ID"]])
    _assert_plans_agree(store, path, "chicago", by_times=False)
    first, again = (import_file(store, path, again=True).counts for _ in range(2))
    assert (first.updated, first.conflicts, first.unchanged) == (1, 1, 2424)  # row 1 lost only its updated-on
    assert (again.updated, again.conflicts, again.unchanged) == (0, 1, 2425)
    assert _stored(store, [rows[0]["ID"], rows[1]["ID"]]) == before  # block and updated-on kept


def test_an_nypd_file_without_updated_on_changes_only_the_rows_that_differ(store, nypd_sample, tmp_path):
    import_file(store, nypd_sample)
    rows = list(csv.DictReader(io.StringIO(gzip.decompress(nypd_sample.read_bytes()).decode())))
    edits = {i: {"PD_DESC": "CHANGED BY THE PRECINCT"} for i in range(0, 10_000, 13)}
    located = [i for i, row in enumerate(rows) if row["Latitude"] and i % 13][:2]
    edits |= {i: {"Latitude": "", "Longitude": "", "X_COORD_CD": "", "Y_COORD_CD": ""} for i in located}
    path = _edited(rows, tmp_path, edits)
    _assert_plans_agree(store, path, "nypd", by_times=False)
    counts = import_file(store, path).counts
    assert (counts.inserted, counts.updated, counts.unchanged) == (0, len(edits), 10_000 - len(edits))


@pytest.mark.parametrize("second", [LATER, EARLIER, ""])
def test_a_key_twice_in_one_file_is_a_conflict_never_an_update(store, chicago_sample, tmp_path, second):
    """The second row with a key, newer, older or without updated-on, is a conflict listed with
    the line it repeats; the first is stored (issue 21: within a file nothing is "updated")."""
    rows = list(csv.DictReader(chicago_sample.read_text(encoding="utf-8").splitlines(keepends=True)))
    path = _edited(rows, tmp_path, {}, ({**rows[0], "Updated On": second, "Beat": "9999"},))
    counts = import_file(store, path).counts
    assert (counts.inserted, counts.updated, counts.unchanged, counts.conflicts) == (2426, 0, 0, 1)
    with store.connect() as conn:
        beat = conn.execute(select(incidents.c.beat).where(incidents.c.source_key == rows[0]["ID"]))
        assert beat.scalar_one() == rows[0]["Beat"]
