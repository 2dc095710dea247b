import numpy as np
import pytest

from crimedesk.models.classify.classifier import CrimeTypeClassifier, classification_report, time_split
from crimedesk.models.persistence import load_model, save_model
from tests.models.chicago_frame import district_slice


@pytest.fixture(scope="module")
def split(chicago_frame):
    """District 011, January–April 2016: train on Jan–Mar, test on April."""
    return time_split(district_slice(chicago_frame, ["011"], "2016-01-01", "2016-05-01"))


def test_split_is_time_ordered(split):
    train, test = split
    assert train["occurred_from"].max() < test["occurred_from"].min()


def test_classifier_beats_majority_on_macro_f1_and_reproduces(split, tmp_path):
    train, test = split
    model = CrimeTypeClassifier(n_estimators=60, random_state=3).fit(train, train["category"])
    report = classification_report(model, train, test, "category", seed=3)
    assert report["model"]["macro_f1"] > report["majority"]["macro_f1"]
    assert report["beats_baselines"] is True and "beats" in report["verdict"]
    assert set(report["model"]["per_class"]) == {"drug", "other", "property", "violent"}
    probabilities = model.predict_proba(test)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    again = CrimeTypeClassifier(n_estimators=60, random_state=3).fit(train, train["category"])
    np.testing.assert_array_equal(again.predict_proba(test), probabilities)
    loaded = load_model(save_model(model, tmp_path / "rf"))
    np.testing.assert_array_equal(loaded.predict(test), model.predict(test))


def test_report_says_so_when_a_baseline_wins(split):
    train, test = split
    useless = CrimeTypeClassifier(n_estimators=5, random_state=0).fit(train, train["category"])
    useless.predict = lambda frame: np.full(len(frame), "violent", dtype=object)  # a bad model
    report = classification_report(useless, train, test, "category", seed=0)
    assert report["beats_baselines"] is False
    assert "do not use the model" in report["verdict"]
