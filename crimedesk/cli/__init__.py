"""Headless commands over the same services as the app (`crimedesk --help`)."""

from __future__ import annotations

from typing import ClassVar

import typer

from crimedesk.cli.lazy import LazyCommands
from crimedesk.config.private_files import use_private_umask


class _Commands(LazyCommands):
    LAZY: ClassVar[dict[str, str]] = {
        "import": "crimedesk.cli.imports:import_command",
        "imports": "crimedesk.cli.history:imports_app",
        "rejected": "crimedesk.cli.history:show_rejected",
        "stats": "crimedesk.cli.history:stats",
        "mapping": "crimedesk.cli.mapping:mapping_app",
        "boundaries": "crimedesk.cli.boundaries:boundaries_app",
        "models": "crimedesk.cli.models:models_app",
        "store": "crimedesk.cli.store:store_app",
        "basemap": "crimedesk.cli.basemap:basemap_app",
        "users": "crimedesk.cli.users:users_app",
        "server": "crimedesk.cli.users:server_app",
        "settings": "crimedesk.cli.settings:settings_app",
        "audit": "crimedesk.cli.users:audit_command",
        "feeds": "crimedesk.cli.feeds:feeds_app",
        "export": "crimedesk.cli.exports:export_app",
        "report": "crimedesk.cli.reports:report_app",
        "offline": "crimedesk.cli.offline:offline_app",
    }


# No local variables in tracebacks: they would show store URLs with passwords and incident data.
app = typer.Typer(
    cls=_Commands,
    help="crimedesk: import, inspect and analyse police incident data.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


@app.callback()
def _start() -> None:
    use_private_umask()  # everything a command and its children write is owner-only
