"""Logins and failed logins in the audit trail.

A refused login has no connection to write with, so the attempt is kept by the workstation and
written by the next login that succeeds there (with the attempt's own time in its details).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

from crimedesk.auth import audit
from crimedesk.auth.session import acting_user
from crimedesk.auth.user import User
from crimedesk.config.private_files import create_private_file
from crimedesk.config.settings import settings_path
from crimedesk.domain.errors import CrimedeskError
from crimedesk.storage.engine import make_engine


@dataclass
class LoginAttempts:
    """Failed logins not yet written to the store.

    Kept (:meth:`kept_in`), they also live in an owner-only file of the workstation, per store, so
    a refusal the user gave up on (closing the app) is written by the next login that succeeds."""

    failed: list[tuple[str, datetime, str]] = field(default_factory=list)
    path: Path | None = None
    store: str = ""

    @classmethod
    def kept_in(cls, path: Path, store: str | URL) -> LoginAttempts:
        key = store_key(store)
        rows = _read_kept(path).get(key, [])
        failed = [(str(u), datetime.fromisoformat(str(at)), str(why)) for u, at, why in rows]
        return cls(failed, path, key)

    def refused(self, username: str, reason: str) -> None:
        self.failed.append((username, datetime.now(UTC).replace(tzinfo=None), reason))
        self._save()

    def written(self) -> None:
        """The pending refusals are in the store's trail: forget them."""
        self.failed.clear()
        self._save()

    def _save(self) -> None:
        if self.path is None:
            return
        kept = _read_kept(self.path)
        kept[self.store] = [[u, at.isoformat(timespec="seconds"), why] for u, at, why in self.failed]
        kept = {store: rows for store, rows in kept.items() if rows}
        create_private_file(self.path)
        self.path.write_text(json.dumps(kept, indent=1), encoding="utf-8")


def kept_attempts(store: str | URL, settings_file: Path | None = None) -> LoginAttempts:
    """The store's refused logins not yet in its trail, kept beside the settings file (one file
    for the app and the CLI, so either's next login writes the other's refusals)."""
    folder = (settings_file or settings_path()).parent
    return LoginAttempts.kept_in(folder / "failed_logins.json", store)


def store_key(store: str | URL) -> str:
    """A store's server and database, without user or password."""
    url = make_url(store)
    return f"{url.get_backend_name()}://{url.host or 'localhost'}:{url.port or ''}/{url.database or ''}"


def _read_kept(path: Path) -> dict[str, list[list[str]]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # none yet, or unreadable: nothing is pending
        return {}
    return data if isinstance(data, dict) else {}


def record_login(engine: Engine, user: User, attempts: LoginAttempts | None = None) -> None:
    """One ``failed_login`` row per pending refused attempt, then the ``login`` row, in one transaction."""
    pending = list(attempts.failed) if attempts else []
    with engine.begin() as conn:
        for username, at, reason in pending:
            details = {"attempted_at_utc": at.isoformat(timespec="seconds"), "reason": reason}
            audit.record(conn, username, "failed_login", "user", username, details, host=user.host)
        audit.record(conn, user, "login", "user", user.name, {"role": user.role.label})
    if attempts:
        attempts.written()


class LoginRefused(CrimedeskError):
    """The server refused the login (wrong password, unknown or suspended user)."""


def log_in(url: str | URL, attempts: LoginAttempts) -> Engine:
    """Open the store at ``url`` as its user, recording the login (and earlier refused attempts).

    A failure is raised as LoginRefused with the server's reason; a refusal of the user (not a
    missing database or an unreachable server) is also kept in ``attempts``, a failed login."""
    parsed = make_url(url)
    try:
        engine = make_engine(parsed)
    except OperationalError as exc:
        server_text = str(exc.orig)
        reason = refusal_reason(server_text)
        if any(clue in server_text for clue in REASONS):
            attempts.refused(parsed.username or "", reason)
        raise LoginRefused(f"{parsed.username} could not log in: {reason}") from None
    record_login(engine, acting_user(engine), attempts)
    return engine


def refusal_reason(server_text: str) -> str:
    for clue, reason in REASONS.items():
        if clue in server_text:
            return reason
    return server_text.strip().splitlines()[-1] if server_text.strip() else "the server refused the login"


WRONG_PASSWORD = "wrong user name or password"
REASONS = {
    "password authentication failed": WRONG_PASSWORD,
    "no password supplied": "the server asks for a password",
    "is not permitted to log in": "this user is suspended",
    'role "': WRONG_PASSWORD,  # 'role "x" does not exist' (not 'database "y" does not exist')
}
