"""One typed, versioned Settings for the app and the CLI, kept as JSON in the user config directory.

The file never holds a password: :func:`save_settings` moves one typed inside the store URL to the
OS keyring (or, without a keyring, keeps it for this session only). Writes are atomic (temporary
file, then rename), the file is readable by its owner only, and every writer changes only its own
part through :func:`update_settings`, so the map, the window and the Settings dialog never undo
each other's changes. Environment overrides: ``CRIMEDESK_DB`` (store URL), ``CRIMEDESK_SETTINGS``
(path of the settings file).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from crimedesk.config.legacy import legacy_settings
from crimedesk.config.paths import config_dir
from crimedesk.config.secrets import keep_password, secret_account, shown_url, split_password
from crimedesk.domain.errors import CrimedeskError

SCHEMA_VERSION = 1
FILE_NAME = "settings.json"
ENV_STORE_URL = "CRIMEDESK_DB"
ENV_SETTINGS_FILE = "CRIMEDESK_SETTINGS"
NO_REGION_LAYER = -1
BASEMAPS = ("none", "xyz", "mbtiles")
PASSWORD_ON_COMMAND_LINE = (
    "the store URL holds a password, which other users can read in the process list; "
    "remove it and store it in the keyring with `crimedesk store password`, or let crimedesk ask for it"
)


class SettingsError(CrimedeskError):
    """The settings file or a URL given for the store cannot be used."""


@dataclass
class MapPreferences:
    lat: float = 41.84
    lon: float = -87.68
    zoom: int = 11
    visible: list[str] | None = None  # None: the map's default layers
    basemap: str = "none"  # none | xyz | mbtiles
    tile_url: str | None = None  # None: OpenStreetMap
    tile_attribution: str | None = None
    mbtiles: str | None = None
    region_layer: int = 0  # the choropleth layer id; 0: the first loaded, NO_REGION_LAYER: none
    palette: str = "Blues"  # the choropleth's (crimedesk.mapping.classes.PALETTES)
    classes: str = "quantile"  # quantile | equal | jenks
    heat_radius: int = 20  # pixels
    heat_blur: int = 15  # pixels
    heat_intensity: int = 100  # per cent
    measure: str = "count"  # the choropleth shows: count | per_100k | per_km2
    units: str = "m"  # distances on the map's scale bars: m (metres, km) | ft (feet, miles)


@dataclass
class WindowLayout:
    """The main window's ``saveGeometry()`` and ``saveState()`` bytes, base64-encoded."""

    geometry: str | None = None
    state: str | None = None


@dataclass
class Settings:
    store_url: str | None = None  # None: the SQLite file in the user data directory
    map: MapPreferences = field(default_factory=MapPreferences)
    window: WindowLayout = field(default_factory=WindowLayout)
    filters: dict[str, Any] | None = None  # the last session's FilterState.to_dict()
    idle_lock_minutes: float = 15.0  # PostgreSQL stores lock after this long without input; 0: never
    filter_sets: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> FilterSnapshot.to_dict()
    alert_rules: list[dict[str, Any]] = field(default_factory=list)  # crimedesk.feeds.alerts.AlertRule
    version: int = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Settings:
        """Settings from a saved file's JSON, migrated from older schema versions."""
        data = _migrated(dict(data))
        return cls(
            store_url=_typed(data, "store_url", str),
            map=_section(MapPreferences, data.get("map")),
            window=_section(WindowLayout, data.get("window")),
            filters=_typed(data, "filters", dict),
            idle_lock_minutes=_idle_minutes(data),
            filter_sets=_filter_sets(data),
            alert_rules=_alert_rules(data),
        )

    @classmethod
    def from_legacy(cls, values: Mapping[str, Any]) -> Settings:
        """Settings from the QSettings keys crimedesk used before this file existed (values as
        str, int, float or bytes; bytes are the window's geometry and state)."""
        try:
            return cls.from_dict(legacy_settings(values))
        except (ValueError, TypeError) as exc:
            raise SettingsError(f"the settings of the previous version cannot be read ({exc})") from exc


_MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}  # from version n to n + 1


def _migrated(data: dict[str, Any]) -> dict[str, Any]:
    version = data.get("version", SCHEMA_VERSION)
    if not isinstance(version, int) or version < 1:
        raise SettingsError(f"settings version {version!r} is not a positive whole number")
    if version > SCHEMA_VERSION:
        raise SettingsError(
            f"settings version {version} comes from a newer crimedesk (this one reads {SCHEMA_VERSION})"
        )
    while version < SCHEMA_VERSION:
        data = _MIGRATIONS[version](data)
        version += 1
    return data


