import pytest
from sqlalchemy import inspect, select

from crimedesk.config.secrets import secret_account, set_secret
from crimedesk.storage.engine import resolve_url
from crimedesk.storage.schema import metadata


def test_store_is_migrated_to_the_schema(store):
    tables = set(inspect(store).get_table_names())
    assert {t.name for t in metadata.sorted_tables} <= tables
    assert "alembic_version" in tables


def test_sqlite_store_uses_wal(sqlite_store):
    with sqlite_store.connect() as conn:
        assert conn.exec_driver_sql("pragma journal_mode").scalar() == "wal"


def test_default_store_lives_in_the_user_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    url = resolve_url(None)
    assert url.database == str(tmp_path / "crimedesk" / "crimedesk.sqlite")


def test_postgres_password_comes_from_the_keyring():
    url = resolve_url("postgresql://analyst@db.example:5433/crimes")
    assert url.password is None
    set_secret(secret_account(url), "s3cret")
    url = resolve_url("postgresql://analyst@db.example:5433/crimes")
    assert url.password == "s3cret"
    assert url.drivername == "postgresql+psycopg"
    assert "s3cret" not in repr(url)


def test_reopening_a_store_keeps_its_data(tmp_path):
    from crimedesk.storage.engine import make_engine
    from crimedesk.storage.schema import import_mappings

    path = f"sqlite:///{tmp_path / 's.sqlite'}"
    engine = make_engine(path)
    with engine.begin() as conn:
        conn.execute(import_mappings.insert().values(name="m", spec_json="{}", created_at=0))
    engine.dispose()
    with make_engine(path).connect() as conn:
        assert conn.execute(select(import_mappings.c.name)).scalar() == "m"


def test_migrations_and_schema_agree_exactly(store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with store.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


def test_new_sqlite_stores_use_large_pages(sqlite_store):
    with sqlite_store.connect() as conn:
        assert conn.exec_driver_sql("pragma page_size").scalar() == 65536


def _incident(source_key: str) -> dict:
    return dict(
        source="chicago",
        source_key=source_key,
        occurred_from=0,
        category="other",
        mappable=False,
        quality_flags=0,
        import_id=1,
    )


def test_the_incident_key_stays_unique_on_every_store(store):
    from sqlalchemy.exc import IntegrityError

    from crimedesk.storage.schema import incidents

    with store.begin() as conn:
        conn.execute(incidents.insert(), [_incident("1")])
    with pytest.raises(IntegrityError), store.begin() as conn:
        conn.execute(incidents.insert(), [_incident("1")])


def test_a_version_2_store_keeps_its_incidents_and_key_through_migrations_3_and_5(tmp_path):
    from alembic import command
    from sqlalchemy.exc import IntegrityError

    from crimedesk.storage.engine import make_engine
    from crimedesk.storage.migrate import alembic_config
    from crimedesk.storage.schema import incidents

    engine = make_engine(f"sqlite:///{tmp_path / 'v2.sqlite'}", migrate=False)
    command.upgrade(alembic_config(engine), "0002")
    with engine.begin() as conn:
        conn.execute(incidents.insert(), [_incident("1"), _incident("2")])
    command.upgrade(alembic_config(engine), "head")
    with engine.connect() as conn:
        assert conn.execute(select(incidents.c.source_key).order_by(incidents.c.id)).scalars().all() == [
            "1",
            "2",
        ]
    key_index = {i["name"]: i for i in inspect(engine).get_indexes("incidents")}[
        "ix_incidents_source_key_source"
    ]
    assert key_index["column_names"] == ["source_key", "source"] and key_index["unique"]
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(incidents.insert(), [_incident("2")])


PAIRS = [(1, 5, "011"), (1, 3, "012"), (2, 3, "1134")]  # (layer_id, incident_id, region_id)


def _regions_migrated(tmp_path, start: str, target: str):
    """A store at revision ``start`` holding PAIRS, upgraded to ``target``: its engine, stored pairs,
    incident_regions' definition and its indexes."""
    from alembic import command

    from crimedesk.storage.engine import make_engine
    from crimedesk.storage.migrate import alembic_config

    engine = make_engine(f"sqlite:///{tmp_path / f'v{start}.sqlite'}", migrate=False)
    command.upgrade(alembic_config(engine), start)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO incident_regions (layer_id, incident_id, region_id) VALUES (?, ?, ?)", PAIRS
        )
    command.upgrade(alembic_config(engine), target)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT layer_id, incident_id, region_id FROM incident_regions").all()
        definition = conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'incident_regions'"
        ).scalar()
    indexes = {i["name"] for i in inspect(engine).get_indexes("incident_regions")}
    return engine, sorted(tuple(row) for row in rows), definition, indexes


def test_a_version_3_store_keeps_its_incident_regions_through_migration_4(tmp_path):
    _, rows, definition, indexes = _regions_migrated(tmp_path, "0003", "0004")
    assert rows == sorted(PAIRS)
    assert definition.rstrip().endswith("WITHOUT ROWID")
    assert indexes == {"ix_incident_regions_layer_id_region_id"}


def test_a_version_5_store_keeps_its_incident_regions_through_migration_6(tmp_path):
    from sqlalchemy.exc import IntegrityError

    engine, rows, definition, indexes = _regions_migrated(tmp_path, "0005", "head")
    assert rows == sorted(PAIRS)
    assert "PRIMARY KEY (layer_id, region_id, incident_id)" in definition
    assert definition.rstrip().endswith("WITHOUT ROWID")
    assert indexes == {"ix_incident_regions_incident_id_layer_id"}
    with pytest.raises(IntegrityError), engine.begin() as conn:  # still one region per incident and layer
        conn.exec_driver_sql("INSERT INTO incident_regions VALUES (1, '099', 5)")


def test_the_heads_read_from_the_scripts_are_alembics(store):
    from alembic.script import ScriptDirectory

    from crimedesk.storage.migrate import alembic_config, script_heads, store_revisions

    assert script_heads() == set(ScriptDirectory.from_config(alembic_config(store)).get_heads())
    assert store_revisions(store) == script_heads()  # a migrated store is recognised as current


def test_an_older_store_is_still_upgraded(tmp_path):
    from alembic import command

    from crimedesk.storage.engine import make_engine
    from crimedesk.storage.migrate import alembic_config, script_heads, store_revisions

    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}", migrate=False)
    command.upgrade(alembic_config(engine), "0009")
    assert store_revisions(engine) == {"0009"}
    engine.dispose()
    reopened = make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    assert store_revisions(reopened) == script_heads()
