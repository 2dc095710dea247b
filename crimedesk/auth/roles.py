"""The three roles and what each may do (README "Roles" table; tests/auth check every cell)."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Role(IntEnum):
    """Ordered: each role may do everything the roles below it may."""

    VIEWER = 1
    ANALYST = 2
    ADMIN = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Role:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(role.label for role in cls)
            raise ValueError(f"unknown role {text!r}: choose one of {names}") from None


class Action(StrEnum):
    """Everything a user can do that a role may forbid; the value is the audit trail's word."""

    READ = "read"
    EXPORT = "export"
    REPORT = "report"
    IMPORT = "import"
    LOAD_BOUNDARIES = "load_boundaries"
    SAVE_MAPPING = "save_mapping"
    MANAGE_FEEDS = "manage_feeds"
    RUN_FEED = "run_feed"
    TRAIN_MODEL = "train_model"
    PROMOTE_MODEL = "promote_model"
    TAKE_OFFLINE = "take_offline"
    RETURN_OFFLINE = "return_offline"
    DELETE_IMPORT = "delete_import"
    DELETE_BOUNDARIES = "delete_boundaries"
    DELETE_EXPERIMENT = "delete_experiment"
    MANAGE_USERS = "manage_users"
    CHANGE_SETTINGS = "change_settings"


LEAST_ROLE: dict[Action, Role] = {
    Action.READ: Role.VIEWER,
    Action.EXPORT: Role.VIEWER,
    Action.REPORT: Role.VIEWER,
    Action.TAKE_OFFLINE: Role.VIEWER,
    Action.IMPORT: Role.ANALYST,
    Action.LOAD_BOUNDARIES: Role.ANALYST,
    Action.SAVE_MAPPING: Role.ANALYST,
    Action.MANAGE_FEEDS: Role.ANALYST,
    Action.RUN_FEED: Role.ANALYST,
    Action.TRAIN_MODEL: Role.ANALYST,
    Action.PROMOTE_MODEL: Role.ANALYST,
    Action.RETURN_OFFLINE: Role.ANALYST,
    Action.DELETE_IMPORT: Role.ADMIN,
    Action.DELETE_BOUNDARIES: Role.ADMIN,
    Action.DELETE_EXPERIMENT: Role.ADMIN,
    Action.MANAGE_USERS: Role.ADMIN,
    Action.CHANGE_SETTINGS: Role.ADMIN,
}


def allows(role: Role, action: Action) -> bool:
    return role >= LEAST_ROLE[action]
