"""Where crimedesk keeps its files (platformdirs; honours XDG_* variables on Linux)."""

from __future__ import annotations

from pathlib import Path

import platformdirs

from crimedesk.config.private_files import private_dir

APP_NAME = "crimedesk"


def data_dir() -> Path:
    path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return private_dir(path)


def default_database_path() -> Path:
    return data_dir() / "crimedesk.sqlite"


def cache_dir() -> Path:
    """Files crimedesk can rebuild from the store, such as the analytics mirrors."""
    path = Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
    return private_dir(path)


def config_dir() -> Path:
    """The settings file's directory, private to its owner (0700)."""
    return private_dir(Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)))
