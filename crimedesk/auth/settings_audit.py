"""Settings changed through the Settings dialog, recorded in the open store's audit trail.

One ``change_settings`` row per changed setting, naming it with its old and new value. Values are
never secrets: a store URL is saved and shown without its password (the password lives in the
keyring and is not recorded at all). The rows commit only once the settings file is written.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from crimedesk.auth import audit
from crimedesk.auth.permissions import requires, resolved
from crimedesk.auth.roles import Action
from crimedesk.auth.user import User
from crimedesk.config.secrets import shown_url
from crimedesk.config.settings import Settings, load_settings, update_settings

CHANGE_SETTING = Action.CHANGE_SETTINGS.value  # the trail's word (the Admin pane filters on it)
#: The settings the dialog edits; each user's own, on this workstation (store-wide: auth.store_settings).
AUDITED: dict[str, Callable[[Any], Any]] = {
    "store_url": lambda url: None if url is None else shown_url(url),
    "idle_lock_minutes": float,
}


@dataclass(frozen=True)
class SettingChange:
    name: str
    old: Any
    new: Any


def setting_changes(before: Settings, after: Settings) -> list[SettingChange]:
    """The audited settings whose value differs, as shown (no password)."""
    changes = []
    for name, show in AUDITED.items():
        old, new = show(getattr(before, name)), show(getattr(after, name))
        if old != new:
            changes.append(SettingChange(name, old, new))
    return changes


@requires(Action.READ)  # each user's own workstation settings: any role (store-wide: CHANGE_SETTINGS)
def save_audited(
    engine: Engine, path: Path, change: Callable[[Settings], None], *, user: User | None = None
) -> list[SettingChange]:
    """Apply ``change`` to the settings file at ``path`` and record each changed setting in
    ``engine``'s audit trail; the rows are rolled back when the file cannot be written."""
    after = copy.deepcopy(load_settings(path))
    change(after)
    changes = setting_changes(load_settings(path), after)
    with engine.begin() as conn:
        for c in changes:
            details = {"setting": c.name, "old": c.old, "new": c.new, "scope": "workstation"}
            audit.record(conn, resolved(user), CHANGE_SETTING, "setting", c.name, details)
        update_settings(change, path)
    return changes
