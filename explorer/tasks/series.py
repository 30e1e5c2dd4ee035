"""A user's own series (or the shipped example): each window of T values predicts the
next, as in the tutorials' stock-price example. The network sees z-scores made with the
training part's mean and standard deviation; predictions go back to the column's units
(explorer.tasks.forecast).

Two baselines, both scored like the model (validation MSE over the same windows, in
normalised units): the training mean, and persistence, "tomorrow = today" (the window's
last value). On a price, persistence is the hard one to beat: a model that learnt only
to repeat the last value looks excellent against the mean. The run is judged against
the stronger (lower) of the two: baseline_loss()."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from explorer.config import RunConfig
from explorer.i18n import text
from explorer.tasks.base import Batch, Task, _tensor, finite_or_none, sample_indices
from explorer.tasks.datasource import data_name, series_source
from explorer.tasks.forecast import series_predictions
from explorer.tasks.predictions import Predictions


class SeriesTask(Task):
    """Windows in time order: the first 80% train, the rest validate (nothing from the
    future leaks into training). The mean predictor scores about 1 on the training part
    by construction; on the validation part it scores whatever the level has drifted."""

    name = "series"
    target_fraction = 1.0  # beating persistence at all is the bar (see the module's note)

    def __init__(self, config: RunConfig) -> None:
        super().__init__(config)
        source = series_source(config)  # DataError when the data cannot be used
        self.source = source
        self.column = source.column
        self.values = source.values  # (N,) original units
        self.windowing = w = source.windowing
        self.z = w.normalise(source.values)  # (N,) what the network sees
        T = w.window
        windows = np.lib.stride_tricks.sliding_window_view(self.z[:-1], T)  # (n, T)
        self._x = _tensor(windows.T[:, :, None])  # (T, n, 1)
        self._y = _tensor(self.z[T:, None])  # (n, 1): window i predicts value i + T
        self.n_train = w.n_train

    def train_batch(self, step: int) -> Batch:
        n = self.n_train
        idx = sample_indices(self.seed, step, n, self.config.batch)
        if idx is None:
            return Batch(self._x[:, :n], self._y[:n])
        index = torch.from_numpy(idx)
        return Batch(self._x[:, index], self._y[index])

    def _make_val(self) -> Batch:
        return Batch(self._x[:, self.n_train :], self._y[self.n_train :])

    def target_mean(self) -> float:
        return float(self._y[: self.n_train].double().mean())

    def mean_baseline_loss(self) -> float:
        """Validation MSE of always predicting the training targets' mean."""
        return super().baseline_loss()

    def persistence_loss(self) -> float:
        """Validation MSE of predicting each window's last value ("tomorrow = today")."""
        val = self.val_batch()
        return float(((val.y[:, 0].double() - val.x[-1, :, 0].double()) ** 2).mean())

    def baseline_loss(self) -> float:
        """The stronger (lower) of the two baselines: what the model must beat."""
        return min(self.mean_baseline_loss(), self.persistence_loss())

    @property
    def baseline_name(self) -> str:  # type: ignore[override]
        """The stronger baseline, with the other's score (the command line's summary)."""
        mean, last = self.mean_baseline_loss(), self.persistence_loss()
        names = (text("baseline.series_persistence"), text("baseline.series"))
        strong, weak = names if last <= mean else names[::-1]
        return text(
            "baseline.series_stronger", strong=strong, weak=weak, value=f"{max(mean, last):.4g}"
        )

    def dates_at(self, rows: np.ndarray) -> np.ndarray | None:
        """(k,) datetime64 of some rows (float row indices, as Predictions.t holds them);
        None when the data has no date column."""
        dates = self.source.table.dates
        return None if dates is None else dates[np.asarray(rows, dtype=np.int64)]

    def predictions(self, model) -> Predictions:
        return series_predictions(model, self)

    def summary(self, history) -> dict[str, Any]:
        w = self.windowing
        return {
            **super().summary(history),
            "data_name": data_name(self.config),
            "column": self.column,
            "normalisation": {"mean": w.mean, "std": w.std},
            "windows": {"window": w.window, "train": w.n_train, "validation": w.n_val},
            # both baselines: the run's baseline_loss is the stronger of the two
            "baseline_mean_loss": finite_or_none(self.mean_baseline_loss()),
            "baseline_persistence_loss": finite_or_none(self.persistence_loss()),
        }