def _typed(data: Mapping[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    value = data.get(key)
    if value is not None and (isinstance(value, bool) or not isinstance(value, kind)):
        raise SettingsError(f"setting {key!r} should be {_kind_name(kind)}, not {value!r}")
    return value


def _idle_minutes(data: Mapping[str, Any]) -> float:
    value = _typed(data, "idle_lock_minutes", (int, float))
    if value is not None and value < 0:
        raise SettingsError(f"setting 'idle_lock_minutes' should be 0 (never) or more, not {value!r}")
    return 15.0 if value is None else float(value)


def _filter_sets(data: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    sets = _typed(data, "filter_sets", dict) or {}
    for name, values in sets.items():
        if not isinstance(values, dict):
            raise SettingsError(f"saved filter set {name!r} should be an object, not {values!r}")
    return dict(sets)


def _alert_rules(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    rules = _typed(data, "alert_rules", list) or []
    for rule in rules:
        if not isinstance(rule, dict):
            raise SettingsError(f"a sensor alert rule should be an object, not {rule!r}")
    return list(rules)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "text", int: "a whole number", float: "a number", dict: "an object", list: "a list"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


_FIELD_KINDS: dict[str, type | tuple[type, ...]] = {
    "lat": (int, float),
    "lon": (int, float),
    "zoom": int,
    "visible": list,
    "region_layer": int,
    "heat_radius": int,
    "heat_blur": int,
    "heat_intensity": int,
}


def _section(cls: Any, data: Any) -> Any:
    if data is None:
        return cls()
    if not isinstance(data, dict):
        raise SettingsError(f"settings section {cls.__name__} should be an object, not {data!r}")
    names = [f.name for f in fields(cls) if f.name in data]
    values = {name: _typed(data, name, _FIELD_KINDS.get(name, str)) for name in names}
    if values.get("basemap") not in (None, *BASEMAPS):
        raise SettingsError(
            f"setting 'basemap' should be one of {', '.join(BASEMAPS)}, not {values['basemap']!r}"
        )
    if "visible" in values and values["visible"] is not None:
        values["visible"] = [str(name) for name in values["visible"]]
    return cls(**values)


def settings_path(environ: Mapping[str, str] = os.environ) -> Path:
    """``$CRIMEDESK_SETTINGS``, else ``settings.json`` in the user config directory."""
    override = environ.get(ENV_SETTINGS_FILE)
    return Path(override).expanduser() if override else config_dir() / FILE_NAME


def load_settings(path: Path | None = None) -> Settings:
    """The saved settings (defaults when there is no file); raises SettingsError if unreadable."""
    path = path or settings_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except OSError as exc:
        raise SettingsError(f"the settings file {path} cannot be read: {exc.strerror}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SettingsError(f"the settings file {path} is not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise SettingsError(f"the settings file {path} should hold a JSON object")
    try:
        return Settings.from_dict(data)
    except SettingsError as exc:
        raise SettingsError(f"the settings file {path} cannot be used: {exc}") from exc


def open_settings(path: Path | None = None) -> tuple[Settings, str | None]:
    """The saved settings, or defaults and a message when the file is unreadable; the unreadable
    file is kept beside it (``settings.json.unreadable``) so nothing in it is lost."""
    path = path or settings_path()
    try:
        return load_settings(path), None
    except SettingsError as exc:
        kept = path.with_name(path.name + ".unreadable")
        os.replace(path, kept)
        return Settings(), f"{exc}; using defaults (the file was kept as {kept.name})"


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write ``settings`` atomically, readable by its owner only. A password inside the store URL
    goes to the keyring (or this session's memory), never to the file."""
    path = path or settings_path()
    if settings.store_url:
        settings.store_url = without_password(settings.store_url)
    _ensure_private_directory(path.parent)
    text = json.dumps(settings.to_dict(), indent=2, sort_keys=True) + "\n"
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:  # mkstemp made it 0600
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def update_settings(change: Callable[[Settings], None], path: Path | None = None) -> Settings:
    """Read the file, apply ``change`` to what it holds now, write it back; the saved settings."""
    path = path or settings_path()
    settings = load_settings(path)
    change(settings)
    save_settings(settings, path)
    return settings


def without_password(url: str) -> str:
    """``url`` with any password moved out: to the keyring, else kept for this session."""
    try:
        stripped, password = split_password(url)
    except ValueError as exc:
        raise SettingsError(f"{shown_url(url)} is not a database URL") from exc
    if password:
        keep_password(secret_account(stripped), password)
    return stripped.render_as_string(hide_password=False)


def configured_store_url(settings: Settings, environ: Mapping[str, str] = os.environ) -> str | None:
    """The store to open when none is given: ``$CRIMEDESK_DB``, else the saved one (None: default)."""
    return environ.get(ENV_STORE_URL) or settings.store_url


def refuse_password(url: str) -> str:
    """``url`` as given on a command line, which must not hold a password (others can read it)."""
    try:
        password = split_password(url)[1]
    except ValueError as exc:
        raise SettingsError(f"{shown_url(url)} is not a database URL") from exc
    if password:
        raise SettingsError(PASSWORD_ON_COMMAND_LINE)
    return url


def _ensure_private_directory(directory: Path) -> None:
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    if directory == config_dir():
        directory.chmod(0o700)
