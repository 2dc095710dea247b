"""`crimedesk models ...`: train, backtest, list and apply models over the same services as the app.

What differs per kind (its name, parameters, comparison table and headline) comes from the kind's
declaration in the registry (:mod:`crimedesk.models.catalog`), never from its name.
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING, Annotated, Any

import click
import typer
from rich.box import SIMPLE_HEAD
from rich.table import Table
from typer.core import TyperCommand

from crimedesk.cli import filter_options as words_
from crimedesk.cli.common import DbOption, console, fail, opened_store, run_cancellable
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.models.catalog import model_kinds, model_spec, recorded_kind
from crimedesk.models.experiments import (
    Experiment,
    delete_experiment,
    get_experiment,
    list_experiments,
    load_experiment_model,
    promote,
)

if TYPE_CHECKING:
    from crimedesk.models.nearrepeat.knox import KnoxResult

models_app = typer.Typer(help="Train and apply crime models; every run is recorded as an experiment.")

ParamOption = Annotated[list[str] | None, typer.Option("--param", "-p", help="Model parameter as k=v.")]


class KindsListedCommand(TyperCommand):
    """A command whose help ends with the registered kinds, read when the help is shown (loading the
    kinds imports scikit-learn and statsmodels: not for every command line)."""

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self.epilog = "Model kinds:\n\n" + "\n\n".join(
            f"{kind}: {spec.display_name}" for kind, spec in model_kinds().items()
        )
        super().format_help(ctx, formatter)


def _params(pairs: list[str] | None) -> dict[str, str]:
    values = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep:
            raise fail(f"--param needs k=v, got {pair!r}")
        values[key.strip()] = value.strip()
    return values


def _checked(kind: str, pairs: list[str] | None) -> dict[str, Any]:
    """The parameters as given, after checking the kind knows them (a clear error otherwise)."""
    if kind not in model_kinds():
        raise fail(f"unknown kind {kind!r}; known: {', '.join(model_kinds())}")
    values = _params(pairs)
    try:
        model_spec(kind).make_params(values)
    except ValueError as exc:
        raise fail(str(exc)) from None
    return values


@models_app.command("train", cls=KindsListedCommand)
def train(
    kind: Annotated[str, typer.Argument(help="Model kind (listed below).")],
    param: ParamOption = None,
    seed: int = 0,
    date_from: words_.FromOption = None,
    date_to: words_.ToOption = None,
    categories: words_.CategoriesOption = None,
    offense_types: words_.OffensesOption = None,
    layer: words_.LayerOption = None,
    regions: words_.RegionsOption = None,
    hours: words_.HoursOption = None,
    weekdays: words_.WeekdaysOption = None,
    db: DbOption = None,
) -> Experiment:
    """Train KIND on the store's incidents the filter words select, score it against baselines and
    record the experiment."""
    values = _checked(kind, param)
    words = words_.FilterWords(
        date_from, date_to, categories, offense_types, layer, regions, hours=hours, weekdays=weekdays
    )
    from crimedesk.models.training import run_experiment  # pandas: only for the commands that need it

    with opened_store(db) as engine:
        filters = words.snapshot_of(engine)
        exp = run_cancellable(
            f"training {model_spec(kind).display_name}",
            lambda progress, cancel: run_experiment(engine, kind, values, filters, seed, progress, cancel),
        )
    spec = model_spec(kind)
    headline = spec.headline(exp.metrics or {})
    console.print(f"experiment {exp.id}: {exp.status} in {exp.duration_s:.1f} s", highlight=False)
    console.print(f"{headline.score}. {headline.sentence}", highlight=False)
    comparison = spec.comparison_table(exp.metrics or {})
    console.print("held-out figures:", highlight=False)
    console.print(comparison.map(_cell).to_string(index=False), highlight=False)
    return exp


@models_app.command("backtest", cls=KindsListedCommand)
def backtest(
    kind: Annotated[str, typer.Argument(help="Model kind (listed below).")],
    param: ParamOption = None,
    seed: int = 0,
    date_from: words_.FromOption = None,
    date_to: words_.ToOption = None,
    categories: words_.CategoriesOption = None,
    offense_types: words_.OffensesOption = None,
    layer: words_.LayerOption = None,
    regions: words_.RegionsOption = None,
    hours: words_.HoursOption = None,
    weekdays: words_.WeekdaysOption = None,
    db: DbOption = None,
) -> None:
    """Print KIND's held-out comparison with its baselines on the incidents the filter words select:
    the same as ``train``, which prints it too."""
    train(
        kind, param, seed, date_from, date_to, categories, offense_types, layer, regions, hours, weekdays, db
    )


@models_app.command("experiments")
def experiments_command(kind: str | None = None, db: DbOption = None) -> None:
    """Recorded experiments, newest first."""
    table = Table("id", "status", "experiment and verdict", box=SIMPLE_HEAD)
    table.columns[2].overflow = "fold"
    with opened_store(db) as engine:
        recorded = list_experiments(engine, kind=kind)
    for exp in recorded:
        table.add_row(str(exp.id), exp.status, _experiment_text(exp))
    console.print(table)


def _experiment_text(exp: Experiment) -> str:
    """Kind (its words, then the word the CLI takes), task, seed, time; the headline; the verdict."""
    spec = recorded_kind(exp.model_kind)
    name = f"{spec.display_name} ({exp.model_kind})" if spec is not None else exp.model_kind
    seconds = f", {exp.duration_s:,.1f} s" if exp.duration_s is not None else ""
    lines = [f"{name}, {exp.task}, seed {exp.seed}{seconds}{', promoted' if exp.promoted else ''}"]
    headline = spec.headline(exp.metrics) if spec is not None and exp.metrics else None
    if headline is not None:
        lines += [headline.score, headline.sentence]
    elif exp.error:
        lines.append(exp.error)
    return "\n".join(line for line in lines if line)


@models_app.command("predict")
def predict(
    experiment_id: Annotated[int, typer.Argument(help="Experiment id (see `models experiments`).")],
    rows: int = 20,
    db: DbOption = None,
) -> None:
    """Apply a recorded model to the experiment's filtered data and print the first ROWS results."""
    with opened_store(db) as engine:
        exp = get_experiment(engine, experiment_id)
        spec = recorded_kind(exp.model_kind)
        if spec is None:
            raise fail(
                f"experiment {experiment_id} is of kind {exp.model_kind!r}, not registered in this version"
            )
        try:
            model = load_experiment_model(exp)
        except ValueError as exc:
            raise fail(str(exc)) from None
        from crimedesk.models.frame import incidents_frame  # pandas: only for the commands that need it

        with engine.connect() as conn:
            frame = incidents_frame(conn, FilterSnapshot.from_dict(exp.filters))
    result = spec.predict(model, frame, spec.make_params(exp.params))
    console.print(result.head(rows).to_string(), highlight=False)


