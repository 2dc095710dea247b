"""The feed adapter registry's contract, and the roles the feed services ask for."""

from __future__ import annotations

import inspect

import pytest

from crimedesk.auth.roles import Action, Role
from crimedesk.auth.user import PermissionDenied, User
from crimedesk.feeds import catalog, runner
from crimedesk.feeds.adapters import adapter_for, all_adapters
from crimedesk.feeds.errors import FeedError
from crimedesk.feeds.feed import Feed
from crimedesk.feeds.registry import REGISTRY, register

VIEWER = User(name="vera", role=Role.VIEWER, host="h")


def test_every_adapter_is_registered_once_under_its_kind():
    adapters = all_adapters()
    assert set(adapters) >= {"soda"}
    for kind, adapter in adapters.items():
        assert adapter.kind == kind and adapter.title and isinstance(adapter.continuous, bool)
        assert callable(adapter.check) and callable(adapter.pull)
        assert list(inspect.signature(adapter.pull).parameters) == ["run", "progress", "cancel"]
    with pytest.raises(ValueError, match="registered twice"):
        register(REGISTRY["soda"])


def test_an_unknown_kind_is_refused_with_the_known_ones():
    with pytest.raises(FeedError, match=r"Unknown feed kind 'ftp'.*soda"):
        adapter_for("ftp")


def test_a_portal_feed_needs_a_domain_and_a_dataset(sqlite_store):
    bad = Feed(name="x", kind="soda", endpoint="", dataset="", profile="chicago")
    with pytest.raises(FeedError, match="domain and the dataset id"):
        catalog.add_feed(sqlite_store, bad, user=User(name="a", role=Role.ANALYST))
    assert catalog.list_feeds(sqlite_store) == []


@pytest.mark.parametrize(
    ("service", "args", "action"),
    [
        (catalog.add_feed, (Feed("x", "soda", "h", "d", "chicago"),), Action.MANAGE_FEEDS),
        (catalog.edit_feed, ("x", {"dataset": "y"}), Action.MANAGE_FEEDS),
        (catalog.pause_feed, ("x",), Action.MANAGE_FEEDS),
        (catalog.resume_feed, ("x",), Action.MANAGE_FEEDS),
        (runner.run_feed, ("x",), Action.RUN_FEED),
    ],
)
def test_a_viewer_may_not_manage_or_run_feeds(service, args, action, sqlite_store):
    assert service.required_action == action
    with pytest.raises(PermissionDenied):
        service(sqlite_store, *args, user=VIEWER)
