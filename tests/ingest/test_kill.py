"""kill -9 at random moments, of the importer, its reading child and the GUI's import child (and of
the GUI itself): the store is as it was, no attempt is left `running` once the store opens again,
and importing the file afterwards gives exactly what a first import gives.

The first test kills 15 imports of the 536k-row Chicago file per backend: about a minute on an
idle two-core machine, hence `slow`."""

import random
import time

import pytest
from sqlalchemy import func, select

from crimedesk.ingest.pipeline import import_file
from crimedesk.storage.engine import make_engine
from crimedesk.storage.import_lock import holding_import_lock
from crimedesk.storage.schema import imports, incident_regions, incidents
from tests.ingest.helpers import rejected_count
from tests.ingest.killing import (
    all_gone,
    descendants,
    import_children,
    reading_children,
    start_importer,
    url_of,
    wait_for_progress,
)
from tests.layers import import_districts

KILLS_PER_TARGET = 5


def _fingerprint(engine):
    """What an import changes: incidents (and their ids and keys), region joins, rejected rows."""
    with engine.connect() as conn:
        return (
            conn.execute(
                select(func.count(), func.sum(incidents.c.id), func.max(incidents.c.source_key))
            ).one(),
            conn.execute(select(func.count()).select_from(incident_regions)).scalar_one(),
            rejected_count(engine),
        )


def _statuses(engine):
    with engine.connect() as conn:
        return conn.execute(select(imports.c.status).order_by(imports.c.id)).scalars().all()


def _kill(engine, path, target, fraction):
    importer = start_importer(engine, path, how="gui" if target.startswith("GUI") else "direct")
    wait_for_progress(importer, fraction)
    family = descendants(importer.pid)
    victims = {
        "importer": [importer],
        "reading child": reading_children(importer.pid),
        "GUI import child": import_children(importer.pid),
        "GUI": [importer],
    }[target]
    assert victims, f"no {target} to kill"
    for victim in victims:
        victim.kill()
    importer.wait(timeout=60)
    assert importer.returncode != 0
    assert all_gone(family, timeout=10), f"left running after the {target} was killed"


def _until_no_import_runs(engine, seconds=10):
    """A killed session's lock is released when the server notices the closed connection."""
    deadline = time.monotonic() + seconds
    with holding_import_lock(engine, wait=True, cancel=lambda: time.monotonic() > deadline):
        pass


@pytest.fixture(scope="module")
def first_import(tmp_path_factory, data_dir, chicago_full, chicago_sample):
    """The counts of importing the full file into a store that holds the sample and districts."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('first') / 'first.sqlite'}")
    import_districts(engine, data_dir)
    import_file(engine, chicago_sample)
    result = import_file(engine, chicago_full)
    yield result.counts, _fingerprint(engine)
    engine.dispose()


def _kill_and_reopen(engine, path, target, fraction, before) -> None:
    _kill(engine, path, target, fraction)
    _until_no_import_runs(engine)
    make_engine(url_of(engine)).dispose()  # the next open
    assert _fingerprint(engine) == before, f"{target} killed at {fraction:.0%}"
    assert "running" not in _statuses(engine), f"{target} killed at {fraction:.0%}"


@pytest.fixture
def store_with_sample(store, data_dir, chicago_sample):
    import_districts(store, data_dir)
    import_file(store, chicago_sample)
    return store


@pytest.mark.slow
def test_kill_9_changes_nothing(store_with_sample, chicago_full, first_import):
    store, before = store_with_sample, _fingerprint(store_with_sample)
    moments = random.Random(13)
    for target in ("importer", "reading child", "GUI import child"):
        for _ in range(KILLS_PER_TARGET):
            _kill_and_reopen(store, chicago_full, target, moments.uniform(0.0, 0.99), before)
    result = import_file(store, chicago_full)
    counts, fingerprint = first_import
    assert result.counts == counts and result.counts.reconciles()
    assert _fingerprint(store)[0][0] == fingerprint[0][0]  # ids differ: PostgreSQL's sequences moved on
    assert _fingerprint(store)[1:] == fingerprint[1:]


def test_a_killed_gui_takes_its_import_with_it(store_with_sample, chicago_full):
    """The import child and its reading child die with the GUI, and nothing is committed later."""
    before = _fingerprint(store_with_sample)
    _kill_and_reopen(store_with_sample, chicago_full, "GUI", 0.3, before)
