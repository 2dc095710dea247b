"""The store's own id (a UUID made by migration 0012): what keeps one store's files from another's.

Experiment ids start at 1 in every store, so files named by them alone would be shared between
stores; model artifacts live in a folder named by this id instead.
"""

from __future__ import annotations

from sqlalchemy import Engine, select

from crimedesk.storage.schema import store_info


def store_id(engine: Engine) -> str:
    with engine.connect() as conn:
        return conn.execute(select(store_info.c.store_id).where(store_info.c.id == 1)).scalar_one()
