"""The map's queries give the same answers on the DuckDB mirror as on the store, on real data."""

from dataclasses import replace
from datetime import date

import pytest

from crimedesk.analytics.mirror import AnalyticsMirror
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.ingest.pipeline import import_file
from crimedesk.mapping.query import collect
from crimedesk.regions.store import layer_names
from crimedesk.storage.engine import make_engine
from tests.filter_variants import filter_variants
from tests.layers import import_districts

TRIANGLE = "POLYGON ((-87.75 41.85, -87.6 41.85, -87.6 41.95, -87.75 41.85))"


def load(store, data_dir, incidents_file):
    import_districts(store, data_dir)
    import_file(store, incidents_file)
    mirror = AnalyticsMirror(store)
    assert mirror.sync() and mirror.ready
    with store.connect() as conn:
        [(layer, _name)] = layer_names(conn)
    return mirror, layer


def filters(layer: int) -> list[FilterSnapshot]:
    base = FilterSnapshot()
    return [
        *filter_variants(base, layer),
        replace(base, polygon_wkt=TRIANGLE, offense_types=frozenset({"THEFT", "BATTERY"})),
        replace(base, date_from=date(2017, 1, 2), date_to=date(2017, 1, 2)),
    ]


def assert_same_map(store, mirror, layer, point_limit: int) -> None:
    modes = set()
    for f in filters(layer):
        ours = collect(store, f, layer, True, point_limit)
        theirs = collect(store, f, layer, True, point_limit, aggregates=mirror.engine)
        assert theirs == ours, f
        modes.add(ours.data.mode)
    assert modes == {"points", "grid"}  # both kinds of answer were compared


@pytest.fixture
def sample(store, data_dir, chicago_sample):
    mirror, layer = load(store, data_dir, chicago_sample)
    yield store, mirror, layer
    mirror.close()


def test_points_grids_and_choropleths_match_the_store(sample):
    store, mirror, layer = sample
    assert_same_map(store, mirror, layer, point_limit=300)


@pytest.mark.slow
def test_the_whole_chicago_file_maps_the_same_from_the_mirror(tmp_path, data_dir, chicago_full):
    store = make_engine(f"sqlite:///{tmp_path / 'full.sqlite'}")
    mirror, layer = load(store, data_dir, chicago_full)
    try:
        assert_same_map(store, mirror, layer, point_limit=20_000)
    finally:
        mirror.close()
        store.dispose()
