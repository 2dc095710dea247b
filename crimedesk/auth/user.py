"""The acting user: who, in which role, from which machine."""

from __future__ import annotations

import getpass
import socket
from dataclasses import dataclass

from crimedesk.auth.roles import Action, Role, allows
from crimedesk.domain.errors import CrimedeskError


class PermissionDenied(CrimedeskError):
    """The acting user's role does not allow the action; nothing was changed."""


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    host: str = ""
    full_name: str = ""

    def can(self, action: Action) -> bool:
        return allows(self.role, action)

    def check(self, action: Action) -> None:
        if not self.can(action):
            doing = action.value.replace("_", " ")
            raise PermissionDenied(f"{self.name} is a {self.role.label}: a {self.role.label} may not {doing}")


def this_host() -> str:
    return socket.gethostname()


def os_user() -> User:
    """The single user of an embedded SQLite store: the OS account that owns the file.

    A SQLite file cannot protect itself from whoever can read it, so its user is an admin of it;
    actions are still recorded under the OS user name.
    """
    return User(name=getpass.getuser(), role=Role.ADMIN, host=this_host())
