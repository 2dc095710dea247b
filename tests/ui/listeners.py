"""A FilterState that counts its listeners (FilterState keeps them private)."""

from __future__ import annotations

from collections.abc import Callable

from crimedesk.state.filters import FilterState, Listener


class CountingFilterState(FilterState):
    listeners = 0

    def subscribe(self, callback: Listener) -> Callable[[], None]:
        unsubscribe = super().subscribe(callback)
        self.listeners += 1

        def counted_unsubscribe() -> None:
            unsubscribe()
            self.listeners -= 1

        return counted_unsubscribe
