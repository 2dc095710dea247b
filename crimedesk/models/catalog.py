"""The built-in model kinds: the one place that lists them, and the lookups the UI and CLI use.

Each family folder registers its kinds in its ``kind.py`` (see :mod:`crimedesk.models.registry`);
they are imported here on the first lookup, not at import time, so starting the app does not load
scikit-learn or statsmodels. Adding a kind means a new folder with a ``kind.py``, listed below.
"""

from __future__ import annotations

from crimedesk.models.registry import KindSpec, registered

DEFAULT_KIND = "risk_ensemble"
"""What the Train dialog offers first (see :data:`STUDY_HEADLINE`)."""
STUDY_HEADLINE = (
    "Measured on 90 daily origins of Chicago 2017 (bench/models.py): the rank average of the"
    " HunchLab-style risk model and the naive count grid (risk_ensemble, offered first) beats the naive"
    " grid city-wide for all crime and burglary, next day and next week — all crime PAI 5.71 against"
    " 5.67 next day (p = 0.003), burglary 2.08 against 1.91 (p = 0.04) — by a small margin for all"
    " crime, and ties it in district 011 (p ≥ 0.68). Alone, no learned model beats the naive count"
    " grid for all crime; the naive grid trains in a second, the ensemble in minutes for a city."
)
"""The study's verdict, shown at the top of the Models pane and in the README's model section."""


def load_builtin_kinds() -> None:
    """Import every built-in ``kind.py`` (each registers its kinds once; later calls do nothing)."""
    from crimedesk.models.classify import kind as _classify  # noqa: F401
    from crimedesk.models.forecast import kind as _forecast  # noqa: F401
    from crimedesk.models.hotspots import kind as _hotspots  # noqa: F401
    from crimedesk.models.hunch import kind as _hunch  # noqa: F401
    from crimedesk.models.naive import kind as _naive  # noqa: F401
    from crimedesk.models.risk import kind as _risk  # noqa: F401
    from crimedesk.models.sepp import kind as _sepp  # noqa: F401


def model_kinds() -> dict[str, KindSpec]:
    """Every registered kind by name, in registration order."""
    load_builtin_kinds()
    return registered()


def recorded_kind(kind: str) -> KindSpec | None:
    """The spec of a recorded experiment's kind, or None when the kind is no longer registered
    (a store keeps experiments of kinds a later version may have dropped)."""
    return model_kinds().get(kind)


def model_spec(kind: str) -> KindSpec:
    kinds = model_kinds()
    if kind not in kinds:
        raise KeyError(f"unknown model kind {kind!r}; known: {', '.join(sorted(kinds))}")
    return kinds[kind]
