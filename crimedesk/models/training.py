"""Training runs: train a kind on the filtered incidents, score it, save it and record the experiment."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, update

import crimedesk
from crimedesk.config.paths import data_dir
from crimedesk.domain.errors import ImportCancelled
from crimedesk.domain.filters import FilterSnapshot
from crimedesk.models.catalog import model_spec
from crimedesk.models.experiments import Experiment, get_experiment
from crimedesk.models.frame import data_fingerprint, incidents_frame
from crimedesk.models.persistence import save_model
from crimedesk.models.registry import Cancel, Progress
from crimedesk.storage.schema import experiments


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
        inserted = conn.execute(experiments.insert().values(record)).inserted_primary_key
    assert inserted is not None  # a single-row INSERT always reports its key
    experiment_id = inserted[0]
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


def _finish(engine: Engine, experiment_id: int, *, status: str, started: float, **values: Any) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(experiments)
            .where(experiments.c.id == experiment_id)
            .values(status=status, duration_s=time.perf_counter() - started, **values)
        )


def _json_default(value: Any) -> Any:
    """numpy scalars and timestamps inside metric dicts."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp | datetime):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} in metrics")
