"""The DuckDB mirror answers every dashboard query exactly as the store does, and keeps up."""

from dataclasses import replace
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from crimedesk.analytics.compstat import compstat
from crimedesk.analytics.hour_of_week import hour_of_week
from crimedesk.analytics.kpis import kpis
from crimedesk.analytics.mirror import AnalyticsMirror
from crimedesk.analytics.offenses import top_offenses
from crimedesk.analytics.trend import trend
from crimedesk.analytics.ucr import ucr_trend
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.ingest.pipeline import import_file
from crimedesk.regions.store import import_boundary_layer, list_layers
from crimedesk.storage.schema import incidents
from tests.fill import add_import, add_incident
from tests.filter_variants import filter_variants

AS_OF = date(2017, 1, 3)


def _answers(conn, f):
    return {
        "kpis": kpis(conn, f),
        "trend": trend(conn, f, "day").fillna(-1).to_dict(),  # NaN: no 28-day average yet
        "week": trend(conn, f, "week").to_dict(),
        "top": top_offenses(conn, f).to_dict(),
        "hours": hour_of_week(conn, f).grid.tolist(),
        "time unknown": hour_of_week(conn, f).time_unknown,
        "compstat": compstat(conn, f, f.region_layer_id or "district", AS_OF).table.fillna(-1).to_dict(),
    }


@pytest.fixture
def loaded(store, chicago_sample, data_dir):
    import_boundary_layer(
        store,
        data_dir / "chicago_police_districts_2012.geojson",
        layer_name="districts",
        id_field="DIST_NUM",
        incident_field="district",
    )
    import_file(store, chicago_sample)
    mirror = AnalyticsMirror(store)
    assert mirror.sync() and mirror.ready
    yield store, mirror
    mirror.close()


def updated_row(chicago_sample, tmp_path):
    """A file holding the sample's first row updated: a newer Updated On, and now an arrest."""
    lines = chicago_sample.read_text().splitlines()
    newer = (
        lines[1]
        .replace("02/11/2018 03:57:41 PM", "02/12/2018 09:00:00 AM")
        .replace("false,false", "true,false")
    )
    path = tmp_path / "update.csv"
    path.write_text("\n".join([lines[0], newer]) + "\n")
    return path


def _filters(store):
    with store.connect() as conn:
        layer = list_layers(conn)[0].id
    base = FilterSnapshot.from_dict({"date_from": "2017-01-01", "date_to": "2017-01-03"})
    return [*filter_variants(base, layer), replace(base, offense_types=frozenset({"THEFT", "BATTERY"}))]


def test_every_dashboard_answer_matches_the_store(loaded):
    store, mirror = loaded
    with store.connect() as ours, mirror.engine.connect() as theirs:
        for f in _filters(store):
            assert _answers(theirs, f) == _answers(ours, f), f


def test_new_imports_are_added_and_updates_replace_rows(
    loaded, nypd_sample, ucr_table, chicago_sample, tmp_path
):
    store, mirror = loaded
    import_file(store, nypd_sample)
    import_file(store, ucr_table)
    import_file(store, updated_row(chicago_sample, tmp_path))
    assert mirror.sync()
    assert not mirror.sync()  # nothing new
    count = select(func.count()).select_from(incidents)
    arrests = select(func.count()).select_from(incidents).where(incidents.c.arrest.is_(True))
    with store.connect() as ours, mirror.engine.connect() as theirs:
        assert theirs.execute(count).scalar() == ours.execute(count).scalar() == 12_426
        assert theirs.execute(arrests).scalar() == ours.execute(arrests).scalar()
        assert ucr_trend(theirs, ["US", "IL"], "violent_crime").equals(
            ucr_trend(ours, ["US", "IL"], "violent_crime")
        )


def test_a_feed_runs_growing_import_is_added_to_without_a_copy_of_everything(loaded, monkeypatch):
    """A feed's run keeps one import while it stores batch after batch: each sync adds its rows."""
    store, mirror = loaded
    monkeypatch.setattr(mirror, "_rebuild", lambda *_args: pytest.fail("copied everything again"))
    count = select(func.count()).select_from(incidents)
    with store.begin() as conn:
        run = add_import(conn, "feed live", status="ok")
        add_incident(conn, run, "live-1", datetime(2017, 1, 2), latitude=41.88, longitude=-87.63)
    assert mirror.sync()
    with store.begin() as conn:  # the run's next batch
        add_incident(conn, run, "live-2", datetime(2017, 1, 3), latitude=41.9, longitude=-87.6)
    assert mirror.sync()
    with store.connect() as ours, mirror.engine.connect() as theirs:
        assert theirs.execute(count).scalar() == ours.execute(count).scalar() == 2_428
        for f in _filters(store)[:3]:
            assert _answers(theirs, f) == _answers(ours, f), f


def test_a_new_boundary_layer_rebuilds_the_region_joins(loaded, data_dir):
    store, mirror = loaded
    import_boundary_layer(
        store,
        data_dir / "chicago_police_beats_2012.geojson",
        layer_name="beats",
        id_field="BEAT_NUM",
        incident_field="beat",
    )
    assert mirror.sync()
    with store.connect() as conn:
        beats = next(layer.id for layer in list_layers(conn) if layer.name == "beats")
    f = replace(_filters(store)[0], region_layer_id=beats, region_ids=frozenset({"1713", "0111"}))
    with store.connect() as ours, mirror.engine.connect() as theirs:
        assert _answers(theirs, f) == _answers(ours, f)


def test_a_cancelled_copy_leaves_the_mirror_unused(store, chicago_sample):
    from crimedesk.domain.errors import ImportCancelled

    import_file(store, chicago_sample)
    mirror = AnalyticsMirror(store)
    with pytest.raises(ImportCancelled):
        mirror.sync(cancel=lambda: True)
    assert not mirror.ready
    assert mirror.sync() and mirror.ready
    mirror.close()
