"""Experiments: every training run recorded in the store, reproducible and comparable.

A run (:func:`crimedesk.models.training.run_experiment`) records what it was given (kind,
parameters, filters, seed, code version and a fingerprint of the exact training rows), what came
out (held-out metrics, the saved model) and how it went (status, duration). This module reads,
promotes and deletes the records; it knows no model kind. One experiment per task may be promoted:
the model the app uses for that task.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, RowMapping, delete, select, update

from crimedesk.auth import audit
from crimedesk.auth.permissions import requires, resolved
from crimedesk.auth.roles import Action
from crimedesk.auth.user import User
from crimedesk.models.persistence import artifact_files, load_model
from crimedesk.storage.schema import experiments

if TYPE_CHECKING:  # the Models pane lists experiments before the window paints; pandas only to compare
    import pandas as pd


@dataclass(frozen=True)
class Experiment:
    id: int
    name: str
    model_kind: str
    task: str
    params: dict[str, Any]
    data_fingerprint: str
    filters: dict[str, Any]
    seed: int
    code_version: str
    created_at: datetime
    status: str
    error: str | None
    duration_s: float | None
    metrics: dict[str, Any] | None
    artifact_path: str | None
    promoted: bool
    username: str = ""  # who trained it


def get_experiment(engine: Engine, experiment_id: int) -> Experiment:
    with engine.connect() as conn:
        return get_experiment_in(conn, experiment_id)


def get_experiment_in(conn: Connection, experiment_id: int) -> Experiment:
    row = conn.execute(select(experiments).where(experiments.c.id == experiment_id)).mappings().first()
    if row is None:
        raise KeyError(f"no experiment {experiment_id}")
    return _experiment(row)


def list_experiments(engine: Engine, kind: str | None = None, task: str | None = None) -> list[Experiment]:
    """Newest first, optionally of one kind or task."""
    query = select(experiments).order_by(experiments.c.id.desc())
    if kind is not None:
        query = query.where(experiments.c.model_kind == kind)
    if task is not None:
        query = query.where(experiments.c.task == task)
    with engine.connect() as conn:
        return [_experiment(row) for row in conn.execute(query).mappings()]


def compare(engine: Engine, ids: list[int]) -> pd.DataFrame:
    """Side by side: kind, seed, fingerprint, status, duration and the headline metrics."""
    rows = []
    for exp in (get_experiment(engine, i) for i in ids):
        scalars = {k: v for k, v in (exp.metrics or {}).items() if isinstance(v, int | float | str | bool)}
        rows.append({"id": exp.id, "kind": exp.model_kind, "seed": exp.seed, "status": exp.status} | scalars)
    import pandas as pd

    return pd.DataFrame(rows)


@requires(Action.PROMOTE_MODEL)
def promote(engine: Engine, experiment_id: int, user: User | None = None) -> Experiment:
    """Make this (successful) experiment the one used for its task; un-promotes the previous one."""
    exp = get_experiment(engine, experiment_id)
    if exp.status != "ok":
        raise ValueError(f"experiment {experiment_id} is {exp.status!r}: only 'ok' runs can be promoted")
    with engine.begin() as conn:
        conn.execute(update(experiments).where(experiments.c.task == exp.task).values(promoted=False))
        conn.execute(update(experiments).where(experiments.c.id == experiment_id).values(promoted=True))
        details = {"name": exp.name, "kind": exp.model_kind, "task": exp.task}
        audit.record(conn, resolved(user), Action.PROMOTE_MODEL, "experiment", experiment_id, details)
    return get_experiment(engine, experiment_id)


@requires(Action.DELETE_EXPERIMENT)
def delete_experiment(engine: Engine, experiment_id: int, user: User | None = None) -> None:
    """Remove the record and its artifact files."""
    exp = get_experiment(engine, experiment_id)
    with engine.begin() as conn:
        conn.execute(delete(experiments).where(experiments.c.id == experiment_id))
        details = {"name": exp.name, "kind": exp.model_kind, "status": exp.status}
        audit.record(conn, resolved(user), Action.DELETE_EXPERIMENT, "experiment", experiment_id, details)
    if exp.artifact_path:
        for path in artifact_files(Path(exp.artifact_path)):
            path.unlink()


def load_experiment_model(exp: Experiment) -> Any:
    if not exp.artifact_path:
        raise ValueError(f"experiment {exp.id} has no saved model (status {exp.status!r})")
    path = Path(exp.artifact_path)
    if not path.exists():
        raise ValueError(
            f"experiment {exp.id}'s model file {path} is missing (removed, or the store was moved"
            " without its models): train it again"
        )
    return load_model(path)


def _experiment(row: RowMapping) -> Experiment:
    values = dict(row)
    return Experiment(
        id=values["id"],
        name=values["name"],
        model_kind=values["model_kind"],
        task=values["task"],
        params=json.loads(values["params_json"]),
        data_fingerprint=values["data_fingerprint"],
        filters=json.loads(values["filters_json"]),
        seed=values["seed"],
        code_version=values["code_version"],
        created_at=values["created_at"],
        status=values["status"],
        error=values["error"],
        duration_s=values["duration_s"],
        metrics=json.loads(values["metrics_json"]) if values["metrics_json"] else None,
        artifact_path=values["artifact_path"],
        promoted=bool(values["promoted"]),
        username=values["username"],
    )
