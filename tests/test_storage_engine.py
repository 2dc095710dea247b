from sqlalchemy import inspect, select

from crimedesk.config.secrets import set_secret
from crimedesk.storage.engine import resolve_url, secret_account
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
