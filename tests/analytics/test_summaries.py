"""The mirror's summaries answer the dashboard exactly as the store's incidents do, and stay exact as
imports update rows and feeds add them."""

import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime

import numpy as np
import pytest

from crimedesk.analytics.mirror import AnalyticsMirror
from crimedesk.analytics.summaries import DAY, HOUR, SUMMARIES, counted
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.ingest.pipeline import import_file
from crimedesk.storage.schema import incidents
from tests.analytics.test_mirror import _answers, updated_row
from tests.fill import add_import, add_incident

ALL_YEARS = FilterSnapshot(date(2000, 1, 1), date(2019, 12, 31))
#: Filters a summary answers: over all years, by category, offense, mappable, hours and weekdays.
SUMMED = [
    ALL_YEARS,
    replace(ALL_YEARS, categories=frozenset({"violent", "drug"})),
    replace(ALL_YEARS, offense_types=frozenset({"THEFT", "BATTERY", "ASSAULT"})),
    replace(ALL_YEARS, categories=frozenset({"property"}), mappable_only=True),
    replace(ALL_YEARS, hours=(22, 6), weekdays=frozenset({0, 1, 2, 3, 4})),
    replace(ALL_YEARS, date_from=date(2017, 1, 2), date_to=date(2017, 1, 2), weekdays=frozenset({0})),
]


@pytest.fixture
def mirrored(store, chicago_sample, nypd_sample):
    """Chicago's sample (point times) and NYPD's (many known only within a window)."""
    import_file(store, chicago_sample)
    import_file(store, nypd_sample)
    mirror = AnalyticsMirror(store)
    assert mirror.sync()
    yield store, mirror
    mirror.close()


def _same_answers(store, mirror):
    with store.connect() as ours, mirror.engine.connect() as theirs:
        for f in SUMMED:
            assert _rounded(_answers(theirs, f)) == _rounded(_answers(ours, f)), f


def _rounded(answers):
    """The windows' aoristic weights are summed in the order each database returns them."""
    return {**answers, "hours": np.round(answers["hours"], 9).tolist()}


def _summaries_are_exact(mirror):
    """Each summary holds what a fresh build from the mirror's incidents would, and no zero counts."""
    with mirror.engine.connect() as conn:
        db = conn.connection.dbapi_connection
        for summary in SUMMARIES:
            kept = sorted(db.execute(f"SELECT * FROM {summary.name}").fetchall(), key=repr)
            fresh = sorted(db.execute(summary.select_sql("incidents")).fetchall(), key=repr)
            assert kept == fresh, summary.name
            assert all(row[-1] > 0 for row in kept)


def test_the_summaries_answer_as_the_incidents_do(mirrored):
    store, mirror = mirrored
    with store.connect() as conn:  # the NYPD sample's windows go through the hour-of-week spread
        windows = conn.execute(
            incidents.select().where(incidents.c.occurred_to > incidents.c.occurred_from)
        ).fetchall()
    assert len(windows) > 1_000
    _same_answers(store, mirror)


def test_a_view_reads_the_smallest_summary_that_covers_it_and_the_incidents_otherwise(mirrored):
    store, mirror = mirrored
    by_region = replace(ALL_YEARS, region_layer_id="district", region_ids=frozenset({"011"}))
    with mirror.engine.connect() as duck, store.connect() as sqlite:
        assert counted(duck, ALL_YEARS, ("category", "arrest")).table.name == "summary_day_flags"
        offenses = replace(ALL_YEARS, categories=frozenset({"violent"}))
        assert counted(duck, offenses, ("offense_type",)).table.name == "summary_day_offenses"
        night = SUMMED[4]
        assert counted(duck, night, ("category",)).table.name == "incidents"  # windows too, by hour
        assert counted(duck, night, ("quality_flags",), HOUR, point_times=True).table.name == (
            "summary_hour_points"
        )
        assert counted(duck, ALL_YEARS, ("quality_flags",), DAY).table.name == "incidents"  # all times
        assert counted(duck, by_region, ("category",)).table.name == "incidents"
        assert counted(duck, replace(ALL_YEARS, text="madison"), ("category",)).table.name == "incidents"
        assert counted(sqlite, ALL_YEARS, ("category",)).table.name == "incidents"


def test_updates_and_a_feeds_batches_keep_the_summaries_exact(mirrored, chicago_sample, tmp_path):
    store, mirror = mirrored
    import_file(store, updated_row(chicago_sample, tmp_path))
    assert mirror.sync()
    _summaries_are_exact(mirror)
    with store.begin() as conn:
        run = add_import(conn, "feed live", status="ok")
        add_incident(conn, run, "live-1", datetime(2017, 1, 2, 23, 10), category="violent", arrest=True)
        add_incident(conn, run, "live-2", datetime(2017, 1, 2, 1), occurred_to=datetime(2017, 1, 2, 4))
    assert mirror.sync()
    _summaries_are_exact(mirror)
    _same_answers(store, mirror)


FIRST_USE_ON_MANY_THREADS = """
import sys, threading
sys.setswitchinterval(1e-6)  # a thread switch between nearly any two steps
from crimedesk.analytics.summaries import SUMMARIES
failures = []
together = threading.Barrier(8)
def read_every_summary_table():
    together.wait()
    try:
        for summary in SUMMARIES:
            summary.table
    except Exception as exc:
        failures.append(repr(exc))
threads = [threading.Thread(target=read_every_summary_table) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(failures)
"""


def test_the_first_use_of_the_summaries_on_many_threads_at_once_fails_none():
    """The window's first dashboard runs its views on several worker threads at once, in a
    process that has not used the summaries yet (a fresh interpreter here); the KPIs once failed
    with "Table 'summary_day_flags' is already defined"."""
    result = subprocess.run(
        [sys.executable, "-c", FIRST_USE_ON_MANY_THREADS], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
