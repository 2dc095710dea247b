"""Feed adapters by kind, one module each (like import profiles); the contract test checks them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from crimedesk.domain.progress import CancelFn, ProgressFn

if TYPE_CHECKING:
    from crimedesk.feeds.feed import Feed
    from crimedesk.feeds.run import FeedRun


@dataclass(frozen=True)
class Outcome:
    """How a run ended well: a note for the analyst (counts that differed...) and the server's count."""

    note: str | None = None
    server_count: int | None = None


class Adapter(Protocol):
    kind: str
    title: str
    continuous: bool  # runs until cancelled (a topic), rather than until caught up (a portal)

    def check(self, feed: Feed) -> None:
        """Raise FeedError with a sentence when the feed's settings cannot work."""

    def pull(self, run: FeedRun, progress: ProgressFn, cancel: CancelFn) -> Outcome:
        """Write batches through ``run`` from the feed's watermark on."""


REGISTRY: dict[str, Adapter] = {}


def register(adapter: Adapter) -> Adapter:
    if adapter.kind in REGISTRY:
        raise ValueError(f"feed kind {adapter.kind!r} registered twice")
    REGISTRY[adapter.kind] = adapter
    return adapter
