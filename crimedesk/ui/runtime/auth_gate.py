"""What the logged-in user may do, applied to the window: who is shown, what is hidden."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from crimedesk.auth.roles import Action
from crimedesk.auth.user import User


def who(user: User, backend: str) -> str:
    if backend == "sqlite":
        return f"{user.name} (this computer's account)"
    return f"Logged in as {user.name} ({user.role.label})"


SINGLE_USER = (
    "A SQLite store belongs to this computer's account: actions are recorded under its name, and the"
    " file cannot protect itself from whoever can read it."
)


def gate(user: User, controls: Sequence[tuple[QAction | QWidget, Action]]) -> None:
    """Hide and disable each control whose action the user's role does not allow."""
    for control, action in controls:
        allowed = user.can(action)
        control.setEnabled(allowed)
        control.setVisible(allowed)
