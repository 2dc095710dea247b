"""A small LSTM count forecaster, wrapped in the same fit/predict interface as the baselines.

TensorFlow costs ~5 s and ~650 MB to import (STACK_NOTES §5), so Keras is imported inside
``fit``/``predict`` only. One LSTM layer reads the last ``window`` standardised values and predicts
the next one; longer horizons are forecast recursively. The last ``validation_share`` of windows is
held out for early stopping, and the residuals there give the prediction intervals (widened by √k).
Seeding with ``keras.utils.set_random_seed`` makes a CPU run repeatable.
"""

from __future__ import annotations

from typing import Any, Self

import numpy as np
import pandas as pd

from crimedesk.models.forecast.forecasters import Forecaster


class LSTMForecaster(Forecaster):
    """LSTM(units) → Dense(1) on windows of ``window`` steps; Keras model in ``keras_model_``."""

    def __init__(
        self,
        window: int = 28,
        units: int = 32,
        dropout: float = 0.0,
        epochs: int = 100,
        patience: int = 8,
        batch_size: int = 32,
        validation_share: float = 0.2,
        season: int | None = None,
        level: float = 0.9,
        random_state: int = 0,
    ) -> None:
        self.window = window
        self.units = units
        self.dropout = dropout
        self.epochs = epochs
        self.patience = patience
        self.batch_size = batch_size
        self.validation_share = validation_share
        self.season = season
        self.level = level
        self.random_state = random_state

    def fit(self, y: pd.Series) -> Self:
        import keras

        values = self._remember(y)
        if values.size < self.window + 10:
            raise ValueError(f"LSTMForecaster needs at least {self.window + 10} values, got {values.size}")
        self.mean_, self.scale_ = float(values.mean()), float(values.std() or 1.0)
        scaled = (values - self.mean_) / self.scale_
        starts = np.arange(values.size - self.window)
        inputs = np.stack([scaled[s : s + self.window] for s in starts])[..., None]
        targets = scaled[starts + self.window]
        keras.utils.set_random_seed(self.random_state)
        self.keras_model_ = self._build(keras)
        stop = keras.callbacks.EarlyStopping(patience=self.patience, restore_best_weights=True)
        history = self.keras_model_.fit(
            inputs,
            targets,
            epochs=self.epochs,
            batch_size=self.batch_size,
            validation_split=self.validation_share,
            callbacks=[stop],
            verbose=0,
        )
        self.epochs_run_ = len(history.history["loss"])
        held_out = max(1, int(starts.size * self.validation_share))
        fitted = self.keras_model_.predict(inputs[-held_out:], verbose=0)[:, 0]
        self.residuals_ = (targets[-held_out:] - fitted) * self.scale_
        self.last_window_ = scaled[-self.window :]
        return self

    def predict(self, horizon: int) -> pd.DataFrame:
        window = list(self.last_window_)
        for _ in range(horizon):
            step = self.keras_model_.predict(np.asarray(window[-self.window :])[None, :, None], verbose=0)
            window.append(float(step[0, 0]))
        point = np.asarray(window[-horizon:]) * self.scale_ + self.mean_
        return self._frame(point, self.residuals_, np.sqrt(np.arange(1, horizon + 1)))

    def _build(self, keras: Any) -> Any:
        model = keras.Sequential(
            [
                keras.Input((self.window, 1)),
                keras.layers.LSTM(self.units, dropout=self.dropout),
                keras.layers.Dense(1),
            ]
        )
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
        return model
