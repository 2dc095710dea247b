"""Where crimedesk keeps its files (platformdirs; honours XDG_* variables on Linux)."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "crimedesk"


def data_dir() -> Path:
    path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database_path() -> Path:
    return data_dir() / "crimedesk.sqlite"


def cache_dir() -> Path:
    """Files crimedesk can rebuild from the store, such as the analytics mirrors."""
    path = Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    """The settings file's directory, private to its owner (0700)."""
    path = Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path
