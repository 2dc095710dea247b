"""`crimedesk import`, `imports`, `rejected`, `stats` and `mapping`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.box import SIMPLE_HEAD
from rich.table import Table
from sqlalchemy import select

from crimedesk.analytics.incident_table import import_history
from crimedesk.cli.common import STORE_HELP, DbOption, console, fail, opened_store, run_cancellable, store_url
from crimedesk.cli.errors import guarded
from crimedesk.domain.errors import CrimedeskError
from crimedesk.ingest import rejected
from crimedesk.ingest.deletion import delete_import, plan_deletion
from crimedesk.ingest.history import REJECTED_ALL
from crimedesk.ingest.mapping_schema import NO_KEY
from crimedesk.ingest.mapping_template import sample_rows, starter_mapping
from crimedesk.ingest.mappings import ColumnMapping, load_mappings, save_mapping
from crimedesk.ingest.pipeline import import_file
from crimedesk.ingest.source import describe_format, inspect_file
from crimedesk.storage.schema import imports
from crimedesk.storage.summary import store_summary

RECONCILED = (
    "rows_read",
    "inserted",
    "updated",
    "unchanged",
    "rejected",
    "duplicates",
    "conflicts",
    "unmappable",
    "far_off",
)
mapping_app = typer.Typer(help="Saved column mappings for generic CSV files.")
imports_app = typer.Typer(
    help="Upload history, newest first (no sub-command); `delete ID` deletes one import (admins).",
    invoke_without_command=True,
)


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
    app.add_typer(imports_app, name="imports")
    app.command("rejected")(show_rejected)
    app.command("stats")(stats)
    app.add_typer(mapping_app, name="mapping")


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


@imports_app.callback()
def imports_command(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option("--db", metavar="URL", help=STORE_HELP)] = None,
    limit: int = 20,
) -> None:
    """Upload history, newest first; or a sub-command."""
    if ctx.invoked_subcommand is None:  # the store is opened here only: `delete` opens its own
        guarded(list_imports)(store_url(db), limit)


@imports_app.command("delete")
def delete_command(
    import_id: Annotated[int, typer.Argument(help="Import id (see `crimedesk imports`).")],
    yes: Annotated[bool, typer.Option("--yes", help="Delete without asking.")] = False,
    db: DbOption = None,
) -> None:
    """Delete one import: the incidents it inserted that no later import touched, its rejected rows
    and its record (admins). Rows a later import updated, and rows it updated, are kept."""
    with opened_store(db) as engine:
        with engine.connect() as conn:
            plan = plan_deletion(conn, import_id)
        if not yes and not typer.confirm(plan.question(), err=True):
            raise fail("nothing deleted")
        done = delete_import(engine, import_id)
    console.print(done.sentence(), highlight=False, markup=False)


def list_imports(db: DbOption = None, limit: int = 20) -> None:
    """Upload history, newest first."""
    table = Table("id", "started", "status", "file and reconciliation", box=SIMPLE_HEAD)
    table.columns[3].overflow = "fold"
    with opened_store(db, light=True) as engine, engine.connect() as conn:
        records = import_history(conn, limit)
    for record in records:
        started = f"{record['started_at']:%Y-%m-%d %H:%M}" if record["started_at"] else ""
        table.add_row(str(record["id"]), started, str(record["status"]), _reconciliation(record))
    console.print(table)
    for record in records:
        if record["status"] == "abandoned":
            console.print(f"import {record['id']} abandoned: {record['error']}", highlight=False)


def _reconciliation(record: Mapping[str, Any]) -> str:
    """File and profile, then rows read = inserted + updated + unchanged + rejected, each on a line."""
    n = {name: f"{record[name] or 0:,}" for name in RECONCILED}
    return (
        f"{record['file_name']} ({record['profile']})\n"
        f"{n['rows_read']} read = {n['inserted']} new + {n['updated']} updated"
        f" + {n['unchanged']} unchanged + {n['rejected']} rejected + {n['duplicates']} duplicates"
        f" + {n['conflicts']} conflicts\n"
        f"{n['unmappable']} unmappable, {n['far_off']} far off"
    )


def show_rejected(
    import_id: int,
    export: Annotated[Path | None, typer.Option(help="Write all rejected rows to this CSV file.")] = None,
    limit: int = 50,
    db: DbOption = None,
) -> None:
    """List (or export) the rows an import rejected, with line numbers and reasons."""
    with opened_store(db, light=True) as engine, engine.connect() as conn:
        if not rejected.import_exists(conn, import_id):
            raise fail(f"no import with id {import_id}")
        if export:
            count = rejected.export_rejected(conn, import_id, export)
            console.print(f"{count:,} rejected rows written to {export}", highlight=False)
            return
        table = Table("line", "reasons", "raw text")
        for row in rejected.list_rejected(conn, import_id, limit):
            table.add_row(str(row.line_number), row.reasons, row.raw_text[:120])
        console.print(table)
        total = rejected.count_rejected(conn, import_id)
        conflicts = conn.execute(select(imports.c.conflicts).where(imports.c.id == import_id)).scalar_one()
        shown = f"{total:,} rejected in all"
        if conflicts:  # listed with the rejected rows, their reasons starting "conflict:"
            shown = f"{total:,} listed in all: {total - conflicts:,} rejected, {conflicts:,} in conflict"
        console.print(shown, highlight=False)


def stats(db: DbOption = None) -> None:
    """What the store holds."""
    with opened_store(db, light=True) as engine:
        summary = store_summary(engine)
    console.print(f"incidents: {summary.total_incidents:,}", highlight=False)
    for source, count in summary.by_source.items():
        console.print(f"  {source}: {count:,}", highlight=False)
    if summary.first_occurred:
        console.print(f"occurred: {summary.first_occurred:%Y-%m-%d} .. {summary.last_occurred:%Y-%m-%d}")
    if summary.mappable_share is not None:
        console.print(f"mappable: {summary.mappable_share:.2%}")
    console.print(f"boundary layers: {', '.join(summary.boundary_layers) or 'none'}", highlight=False)


@mapping_app.command("save")
def mapping_save(
    spec: Annotated[Path, typer.Argument(help="JSON file describing the mapping.")],
    same_source_as: Annotated[
        str | None,
        typer.Option(help="The profile or mapping whose source this mapping's source is, on purpose."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Save a column mapping so matching files import with it."""
    try:
        mapping = ColumnMapping.from_json(spec.read_text(encoding="utf-8"))
    except (OSError, CrimedeskError) as exc:
        raise fail(f"{spec}: not a valid mapping: {exc}") from exc
    if same_source_as:
        mapping = replace(mapping, same_source_as=same_source_as)
    try:
        with opened_store(db) as engine:
            save_mapping(engine, mapping)
    except CrimedeskError as exc:
        raise fail(str(exc)) from exc
    console.print(f"saved mapping {mapping.name!r}", highlight=False)


@mapping_app.command("template")
def mapping_template(
    file: Annotated[Path, typer.Argument(help="The CSV file the mapping is for.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the mapping here (printed when omitted).")
    ] = None,
) -> None:
    """Write a starter mapping guessed from FILE's header and first rows, for editing.

    Every field is described in the README ("Column mappings"); `crimedesk mapping save` checks it.
    """
    try:
        facts = inspect_file(file)
        text = json.dumps(starter_mapping(facts, sample_rows(facts)), indent=2, ensure_ascii=False)
    except (OSError, ValueError, CrimedeskError) as exc:
        raise fail(f"{file}: {exc}") from exc
    if output is None:
        console.print(text, highlight=False, markup=False)
        return
    output.write_text(text + "\n", encoding="utf-8")
    console.print(f"wrote {output}: fill in what is empty, then `crimedesk mapping save {output}`")


@mapping_app.command("list")
def mapping_list(db: DbOption = None) -> None:
    """The saved column mappings."""
    with opened_store(db) as engine, engine.connect() as conn:
        for mapping in load_mappings(conn):
            console.print(
                f"{mapping.name}: source {mapping.source}, key {', '.join(mapping.key) or NO_KEY}",
                highlight=False,
            )
