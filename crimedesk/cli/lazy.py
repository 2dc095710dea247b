"""Commands whose module is imported only when they run (or when the top-level help lists them).

Importing every command module up front loaded the import pipeline, GDAL, Arrow and the model kinds
for `crimedesk stats` too: 120 MB for a count. A :class:`LazyCommands` group names each command's
module instead, so a short command loads its own module and what that needs.
"""

from __future__ import annotations

import functools
import importlib
from typing import ClassVar

import click
import typer
from typer.core import TyperGroup

from crimedesk.cli.errors import guard_commands, guarded


class LazyCommands(TyperGroup):
    """A Typer group whose ``LAZY`` commands (name → ``"module:attribute"``) load when looked up.

    The attribute is a ``typer.Typer`` (a command group) or a command function.
    """

    LAZY: ClassVar[dict[str, str]] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), *self.LAZY]  # as listed: `import` first

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.LAZY:
            return super().get_command(ctx, cmd_name)
        return load_command(cmd_name, self.LAZY[cmd_name])


@functools.cache
def load_command(name: str, where: str) -> click.Command:
    """The click command of ``module:attribute``, every callback wrapped by :func:`guarded`; once
    a process (a group is made for each run of the app, and a command's callbacks are wrapped in
    place)."""
    module_name, attribute = where.split(":")
    found = getattr(importlib.import_module(module_name), attribute)
    command: click.Command
    if isinstance(found, typer.Typer):
        guard_commands(found)
        command = typer.main.get_group(found)
    else:
        single = typer.Typer()
        single.command(name)(guarded(found))
        command = typer.main.get_command(single)
    command.name = name
    return command
