"""Headless commands over the same services as the app (`crimedesk --help`)."""

from __future__ import annotations

import typer

from crimedesk.cli.boundaries import boundaries_app
from crimedesk.cli.errors import guard_commands
from crimedesk.cli.imports import register as register_imports
from crimedesk.cli.models import models_app

app = typer.Typer(
    help="crimedesk: import, inspect and analyse police incident data.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals may hold a database URL with its password
)
register_imports(app)
app.add_typer(boundaries_app, name="boundaries")
app.add_typer(models_app, name="models")
guard_commands(app)  # one sentence, not a traceback, for disk, permission, lock and process errors
