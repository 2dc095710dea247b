"""The LSTM wrapper: 2 epochs on a short series (TensorFlow's ~5 s import dominates)."""

import numpy as np
import pandas as pd

from crimedesk.models.forecast.lstm import LSTMForecaster
from crimedesk.models.persistence import load_model, save_model


def test_lstm_trains_saves_loads_and_reproduces(tmp_path):
    index = pd.date_range("2016-01-01", periods=120, freq="D")
    rng = np.random.default_rng(0)
    series = pd.Series(50 + 10 * np.sin(np.arange(120) * 2 * np.pi / 7) + rng.normal(0, 2, 120), index=index)
    model = LSTMForecaster(window=7, units=4, epochs=2, random_state=5).fit(series)
    forecast = model.predict(5)
    assert len(forecast) == 5 and forecast.index[0] == pd.Timestamp("2016-04-30")
    assert (forecast["lower"] <= forecast["upper"]).all() and model.epochs_run_ <= 2
    path = save_model(model, tmp_path / "lstm")
    assert path.with_suffix(".keras").exists()
    pd.testing.assert_frame_equal(load_model(path).predict(5), forecast)
    again = LSTMForecaster(window=7, units=4, epochs=2, random_state=5).fit(series).predict(5)
    pd.testing.assert_frame_equal(again, forecast)
