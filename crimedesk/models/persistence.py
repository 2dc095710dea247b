"""Save and load fitted models: joblib for scikit-learn/statsmodels, plus a .keras file for Keras.

A Keras model is not reliably picklable across versions, so an estimator holding one (in
``keras_model_``) is written as two files with the same stem: ``stem.keras`` (Keras' own format)
and ``stem.joblib`` (everything else, with ``keras_model_`` left empty).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

KERAS_ATTRIBUTE = "keras_model_"


def save_model(model: Any, stem: Path) -> Path:
    """Write ``model`` next to ``stem``; returns the .joblib path (the artifact's name)."""
    import joblib  # here: the Models pane lists artifacts before the window paints

    stem.parent.mkdir(parents=True, exist_ok=True)
    target = stem.with_suffix(".joblib")
    keras_model = getattr(model, KERAS_ATTRIBUTE, None)
    if keras_model is None:
        joblib.dump(model, target)
        return target
    keras_model.save(stem.with_suffix(".keras"))
    shell = copy.copy(model)
    setattr(shell, KERAS_ATTRIBUTE, None)
    joblib.dump(shell, target)
    return target


def load_model(path: Path) -> Any:
    """Inverse of :func:`save_model` (given the .joblib path)."""
    import joblib

    model = joblib.load(path)
    if hasattr(model, KERAS_ATTRIBUTE):
        import keras

        setattr(model, KERAS_ATTRIBUTE, keras.saving.load_model(path.with_suffix(".keras")))
    return model


def artifact_files(path: Path) -> list[Path]:
    """Every file belonging to the artifact at ``path`` (for deletion)."""
    return [p for p in (path, path.with_suffix(".keras")) if p.exists()]
