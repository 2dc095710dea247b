"""The typed settings file: defaults, round trip, privacy, atomic writes, overrides, migrations."""

from __future__ import annotations

import base64
import json
import stat

import pytest

from crimedesk.config.secrets import get_secret, secret_account, split_password
from crimedesk.config.settings import (
    SCHEMA_VERSION,
    MapPreferences,
    Settings,
    SettingsError,
    configured_store_url,
    load_settings,
    open_settings,
    refuse_password,
    save_settings,
    settings_path,
    update_settings,
)
from tests.config.conftest import TEST_PASSWORD

PG_URL = "postgresql+psycopg://analyst@db.example:5433/crimes"


def test_no_file_means_defaults(settings_file):
    assert settings_path() == settings_file
    assert load_settings() == Settings()
    assert Settings().version == SCHEMA_VERSION


def test_settings_round_trip_through_a_private_file(settings_file):
    settings = Settings(store_url=PG_URL, filters={"categories": ["drug"]})
    settings.map = MapPreferences(lat=40.7, lon=-74.0, zoom=13, visible=["points"], basemap="xyz")
    settings.window.geometry = base64.b64encode(b"\x01\x02geometry").decode()
    save_settings(settings)
    assert load_settings() == settings
    assert stat.S_IMODE(settings_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(settings_file.parent.stat().st_mode) == 0o700
    assert json.loads(settings_file.read_text())["version"] == SCHEMA_VERSION
    assert [p.name for p in settings_file.parent.iterdir()] == ["settings.json"]  # no temporary left


def test_the_default_directory_is_made_private(monkeypatch, tmp_path):
    monkeypatch.delenv("CRIMEDESK_SETTINGS")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    (tmp_path / "xdg" / "crimedesk").mkdir(parents=True, mode=0o755)
    save_settings(Settings())
    path = tmp_path / "xdg" / "crimedesk" / "settings.json"
    assert settings_path() == path and path.exists()
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_failed_write_keeps_the_previous_file(settings_file, monkeypatch):
    save_settings(Settings(store_url="sqlite:////data/first.sqlite"))

    def broken_dumps(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(json, "dumps", broken_dumps)
    with pytest.raises(OSError, match="disk full"):
        save_settings(Settings(store_url="sqlite:////data/second.sqlite"))
    monkeypatch.undo()
    assert load_settings(settings_file).store_url == "sqlite:////data/first.sqlite"
    assert [p.name for p in settings_file.parent.iterdir()] == ["settings.json"]


def test_a_password_in_the_store_url_goes_to_the_keyring_never_to_the_file(settings_file):
    save_settings(Settings(store_url=f"postgresql+psycopg://analyst:{TEST_PASSWORD}@db.example:5433/crimes"))
    assert TEST_PASSWORD not in settings_file.read_text()
    assert load_settings().store_url == PG_URL
    assert get_secret(secret_account(split_password(PG_URL)[0])) == TEST_PASSWORD


def test_a_password_query_parameter_is_moved_too(settings_file):
    save_settings(Settings(store_url=f"{PG_URL}?password={TEST_PASSWORD}&sslmode=require"))
    assert TEST_PASSWORD not in settings_file.read_text()
    assert load_settings().store_url == f"{PG_URL}?sslmode=require"


def test_without_a_keyring_the_password_is_kept_for_the_session_only(settings_file, no_keyring):
    save_settings(Settings(store_url=f"postgresql+psycopg://analyst:{TEST_PASSWORD}@db.example:5433/crimes"))
    assert TEST_PASSWORD not in settings_file.read_text()
    assert get_secret("analyst@db.example:5433/crimes") == TEST_PASSWORD  # this process only


def test_saving_the_shown_url_again_does_not_store_the_mask(settings_file):
    """A URL rendered for display has ``***`` for its password; saving it must not keep that."""
    save_settings(Settings(store_url=f"postgresql+psycopg://analyst:{TEST_PASSWORD}@db.example:5433/crimes"))
    shown = Settings(store_url=load_settings().store_url)
    save_settings(shown)
    assert "***" not in settings_file.read_text()
    assert get_secret("analyst@db.example:5433/crimes") == TEST_PASSWORD


def test_updates_change_only_their_part(settings_file):
    save_settings(Settings(store_url=PG_URL))
    stale = load_settings()

    def move_map(settings: Settings) -> None:
        settings.map.zoom = 15

    update_settings(move_map)
    stale.window.state = "AAAA"
    update_settings(lambda settings: setattr(settings, "window", stale.window))
    saved = load_settings()
    assert (saved.store_url, saved.map.zoom, saved.window.state) == (PG_URL, 15, "AAAA")


def test_crimedesk_db_overrides_the_saved_store():
    settings = Settings(store_url=PG_URL)
    assert configured_store_url(settings, {}) == PG_URL
    assert configured_store_url(settings, {"CRIMEDESK_DB": "sqlite:////x.sqlite"}) == "sqlite:////x.sqlite"
    assert configured_store_url(Settings(), {}) is None


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "is not valid JSON"),
        ("[1, 2]", "should hold a JSON object"),
        ('{"version": 99}', "settings version 99 comes from a newer crimedesk"),
        ('{"version": 1, "map": {"zoom": "near"}}', "setting 'zoom' should be a whole number, not 'near'"),
        ('{"version": 1, "store_url": 5}', "setting 'store_url' should be text, not 5"),
        ('{"version": 1, "map": {"basemap": "satellite"}}', "'basemap' should be one of none, xyz, mbtiles"),
    ],
)
def test_an_unreadable_file_is_named_and_kept(settings_file, content, problem):
    settings_file.parent.mkdir(parents=True)
    settings_file.write_text(content)
    with pytest.raises(SettingsError, match=problem):
        load_settings()
    settings, message = open_settings()
    assert settings == Settings()
    assert problem in message and "settings.json.unreadable" in message
    assert (settings_file.parent / "settings.json.unreadable").read_text() == content


