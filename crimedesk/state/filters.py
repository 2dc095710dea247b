"""The evented holder of the analyst's current filters.

Widgets write to :class:`FilterState`; every pane subscribes and re-queries with the
:class:`~crimedesk.domain.filters.FilterSnapshot` it receives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, replace
from datetime import date
from typing import Any

from crimedesk.domain.filters import FilterSnapshot, preset_range

Listener = Callable[[FilterSnapshot, frozenset[str]], None]


class FilterState:
    """Holds the current :class:`FilterSnapshot` and tells subscribers when it changes.

    Field values read through as attributes (``state.categories``). Listeners are called with
    ``(snapshot, changed_field_names)`` once per :meth:`update`, never for a no-op.
    """

    def __init__(self, snapshot: FilterSnapshot | None = None) -> None:
        self._snapshot = snapshot or FilterSnapshot()
        self._listeners: list[Listener] = []

    @property
    def snapshot(self) -> FilterSnapshot:
        return self._snapshot

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._snapshot, name)

    def subscribe(self, callback: Listener) -> Callable[[], None]:
        """Register ``callback``; returns a function that unsubscribes it."""
        self._listeners.append(callback)
        return lambda: self._listeners.remove(callback)

    def update(self, **changes: Any) -> bool:
        """Change several fields at once: one notification, none if nothing changed.

        Editing a date without naming a preset switches the preset to ``"custom"``.
        """
        if ({"date_from", "date_to"} & changes.keys()) and "preset" not in changes:
            changes["preset"] = "custom"
        new = replace(self._snapshot, **changes)
        changed = frozenset(
            f.name for f in fields(new) if getattr(new, f.name) != getattr(self._snapshot, f.name)
        )
        if not changed:
            return False
        self._snapshot = new
        for listener in list(self._listeners):
            listener(new, changed)
        return True

    def apply_preset(self, name: str, latest: date) -> bool:
        """Select a preset; its dates end at ``latest`` (the newest incident day), not today."""
        if name == "custom":
            return self.update(preset="custom")
        start, end = preset_range(name, latest)
        return self.update(preset=name, date_from=start, date_to=end)

    def to_dict(self) -> dict[str, Any]:
        return self._snapshot.to_dict()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FilterState:
        return cls(FilterSnapshot.from_dict(data))
