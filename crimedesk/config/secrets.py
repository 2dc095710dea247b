"""Secrets (database passwords, API tokens) live in the OS keyring, never in files or logs."""

from __future__ import annotations

import logging

import keyring
import keyring.backends.fail
from keyring.errors import KeyringError

SERVICE = "crimedesk"
log = logging.getLogger(__name__)


def keyring_available() -> bool:
    """False where no keyring backend exists (headless Linux without a secret service)."""
    return not isinstance(keyring.get_keyring(), keyring.backends.fail.Keyring)


def get_secret(account: str) -> str | None:
    """The stored secret for ``account`` or None; a broken keyring is logged, not fatal."""
    if not keyring_available():
        return None
    try:
        return keyring.get_password(SERVICE, account)
    except KeyringError as exc:
        log.warning("keyring lookup for %s failed: %s", account, exc)
        return None


def set_secret(account: str, secret: str) -> None:
    """Store a secret; raises keyring.errors.KeyringError when no keyring can hold it."""
    keyring.set_password(SERVICE, account, secret)
