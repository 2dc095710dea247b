"""`crimedesk models ...`: train, backtest, list and apply models over the same services as the app."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from crimedesk.cli.common import DbOption, console, fail, run_cancellable
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.models.experiments import (
    get_experiment,
    list_experiments,
    load_experiment_model,
    run_experiment,
)
from crimedesk.models.frame import incidents_frame
from crimedesk.models.registry import model_kinds, model_spec
from crimedesk.storage.engine import make_engine

models_app = typer.Typer(help="Train and apply crime models; every run is recorded as an experiment.")

ParamOption = Annotated[list[str] | None, typer.Option("--param", "-p", help="Model parameter as k=v.")]
FromOption = Annotated[str | None, typer.Option("--from", help="First day of training data (YYYY-MM-DD).")]
ToOption = Annotated[str | None, typer.Option("--to", help="Last day of training data (YYYY-MM-DD).")]


def _params(pairs: list[str] | None) -> dict[str, str]:
    values = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep:
            raise fail(f"--param needs k=v, got {pair!r}")
        values[key.strip()] = value.strip()
    return values


def _filters(date_from: str | None, date_to: str | None) -> FilterSnapshot:
    return FilterSnapshot(
        date_from=date.fromisoformat(date_from) if date_from else None,
        date_to=date.fromisoformat(date_to) if date_to else None,
    )


@models_app.command("train")
def train(
    kind: Annotated[str, typer.Argument(help="Model kind, e.g. crime_type_rf, risk_gb, ets.")],
    param: ParamOption = None,
    seed: int = 0,
    date_from: FromOption = None,
    date_to: ToOption = None,
    db: DbOption = None,
) -> None:
    """Train KIND on the store's incidents, score it against baselines and record the experiment."""
    if kind not in model_kinds():
        raise fail(f"unknown kind {kind!r}; known: {', '.join(model_kinds())}")
    engine = make_engine(db)
    exp = run_cancellable(
        f"training {kind}",
        lambda progress, cancel: run_experiment(
            engine, kind, _params(param), _filters(date_from, date_to), seed, progress, cancel
        ),
    )
    metrics = exp.metrics or {}
    console.print(f"experiment {exp.id}: {exp.status} in {exp.duration_s:.1f} s", highlight=False)
    console.print(f"verdict: {metrics.get('verdict', '(none)')}", highlight=False)


@models_app.command("backtest")
def backtest(
    kind: Annotated[str, typer.Argument(help="Model kind.")],
    param: ParamOption = None,
    seed: int = 0,
    date_from: FromOption = None,
    date_to: ToOption = None,
    db: DbOption = None,
) -> None:
    """Print KIND's held-out comparison with its baselines (recorded as an experiment too)."""
    train(kind, param, seed, date_from, date_to, db)
    engine = make_engine(db)
    exp = list_experiments(engine, kind=kind)[0]
    console.print(json.dumps((exp.metrics or {}).get("backtest", exp.metrics), indent=1), highlight=False)


@models_app.command("experiments")
def experiments_command(kind: str | None = None, db: DbOption = None) -> None:
    """Recorded experiments, newest first."""
    table = Table("id", "kind", "task", "status", "seed", "seconds", "promoted")
    table.add_column("verdict", overflow="fold")
    for column in table.columns[1:3]:
        column.no_wrap = True
    for exp in list_experiments(make_engine(db), kind=kind):
        seconds = f"{exp.duration_s:.1f}" if exp.duration_s is not None else ""
        verdict = (exp.metrics or {}).get("verdict", exp.error or "")
        row = [str(exp.id), exp.model_kind, exp.task, exp.status, str(exp.seed), seconds]
        table.add_row(*row, "yes" if exp.promoted else "", verdict)
    console.print(table)


@models_app.command("predict")
def predict(
    experiment_id: Annotated[int, typer.Argument(help="Experiment id (see `models experiments`).")],
    rows: int = 20,
    db: DbOption = None,
) -> None:
    """Apply a recorded model to the experiment's filtered data and print the first ROWS results."""
    engine = make_engine(db)
    exp = get_experiment(engine, experiment_id)
    spec = model_spec(exp.model_kind)
    model = load_experiment_model(exp)
    with engine.connect() as conn:
        frame = incidents_frame(conn, FilterSnapshot.from_dict(exp.filters))
    result = spec.predict(model, frame, spec.params(**exp.params))
    console.print(result.head(rows).to_string(), highlight=False)
