"""``crimedesk report``: a PDF report of the filtered incidents, as the Reports tab makes it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from crimedesk.auth.session import acting_user
from crimedesk.cli import filter_options as words_
from crimedesk.cli.common import DbOption, console, opened_store, run_cancellable

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

report_app = typer.Typer(help="Make a PDF report for command staff.")

OutOption = Annotated[Path, typer.Option("--out", help="The PDF to write (replaced when complete).")]
PagesOption = Annotated[bool, typer.Option("--region-pages", help="Add one page per region.")]
SectionsOption = Annotated[
    str | None, typer.Option("--sections", help="Comma-separated sections to include (default: all).")
]
ColumnsOption = Annotated[
    str | None,
    typer.Option("--columns", help="Comma-separated columns, e.g. occurred_from,category,block,district."),
]


@report_app.command("compstat")
def compstat_command(
    out: OutOption,
    region_pages: PagesOption = False,
    sections: SectionsOption = None,
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
    """CompStat: key figures, trend, hour of week, the CompStat table by region (--layer, else
    district), top offenses and a map (over the map's offline MBTiles basemap when it uses one),
    for the period --from .. --to. The aggregates run on the
    dashboard's analytics mirror (kept in the user cache; made or brought up to date first)."""
    words = words_.FilterWords(
        date_from, date_to, categories, offense_types, layer, regions, text, mappable_only
    )
    _report("compstat", out, words, db, region_pages=region_pages, sections=words_.split_words(sections))


@report_app.command("incidents")
def incidents_command(
    out: OutOption,
    columns: ColumnsOption = None,
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
    """Incident list: the filtered incidents as a table, newest first, for a briefing."""
    words = words_.FilterWords(
        date_from, date_to, categories, offense_types, layer, regions, text, mappable_only
    )
    _report("incidents", out, words, db, columns=words_.split_words(columns))


@report_app.command("model")
def model_command(
    experiment_id: Annotated[int, typer.Argument(help="The experiment (crimedesk models experiments).")],
    out: OutOption,
    db: DbOption = None,
) -> None:
    """Model card: the experiment's data, parameters, seed and code version, its backtest against
    every baseline, its chart or shapes, and the verdict in plain words."""
    from crimedesk.domain.filters import FilterSnapshot
    from crimedesk.models.experiments import get_experiment
    from crimedesk.reports.context import ReportOptions
    from crimedesk.reports.service import make_report

    with opened_store(db) as engine:
        filters = FilterSnapshot.from_dict(get_experiment(engine, experiment_id).filters)
        options = ReportOptions(experiment_id=experiment_id)
        result = make_report(engine, acting_user(engine), "model", filters, out, options)
    console.print(f"model card written to {result.path}", highlight=False, markup=False)


def _report(
    name: str,
    out: Path,
    words: words_.FilterWords,
    db: URL | None,
    *,
    region_pages: bool = False,
    sections: list[str] | None = None,
    columns: list[str] | None = None,
) -> None:
    from crimedesk.analytics.mirror import AnalyticsMirror
    from crimedesk.reports.basemap import configured_mbtiles
    from crimedesk.reports.context import ReportOptions
    from crimedesk.reports.service import make_report

    with opened_store(db) as engine:
        filters = words.snapshot_of(engine)
        layer = filters.region_layer_id or "district"
        basemap = configured_mbtiles()  # the map's offline basemap, when it has one
        options = ReportOptions(
            layer, region_pages, tuple(sections or ()), tuple(columns or ()), basemap=basemap
        )
        user = acting_user(engine)
        mirror = AnalyticsMirror(engine)
        try:
            run_cancellable("Mirroring the store", mirror.sync, cancelled="cancelled, no file written")
            result = run_cancellable(
                "Reporting",
                lambda progress, cancel: make_report(
                    engine,
                    user,
                    name,
                    filters,
                    out,
                    options,
                    progress=progress,
                    cancel=cancel,
                    query_engine=mirror.engine,
                ),
                cancelled="cancelled, no file written",
            )
        finally:
            mirror.close()
    pages = f"{result.pages:,} page" + ("" if result.pages == 1 else "s")
    console.print(f"{pages} written to {result.path}", highlight=False, markup=False)
