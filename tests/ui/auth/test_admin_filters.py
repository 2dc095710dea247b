"""The Admin pane's action filter offers every word the audit trail is written with."""

from __future__ import annotations

import re
from pathlib import Path

from crimedesk.auth import server
from crimedesk.auth.roles import Action, Role
from crimedesk.auth.user import User
from crimedesk.ui.panes.admin.admin_pane import AdminPane

ROOT = Path(__file__).resolve().parents[3] / "crimedesk"
# audit.record(conn, who, Action.X, ...) and record(conn, who, Action.X, ...) across the core
RECORDED = re.compile(r"\brecord\(\s*\w+,\s*[^,]+,\s*Action\.([A-Z_]+)")


def written_actions() -> set[str]:
    """Every action word the code writes to the trail: Action members passed to audit.record,
    the logins, and the server's user-management functions."""
    words = {"login", "failed_login", "change_settings"}
    for path in ROOT.rglob("*.py"):
        words |= {Action[name].value for name in RECORDED.findall(path.read_text(encoding="utf-8"))}
    for _arguments, body in server.FUNCTIONS.values():
        words |= set(re.findall(r"'(\w+)', 'user', p_name", body))
    return words


def test_the_action_filter_offers_every_recorded_action(qtbot, sqlite_store) -> None:
    pane = AdminPane(sqlite_store, User("adam", Role.ADMIN))
    qtbot.addWidget(pane)
    offered = {pane.action_filter.itemText(i) for i in range(1, pane.action_filter.count())}
    written = written_actions()
    assert {"run_feed", "manage_feeds", "add_user", "set_password", "import"} <= written  # the scan works
    assert written <= offered, sorted(written - offered)
    assert pane.action_filter.itemText(0) == "any action"
