"""One place where roles are checked: a decorator on the service functions that change data."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy import Engine

from crimedesk.auth.roles import Action
from crimedesk.auth.session import acting_user
from crimedesk.auth.user import User

P = ParamSpec("P")
R = TypeVar("R")


def requires(action: Action) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Refuse the call with PermissionDenied unless its ``user`` argument may do ``action``.

    The decorated function must have a parameter named ``user``. When the caller leaves it None
    (older callers that predate roles) the user is the one the function's ``engine`` argument is
    opened as (:func:`~crimedesk.auth.session.acting_user`), and the function receives that User.
    """

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        signature = inspect.signature(function)
        if "user" not in signature.parameters:
            raise TypeError(f"{function.__qualname__} guarded by requires() has no 'user' parameter")

        @functools.wraps(function)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            bound = signature.bind(*args, **kwargs)
            user = bound.arguments.get("user")
            engine = bound.arguments.get("engine")
            if user is None and isinstance(engine, Engine):
                user = bound.arguments["user"] = acting_user(engine)
            if not isinstance(user, User):
                raise TypeError(f"{function.__qualname__} needs the acting User, got {user!r}")
            user.check(action)
            return function(*bound.args, **bound.kwargs)

        guarded.required_action = action  # type: ignore[attr-defined]
        return guarded

    return decorate


def resolved(user: User | None) -> User:
    """The user :func:`requires` filled in (for the type checker: it is never None here)."""
    if user is None:
        raise TypeError("the acting user was not resolved: is the function guarded by requires()?")
    return user
