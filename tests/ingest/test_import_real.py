"""Imports of the real files in ../shared/data, on SQLite and PostgreSQL."""

import pytest
from sqlalchemy import func, select

from crimedesk.domain.quality import Quality
from crimedesk.ingest.pipeline import import_file
from crimedesk.storage.schema import incidents, ucr_counts
from tests.ingest.helpers import count, import_row
from tests.layers import import_districts


def test_chicago_sample_imports_and_reconciles(store, chicago_sample):
    result = import_file(store, chicago_sample)
    c = result.counts
    assert (c.rows_read, c.inserted, c.updated, c.unchanged, c.rejected) == (2426, 2426, 0, 0, 0)
    assert c.unmappable == count(store, incidents, incidents.c.mappable.is_(False)) == 83
    stored = import_row(store, result.import_id)
    assert (stored.status, stored.rows_read, stored.inserted, stored.profile) == ("ok", 2426, 2426, "chicago")
    assert len(stored.sha256) == 64 and stored.file_name == chicago_sample.name


def test_reimporting_the_same_file_changes_nothing(store, chicago_sample):
    import_file(store, chicago_sample)
    with store.connect() as conn:
        before = conn.execute(select(incidents).order_by(incidents.c.id)).all()
    again = import_file(store, chicago_sample, again=True)
    assert (again.counts.inserted, again.counts.updated, again.counts.unchanged) == (0, 0, 2426)
    with store.connect() as conn:
        after = conn.execute(select(incidents).order_by(incidents.c.id)).all()
    assert after == before


def test_canonical_values_of_one_chicago_row(store, chicago_sample):
    import_file(store, chicago_sample)
    with store.connect() as conn:
        row = conn.execute(select(incidents).where(incidents.c.source_key == "11227508")).one()
    assert (row.case_number, row.offense_code, row.offense_type) == (
        "JB146365",
        "1754",
        "OFFENSE INVOLVING CHILDREN",
    )
    assert row.occurred_from.isoformat() == "2017-01-01T00:01:00"
    assert row.source_updated_at.isoformat() == "2018-02-11T15:57:41"
    assert (row.district, row.beat, row.ward, row.community_area) == ("010", "1033", "12", "30")
    assert row.category == "violent"  # FBI code 02, criminal sexual assault
    assert row.arrest is False and row.domestic is False
    assert row.mappable is False and row.quality_flags & Quality.COORDS_MISSING


def test_projected_metres_match_the_state_plane_feet(store, chicago_sample):
    import csv

    import_file(store, chicago_sample)
    with chicago_sample.open() as handle:
        source = {r["ID"]: r for r in csv.DictReader(handle) if r["X Coordinate"]}
    with store.connect() as conn:
        rows = conn.execute(
            select(incidents.c.source_key, incidents.c.x, incidents.c.y)
            .where(incidents.c.mappable.is_(True))
            .limit(200)
        ).all()
    xs = [(r.x, float(source[r.source_key]["X Coordinate"])) for r in rows]
    ys = [(r.y, float(source[r.source_key]["Y Coordinate"])) for r in rows]
    # UTM and state plane differ by an offset and a small rotation; distances in metres must agree.
    (x0, fx0), (x1, fx1) = xs[0], xs[-1]
    (y0, fy0), (y1, fy1) = ys[0], ys[-1]
    metres = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
    feet = ((fx1 - fx0) ** 2 + (fy1 - fy0) ** 2) ** 0.5
    assert metres == pytest.approx(feet * 0.3048006, rel=2e-3, abs=1.0)


def test_newer_updated_on_updates_and_older_is_unchanged(store, chicago_sample, tmp_path):
    import_file(store, chicago_sample)
    lines = chicago_sample.read_text().splitlines()
    newer = (
        lines[1]
        .replace("02/11/2018 03:57:41 PM", "02/12/2018 09:00:00 AM")
        .replace("false,false", "true,false")
    )
    older = (
        lines[2].replace("02/13/2018 03:58:53 PM", "01/01/2017 09:00:00 AM").replace("RESIDENCE", "STREET", 1)
    )
    path = tmp_path / "changes.csv"
    path.write_text("\n".join([lines[0], newer, older, lines[3]]) + "\n")
    result = import_file(store, path)
    assert (result.counts.updated, result.counts.unchanged, result.counts.inserted) == (1, 2, 0)
    with store.connect() as conn:
        arrest = conn.execute(select(incidents.c.arrest).where(incidents.c.source_key == "11227508")).scalar()
        place = conn.execute(
            select(incidents.c.location_description).where(incidents.c.source_key == "11228656")
        ).scalar()
    assert arrest is True and place == "RESIDENCE"


