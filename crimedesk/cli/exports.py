"""``crimedesk export``: what the filter words select, to a file another tool reads."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crimedesk.auth.session import acting_user
from crimedesk.cli import filter_options as words_
from crimedesk.cli.common import DbOption, console, fail, opened_store, run_cancellable

export_app = typer.Typer(
    help="Export the filtered incidents, or region aggregates, to CSV, GeoJSON, GeoPackage or Parquet."
)

#: The registered formats (tests check this against the registry; importing it here would load GDAL
#: for every command).
FORMAT_NAMES = "csv, geojson, gpkg, parquet"
FormatOption = Annotated[str, typer.Option("--format", help=f"One of: {FORMAT_NAMES}.")]
OutOption = Annotated[Path, typer.Option("--out", help="The file to write (replaced when complete).")]
CrsOption = Annotated[
    str, typer.Option("--crs", help="wgs84, or projected (the store's projected CRS; GeoPackage, Parquet).")
]
BomOption = Annotated[bool, typer.Option("--bom", help="CSV: start with a UTF-8 byte-order mark (Excel).")]


@export_app.command("incidents")
def incidents_command(
    fmt: FormatOption,
    out: OutOption,
    crs: CrsOption = "wgs84",
    bom: BomOption = False,
    date_from: words_.FromOption = None,
    date_to: words_.ToOption = None,
    categories: words_.CategoriesOption = None,
    offense_types: words_.OffensesOption = None,
    layer: words_.LayerOption = None,
    regions: words_.RegionsOption = None,
    text: words_.TextOption = "",
    mappable_only: words_.MappableOption = False,
    db: DbOption = None,
) -> None:
    """The incidents the filters select, one row (feature) each, written in chunks."""
    from crimedesk.reports.exports.service import export_incidents

    words = words_.FilterWords(
        date_from, date_to, categories, offense_types, layer, regions, text, mappable_only
    )
    with opened_store(db) as engine:
        filters = words.snapshot_of(engine)
        user = acting_user(engine)
        result = run_cancellable(
            "Exporting",
            lambda progress, cancel: export_incidents(
                engine, user, filters, fmt, out, crs=crs, bom=bom, progress=progress, cancel=cancel
            ),
            cancelled="cancelled, no file written",
        )
    where = f" in EPSG:{result.epsg}" if result.epsg else ""
    console.print(f"{result.rows:,} incidents written to {result.path}{where}", highlight=False, markup=False)


@export_app.command("regions")
def regions_command(
    fmt: FormatOption,
    out: OutOption,
    layer: words_.LayerOption = None,
    crs: CrsOption = "wgs84",
    bom: BomOption = False,
    date_from: words_.FromOption = None,
    date_to: words_.ToOption = None,
    categories: words_.CategoriesOption = None,
    offense_types: words_.OffensesOption = None,
    regions: words_.RegionsOption = None,
    text: words_.TextOption = "",
    mappable_only: words_.MappableOption = False,
    db: DbOption = None,
) -> None:
    """The choropleth's table of a boundary layer (--layer): each region's count under the filters,
    its area and density, CompStat columns as of --to, and its polygon (spatial formats)."""
    from crimedesk.reports.exports.service import export_regions

    words = words_.FilterWords(
        date_from, date_to, categories, offense_types, layer, regions, text, mappable_only
    )
    with opened_store(db) as engine:
        filters = words.snapshot_of(engine)
        if not isinstance(filters.region_layer_id, int):
            raise fail("--layer must name a loaded boundary layer (crimedesk boundaries list)")
        user = acting_user(engine)
        result = export_regions(engine, user, filters, filters.region_layer_id, fmt, out, crs=crs, bom=bom)
    where = f" in EPSG:{result.epsg}" if result.epsg else ""
    console.print(f"{result.rows:,} regions written to {result.path}{where}", highlight=False, markup=False)


@export_app.command("model")
def model_command(
    experiment_id: Annotated[int, typer.Argument(help="The experiment (crimedesk models experiments).")],
    fmt: FormatOption,
    out: OutOption,
    crs: CrsOption = "wgs84",
    db: DbOption = None,
) -> None:
    """A hotspot or risk model's shapes (polygons, flagged cells) with their values and labels."""
    from crimedesk.reports.exports.service import export_model

    with opened_store(db) as engine:
        result = export_model(engine, acting_user(engine), experiment_id, fmt, out, crs=crs)
    where = f" in EPSG:{result.epsg}" if result.epsg else ""
    console.print(f"{result.rows:,} shapes written to {result.path}{where}", highlight=False, markup=False)
