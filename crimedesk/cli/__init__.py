"""Headless commands over the same services as the app (`crimedesk --help`)."""

from __future__ import annotations

import typer

from crimedesk.cli.basemap import basemap_app
from crimedesk.cli.boundaries import boundaries_app
from crimedesk.cli.errors import guard_commands
from crimedesk.cli.exports import export_app
from crimedesk.cli.feeds import feeds_app
from crimedesk.cli.imports import register as register_imports
from crimedesk.cli.models import models_app
from crimedesk.cli.offline import offline_app
from crimedesk.cli.reports import report_app
from crimedesk.cli.store import store_app
from crimedesk.cli.users import audit_command, server_app, users_app
from crimedesk.config.private_files import use_private_umask

# No local variables in tracebacks: they would show store URLs with passwords and incident data.
app = typer.Typer(
    help="crimedesk: import, inspect and analyse police incident data.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


@app.callback()
def _start() -> None:
    use_private_umask()  # everything a command and its children write is owner-only


register_imports(app)
app.add_typer(boundaries_app, name="boundaries")
app.add_typer(models_app, name="models")
app.add_typer(store_app, name="store")
app.add_typer(basemap_app, name="basemap")
app.add_typer(users_app, name="users")
app.add_typer(server_app, name="server")
app.command("audit")(audit_command)
app.add_typer(feeds_app, name="feeds")
app.add_typer(export_app, name="export")
app.add_typer(report_app, name="report")
app.add_typer(offline_app, name="offline")
guard_commands(app)  # one sentence, not a traceback, for disk, permission, lock and process errors
