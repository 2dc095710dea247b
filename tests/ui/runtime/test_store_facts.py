"""The window's store facts, read from indexes and the imports table, equal the full scan's summary
(storage.summary, a GROUP BY over every incident) through imports of two cities and a deletion."""

from crimedesk.ingest.deletion import delete_import
from crimedesk.ingest.pipeline import import_file
from crimedesk.storage.summary import store_summary
from crimedesk.ui.runtime.store_facts import store_facts


def _agree(engine) -> tuple[int, list[str]]:
    facts, summary = store_facts(engine), store_summary(engine)
    assert (facts.total, facts.sources) == (summary.total_incidents, sorted(summary.by_source))
    assert facts.is_empty == summary.is_empty
    return facts.total, facts.sources


def test_the_facts_equal_the_full_summary(store, chicago_sample, nypd_sample):
    assert _agree(store) == (0, [])
    chicago = import_file(store, chicago_sample).import_id
    import_file(store, chicago_sample, again=True)  # all unchanged: no new source
    nypd = import_file(store, nypd_sample).import_id
    total, sources = _agree(store)
    assert len(sources) == 2 and total > 0
    delete_import(store, nypd)
    assert len(_agree(store)[1]) == 1
    delete_import(store, chicago)
    assert _agree(store) == (0, [])
