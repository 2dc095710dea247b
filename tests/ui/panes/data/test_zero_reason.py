"""Why place filters match nothing, on SQLite and PostgreSQL (the Chicago sample)."""

from __future__ import annotations

import pytest

from crimedesk.domain.filters import FilterSnapshot
from crimedesk.ingest.pipeline import import_file
from crimedesk.ui.panes.data.zero_reason import active_spatial, zero_reason

DOWNTOWN = frozenset({"001"})
FAR_SOUTH = (-87.70, 41.65, -87.52, 41.70)


@pytest.fixture
def sample_store(store, chicago_sample):
    import_file(store, chicago_sample)
    return store


def test_regions_and_a_shape_that_do_not_meet(sample_store):
    filters = FilterSnapshot(region_layer_id="district", region_ids=DOWNTOWN, bbox=FAR_SOUTH)
    assert active_spatial(filters) == ["regions", "shape"]
    with sample_store.connect() as conn:
        reason = zero_reason(conn, filters)
    assert reason is not None
    regions, shape = reason.split(" and ", 1)
    assert regions.startswith("the chosen regions (") and int(regions[20:-1].replace(",", "")) > 0
    assert shape.startswith("the drawn shape (") and reason.endswith(") have none in common")


def test_the_place_filter_that_is_empty_alone_is_named(sample_store):
    filters = FilterSnapshot(region_layer_id="district", region_ids=DOWNTOWN, text="NO SUCH BLOCK")
    with sample_store.connect() as conn:
        assert zero_reason(conn, filters) == ("none is in the location text, even alone")
        assert zero_reason(conn, FilterSnapshot(text="NO SUCH BLOCK")) is None  # one filter: no combination
