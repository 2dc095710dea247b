"""The crime-type classification kind: a random forest scored on the held-out later months against
the majority-class and prior-frequency baselines; the stored model is the one that was scored."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from crimedesk.models.classify.classifier import CrimeTypeClassifier, classification_report, time_split
from crimedesk.models.classify.comparison import CLASSIFICATION
from crimedesk.models.registry import Cancel, KindSpec, Progress, Trained, param, register


@dataclass(frozen=True)
class CrimeTypeParams:
    target: str = param(
        "category",
        "What to predict",
        "The broad category (violent, property, drug, other) or the offense type.",
        choices=("category", "offense_type"),
    )
    n_estimators: int = param(200, "Trees", "Trees in the forest: more are steadier and slower.")
    min_samples_leaf: int = param(
        5, "Smallest leaf", "Fewest incidents a tree may decide on: larger smooths more.", "incidents"
    )
    min_frequency: int = param(
        20,
        "Rare-value floor",
        "Place and location values rarer than this are pooled as 'other'.",
        "incidents",
    )
    test_share: float = param(
        0.25, "Held-out share", "The latest share of incidents kept aside for scoring (0.25 = last quarter)."
    )


def predict_type(model: CrimeTypeClassifier, frame: pd.DataFrame, params: CrimeTypeParams) -> pd.DataFrame:
    """Class probabilities and the predicted class of every mappable incident."""
    rows = frame[frame["mappable"]] if "mappable" in frame else frame
    probabilities = pd.DataFrame(model.predict_proba(rows), columns=model.classes_, index=rows.index)
    return probabilities.assign(predicted=model.predict(rows))


def train_crime_type(
    frame: pd.DataFrame, params: CrimeTypeParams, seed: int, progress: Progress, cancel: Cancel
) -> Trained:
    mappable = frame[frame["mappable"]]
    train, test = time_split(mappable, params.test_share)
    progress(0.1, f"training on {len(train):,} incidents")
    model = CrimeTypeClassifier(
        n_estimators=params.n_estimators,
        min_samples_leaf=params.min_samples_leaf,
        min_frequency=params.min_frequency,
        random_state=seed,
    ).fit(train, train[params.target])
    progress(0.9, "scoring the held-out months")
    return Trained(model, classification_report(model, train, test, params.target, seed))


register(
    KindSpec(
        kind="crime_type_rf",
        display_name="Crime type (random forest)",
        task="classification",
        description="Random forest (calibrated) predicting the category from time, place and location type.",
        params=CrimeTypeParams,
        train=train_crime_type,
        predict=predict_type,
        metrics=CLASSIFICATION,
        smoke_params={"n_estimators": 10, "min_frequency": 5},
    )
)
