"""The built-in model kinds: the one place that lists them, and the lookups the UI and CLI use.

Each family folder registers its kinds in its ``kind.py`` (see :mod:`crimedesk.models.registry`);
they are imported here on the first lookup, not at import time, so starting the app does not load
scikit-learn or statsmodels. Adding a kind means a new folder with a ``kind.py``, listed below.
"""

from __future__ import annotations

from crimedesk.models.registry import KindSpec, registered

DEFAULT_KIND = "naive_count"
"""What the Train dialog offers first (see :data:`STUDY_HEADLINE`)."""
STUDY_HEADLINE = (
    "Measured on 90 daily origins of Chicago 2017 (bench/models.py): for all crime no model beats the"
    " naive count grid, city-wide or in district 011, next day or next week; city-wide the point"
    " process (PAI 5.38 against 5.67) and gradient boosting (5.51) lose to it with p < 0.05. Only for"
    " city-wide burglary does the point process beat it (next-day PAI 2.10 against 1.91, p = 0.003;"
    " next week 2.00 against 1.88, p < 0.001). In a later run of the city slices only, the rank"
    " average of the HunchLab-style risk model and the naive grid beat it in all four (all crime PAI"
    " 5.71 against 5.67 next day, p = 0.003; burglary 2.08 against 1.91, p = 0.04), by a small margin"
    " for all crime; until it is measured per district too, the naive count grid is the default."
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
