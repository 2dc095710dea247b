"""`crimedesk offline take|return`: a slice of the store for a laptop with no network, and back."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crimedesk.auth.session import acting_user
from crimedesk.cli import filter_options as words_
from crimedesk.cli.common import DbOption, console, fail, opened_store, run_cancellable
from crimedesk.domain.errors import CrimedeskError
from crimedesk.offline.give_back import return_offline
from crimedesk.offline.take import take_offline

offline_app = typer.Typer(
    help="Field laptops: take a slice of the store offline, bring field imports back.",
    no_args_is_help=True,
)


@offline_app.command("take")
def take_command(
    out: Annotated[Path, typer.Argument(help="The new SQLite file of the slice.")],
    date_from: words_.FromOption = None,
    date_to: words_.ToOption = None,
    categories: words_.CategoriesOption = None,
    offense_types: words_.OffensesOption = None,
    layer: words_.LayerOption = None,
    regions: words_.RegionsOption = None,
    db: DbOption = None,
) -> None:
    """Copy the filtered incidents with their regions, every boundary layer, the saved mappings and
    the promoted models into a new SQLite store."""
    words = words_.FilterWords(date_from, date_to, categories, offense_types, layer, regions)
    with opened_store(db) as server:
        try:
            with server.connect() as conn:
                filters = words.snapshot(conn)
            user = acting_user(server)
        except (ValueError, CrimedeskError) as exc:
            raise fail(str(exc)) from None
        result = run_cancellable(
            out.name,
            lambda progress, cancel: take_offline(server, out, filters, user, progress, cancel),
            cancelled="cancelled: no slice was written",
        )
    console.print(result.summary(), highlight=False)


@offline_app.command("return")
def return_command(
    slice_file: Annotated[Path, typer.Argument(help="The slice's SQLite file, back from the field.")],
    db: DbOption = None,
) -> None:
    """Merge what was imported in the field into the store (--db) with the import rules; incidents
    changed on both sides are listed with the side kept."""
    if not slice_file.is_file():
        raise fail(f"{slice_file} is not a file")
    with opened_store(f"sqlite:///{slice_file}") as laptop, opened_store(db) as server:
        try:
            user = acting_user(server)
        except CrimedeskError as exc:
            raise fail(str(exc)) from None
        result = run_cancellable(
            slice_file.name, lambda progress, cancel: return_offline(laptop, server, user, progress, cancel)
        )
    for line in result.summary():
        console.print(line, highlight=False, markup=False)
