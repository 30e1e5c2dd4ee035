"""A user's own series (or the shipped example): each window of T values predicts the
next, as in the tutorials' stock-price example. The network sees z-scores made with the
training part's mean and standard deviation; predictions go back to the column's units
(explorer.task_analysis)."""

from __future__ import annotations

import numpy as np
import torch

from explorer.config import RunConfig
from explorer.datasource import series_source
from explorer.tasks.base import Batch, Task, _tensor, sample_indices
from explorer.texts_tasks import task_text


class SeriesTask(Task):
    """Windows in time order: the first 80% train, the rest validate (nothing from the
    future leaks into training). The mean predictor scores about 1 on the training part
    by construction; on the validation part it scores whatever the level has drifted."""

    name = "series"
    baseline_name = task_text("baseline.series")

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
