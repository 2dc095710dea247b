"""The incidents the analyst selected (clicked on the map, chosen in the data table).

Like :class:`crimedesk.state.filters.FilterState`, a tiny evented holder without Qt: a pane that
selects writes here, the panes that show the selection subscribe. The ids are kept in the order
they were selected, without repeats; ``current`` is the one selected last.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from typing import SupportsIndex

SelectionListener = Callable[[tuple[int, ...]], None]


class SelectionState:
    """Holds the selected incident ids; listeners hear every change, never a no-op."""

    def __init__(self) -> None:
        self._ids: tuple[int, ...] = ()
        self._listeners: list[SelectionListener] = []

    @property
    def ids(self) -> tuple[int, ...]:
        return self._ids

    @property
    def current(self) -> int | None:
        """The incident selected last, or None when nothing is selected."""
        return self._ids[-1] if self._ids else None

    @property
    def listener_count(self) -> int:
        return len(self._listeners)

    def subscribe(self, callback: SelectionListener) -> Callable[[], None]:
        """Register ``callback(ids)``; returns a function that unsubscribes it."""
        self._listeners.append(callback)
        return lambda: self._listeners.remove(callback)

    def select(self, ids: int | Iterable[int]) -> bool:
        """Replace the selection with ``ids`` (one id or several, repeats dropped); True if it changed."""
        chosen = ids if isinstance(ids, Iterable) else (ids,)
        unique = tuple(dict.fromkeys(_incident_id(i) for i in chosen))
        if unique == self._ids:
            return False
        self._ids = unique
        for listener in list(self._listeners):
            listener(unique)
        return True

    def clear(self) -> bool:
        return self.select(())


def _incident_id(value: object) -> int:
    """``value`` as a plain int (numpy integers too); anything else is a caller's mistake."""
    if isinstance(value, bool) or not isinstance(value, SupportsIndex):
        raise TypeError(f"an incident id is an integer, not {value!r}")
    return operator.index(value)