def test_nypd_sample_keeps_windows_and_na_as_empty(store, nypd_sample):
    result = import_file(store, nypd_sample)
    c = result.counts
    assert result.profile == "nypd"
    assert (c.rows_read, c.inserted, c.rejected, c.unmappable, c.corrected) == (10_000, 10_000, 0, 21, 1)
    with store.connect() as conn:
        row = conn.execute(select(incidents).where(incidents.c.source_key == "476711705")).one()
        by_category = select(incidents.c.category, func.count()).group_by(incidents.c.category)
        categories = {category: n for category, n in conn.execute(by_category)}
    assert row.occurred_from.isoformat() == "2009-12-10T11:30:00"
    assert row.occurred_to.isoformat() == "2009-12-10T14:00:00"
    assert (row.precinct, row.borough, row.law_category, row.category) == (
        "102",
        "QUEENS",
        "FELONY",
        "property",
    )
    assert row.location_description == "RESIDENCE-HOUSE" and row.mappable
    assert (
        count(store, incidents, incidents.c.occurred_to.is_not(None)) == 10_000 - 2_580
    )  # README: 2,580 lack an end
    assert count(store, incidents, incidents.c.offense_description == "NA") == 0
    # KY_CD counts in the sample: violent 101/104/105/106, drug 117/235, property 107/109/110/114/341-343
    assert categories == {"violent": 762, "drug": 712, "property": 3094, "other": 5432}


def test_fbi_ucr_table_imports_into_ucr_counts(store, ucr_table):
    result = import_file(store, ucr_table)
    assert result.profile == "fbi_ucr"
    assert (result.counts.rows_read, result.counts.inserted, result.counts.rejected) == (2116, 2116, 0)
    with store.connect() as conn:
        national = conn.execute(
            select(ucr_counts).where(ucr_counts.c.year == 1979, ucr_counts.c.state_abbr == "US")
        ).one()
    assert (national.population, national.violent_crime, national.rape_revised) == (220099000, 1208030, None)
    again = import_file(store, ucr_table, again=True)
    assert again.counts.unchanged == 2116


@pytest.mark.slow
def test_full_chicago_file_reconciles_exactly(store, chicago_full, data_dir):
    import_districts(store, data_dir)
    result = import_file(store, chicago_full)
    c = result.counts
    assert (c.rows_read, c.inserted, c.updated, c.unchanged, c.rejected) == (536_605, 536_605, 0, 0, 0)
    assert c.unmappable == 4_383
    from crimedesk.regions.store import list_layers, region_agreement

    with store.connect() as conn:
        layer = next(layer for layer in list_layers(conn) if layer.name == "districts")
        agreement = region_agreement(conn, layer.id)
    assert agreement.agreement_rate >= 0.97
    assert agreement.compared >= 0.99 * (536_605 - 4_383)  # a few lack a code or lie outside every district


def test_an_incident_moved_by_a_later_row_of_the_same_file_keeps_its_first_region(
    store, data_dir, chicago_sample, tmp_path, monkeypatch
):
    """A first load keeps its region rows until the end; a later row of the same file with the
    key is a conflict (issue 21: within a file nothing is updated), so the incident keeps the
    first row's place and its one region."""
    from crimedesk.ingest import source
    from crimedesk.storage.schema import incident_regions

    monkeypatch.setattr(source, "BLOCK_SIZE", 8192)  # about 30 rows a batch
    import_districts(store, data_dir)
    header, *rows = chicago_sample.read_text().splitlines()[:301]
    located = [row.split(",") for row in rows if row.split(",")[19]]  # has a latitude
    first, elsewhere = located[0], next(r for r in located if r[11] != located[0][11])
    moved = [*first[:15], *elsewhere[15:17], first[17], "12/31/2018 09:00:00 AM", *elsewhere[19:]]
    path = tmp_path / "moved.csv"
    path.write_text("\n".join([header, *rows, ",".join(moved)]) + "\n")
    result = import_file(store, path)
    c = result.counts
    assert (c.rows_read, c.inserted, c.updated, c.conflicts) == (301, 300, 0, 1)
    with store.connect() as conn:
        incident = select(incidents.c.id).where(incidents.c.source_key == first[0]).scalar_subquery()
        regions = conn.execute(
            select(incident_regions.c.region_id).where(incident_regions.c.incident_id == incident)
        ).scalars()
        assert [int(r) for r in regions] == [int(first[11])]


def test_a_first_load_puts_back_every_index_and_key_it_dropped(store, data_dir, chicago_sample):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import inspect

    from crimedesk.storage.schema import metadata

    import_districts(store, data_dir)
    assert import_file(store, chicago_sample).counts.inserted == 2426  # a first load: indexes dropped
    key = inspect(store).get_pk_constraint("incident_regions")
    assert (key["name"], key["constrained_columns"]) == (
        "pk_incident_regions",
        ["layer_id", "region_id", "incident_id"],
    )
    with store.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
