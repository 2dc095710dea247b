"""`crimedesk basemap prepare`: download an area's map tiles into an MBTiles file for offline use."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crimedesk.cli.common import DbOption, console, fail, opened_store, run_cancellable
from crimedesk.mapping.basemap import (
    MAX_TILES,
    OSM_ATTRIBUTION,
    OSM_TEMPLATE,
    BasemapError,
    TilePlan,
    data_bbox,
    layer_bbox,
    prepare_basemap,
)

basemap_app = typer.Typer(
    help="Offline basemaps: prepare an MBTiles file of your area.", no_args_is_help=True
)


@basemap_app.command("prepare")
def prepare_command(
    out: Annotated[Path, typer.Argument(help="The MBTiles file to write (resumed if it exists).")],
    layer: Annotated[
        str | None, typer.Option("--layer", help="Cover this boundary layer (default: the data's extent).")
    ] = None,
    min_zoom: Annotated[int, typer.Option("--min-zoom", help="Lowest zoom level.")] = 10,
    max_zoom: Annotated[int, typer.Option("--max-zoom", help="Highest zoom level (16 shows streets).")] = 15,
    url: Annotated[str, typer.Option("--url", help="XYZ tile URL template.")] = OSM_TEMPLATE,
    attribution: Annotated[str, typer.Option("--attribution", help="Shown on the map.")] = OSM_ATTRIBUTION,
    rate: Annotated[float, typer.Option("--rate", help="Requests per second, at most.")] = 2.0,
    max_tiles: Annotated[int, typer.Option("--max-tiles", help="Refuse larger downloads.")] = MAX_TILES,
    yes: Annotated[bool, typer.Option("--yes", help="Start without asking.")] = False,
    db: DbOption = None,
) -> None:
    """Show the tile count and size, then download (Ctrl-C stops; running it again resumes)."""
    try:
        with opened_store(db) as engine, engine.connect() as conn:
            bbox = layer_bbox(conn, layer) if layer else data_bbox(conn)
    except BasemapError as exc:
        raise fail(str(exc)) from None
    plan = TilePlan(bbox, min_zoom, max_zoom)
    where = f"layer {layer}" if layer else "the data's extent"
    console.print(
        f"{where}: {plan.count:,} tiles at zoom {min_zoom}–{max_zoom}, about "
        f"{plan.estimated_bytes / 1e6:,.0f} MB, at least {plan.count / rate / 60:,.0f} min at {rate:g}/s"
    )
    if not yes and not typer.confirm("Download them?"):
        raise typer.Exit(1)
    report = run_cancellable(
        out.name,
        lambda progress, cancel: prepare_basemap(
            plan,
            out,
            url,
            attribution=attribution,
            rate=rate,
            max_tiles=max_tiles,
            progress=progress,
            cancel=cancel,
        ),
        cancelled="stopped; the tiles so far are kept: run the same command to resume",
    )
    console.print(
        f"{out}: {report.downloaded:,} tiles fetched ({report.bytes / 1e6:,.1f} MB), "
        f"{report.already_present:,} already there, {report.missing:,} not on the server, "
        f"in {report.seconds:,.0f} s"
    )
