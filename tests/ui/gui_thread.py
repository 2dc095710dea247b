"""What a test's code sent to the database from the GUI thread (a slow server would freeze it)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event


@contextmanager
def statements_on_gui_thread(engine: Engine) -> Iterator[list[str]]:
    """The statements ``engine`` ran on the main (GUI) thread inside the block."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        if threading.current_thread() is threading.main_thread():
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)
