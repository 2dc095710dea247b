import pytest
from sqlalchemy import func, select

from crimedesk.domain.errors import BoundaryFileError, CrimedeskError, ImportCancelled
from crimedesk.regions.agreement import codes_match
from crimedesk.regions.store import (
    delete_layer,
    import_boundary_layer,
    layer_names,
    layer_regions_gdf,
    list_layers,
    region_agreement,
)
from crimedesk.storage.schema import boundaries, boundary_layers, incident_regions
from tests.regions.helpers import insert_incidents, sample_points

DISTRICTS = "chicago_police_districts_2012.geojson"


def _import_districts(store, data_dir, **kwargs):
    return import_boundary_layer(
        store,
        data_dir / DISTRICTS,
        layer_name="districts",
        id_field="DIST_NUM",
        name_field="DIST_LABEL",
        incident_field="district",
        **kwargs,
    )


def _counts(store):
    with store.connect() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(t)).scalar()
            for t in (boundary_layers, boundaries, incident_regions)
        )


def test_import_joins_existing_incidents_and_measures_agreement(store, data_dir, chicago_sample):
    points = sample_points(chicago_sample).head(400)
    insert_incidents(store, points, unmappable=5)
    seen = []
    result = _import_districts(store, data_dir, progress=lambda f, m: seen.append(f))
    assert (result.regions, result.repaired) == (23, 0)
    assert result.incidents_joined + result.incidents_outside == 400
    assert result.incidents_joined >= 398
    assert result.compared == result.incidents_joined  # every sample row has a district code
    assert result.agreement_rate >= 0.97
    assert seen == sorted(seen) and seen[-1] == 1.0
    with store.connect() as conn:
        rows = dict(conn.execute(select(incident_regions.c.incident_id, incident_regions.c.region_id)).all())
        assert region_agreement(conn, result.layer_id).agreeing == result.agreeing
    first = points.iloc[0]
    assert rows[int(first.ID)] == str(int(first.District))  # "003" in the data, "3" in the layer


def test_reimport_replaces_the_layer_and_its_joins(store, data_dir, chicago_sample):
    insert_incidents(store, sample_points(chicago_sample).head(100))
    _import_districts(store, data_dir)
    again = _import_districts(store, data_dir)
    assert again.incidents_joined == 100
    assert _counts(store) == (1, 23, 100)


def test_layers_are_listed_mapped_and_deleted(store, data_dir, chicago_sample):
    insert_incidents(store, sample_points(chicago_sample).head(50))
    districts = _import_districts(store, data_dir)
    import_boundary_layer(
        store,
        data_dir / "chicago_police_beats_2012_shapefile.zip",
        layer_name="beats",
        id_field="BEAT_NUM",
        incident_field="beat",
    )
    with store.connect() as conn:
        layers = {layer.name: layer for layer in list_layers(conn)}
        names = layer_names(conn)
        regions = layer_regions_gdf(conn, districts.layer_id)
    assert names == [(layers["beats"].id, "beats"), (districts.layer_id, "districts")]
    assert layers["beats"].regions == 275 and layers["beats"].crs == "EPSG:3435"
    assert layers["districts"].incidents_joined == districts.incidents_joined
    assert regions["region_id"].tolist()[:3] == ["1", "2", "3"]
    assert (
        regions.crs.to_epsg() == 4326
        and regions.set_index("region_id").loc["31"].geometry.geom_type == "MultiPolygon"
    )
    assert delete_layer(store, "districts") is True
    assert delete_layer(store, "districts") is False
    with store.connect() as conn:
        assert [layer.name for layer in list_layers(conn)] == ["beats"]


def test_cancel_rolls_back_everything(store, data_dir, chicago_sample):
    insert_incidents(store, sample_points(chicago_sample).head(50))
    _import_districts(store, data_dir)
    before = _counts(store)
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 2  # after the regions are written, during the join

    with pytest.raises(ImportCancelled):
        _import_districts(store, data_dir, cancel=cancel)
    assert _counts(store) == before


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        (DISTRICTS, {"id_field": "NOPE"}),
        ("chicago_police_districts_2012_shapefile.zip", {"id_field": "DIST_NUM", "source_layer": "x"}),
        ("chicago_crimes_sample_2017-01-01_to_03.csv", {"id_field": "DIST_NUM"}),
    ],
)
def test_bad_file_leaves_the_store_unchanged(store, data_dir, name, kwargs):
    _import_districts(store, data_dir)
    before = _counts(store)
    with pytest.raises(BoundaryFileError):
        import_boundary_layer(store, data_dir / name, layer_name="districts", **kwargs)
    assert _counts(store) == before


def test_unknown_incident_field_is_refused(sqlite_store, data_dir):
    with pytest.raises(CrimedeskError, match="district, beat, ward"):
        import_boundary_layer(
            sqlite_store, data_dir / DISTRICTS, layer_name="d", id_field="DIST_NUM", incident_field="zone"
        )


@pytest.mark.parametrize(
    ("code", "region", "same"),
    [
        ("003", "3", True),
        ("0311", "311", True),
        ("Manhattan", "MANHATTAN", True),
        ("3", "3A", False),
        (" 7 ", "7", True),
    ],
)
def test_codes_match(code, region, same):
    assert codes_match(code, region) is same
