"""Errors raised by the open-data downloads; their messages are shown to the analyst as they are."""

from __future__ import annotations

from crimedesk.domain.errors import CrimedeskError


class FeedError(CrimedeskError):
    """A download from an open-data portal failed; no partial file is left behind."""


class FeedHTTPError(FeedError):
    """The portal answered with an HTTP error (after retries, for 429 and 5xx)."""

    def __init__(self, message: str, status: int, url: str) -> None:
        super().__init__(message)
        self.status, self.url = status, url


class FeedNetworkError(FeedError):
    """The portal could not be reached or the connection broke (after retries)."""

    def __init__(self, message: str, url: str) -> None:
        super().__init__(message)
        self.url = url


class FeedFormatError(FeedError):
    """The portal's answer is not the CSV expected (pages with different headers...)."""
