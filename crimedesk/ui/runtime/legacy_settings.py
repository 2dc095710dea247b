"""First start after settings.json arrived: move the QSettings crimedesk kept before into it.

Only this module reads QSettings (Qt stays in ``crimedesk/ui``); the core interprets the values
(:meth:`Settings.from_legacy`). Once the file is written the old keys are removed, a store
password saved in them by older versions included.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from crimedesk.config.legacy import LEGACY_KEYS
from crimedesk.config.settings import Settings, SettingsError, save_settings


def legacy_qsettings() -> QSettings:
    return QSettings("crimedesk", "crimedesk")


def migrate_legacy_settings(settings_file: Path, legacy: QSettings | None = None) -> str | None:
    """Write ``settings_file`` from the legacy keys when it does not exist yet; a message when
    they could not be read (they are then left where they are, and defaults are used)."""
    if settings_file.exists():
        return None
    legacy = legacy or legacy_qsettings()
    values = {key: _plain(legacy.value(key)) for key in LEGACY_KEYS if legacy.contains(key)}
    try:
        settings = Settings.from_legacy(values)
    except SettingsError as exc:
        save_settings(Settings(), settings_file)
        return f"{exc}; using defaults"
    save_settings(settings, settings_file)
    for key in LEGACY_KEYS:
        legacy.remove(key)
    legacy.sync()
    return None


def _plain(value: Any) -> Any:
    return value.data() if isinstance(value, QByteArray) else value
