"""The registry of trainable model kinds, filled by the ``@register_model`` decorator.

Each entry pairs a kind name with its task (only one experiment per task can be promoted), a frozen
parameter dataclass (the UI generates its dialog from the fields, their types and defaults) and two
plain functions: ``train(frame, params, seed, progress, cancel) -> Trained`` fits the model and
scores it honestly against baselines; ``predict(model, frame, params) -> DataFrame`` applies it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd

Progress = Callable[[float, str], None]
Cancel = Callable[[], bool]


@dataclass
class Trained:
    """A fitted model and the held-out metrics (JSON-ready) that justify or condemn it."""

    model: Any
    metrics: dict[str, Any]


class TrainFn(Protocol):
    def __call__(
        self, frame: pd.DataFrame, params: Any, seed: int, progress: Progress, cancel: Cancel
    ) -> Trained: ...


PredictFn = Callable[[Any, pd.DataFrame, Any], pd.DataFrame]


@dataclass(frozen=True)
class ModelSpec:
    kind: str
    task: str
    params: type
    train: TrainFn
    predict: PredictFn
    description: str

    def make_params(self, values: Mapping[str, Any] | None = None) -> Any:
        """Parameters from (possibly string, as typed on a command line) values; unknown keys fail."""
        fields = {f.name: f for f in dataclasses.fields(self.params)}
        unknown = set(values or {}) - set(fields)
        if unknown:
            raise ValueError(f"{self.kind} has no parameters {sorted(unknown)}; known: {sorted(fields)}")
        converted = {k: _convert(v, type(getattr(self.params(), k))) for k, v in (values or {}).items()}
        return self.params(**converted)


_REGISTRY: dict[str, ModelSpec] = {}


def register_model(kind: str, *, task: str, params: type, predict: PredictFn) -> Callable[[TrainFn], TrainFn]:
    """Decorator registering a train function under ``kind`` (a kind can be registered once)."""

    def decorate(train: TrainFn) -> TrainFn:
        if kind in _REGISTRY:
            raise ValueError(f"model kind {kind!r} is already registered")
        if not dataclasses.is_dataclass(params):
            raise TypeError(f"parameters of {kind!r} must be a dataclass")
        _REGISTRY[kind] = ModelSpec(kind, task, params, train, predict, (train.__doc__ or "").strip())
        return train

    return decorate


def model_spec(kind: str) -> ModelSpec:
    _load_builtin_kinds()
    if kind not in _REGISTRY:
        raise KeyError(f"unknown model kind {kind!r}; known: {sorted(_REGISTRY)}")
    return _REGISTRY[kind]


def model_kinds() -> dict[str, ModelSpec]:
    _load_builtin_kinds()
    return dict(_REGISTRY)


def _load_builtin_kinds() -> None:
    """Import the module that registers crimedesk's own kinds (explicitly, on first use)."""
    from crimedesk.models import tasks  # noqa: F401
    from crimedesk.models.forecast import kind as _forecast  # noqa: F401
    from crimedesk.models.hotspots import kind as _hotspots  # noqa: F401 - register by decorating


def _convert(value: Any, kind: type) -> Any:
    if not isinstance(value, str) or kind is str:
        return value
    if kind is bool:
        if value.lower() not in {"true", "false", "1", "0", "yes", "no"}:
            raise ValueError(f"not a boolean: {value!r}")
        return value.lower() in {"true", "1", "yes"}
    if kind is tuple:
        return tuple(int(v) for v in value.split(","))
    return kind(value)