def test_from_legacy_reads_the_old_qsettings_keys():
    geometry = b"\x01\xd9\xd0\xcb\x00\x03"
    settings = Settings.from_legacy(
        {
            "store/url": PG_URL,
            "window/geometry": geometry,
            "filters": '{"categories": ["violent"], "text": "STATE"}',
            "map/lat": "41.8",
            "map/lon": -87.6,
            "map/zoom": "13",
            "map/visible": '["regions", "heat"]',
            "map/basemap": "mbtiles",
            "map/mbtiles": "/tiles/chicago.mbtiles",
            "map/region_layer": "-1",
        }
    )
    assert settings.store_url == PG_URL
    assert base64.b64decode(settings.window.geometry) == geometry and settings.window.state is None
    assert settings.filters == {"categories": ["violent"], "text": "STATE"}
    assert settings.map == MapPreferences(
        lat=41.8, lon=-87.6, zoom=13, visible=["regions", "heat"], basemap="mbtiles",
        mbtiles="/tiles/chicago.mbtiles", region_layer=-1,
    )  # fmt: skip
    assert Settings.from_legacy({}) == Settings()


def test_from_legacy_names_what_it_cannot_read():
    with pytest.raises(SettingsError, match="previous version"):
        Settings.from_legacy({"filters": "{broken"})


def test_a_command_line_url_must_not_hold_a_password():
    assert refuse_password(PG_URL) == PG_URL
    with pytest.raises(SettingsError, match="process list") as raised:
        refuse_password(f"postgresql://analyst:{TEST_PASSWORD}@db.example/crimes")
    assert TEST_PASSWORD not in str(raised.value)
    with pytest.raises(SettingsError, match="is not a database URL"):
        refuse_password(f"not a url {TEST_PASSWORD}")
