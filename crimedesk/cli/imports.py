"""`crimedesk import`: a file into the store, with its reconciliation."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crimedesk.cli.common import DbOption, console, fail, opened_store, run_cancellable
from crimedesk.domain.errors import CrimedeskError
from crimedesk.ingest.history import REJECTED_ALL
from crimedesk.ingest.pipeline import import_file
from crimedesk.ingest.source import describe_format


def import_command(
    file: Annotated[Path, typer.Argument(help="CSV file (.csv or .csv.gz) or Excel workbook (.xlsx).")],
    profile: Annotated[
        str | None, typer.Option(help="Profile name; detected from the header if omitted.")
    ] = None,
    wait: Annotated[
        bool, typer.Option("--wait", help="If another import into the store is running, wait for it to end.")
    ] = False,
    delimiter: Annotated[
        str | None, typer.Option(help="',', ';', tab or '|'; sniffed from the header if omitted.")
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            help="utf-8, utf-8-sig, utf-16, utf-16-le, utf-16-be, cp1252 or latin-1; sniffed if omitted."
        ),
    ] = None,
    sheet: Annotated[
        str | None, typer.Option(help="The sheet of an Excel workbook (.xlsx); the first if omitted.")
    ] = None,
    again: Annotated[
        bool, typer.Option("--again", help="Read the file even if the very same file was imported before.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Import incidents (or a UCR table) and print the reconciliation.

    One import runs at a time per store: while another runs this stops at once and says whose,
    or with --wait starts when it ends (Ctrl-C stops waiting).
    """
    _refuse_boundary_file(file)
    try:
        shown = describe_format(file, delimiter, encoding, sheet)
    except CrimedeskError as exc:
        raise fail(str(exc)) from exc
    console.print(f"reading {file.name} as {shown}", highlight=False)
    with opened_store(db) as engine:
        result = run_cancellable(
            f"importing {file.name}",
            lambda progress, cancel: import_file(
                engine,
                file,
                profile=profile,
                wait=wait,
                progress=progress,
                cancel=cancel,
                delimiter=delimiter,
                encoding=encoding,
                sheet=sheet,
                again=again,
            ),
        )
    console.print(result.summary(), highlight=False)
    if result.status == REJECTED_ALL:
        raise fail(
            f"every row of {file.name} was rejected, nothing was stored;"
            f" see why: crimedesk rejected {result.import_id}"
        )
    if result.counts.rejected or result.counts.conflicts:
        console.print(f"see the rejected rows: crimedesk rejected {result.import_id}", highlight=False)


def _refuse_boundary_file(file: Path) -> None:
    """A boundary file is not incidents: say which command loads it, with the attributes to pick from."""
    from crimedesk.regions.read import boundary_fields, is_boundary_file

    if not is_boundary_file(file):
        return
    try:
        fields = f"; its attributes: {', '.join(boundary_fields(file))}"
    except CrimedeskError:
        fields = ""
    raise fail(
        f"{file.name} is a boundary file, not incidents: load it with "
        f"`crimedesk boundaries import {file} --layer NAME --id-field ATTRIBUTE`{fields}"
    )
