"""`crimedesk imports` (and `imports delete`), `rejected` and `stats`: what the store holds and
how it got there. Short commands: nothing of the import pipeline is loaded."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.box import SIMPLE_HEAD
from rich.table import Table
from sqlalchemy import Connection

from crimedesk.analytics.incident_table import IMPORT_COUNTS, import_history
from crimedesk.cli.common import STORE_HELP, DbOption, console, fail, opened_store, store_url
from crimedesk.cli.errors import guarded
from crimedesk.ingest import rejected
from crimedesk.ingest.deletion import delete_import, plan_deletion
from crimedesk.storage.summary import store_summary

imports_app = typer.Typer(
    help="Upload history, newest first (no sub-command); `delete ID` deletes one import (admins).",
    invoke_without_command=True,
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
    n = {name: f"{record[name] or 0:,}" for name in IMPORT_COUNTS}
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
    with opened_store(db, light=True) as engine:
        with engine.connect() as conn:
            if not rejected.import_exists(conn, import_id):
                raise fail(f"no import with id {import_id}")
        if export:  # audited: the one command here that writes to the store
            count = rejected.export_rejected(engine, import_id, export)
            console.print(f"{count:,} rejected rows written to {export}", highlight=False)
            return
        with engine.connect() as conn:
            _print_rejected(conn, import_id, limit)


RAW_SHOWN = 120  # characters of a row's raw text in the table (the export has it whole)


def _print_rejected(conn: Connection, import_id: int, limit: int) -> None:
    table = Table("line", "reasons", "raw text")
    for row in rejected.list_rejected(conn, import_id, limit):
        shown = row.raw_text if len(row.raw_text) <= RAW_SHOWN else row.raw_text[: RAW_SHOWN - 1] + "…"
        table.add_row(str(row.line_number), row.reasons, shown)
    console.print(table)
    console.print(rejected.listed_text(conn, import_id)[1], highlight=False)


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
