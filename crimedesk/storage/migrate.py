"""Alembic migrations run programmatically when a store is opened.

A store already at the scripts' head is recognised without importing alembic (0.15–0.3 s of the
app's start, issue 18): the heads are read from the scripts' ``revision`` lines.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_REVISION_LINE = re.compile(r"^(down_)?revision\s*(?::[^=]*)?=\s*(.+)$", re.MULTILINE)


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def script_heads() -> set[str]:
    """The revisions no script builds on (a ``down_revision`` is a name, a tuple of them or None)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for down, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            (parents if down else revisions).update(re.findall(r"[\"']([^\"']+)[\"']", value))
    return revisions - parents


def store_revisions(engine: Engine) -> set[str]:
    """The revisions the store records (none for a new store)."""
    try:
        with engine.connect() as conn:
            return {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
    except DBAPIError:  # no version table yet
        return set()


def upgrade_to_head(engine: Engine) -> None:
    heads = script_heads()
    if heads and store_revisions(engine) == heads:
        return
    from alembic import command

    command.upgrade(alembic_config(engine), "head")
