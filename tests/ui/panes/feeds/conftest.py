"""The feed tests' fake portal and sample, for the Feeds pane's tests."""

from tests.feeds.conftest import file_import_keys, portal, portal_records, quick_retries  # noqa: F401
