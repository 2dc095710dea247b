"""Login roles for tests on the shared PostgreSQL cluster: unique per run, dropped afterwards."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from crimedesk.auth import accounts
from crimedesk.auth.roles import Role
from crimedesk.auth.session import acting_user
from crimedesk.storage.engine import make_engine
from tests.stores import clear_store

PASSWORD = "correct-horse-7"  # the DuckDB mirror's libpq URI takes no spaces (see README)
SETUP = Path(__file__).resolve().parents[2] / "installer" / "setup.sh"
SCRAM_GROUP = "crimedesk_scram_test"
RIGHT_PASSWORD = "Right-pass-31"


@dataclass(frozen=True)
class Logins:
    """One login per role, and the URL each connects with."""

    names: dict[Role, str]
    database_url: str

    def url(self, role: Role) -> str:
        return str(
            make_url(self.database_url)
            .set(username=self.names[role], password=PASSWORD)
            .render_as_string(hide_password=False)
        )

    def engine(self, role: Role) -> Engine:
        return make_engine(self.url(role))


@contextmanager
def logins(superuser_engine: Engine) -> Iterator[Logins]:
    tag = uuid.uuid4().hex[:8]
    names = {role: f"cdt_{tag}_{role.label}" for role in Role}
    admin = acting_user(superuser_engine)
    try:
        for role, name in names.items():
            accounts.add_user(
                superuser_engine, name, PASSWORD, role, user=admin, full_name=f"Test {role.label}"
            )
        url = superuser_engine.url.render_as_string(hide_password=False)
        yield Logins(names, url)
    finally:
        drop_roles(superuser_engine.url.render_as_string(hide_password=False), list(names.values()))


def drop_roles(url: str, names: list[str]) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for name in names:
            conn.execute(text(f'DROP ROLE IF EXISTS "{name}"'))
    engine.dispose()


def psql(users: Logins, role: Role, sql: str) -> subprocess.CompletedProcess[str]:
    """``sql`` run by the psql client as the login of ``role`` (not through crimedesk)."""
    url = make_url(users.database_url)
    host, port = url.host or "127.0.0.1", str(url.port or 5432)
    command = ["psql", "-h", host, "-p", port, "-U", users.names[role], "-d", str(url.database)]
    command += ["-v", "ON_ERROR_STOP=1", "-Atc", sql]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def _scram_rule_loaded(engine: Engine) -> bool:
    """The rule is in pg_hba.conf, first (before any trust rule)."""
    query = (
        "SELECT count(*) FROM pg_hba_file_rules WHERE :user = ANY(user_name)"
        " AND auth_method = 'scram-sha-256'"
        " AND line_number = (SELECT min(line_number) FROM pg_hba_file_rules)"
    )
    with engine.connect() as conn:
        return conn.execute(text(query), {"user": f"+{SCRAM_GROUP}"}).scalar_one() == 1


def ensure_scram_rule(superuser_engine: Engine) -> None:
    """The local cluster asks members of crimedesk_scram_test for their SCRAM password
    (installer/setup.sh adds that pg_hba rule; this runs the same step when the rule is missing)."""
    if not _scram_rule_loaded(superuser_engine):
        command = ["bash", str(SETUP), "--pg-password-rule"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
    assert _scram_rule_loaded(superuser_engine)


@contextmanager
def scram_analyst(superuser_engine: Engine) -> Iterator[str]:
    """An analyst (on a cleared store) whom the server asks for the real password
    (:func:`ensure_scram_rule`)."""
    ensure_scram_rule(superuser_engine)
    clear_store(superuser_engine)
    name = f"cdt_{uuid.uuid4().hex[:8]}_scram"
    admin = acting_user(superuser_engine)
    try:
        accounts.add_user(superuser_engine, name, RIGHT_PASSWORD, Role.ANALYST, user=admin)
        with superuser_engine.begin() as conn:
            conn.execute(text(f'GRANT {SCRAM_GROUP} TO "{name}"'))
        yield name
    finally:
        drop_roles(superuser_engine.url.render_as_string(hide_password=False), [name])
