"""The role table, and the one decorator that enforces it on service functions."""

from __future__ import annotations

import pytest

from crimedesk.auth.permissions import requires
from crimedesk.auth.roles import LEAST_ROLE, Action, Role, allows
from crimedesk.auth.user import PermissionDenied, User

VIEWER = User("vera", Role.VIEWER)
ANALYST = User("ana", Role.ANALYST)
ADMIN = User("adam", Role.ADMIN)


def test_every_action_has_a_least_role() -> None:
    assert set(LEAST_ROLE) == set(Action)


@pytest.mark.parametrize(
    ("action", "viewer", "analyst", "admin"),
    [
        (Action.READ, True, True, True),
        (Action.EXPORT, True, True, True),
        (Action.REPORT, True, True, True),
        (Action.IMPORT, False, True, True),
        (Action.LOAD_BOUNDARIES, False, True, True),
        (Action.SAVE_MAPPING, False, True, True),
        (Action.MANAGE_FEEDS, False, True, True),
        (Action.TRAIN_MODEL, False, True, True),
        (Action.PROMOTE_MODEL, False, True, True),
        (Action.DELETE_IMPORT, False, False, True),
        (Action.DELETE_EXPERIMENT, False, False, True),
        (Action.MANAGE_USERS, False, False, True),
        (Action.CHANGE_SETTINGS, False, False, True),
    ],
)
def test_the_issue_table(action: Action, viewer: bool, analyst: bool, admin: bool) -> None:
    assert [allows(r, action) for r in (Role.VIEWER, Role.ANALYST, Role.ADMIN)] == [viewer, analyst, admin]


@requires(Action.TRAIN_MODEL)
def _train(name: str, *, user: User) -> str:
    return f"trained {name} for {user.name}"


def test_requires_lets_the_role_through_and_refuses_below_it() -> None:
    assert _train("risk", user=ANALYST) == "trained risk for ana"
    with pytest.raises(PermissionDenied, match="vera is a viewer: a viewer may not train model"):
        _train("risk", user=VIEWER)


def test_requires_needs_a_user_parameter_and_a_user() -> None:
    with pytest.raises(TypeError, match="no 'user' parameter"):

        @requires(Action.IMPORT)
        def no_user(path: str) -> None: ...

    with pytest.raises(TypeError, match="needs the acting User"):
        _train("risk", user="ana")  # type: ignore[arg-type]


def test_role_names_parse_and_unknown_ones_say_the_choices() -> None:
    assert Role.parse(" Analyst ") is Role.ANALYST
    with pytest.raises(ValueError, match="choose one of viewer, analyst, admin"):
        Role.parse("chief")
