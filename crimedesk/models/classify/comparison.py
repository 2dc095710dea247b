"""How a held-out classification report (:func:`classification_report`) compares with its baselines."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from crimedesk.models.registry import Headline, MetricType

BASELINES = {"majority": "majority class", "prior_random": "prior-frequency guess"}


def classification_table(metrics: Mapping[str, Any], kind: str) -> pd.DataFrame:
    """The model, then each baseline: accuracy and macro-F1 on the held-out months."""
    names = {"model": kind, **BASELINES}
    rows = [
        {
            "contender": names[key],
            "role": "model" if key == "model" else "baseline",
            "accuracy": metrics[key]["accuracy"],
            "macro-F1": metrics[key]["macro_f1"],
        }
        for key in names
        if isinstance(metrics.get(key), Mapping)
    ]
    return pd.DataFrame(rows, columns=["contender", "role", "accuracy", "macro-F1"])


def classification_headline(metrics: Mapping[str, Any], kind: str) -> Headline:
    model = metrics["model"]["macro_f1"]
    best = max(BASELINES, key=lambda name: metrics[name]["macro_f1"])
    baseline = metrics[best]["macro_f1"]
    if metrics["beats_baselines"]:
        sentence = (
            f"The model's held-out macro-F1 is {model:.3f}, against {baseline:.3f} "
            f"for the {BASELINES[best]}, the best baseline."
        )
    else:
        sentence = (
            f"A baseline wins: the {BASELINES[best]} reaches a held-out macro-F1 of {baseline:.3f}, "
            f"against {model:.3f} for the model; do not use the model."
        )
    return Headline(f"macro-F1 {model:.3f}", sentence, not metrics["beats_baselines"])


CLASSIFICATION = MetricType("held-out classification report", classification_table, classification_headline)
