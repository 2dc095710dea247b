"""Short CLI commands open a SQLite store with a small page cache and temporary files on disk."""

from __future__ import annotations

from typer.testing import CliRunner

from crimedesk.cli import app, common
from crimedesk.storage.engine import CACHE_SIZE_KIB, LIGHT_CACHE_SIZE_KIB, make_engine


def _pragmas(engine) -> tuple[int, int]:
    with engine.connect() as conn:
        cache = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
        temp = conn.exec_driver_sql("PRAGMA temp_store").scalar_one()
    engine.dispose()
    return cache, temp


def test_light_engine_has_a_small_cache_and_file_temp_store(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    assert _pragmas(make_engine(url)) == (-CACHE_SIZE_KIB, 2)  # MEMORY
    assert _pragmas(make_engine(url, light=True)) == (-LIGHT_CACHE_SIZE_KIB, 1)  # FILE


def test_stats_and_imports_run_on_the_light_engine(tmp_path, chicago_sample, monkeypatch):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    runner = CliRunner()
    assert runner.invoke(app, ["import", str(chicago_sample), "--db", url]).exit_code == 0
    opened: list[bool] = []
    real = common.make_engine

    def recorded(url, light=False):
        opened.append(light)
        return real(url, light=light)

    monkeypatch.setattr(common, "make_engine", recorded)
    stats = runner.invoke(app, ["stats", "--db", url])
    history = runner.invoke(app, ["imports", "--db", url])
    assert stats.exit_code == 0 and "incidents: 2,426" in stats.output
    assert history.exit_code == 0 and " id " in history.output
    assert opened == [True, True]
