"""Errors of the live feeds; their messages are shown to the analyst as they are."""

from __future__ import annotations

from crimedesk.domain.errors import CrimedeskError


class FeedError(CrimedeskError):
    """A feed could not be set up or run; what was committed before stays committed."""


class FeedHTTPError(FeedError):
    """The server answered with an HTTP error (after retries, for 429 and 5xx)."""

    def __init__(self, message: str, status: int, url: str) -> None:
        super().__init__(message)
        self.status, self.url = status, url


class FeedNetworkError(FeedError):
    """The server could not be reached or the connection broke (after retries)."""


class FeedOffline(FeedNetworkError):
    """No route to the server at all (a laptop without network): the feed waits, quietly."""


class FeedFormatError(FeedError):
    """The server's answer is not what the protocol promises (an HTML page, cut-off JSON...)."""
