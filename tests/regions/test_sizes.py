"""Region populations and areas kept at load, and the choropleth's rates, against geopandas/pandas."""

import geopandas as gpd
import pandas as pd
import pytest

from crimedesk.domain.filters import FilterSnapshot
from crimedesk.mapping.data import region_counts
from crimedesk.mapping.options import Symbology
from crimedesk.mapping.query import collect
from crimedesk.regions.read import region_id_text
from crimedesk.regions.sizes import region_populations, region_sizes
from crimedesk.regions.store import import_boundary_layer
from tests.regions.helpers import insert_incidents, sample_points

DISTRICTS = "chicago_police_districts_2012.geojson"


def _population(dist_num: str) -> int:
    return 30_000 + 4_321 * int(dist_num)  # every part of a multi-part district repeats its total


@pytest.fixture
def districts_with_population(data_dir, tmp_path):
    frame = gpd.read_file(data_dir / DISTRICTS)
    frame["POP2010"] = [_population(n) for n in frame["DIST_NUM"]]
    frame.loc[frame["DIST_NUM"] == "31", "POP2010"] = None  # a district without a population
    path = tmp_path / "districts_pop.geojson"
    frame.to_file(path, driver="GeoJSON")
    return path


@pytest.fixture
def loaded(store, chicago_sample, districts_with_population):
    insert_incidents(store, sample_points(chicago_sample))
    result = import_boundary_layer(
        store,
        districts_with_population,
        layer_name="districts",
        id_field="DIST_NUM",
        name_field="DIST_LABEL",
        population_field="POP2010",
    )
    return store, result


def _expected_areas(data_dir) -> pd.Series:
    """km² per district from the file itself, dissolved and measured in US Albers equal-area."""
    frame = gpd.read_file(data_dir / DISTRICTS)
    frame["DIST_NUM"] = frame["DIST_NUM"].map(region_id_text)
    dissolved = frame.dissolve(by="DIST_NUM")
    return dissolved.to_crs("ESRI:102003").area / 1e6


def test_sizes_are_kept_with_the_layer(loaded, data_dir):
    store, result = loaded
    with store.connect() as conn:
        sizes = region_sizes(conn, result.layer_id)
    expected = _expected_areas(data_dir)
    assert sorted(sizes) == sorted(expected.index)
    for region_id, area in expected.items():
        assert sizes[region_id].area_km2 == pytest.approx(area, rel=2e-3)
    assert sizes["31"].population is None and result.populated == len(sizes) - 1 == 22
    assert all(sizes[r].population == _population(r) for r in sizes if r != "31")


@pytest.mark.parametrize("measure", ["per_100k", "per_km2"])
def test_choropleth_rates_match_pandas(loaded, data_dir, chicago_sample, measure):
    store, result = loaded
    points = sample_points(chicago_sample)
    frame = gpd.read_file(data_dir / DISTRICTS)
    frame["DIST_NUM"] = frame["DIST_NUM"].map(region_id_text)
    located = gpd.sjoin(
        gpd.GeoDataFrame(points, geometry=gpd.points_from_xy(points.Longitude, points.Latitude), crs=4326),
        frame.dissolve(by="DIST_NUM").reset_index()[["DIST_NUM", "geometry"]],
        predicate="within",
    )
    counts = located.groupby("DIST_NUM").size().reindex(_expected_areas(data_dir).index, fill_value=0)
    if measure == "per_100k":
        denominators = pd.Series({r: _population(r) for r in counts.index if r != "31"}) / 100_000
    else:
        denominators = _expected_areas(data_dir)
    expected = (counts / denominators).dropna()
    with store.connect() as conn:
        payload, legend = region_counts(
            conn,
            FilterSnapshot(),
            result.layer_id,
            measure=measure,
            sizes=region_sizes(conn, result.layer_id),
        )
    for region_id, rate in expected.items():
        assert payload[region_id]["count"] == counts[region_id]
        assert payload[region_id]["value"] == pytest.approx(rate, rel=2e-3)
    unit = "incidents per 100,000 residents" if measure == "per_100k" else "incidents per km²"
    assert legend["title"] == unit.capitalize()
    assert all(p["label"].endswith(unit) for r, p in payload.items() if p["value"] is not None)
    if measure == "per_100k":  # district 31 has no population: no colour, and the legend says why
        assert payload["31"]["value"] is None and payload["31"]["color"] is None
        assert legend["rows"][-1][1] == "no population"


def test_the_map_update_carries_the_chosen_measure(loaded):
    store, result = loaded
    update = collect(store, FilterSnapshot(), result.layer_id, False, symbology=Symbology(measure="per_km2"))
    assert update.region_legend is not None and update.region_legend["title"] == "Incidents per km²"
    assert all(c["label"].endswith(" incidents per km²") for c in update.counts.values())
    counts = collect(store, FilterSnapshot(), result.layer_id, False)
    assert counts.region_legend is not None and counts.region_legend["title"] == "Incidents per region"


def test_population_of_multi_part_regions():
    frame = pd.DataFrame(
        {
            "id": ["1", "1", "2", "2", "3", "4"],
            "pop": ["1,000", "1,000", "200", "300", "", "-5"],
        }
    )
    assert region_populations(frame, "id", "pop") == {"1": 1000.0, "2": 500.0, "3": None, "4": None}
