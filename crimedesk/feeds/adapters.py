"""The adapters by kind: importing this module registers the built-in ones."""

from __future__ import annotations

from crimedesk.feeds.errors import FeedError
from crimedesk.feeds.registry import REGISTRY, Adapter


def all_adapters() -> dict[str, Adapter]:
    from crimedesk.feeds import kafka, mqtt, soda  # noqa: F401 - registers them

    return dict(REGISTRY)


def adapter_for(kind: str) -> Adapter:
    adapters = all_adapters()
    if kind not in adapters:
        raise FeedError(f"Unknown feed kind {kind!r}; choose one of {', '.join(sorted(adapters))}.")
    return adapters[kind]
