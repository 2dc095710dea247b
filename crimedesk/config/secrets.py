"""Secrets (database passwords, API tokens) live in the OS keyring, never in files or logs.

Where no keyring exists (headless Linux without a secret service) a password is asked for and
kept in this process's memory for the session only (:func:`remember_for_session`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

if TYPE_CHECKING:
    from types import ModuleType

SERVICE = "crimedesk"
log = logging.getLogger(__name__)
_session: dict[str, str] = {}


def _keyring() -> ModuleType:
    """keyring, imported when a secret is first needed: a SQLite store needs none, and the app's
    start does not wait for it (issue 18)."""
    import keyring
    import keyring.backends.fail
    import keyring.errors

    return keyring


def keyring_available() -> bool:
    """False where no keyring backend exists (headless Linux without a secret service)."""
    keyring = _keyring()
    return not isinstance(keyring.get_keyring(), keyring.backends.fail.Keyring)


def get_secret(account: str) -> str | None:
    """The secret for ``account``: from the keyring, else one given earlier this session, else None.

    A broken keyring is logged, not fatal."""
    if keyring_available():
        try:
            stored = _keyring().get_password(SERVICE, account)
        except _keyring().errors.KeyringError as exc:
            log.warning("keyring lookup for %s failed: %s", account, exc)
        else:
            if stored:
                return stored
    return _session.get(account)


def set_secret(account: str, secret: str) -> None:
    """Store a secret; raises keyring.errors.KeyringError when no keyring can hold it."""
    _keyring().set_password(SERVICE, account, secret)


def remember_for_session(account: str, secret: str) -> None:
    """Keep a secret in memory until this process ends (no keyring to hold it)."""
    _session[account] = secret


def keep_password(account: str, secret: str) -> bool:
    """The keyring keeps ``secret`` (True); without one it is kept for this session only (False)."""
    remember_for_session(account, secret)
    try:
        set_secret(account, secret)
    except _keyring().errors.KeyringError as exc:
        log.warning("no keyring to keep the password for %s (%s); it will be asked for", account, exc)
        return False
    return True


def secret_account(url: URL) -> str:
    """Keyring account name for a PostgreSQL URL's password: user@host:port/database."""
    return f"{url.username}@{url.host}:{url.port or 5432}/{url.database}"


def split_password(url: str | URL) -> tuple[URL, str | None]:
    """``url`` without its password (in the user part or a ``password`` query parameter), and the
    password it held."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ValueError("not a database URL") from exc
    password = parsed.password
    for key in [key for key in parsed.query if "pass" in key.lower()]:
        value = parsed.query[key]
        password = password or (value if isinstance(value, str) else value[0])
        parsed = parsed.difference_update_query([key])
    return parsed._replace(password=None), (str(password) if password else None)  # set() ignores None


def shown_url(url: str | URL) -> str:
    """A URL fit to show or log: never its password."""
    try:
        return split_password(url)[0].render_as_string(hide_password=False)
    except ValueError:  # not a URL at all: show none of it, it may hold a password
        return "(unreadable URL)"
