"""Named filter sets the analyst saves and recalls ("Night burglaries, district 11"), kept in Settings.

Each set is a :class:`FilterSnapshot` as a dict. A set whose period is a preset ("Last 28 days") is
recalled with that preset's dates on the day it is used, not the dates it was saved with.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from crimedesk.config.settings import Settings, SettingsError, load_settings, update_settings
from crimedesk.domain.filters import FilterSnapshot, preset_range

MAX_NAME = 80


def filter_sets(path: Path | None = None) -> dict[str, FilterSnapshot]:
    """The saved sets by name, sorted; a set this version cannot read is an error naming it."""
    out = {}
    for name, values in sorted(load_settings(path).filter_sets.items(), key=lambda kv: kv[0].lower()):
        try:
            out[name] = FilterSnapshot.from_dict(values)
        except (ValueError, TypeError) as exc:
            raise SettingsError(f"the saved filter set {name!r} cannot be read ({exc})") from exc
    return out


def save_filter_set(name: str, snapshot: FilterSnapshot, path: Path | None = None) -> str:
    """Save (or replace) the set ``name``; returns the name as kept (trimmed)."""
    name = " ".join(name.split())
    if not name:
        raise SettingsError("a saved filter set needs a name")
    if len(name) > MAX_NAME:
        raise SettingsError(f"a filter set's name can have up to {MAX_NAME} characters")

    def change(settings: Settings) -> None:
        settings.filter_sets[name] = snapshot.to_dict()

    update_settings(change, path)
    return name


def delete_filter_set(name: str, path: Path | None = None) -> None:
    """Forget the set ``name`` (nothing happens if there is none)."""

    def change(settings: Settings) -> None:
        settings.filter_sets.pop(name, None)

    update_settings(change, path)


def recalled(snapshot: FilterSnapshot, latest: date | None) -> FilterSnapshot:
    """The set as it applies now: a preset period ends on ``latest``, the newest day with data."""
    if snapshot.preset == "custom" or latest is None:
        return snapshot
    start, end = preset_range(snapshot.preset, latest)
    return replace(snapshot, date_from=start, date_to=end)
