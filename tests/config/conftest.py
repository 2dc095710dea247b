"""Fixtures for settings and secrets: a private settings file, no keyring, and a PostgreSQL server
that asks for a password (the shared test server trusts everyone)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

PG_BIN = Path("/usr/lib/postgresql/15/bin")
TEST_PASSWORD = "Zq7-crimedesk-test-pw-5Kx"


@pytest.fixture(autouse=True)
def _own_settings(settings_file: Path) -> Path:
    """Every test here has its own settings file, keyring and session passwords (tests/conftest.py)."""
    return settings_file


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """Headless Linux without a secret service: keyring's fail backend."""
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run_as_postgres(tool: str, *args: str) -> None:
    """initdb refuses to run as root: run the server's tools as the postgres user then."""
    command = [str(PG_BIN / tool), *args]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{tool} failed: {done.stderr or done.stdout}")


@pytest.fixture(scope="session")
def password_cluster() -> Iterator[str]:
    """A private PostgreSQL cluster with scram-sha-256 authentication (the password is
    TEST_PASSWORD): its URL, password included. Stopped by pg_ctl (its PID file)."""
    if not (PG_BIN / "initdb").exists():
        pytest.skip("PostgreSQL 15 server binaries are not installed")
    # Not under pytest's root-only temporary directory: the server runs as the postgres user.
    home = Path(tempfile.mkdtemp(prefix="crimedesk-pg-"))
    password_file = home / "pw"
    password_file.write_text(TEST_PASSWORD + "\n")
    if os.geteuid() == 0:
        shutil.chown(home, "postgres")
        shutil.chown(password_file, "postgres")
    data, port = str(home / "data"), _free_port()
    _run_as_postgres(
        "initdb", "-D", data, "-U", "postgres", "--auth=scram-sha-256", f"--pwfile={password_file}"
    )
    options = f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off"
    _run_as_postgres("pg_ctl", "-D", data, "-o", options, "-w", "-l", str(home / "log"), "start")
    yield f"postgresql+psycopg://postgres:{TEST_PASSWORD}@127.0.0.1:{port}"
    _run_as_postgres("pg_ctl", "-D", data, "-m", "immediate", "stop")
    shutil.rmtree(home)


@pytest.fixture
def password_server(password_cluster: str) -> Iterator[str]:
    """The URL of a fresh database on the password-protected cluster, without password."""
    name = f"crimedesk_{uuid.uuid4().hex[:8]}"
    admin = create_engine(f"{password_cluster}/postgres", isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'create database "{name}"'))
    yield f"postgresql+psycopg://postgres@{password_cluster.rsplit('@', 1)[1]}/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'drop database if exists "{name}" with (force)'))
    admin.dispose()
