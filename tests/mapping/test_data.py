"""Map queries on both backends: points below the limit, database grid counts above it."""

from datetime import datetime

import pytest
from sqlalchemy import delete, insert, select

from crimedesk.domain.filters import FilterSnapshot
from crimedesk.mapping.data import arrived_points, incident_details, map_data, region_counts
from crimedesk.mapping.layers import CATEGORY_COLORS
from crimedesk.storage.schema import boundaries, boundary_layers, incident_regions, incidents
from tests.fill import add_import, add_incident

# 3 x 2 incidents in two clusters ~2 km apart, one unmappable, one without coordinates
SPOTS = [(41.880, -87.630), (41.8801, -87.6301), (41.8802, -87.6302), (41.900, -87.650), (41.9001, -87.6501)]


@pytest.fixture
def filled(store):
    with store.begin() as conn:
        imp = add_import(conn)
        for i, (lat, lon) in enumerate(SPOTS):
            category = "violent" if i < 3 else "drug"
            add_incident(
                conn, imp, f"k{i}", datetime(2017, 1, 1 + i), latitude=lat, longitude=lon, category=category
            )
        add_incident(conn, imp, "far", datetime(2017, 1, 9), latitude=41.88, longitude=-87.63, mappable=False)
        add_incident(
            conn, imp, "none", datetime(2017, 1, 9), offense_description="<img src=x onerror=alert(1)>"
        )
        conn.execute(
            insert(boundary_layers).values(
                id=1,
                name="d",
                source_file="d.geojson",
                id_field="n",
                crs="EPSG:4326",
                loaded_at=datetime(2024, 1, 1),
            )
        )
        for rid in ("A", "B", "C"):
            conn.execute(insert(boundaries).values(layer_id=1, region_id=rid, geometry_wkb="00"))
        ids = dict(conn.execute(select(incidents.c.source_key, incidents.c.id)).all())
        conn.execute(
            insert(incident_regions),
            [
                {"layer_id": 1, "incident_id": ids[f"k{i}"], "region_id": "A" if i < 3 else "B"}
                for i in range(5)
            ],
        )
    return store, ids


def test_points_below_the_limit(filled):
    store, ids = filled
    with store.connect() as conn:
        data = map_data(conn, FilterSnapshot())
    assert data.mode == "points" and data.total == 5 and data.cells == []
    assert [p[0] for p in data.points] == [ids[f"k{i}"] for i in range(5)]
    assert data.points[0][3] == CATEGORY_COLORS["violent"] and data.points[4][3] == CATEGORY_COLORS["drug"]
    assert len(data.heat) == 5
    assert data.legend[0]["rows"][0] == [CATEGORY_COLORS["violent"], "violent"]


def test_grid_counts_come_from_the_database_above_the_limit(filled):
    with filled[0].connect() as conn:
        data = map_data(conn, FilterSnapshot(), point_limit=2, cell_m=500)
    assert data.mode == "grid" and data.points == []
    assert sum(c[4] for c in data.cells) == 5 and 2 <= len(data.cells) <= 4
    for south, west, north, east, count, _color in data.cells:
        inside = [s for s in SPOTS if south <= s[0] < north and west <= s[1] < east]
        assert len(inside) == count
    assert [h[2] for h in data.heat] == [c[4] for c in data.cells]  # heat weights are the counts


def test_filters_apply_to_the_map(filled):
    store, ids = filled
    with store.connect() as conn:
        violent = map_data(conn, FilterSnapshot(categories={"violent"}))
        boxed = map_data(conn, FilterSnapshot(bbox=(-87.66, 41.89, -87.64, 41.91)))
    assert violent.total == 3
    assert [p[0] for p in boxed.points] == [ids["k3"], ids["k4"]]


def test_arrivals_are_the_new_points_and_the_filters_new_total_as_sql_counts(filled):
    store, _ids = filled
    violent = FilterSnapshot(categories={"violent"})
    with store.connect() as conn:
        shown = map_data(conn, violent)
    with store.begin() as conn:
        imp = add_import(conn, "feed")
        for key, category in (("n1", "violent"), ("n2", "drug"), ("n3", "violent")):
            add_incident(
                conn, imp, key, datetime(2017, 1, 5), latitude=41.9, longitude=-87.6, category=category
            )
        new = dict(conn.execute(select(incidents.c.source_key, incidents.c.id)).all())
    with store.connect() as conn:
        arrived = arrived_points(conn, violent, shown)
        again = map_data(conn, violent)
    assert arrived is not None and arrived.mode == "points"
    assert [p[0] for p in arrived.points] == [new["n1"], new["n3"]]  # the filters' only
    assert arrived.total == again.total == 5 and shown.points + arrived.points == again.points
    assert arrived.heat == again.heat[3:]


def test_arrivals_are_refused_when_the_shown_points_are_not_all_but_them(filled):
    """An incident gone (or stored below the highest id shown), or more than the point limit: the
    caller must query the map anew."""
    store, ids = filled
    with store.connect() as conn:
        shown = map_data(conn, FilterSnapshot())
    with store.begin() as conn:
        add_incident(
            conn, add_import(conn, "feed"), "n1", datetime(2017, 1, 5), latitude=41.9, longitude=-87.6
        )
    with store.connect() as conn:
        assert arrived_points(conn, FilterSnapshot(), shown, point_limit=5) is None  # 6 now: a grid
        assert arrived_points(conn, FilterSnapshot(), shown) is not None
    with store.begin() as conn:
        conn.execute(delete(incidents).where(incidents.c.id == ids["k0"]))
    with store.connect() as conn:
        assert arrived_points(conn, FilterSnapshot(), shown) is None


def test_region_counts_show_every_region_and_ignore_their_own_selection(filled):
    with filled[0].connect() as conn:
        counts, legend = region_counts(conn, FilterSnapshot(region_layer_id=1, region_ids={"A"}), 1)
        drug, _ = region_counts(conn, FilterSnapshot(categories={"drug"}), 1)
    assert {r: c["count"] for r, c in counts.items()} == {"A": 3, "B": 2, "C": 0}
    assert legend["title"] == "Incidents per region"
    assert drug["A"]["count"] == 0 and drug["B"]["count"] == 2


def test_incident_details_are_text(filled):
    store, ids = filled
    with store.connect() as conn:
        lat, lon, details = incident_details(conn, ids["k0"])
        assert (lat, lon) == SPOTS[0]
        assert ["Category", "violent"] in details
        assert incident_details(conn, ids["none"]) is None  # no coordinates: nothing to pin
