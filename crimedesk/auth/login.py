"""Logins and failed logins in the audit trail.

A refused login has no connection to write with, so the attempt is kept by the workstation and
written by the next login that succeeds there (with the attempt's own time in its details).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

from crimedesk.auth import audit
from crimedesk.auth.session import acting_user
from crimedesk.auth.user import User
from crimedesk.domain.errors import CrimedeskError
from crimedesk.storage.engine import make_engine


@dataclass
class LoginAttempts:
    """Failed logins not yet written to the store."""

    failed: list[tuple[str, datetime, str]] = field(default_factory=list)

    def refused(self, username: str, reason: str) -> None:
        self.failed.append((username, datetime.now(UTC).replace(tzinfo=None), reason))


def record_login(engine: Engine, user: User, attempts: LoginAttempts | None = None) -> None:
    """One ``failed_login`` row per pending refused attempt, then the ``login`` row, in one transaction."""
    pending = list(attempts.failed) if attempts else []
    with engine.begin() as conn:
        for username, at, reason in pending:
            details = {"attempted_at_utc": at.isoformat(timespec="seconds"), "reason": reason}
            audit.record(conn, username, "failed_login", "user", username, details, host=user.host)
        audit.record(conn, user, "login", "user", user.name, {"role": user.role.label})
    if attempts:
        attempts.failed.clear()


class LoginRefused(CrimedeskError):
    """The server refused the login (wrong password, unknown or suspended user)."""


def log_in(url: str | URL, attempts: LoginAttempts) -> Engine:
    """Open the store at ``url`` as its user, recording the login (and earlier refused attempts).

    A refusal is kept in ``attempts`` and raised as LoginRefused with the server's reason."""
    parsed = make_url(url)
    try:
        engine = make_engine(parsed)
    except OperationalError as exc:
        reason = refusal_reason(str(exc.orig))
        attempts.refused(parsed.username or "", reason)
        raise LoginRefused(f"{parsed.username} could not log in: {reason}") from None
    record_login(engine, acting_user(engine), attempts)
    return engine


def refusal_reason(server_text: str) -> str:
    for clue, reason in REASONS.items():
        if clue in server_text:
            return reason
    return server_text.strip().splitlines()[-1] if server_text.strip() else "the server refused the login"


REASONS = {
    "password authentication failed": "wrong user name or password",
    "no password supplied": "the server asks for a password",
    "is not permitted to log in": "this user is suspended",
    "does not exist": "wrong user name or password",
}
