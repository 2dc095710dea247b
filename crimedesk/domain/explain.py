"""One sentence for an error, naming the problem, never the exception's class name.

The CLI, the feed runs, the basemap download, the reading process and the app's panes all tell
errors through :func:`explain`; the type goes to the log, not to the analyst.
"""

from __future__ import annotations

import errno

from sqlalchemy.exc import DBAPIError

from crimedesk.domain.errors import CrimedeskError

UNCHANGED = "nothing was changed"
NO_REASON = "it gave no reason; the log has the details"
EXPLAINED = (CrimedeskError, DBAPIError, OSError)  # errors told by what they mean; the rest by their text
SQLITE_MESSAGES = {  # sqlite3 error text -> what it means for the analyst
    "database is locked": "the store is locked by another program writing to it; try again once it is done",
    "attempt to write a readonly database": f"the store is read-only (file or disk); {UNCHANGED}",
    "database or disk is full": f"the disk holding the store is full; {UNCHANGED}",
    "unable to open database file": "the store's file cannot be opened (missing folder, or no permission)",
}
OS_MESSAGES = {
    errno.ENOSPC: "the disk is full",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOENT: "no such file or folder",
    errno.EISDIR: "a folder, not a file",
}


def explain(exc: BaseException) -> str:
    """The sentence shown for ``exc``: what it means, or the first line of its message."""
    if isinstance(exc, CrimedeskError):
        return str(exc).strip() or NO_REASON
    if isinstance(exc, DBAPIError):
        return _database(exc)
    if isinstance(exc, OSError) and (exc.errno in OS_MESSAGES or exc.strerror):
        return _os(exc)
    return first_line(exc)


def _database(exc: DBAPIError) -> str:
    cause = first_line(exc.orig if exc.orig is not None else exc)
    for text, message in SQLITE_MESSAGES.items():
        if text in cause:
            return message
    if exc.connection_invalidated or "end of file" in cause or "server closed" in cause:
        return f"the connection to the database broke ({cause}); {UNCHANGED}"
    return f"the database refused: {cause}"


def _os(exc: OSError) -> str:
    what = OS_MESSAGES.get(exc.errno or 0, exc.strerror)
    where = f": {exc.filename}" if exc.filename else ""
    return f"{what}{where}"


def first_line(exc: BaseException) -> str:
    """The first line of ``exc``'s message, or that it gave none."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else NO_REASON
