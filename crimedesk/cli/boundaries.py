"""`crimedesk boundaries ...`: import, list and delete boundary layers from the terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from crimedesk.cli.common import DbOption, console, err_console, fail, opened_store, run_cancellable
from crimedesk.regions.store import BoundaryImportResult, delete_layer, import_boundary_layer, list_layers

boundaries_app = typer.Typer(
    help="Boundary layers (districts, beats, precincts...): import a file, list or delete layers.",
    no_args_is_help=True,
)


@boundaries_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="GeoJSON, zipped Shapefile or GeoPackage.")],
    layer: Annotated[str, typer.Option("--layer", help="Name of the layer in crimedesk.")],
    id_field: Annotated[str, typer.Option("--id-field", help="Attribute holding the region id.")],
    name_field: Annotated[str | None, typer.Option("--name-field", help="Attribute with a label.")] = None,
    incident_field: Annotated[
        str | None, typer.Option("--incident-field", help="Incident column to compare with, e.g. district.")
    ] = None,
    source_layer: Annotated[
        str | None, typer.Option("--source-layer", help="Layer inside the file (zip or GeoPackage).")
    ] = None,
    population_field: Annotated[
        str | None,
        typer.Option("--population-field", help="Attribute with each region's residents (for rates)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Import FILE as layer --layer (replacing a layer of that name) and join every incident to it.

    Ctrl-C cancels: the import rolls back and the command exits with code 130.
    """
    with opened_store(db) as engine:
        result = run_cancellable(
            file.name,
            lambda progress, cancel: import_boundary_layer(
                engine,
                file,
                layer_name=layer,
                id_field=id_field,
                name_field=name_field,
                incident_field=incident_field,
                source_layer=source_layer,
                population_field=population_field,
                progress=progress,
                cancel=cancel,
            ),
        )
    _print_result(layer, result)


def _print_result(layer: str, result: BoundaryImportResult) -> None:
    for warning in result.warnings:
        err_console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
    console.print(f"layer {layer!r}: {result.regions:,} regions, {result.repaired:,} repaired geometries")
    if result.populated:
        console.print(f"population for {result.populated:,} of {result.regions:,} regions")
    console.print(
        f"joined {result.incidents_joined:,} incidents; "
        f"{result.incidents_outside:,} mappable ones lie in no region"
    )
    if result.agreement_rate is not None:
        console.print(
            f"agreement with the incidents' own codes: {result.agreement_rate:.1%} "
            f"({result.agreeing:,} of {result.compared:,})"
        )


@boundaries_app.command("list")
def list_command(db: DbOption = None) -> None:
    """List the boundary layers in the store."""
    with opened_store(db) as engine, engine.connect() as conn:
        layers = list_layers(conn)
    table = Table("name", "regions", "joined", "id field", "compared with", "CRS", "loaded")
    table.columns[0].no_wrap = True
    for info in layers:
        table.add_row(
            info.name,
            f"{info.regions:,}",
            f"{info.incidents_joined:,}",
            info.id_field,
            info.incident_field or "",
            info.crs,
            f"{info.loaded_at:%Y-%m-%d %H:%M}",
        )
    console.print(table if layers else "no boundary layers")


@boundaries_app.command("delete")
def delete_command(name: Annotated[str, typer.Argument(help="Layer name.")], db: DbOption = None) -> None:
    """Delete a boundary layer with its regions and incident joins."""
    with opened_store(db) as engine:
        deleted = delete_layer(engine, name)
    if not deleted:
        raise fail(f"no boundary layer named {name!r}")
    console.print(f"deleted layer {name!r}")
