"""Training runs: train a kind on the filtered incidents, score it, save it and record the experiment."""

from __future__ import annotations

import dataclasses
import json
import os
import socket
import subprocess
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, update

import crimedesk
from crimedesk.auth import audit
from crimedesk.auth.permissions import requires, resolved
from crimedesk.auth.roles import Action
from crimedesk.auth.user import User
from crimedesk.config.paths import data_dir
from crimedesk.domain.errors import ImportCancelled
from crimedesk.domain.explain import explain
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.models.catalog import model_spec
from crimedesk.models.experiments import Experiment, get_experiment, get_experiment_in
from crimedesk.models.frame import data_fingerprint, incidents_frame
from crimedesk.models.persistence import save_model
from crimedesk.models.registry import Cancel, Progress
from crimedesk.storage.identity import store_id
from crimedesk.storage.schema import experiments


def models_dir(engine: Engine) -> Path:
    """Where the store's model artifacts live: a folder of the store's own (see storage.identity)."""
    return data_dir() / "models" / store_id(engine)


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


@requires(Action.TRAIN_MODEL)
def run_experiment(
    engine: Engine,
    kind: str,
    params: dict[str, Any] | None = None,
    filters: FilterSnapshot | None = None,
    seed: int = 0,
    progress: Progress = lambda fraction, message: None,
    cancel: Cancel = lambda: False,
    name: str | None = None,
    user: User | None = None,
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
        "name": name or f"{spec.display_name} {datetime.now():%Y-%m-%d %H:%M}",
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
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "username": resolved(user).name,
    }
    with engine.begin() as conn:
        inserted = conn.execute(experiments.insert().values(record)).inserted_primary_key
    assert inserted is not None  # a single-row INSERT always reports its key
    experiment_id = inserted[0]
    started = time.perf_counter()
    try:
        np.random.seed(seed)
        trained = spec.train(frame, chosen, seed, progress, cancel)
        artifact = save_model(trained.model, models_dir(engine) / f"experiment_{experiment_id}")
    except Exception as exc:
        status = "cancelled" if isinstance(exc, ImportCancelled) else "failed"
        # the reason in words, as the Models pane and `models experiments` show it (the log has the type)
        _finish(engine, experiment_id, status=status, error=explain(exc), started=started)
        raise
    _finish(
        engine,
        experiment_id,
        status="ok",
        started=started,
        metrics_json=json.dumps(trained.metrics, default=_json_default),
        artifact_path=str(artifact),
        audited=resolved(user),
    )
    progress(1.0, "experiment recorded")
    return get_experiment(engine, experiment_id)


def _finish(
    engine: Engine,
    experiment_id: int,
    *,
    status: str,
    started: float,
    audited: User | None = None,
    **values: Any,
) -> None:
    """Record how the run ended; a successful one is audited (``audited``) in the same transaction."""
    with engine.begin() as conn:
        conn.execute(
            update(experiments)
            .where(experiments.c.id == experiment_id)
            .values(status=status, duration_s=time.perf_counter() - started, **values)
        )
        if audited is not None:
            exp = get_experiment_in(conn, experiment_id)
            details = {"name": exp.name, "kind": exp.model_kind, "metrics": exp.metrics}
            audit.record(conn, audited, Action.TRAIN_MODEL, "experiment", experiment_id, details)


def _json_default(value: Any) -> Any:
    """numpy scalars and timestamps inside metric dicts."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp | datetime):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} in metrics")
