"""The registry of trainable model kinds and what each kind declares (it imports no kind).

A kind registers one :class:`KindSpec`: its task (only one experiment per task can be promoted),
a plain display name, a frozen parameter dataclass whose fields carry a label, unit, one-line help
and, for strings, closed choices (:func:`param`), the functions that train and apply it, its
:class:`MetricType` (how its metrics are tabled against the baselines and headlined), what it sends
to the map (:class:`MapOutput`) and whether its metrics hold a forecast chart series. The UI and the
CLI read these declarations and nothing else. The built-in kinds are listed in
:mod:`crimedesk.models.catalog`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Engine

from crimedesk.mapping.overlays import ProjectedShapes, projected_geojson

if TYPE_CHECKING:  # the registry is read when the window is built; pandas only by the models
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


PredictFn = Callable[[Any, "pd.DataFrame", Any], "pd.DataFrame"]


def param(default: Any, label: str, help: str, unit: str = "", choices: Sequence[str] = ()) -> Any:
    """A parameter field with its plain-words ``label``, ``unit``, one-line ``help`` and, for a string,
    its closed ``choices`` (``dataclasses.field`` metadata read by :func:`param_infos`)."""
    metadata = {"label": label, "unit": unit, "help": help, "choices": tuple(choices)}
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class ParamInfo:
    name: str
    label: str
    unit: str
    help: str
    choices: tuple[str, ...]
    default: Any


def param_infos(params: type) -> list[ParamInfo]:
    """Every field of a parameter dataclass with its declaration, in field order."""
    defaults = params()
    return [
        ParamInfo(
            f.name,
            f.metadata.get("label", ""),
            f.metadata.get("unit", ""),
            f.metadata.get("help", ""),
            tuple(f.metadata.get("choices", ())),
            getattr(defaults, f.name),
        )
        for f in dataclasses.fields(params)
    ]


@dataclass(frozen=True)
class Headline:
    """``score``: the one number that sums a run up ("PAI 4.15 (7-day)"); ``sentence`` says plainly,
    first, when a baseline wins (then ``baseline_wins`` is true)."""

    score: str
    sentence: str
    baseline_wins: bool


@dataclass(frozen=True)
class MetricType:
    """How one shape of stored metrics is read. ``table(metrics, kind)`` is the model-vs-baselines
    table: columns ``contender`` and ``role`` ("model" or "baseline") first, then plain-named
    measures; ``headline(metrics, kind)`` sums it up."""

    name: str
    table: Callable[[Mapping[str, Any], str], pd.DataFrame]
    headline: Callable[[Mapping[str, Any], str], Headline]


@dataclass(frozen=True)
class MapOutput:
    """What a kind sends to the map. ``compute(engine, experiment_id)`` loads and projects the shapes
    (any thread); ``noun`` names them in messages ("flagged cells")."""

    noun: str
    compute: Callable[[Engine, int], ProjectedShapes]

    def geojson(self, engine: Engine, experiment_id: int) -> dict:
        """The FeatureCollection (with its legend) in lon/lat; reprojects with pyproj, which has
        crashed on Qt pool threads, so the UI runs :attr:`compute` on a worker and
        :func:`~crimedesk.mapping.overlays.projected_geojson` on its own thread instead."""
        return projected_geojson(self.compute(engine, experiment_id))


@dataclass(frozen=True)
class KindSpec:
    kind: str
    display_name: str
    task: str
    description: str
    params: type
    train: TrainFn
    predict: PredictFn
    metrics: MetricType
    smoke_params: Mapping[str, Any]  # settings that train in seconds on a few weeks of a district
    map_output: MapOutput | None = None
    forecast_series: Callable[[Mapping[str, Any]], list[dict]] | None = None  # one-step forecasts

    def make_params(self, values: Mapping[str, Any] | None = None) -> Any:
        """Parameters from (possibly string, as typed on a command line) values; unknown keys and
        values outside a field's choices fail with the known ones."""
        infos = {info.name: info for info in param_infos(self.params)}
        unknown = set(values or {}) - set(infos)
        if unknown:
            raise ValueError(f"{self.kind} has no parameters {sorted(unknown)}; known: {sorted(infos)}")
        converted = {k: _convert(v, type(infos[k].default)) for k, v in (values or {}).items()}
        for name, value in converted.items():
            choices = infos[name].choices
            if choices and value not in choices:
                raise ValueError(f"{name} must be one of {', '.join(choices)}; got {value!r}")
        return self.params(**converted)

    def comparison_table(self, metrics: Mapping[str, Any]) -> pd.DataFrame:
        """The model-vs-baselines table, the model's rows named by the kind's display name."""
        table = self.metrics.table(metrics, self.kind)
        table.loc[table["role"] == "model", "contender"] = self.display_name
        return table

    def headline(self, metrics: Mapping[str, Any]) -> Headline:
        return self.metrics.headline(metrics, self.kind)


_REGISTRY: dict[str, KindSpec] = {}


def register(spec: KindSpec) -> KindSpec:
    """Add ``spec`` (a kind can be registered once; its parameters must be fully declared)."""
    if spec.kind in _REGISTRY:
        raise ValueError(f"model kind {spec.kind!r} is already registered")
    if not dataclasses.is_dataclass(spec.params):
        raise TypeError(f"parameters of {spec.kind!r} must be a dataclass")
    for info in param_infos(spec.params):
        if not (info.label and info.help):
            raise ValueError(f"parameter {info.name!r} of {spec.kind!r} needs a label and a help line")
        if isinstance(info.default, str) and info.default not in info.choices:
            raise ValueError(
                f"string parameter {info.name!r} of {spec.kind!r} needs choices holding its default"
            )
    spec.make_params(spec.smoke_params)  # fails now, not in a test run, when they do not fit
    _REGISTRY[spec.kind] = spec
    return spec


def registered() -> dict[str, KindSpec]:
    """The kinds registered so far, by name (see :mod:`crimedesk.models.catalog` for all of them)."""
    return dict(_REGISTRY)


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
