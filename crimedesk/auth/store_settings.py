"""Store-wide settings: one value per store, the same on every workstation, changed only by admins.

A workstation's own settings (crimedesk.config.settings) are each user's to choose; a store-wide
setting is the store's rule for everyone who opens it. The first is the idle-lock limit: a
workstation may lock sooner, never later, and never not at all. Values live in the
``store_settings`` table (migration 0018; on PostgreSQL only ``crimedesk_admin`` may write it) as
JSON, a row only once an admin has changed the default. Each change is checked here (known name,
valid value), needs :attr:`Action.CHANGE_SETTINGS` and is audited, with the old and the new
value, in the transaction that makes it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, select

from crimedesk.auth import audit
from crimedesk.auth.permissions import requires, resolved
from crimedesk.auth.roles import Action
from crimedesk.auth.user import User
from crimedesk.domain.errors import CrimedeskError
from crimedesk.storage.schema import store_settings

IDLE_LOCK_MAX = "idle_lock_max_minutes"
MAX_IDLE_MINUTES = 24 * 60  # a day: the longest idle time any setting may give


class StoreSettingError(CrimedeskError):
    """An unknown store setting, or a value it does not take; nothing was changed."""


@dataclass(frozen=True)
class StoreSetting:
    """What a store-wide setting takes: ``check`` returns the value to keep or raises ValueError
    (a sentence); ``parse`` reads it from text (the CLI's ``name=value``)."""

    name: str
    default: Any
    description: str
    check: Callable[[Any], Any]
    parse: Callable[[str], Any]


@dataclass(frozen=True)
class StoreSettingValue:
    name: str
    value: Any
    default: Any
    description: str
    changed_at_utc: datetime | None  # None: the default, never changed
    changed_by: str


def _lock_minutes(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{value!r} is not a number of minutes")
    if not 1 <= value <= MAX_IDLE_MINUTES:
        raise ValueError(
            f"{value:g} is not a limit: choose 1 to {MAX_IDLE_MINUTES} minutes (every workstation"
            " of the store must lock, so 0, never, is no limit)"
        )
    return float(value)


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None


SETTINGS: dict[str, StoreSetting] = {
    IDLE_LOCK_MAX: StoreSetting(
        IDLE_LOCK_MAX,
        15.0,
        "Minutes without input after which every workstation locks, at the latest",
        _lock_minutes,
        _number,
    ),
}


def setting(name: str) -> StoreSetting:
    try:
        return SETTINGS[name]
    except KeyError:
        known = ", ".join(SETTINGS)
        raise StoreSettingError(f"{name!r} is not a store-wide setting (there is: {known})") from None


def checked(name: str, value: Any) -> Any:
    """``value`` as ``name`` keeps it; StoreSettingError (naming the setting) when refused."""
    try:
        return setting(name).check(value)
    except ValueError as exc:
        raise StoreSettingError(f"{name}: {exc}") from None


def parsed(name: str, text: str) -> Any:
    """``text`` read and checked as a value of ``name``."""
    try:
        value = setting(name).parse(text.strip())
    except ValueError as exc:
        raise StoreSettingError(f"{name}: {exc}") from None
    return checked(name, value)


def read_store_settings(engine: Engine) -> list[StoreSettingValue]:
    """Every store-wide setting, with its value (the default when never changed), by name.

    A stored value the setting does not take (written past crimedesk, with psql) counts as the
    default: the default is the safe value."""
    with engine.connect() as conn:
        rows = {row.name: row for row in conn.execute(select(store_settings))}
    shown = []
    for name, spec in sorted(SETTINGS.items()):
        row = rows.get(name)
        value = None if row is None else _stored(name, row.value_json)
        if row is None or value is None:
            shown.append(StoreSettingValue(name, spec.default, spec.default, spec.description, None, ""))
        else:
            at, by = row.changed_at, row.changed_by
            shown.append(StoreSettingValue(name, value, spec.default, spec.description, at, by))
    return shown


def store_setting(engine: Engine, name: str) -> Any:
    """The value of one store-wide setting."""
    setting(name)
    return next(s.value for s in read_store_settings(engine) if s.name == name)


def _stored(name: str, value_json: str) -> Any:
    try:
        return checked(name, json.loads(value_json))
    except (ValueError, StoreSettingError):
        return None


@requires(Action.CHANGE_SETTINGS)
def change_store_setting(engine: Engine, name: str, value: Any, *, user: User | None = None) -> Any:
    """Set store-wide setting ``name`` to ``value`` (admins), audited with the old and new value.

    Returns the value as kept. The current value again changes nothing and writes no audit row."""
    new = checked(name, value)
    with engine.begin() as conn:
        stored = _current(conn, name)
        before = setting(name).default if stored is None else stored
        if before == new:
            return new
        row = {
            "value_json": json.dumps(new),
            "changed_at": datetime.now(UTC).replace(tzinfo=None),
            "changed_by": resolved(user).name,
        }
        if stored is None:
            conn.execute(store_settings.insert().values(name=name, **row))
        else:
            conn.execute(store_settings.update().where(store_settings.c.name == name).values(**row))
        details = {"setting": name, "old": before, "new": new, "scope": "store"}
        audit.record(conn, resolved(user), Action.CHANGE_SETTINGS, "setting", name, details)
    return new


def _current(conn: Connection, name: str) -> Any:
    """The stored value (None when the store has no row), as stored."""
    stored = conn.execute(select(store_settings.c.value_json).where(store_settings.c.name == name))
    value_json = stored.scalar()
    return None if value_json is None else json.loads(value_json)


def effective_idle_minutes(workstation_minutes: float, store_limit: float) -> float:
    """The idle lock's time: the workstation's own when shorter than the store's limit, else the
    limit; a workstation's 0 (never) is no choice on a store with a limit."""
    if workstation_minutes <= 0:
        return store_limit
    return min(workstation_minutes, store_limit)


def check_workstation_idle(minutes: float, store_limit: float) -> None:
    """ValueError (a sentence for the Settings dialog) when a workstation's idle time is not
    within the store's limit."""
    if minutes <= 0 or minutes > store_limit:
        raise ValueError(
            f"this store locks every workstation after at most {store_limit:g} minutes without input"
            f" (its admin's setting): choose 1 to {store_limit:g} minutes"
        )


def idle_lock_minutes(engine: Engine, workstation_minutes: float) -> float:
    """The idle lock of a window on ``engine``: on PostgreSQL the shorter of the workstation's time
    and the store's limit; on SQLite none (0: there is no password to ask, the OS session locks)."""
    if engine.dialect.name != "postgresql":
        return 0.0
    return effective_idle_minutes(workstation_minutes, store_setting(engine, IDLE_LOCK_MAX))