def _cell(value: Any) -> str:
    if value is None or value != value:  # None or NaN
        return "–"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


DistancesOption = Annotated[str, typer.Option("--distances", help="Distance band edges in metres.")]
DaysOption = Annotated[str, typer.Option("--days", help="Time band edges in days.")]


@models_app.command("knox")
def knox(
    date_from: words_.FromOption = None,
    date_to: words_.ToOption = None,
    categories: words_.CategoriesOption = None,
    offense_types: words_.OffensesOption = None,
    layer: words_.LayerOption = None,
    regions: words_.RegionsOption = None,
    hours: words_.HoursOption = None,
    weekdays: words_.WeekdaysOption = None,
    distances: DistancesOption = "0,100,200,300,400,500",
    days: DaysOption = "0,7,14,21,28,35,42,49,56",
    permutations: Annotated[int, typer.Option("--permutations", help="Monte-Carlo permutations.")] = 999,
    manhattan: Annotated[bool, typer.Option("--manhattan", help="City-block distance.")] = False,
    seed: int = 0,
    db: DbOption = None,
) -> None:
    """Near-repeat (Knox) table of the filtered, mappable incidents: observed/expected pairs and the
    Monte-Carlo p-value for each distance band × time band."""
    from crimedesk.models.nearrepeat.chains import knox_events
    from crimedesk.models.nearrepeat.knox import knox_test

    words = words_.FilterWords(
        date_from,
        date_to,
        categories,
        offense_types,
        layer,
        regions,
        mappable_only=True,
        hours=hours,
        weekdays=weekdays,
    )
    try:
        with opened_store(db) as engine:
            events = knox_events(engine, words.snapshot_of(engine))
        spatial, temporal = _edges(distances), _edges(days)
    except ValueError as exc:
        raise fail(str(exc)) from None
    if len(events) < 2:
        raise fail("fewer than two mappable incidents match these filters")
    result = run_cancellable(
        f"Knox test of {len(events):,} incidents",
        lambda progress, cancel: knox_test(
            events["x"].to_numpy(),
            events["y"].to_numpy(),
            events["days"].to_numpy(),
            spatial,
            temporal,
            permutations,
            "manhattan" if manhattan else "euclidean",
            seed,
            progress,
            cancel,
        ),
    )
    console.print(_knox_table(result))
    console.print(
        f"{result.events:,} incidents, {result.permutations:,} permutations of their times; each cell: "
        "observed/expected pairs and p (bold: p < 0.05, more pairs than chance)",
        highlight=False,
    )


def _edges(text: str) -> list[float]:
    try:
        return [float(value) for value in text.split(",")]
    except ValueError:
        raise ValueError(f"band edges must be numbers separated by commas, got {text!r}") from None


def _knox_table(result: KnoxResult) -> Table:
    table = Table("distance", *(f"{lo:,g}–{hi:,g} d" for lo, hi in pairwise(result.temporal_edges)))
    ratio = result.ratio
    for s, (lo, hi) in enumerate(pairwise(result.spatial_edges)):
        cells = []
        for t in range(ratio.shape[1]):
            text = f"{ratio[s, t]:.2f} (p {result.p_values[s, t]:.3f})"
            cells.append(f"[bold]{text}[/bold]" if result.p_values[s, t] < 0.05 and ratio[s, t] > 1 else text)
        table.add_row(f"{lo:,g}–{hi:,g} m", *cells)
    return table


@models_app.command("promote")
def promote_command(
    experiment: Annotated[int, typer.Argument(help="Experiment id.")], db: DbOption = None
) -> None:
    """Make an experiment the one used for its task (analysts and admins)."""
    with opened_store(db) as engine:
        exp = promote(engine, experiment)
    console.print(f"experiment {exp.id} ({exp.name}) promoted for {exp.task}", highlight=False, markup=False)


@models_app.command("delete")
def delete_command(
    experiment: Annotated[int, typer.Argument(help="Experiment id.")], db: DbOption = None
) -> None:
    """Delete an experiment and its saved model (admins)."""
    with opened_store(db) as engine:
        delete_experiment(engine, experiment)
    console.print(f"experiment {experiment} deleted", highlight=False, markup=False)
