"""The audit trail on both backends: written in the action's transaction, never changed."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from crimedesk.auth import audit
from crimedesk.auth.roles import Role
from crimedesk.auth.session import acting_user
from crimedesk.auth.user import User

ANA = User("ana", Role.ANALYST, host="ws-7")


def test_rows_come_back_in_order_with_their_details(store: Engine) -> None:
    with store.begin() as conn:
        audit.record(conn, ANA, "import", "import", 3, {"inserted": 10, "rejected": 1})
        audit.record(conn, "adam", "add_user", "user", "vera", host="ws-1")
    rows = audit.read(store)
    assert [(r.username, r.host, r.action, r.object_id) for r in rows] == [
        ("ana", "ws-7", "import", "3"),
        ("adam", "ws-1", "add_user", "vera"),
    ]
    assert rows[0].details == {"inserted": 10, "rejected": 1}
    assert [r.action for r in audit.read(store, username="adam")] == ["add_user"]


def test_a_rolled_back_action_leaves_no_audit_row(store: Engine) -> None:
    with pytest.raises(RuntimeError), store.begin() as conn:
        audit.record(conn, ANA, "import", "import", 4)
        raise RuntimeError("the import failed")
    assert audit.read(store) == []


@pytest.mark.parametrize("statement", ["UPDATE audit SET username = 'x'", "DELETE FROM audit"])
def test_the_trail_refuses_update_and_delete_even_from_its_owner(store: Engine, statement: str) -> None:
    with store.begin() as conn:
        audit.record(conn, ANA, "import", "import", 5)
    with pytest.raises(DBAPIError, match="append-only"), store.begin() as conn:
        conn.execute(text(statement))
    assert [r.username for r in audit.read(store)] == ["ana"]


def test_a_store_opens_as_its_owner(store: Engine) -> None:
    user = acting_user(store)
    assert user.name
    assert user.role is Role.ADMIN  # a SQLite file's owner, or a server not set up for crimedesk
