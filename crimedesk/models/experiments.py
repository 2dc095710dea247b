"""Experiments: every training run recorded in the store, reproducible and comparable.

A run records what it was given (kind, parameters, filters, seed, code version and a fingerprint of
the exact training rows), what came out (held-out metrics, the saved model) and how it went
(status, duration). Re-running with the same data, parameters and seed reproduces the metrics.
One experiment per task may be promoted: the model the app uses for that task.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, RowMapping, delete, select, update

import crimedesk
from crimedesk.config.paths import data_dir
from crimedesk.domain.errors import ImportCancelled
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.models.frame import data_fingerprint, incidents_frame
from crimedesk.models.persistence import artifact_files, load_model, save_model
from crimedesk.models.registry import Cancel, Progress, model_spec
from crimedesk.storage.schema import experiments


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


def models_dir() -> Path:
    return data_dir() / "models"


def code_version() -> str:
    """crimedesk.__version__, plus ``git describe`` when running from a git checkout with git."""
    root = Path(crimedesk.__file__).resolve().parents[1]
    if not (root / ".git").exists():
        return crimedesk.__version__
    described = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=root, capture_output=True, text=True, check=False
    )
    suffix = described.stdout.strip() if described.returncode == 0 else ""
    return f"{crimedesk.__version__}+{suffix}" if suffix else crimedesk.__version__


def run_experiment(
    engine: Engine,
    kind: str,
    params: dict[str, Any] | None = None,
    filters: FilterSnapshot | None = None,
    seed: int = 0,
    progress: Progress = lambda fraction, message: None,
    cancel: Cancel = lambda: False,
    name: str | None = None,
) -> Experiment:
    """Train ``kind`` on the filtered incidents, score it, save it and record it; returns the record.

    A cancelled (``ImportCancelled``) or failed run is recorded with that status and re-raised.
    """
    spec = model_spec(kind)
    chosen = spec.make_params(params)
    snapshot = filters or FilterSnapshot()
    progress(0.0, "loading incidents")
    with engine.connect() as conn:
        frame = incidents_frame(conn, snapshot)
        fingerprint = data_fingerprint(conn, snapshot)
    if frame.empty:
        raise ValueError("the filters select no incidents: nothing to train on")
    record = {
        "name": name or f"{kind} {datetime.now():%Y-%m-%d %H:%M}",
        "model_kind": kind,
        "task": spec.task,
        "params_json": json.dumps(dataclasses.asdict(chosen)),
        "data_fingerprint": fingerprint,
        "filters_json": json.dumps(snapshot.to_dict()),
        "seed": seed,
        "code_version": code_version(),
        "created_at": datetime.now().replace(microsecond=0),
        "status": "running",
        "promoted": False,
    }
    with engine.begin() as conn:
        experiment_id = conn.execute(experiments.insert().values(record)).inserted_primary_key[0]
    started = time.perf_counter()
    try:
        np.random.seed(seed)
        trained = spec.train(frame, chosen, seed, progress, cancel)
        artifact = save_model(trained.model, models_dir() / f"experiment_{experiment_id}")
    except Exception as exc:
        status = "cancelled" if isinstance(exc, ImportCancelled) else "failed"
        _finish(engine, experiment_id, status=status, error=f"{type(exc).__name__}: {exc}", started=started)
        raise
    _finish(
        engine,
        experiment_id,
        status="ok",
        started=started,
        metrics_json=json.dumps(trained.metrics, default=_json_default),
        artifact_path=str(artifact),
    )
    progress(1.0, "experiment recorded")
    return get_experiment(engine, experiment_id)


def get_experiment(engine: Engine, experiment_id: int) -> Experiment:
    with engine.connect() as conn:
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
    return pd.DataFrame(rows)


def promote(engine: Engine, experiment_id: int) -> Experiment:
    """Make this (successful) experiment the one used for its task; un-promotes the previous one."""
    exp = get_experiment(engine, experiment_id)
    if exp.status != "ok":
        raise ValueError(f"experiment {experiment_id} is {exp.status!r}: only 'ok' runs can be promoted")
    with engine.begin() as conn:
        conn.execute(update(experiments).where(experiments.c.task == exp.task).values(promoted=False))
        conn.execute(update(experiments).where(experiments.c.id == experiment_id).values(promoted=True))
    return get_experiment(engine, experiment_id)


def delete_experiment(engine: Engine, experiment_id: int) -> None:
    """Remove the record and its artifact files."""
    exp = get_experiment(engine, experiment_id)
    with engine.begin() as conn:
        conn.execute(delete(experiments).where(experiments.c.id == experiment_id))
    if exp.artifact_path:
        for path in artifact_files(Path(exp.artifact_path)):
            path.unlink()


def load_experiment_model(exp: Experiment) -> Any:
    if not exp.artifact_path:
        raise ValueError(f"experiment {exp.id} has no saved model (status {exp.status!r})")
    return load_model(Path(exp.artifact_path))


def _finish(engine: Engine, experiment_id: int, *, status: str, started: float, **values: Any) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(experiments)
            .where(experiments.c.id == experiment_id)
            .values(status=status, duration_s=time.perf_counter() - started, **values)
        )


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
    )


def _json_default(value: Any) -> Any:
    """numpy scalars and timestamps inside metric dicts."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp | datetime):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} in metrics")
