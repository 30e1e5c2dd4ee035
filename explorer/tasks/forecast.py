"""A series' forecasts in its own units: the model's one-step and free-running
predictions around the train/validation split, and the two baselines it is judged
against (the training mean; persistence, "tomorrow = today")."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch

from explorer.tasks.predictions import Predictions

if TYPE_CHECKING:
    from explorer.tasks.series import SeriesTask

SHOW_BEFORE = 150  # series values shown before the train/validation split
SHOW_AFTER = 150  # ... and after it (free-running runs this far: one call per value)


@torch.no_grad()
def series_predictions(model, task: SeriesTask) -> Predictions:
    """One-step predictions (each from the true window before it) and a free-running
    continuation from the end of the training part (fed its own outputs), around the
    split, in the column's own units: z * std + mean with the training part's statistics.
    Predictions.warmup is the split's position in the arrays (the true inputs before it)."""
    w = task.windowing
    T, split, n = w.window, w.split, w.n_values
    lo, hi = max(0, split - SHOW_BEFORE), min(n, split + SHOW_AFTER)
    rows = np.arange(lo, hi)
    one_step = np.full(rows.size, np.nan)
    first = max(lo, T)  # the first value with a full window before it
    if first < hi:
        windows = np.lib.stride_tricks.sliding_window_view(task.z[first - T : hi - 1], T)
        x = torch.from_numpy(np.ascontiguousarray(windows.T[:, :, None], np.float32))  # (T, n, 1)
        pred, _ = model(x)
        one_step[first - lo :] = w.denormalise(pred[:, 0].double().numpy())

    buffer = list(task.z[split - T : split])  # true values up to the split, then its own
    for _ in range(split, hi):
        y, _ = model(torch.as_tensor(buffer[-T:], dtype=torch.float32).reshape(T, 1, 1))
        buffer.append(float(y[0, 0]))
    free = np.full(rows.size, np.nan)
    free[split - lo :] = w.denormalise(np.asarray(buffer[T:]))
    return Predictions(rows.astype(float), task.values[lo:hi].copy(), one_step, free, split - lo)


@dataclass(frozen=True)
class SeriesBaselines:
    """The series' two baselines as the model is scored: validation MSE over the same
    windows, in normalised units; std turns an MSE into an RMSE in the column's units."""

    mean_mse: float  # always predict the training targets' mean
    persistence_mse: float  # predict each window's last value ("tomorrow = today")
    std: float  # of the training part (Windowing.std)

    @property
    def persistence_is_stronger(self) -> bool:
        return self.persistence_mse <= self.mean_mse

    @property
    def stronger_mse(self) -> float:
        return min(self.mean_mse, self.persistence_mse)

    def rmse(self, mse: float) -> float:
        """An MSE in normalised units as an RMSE in the column's own units."""
        return math.sqrt(mse) * self.std

    def gain(self, model_mse: float) -> float:
        """1 - model / stronger baseline: above 0 the model beats it (0.2: 20% lower MSE),
        below 0 it does worse (-0.5: 50% higher)."""
        return 1.0 - model_mse / self.stronger_mse if self.stronger_mse > 0 else -math.inf


def series_baselines(task: SeriesTask) -> SeriesBaselines:
    return SeriesBaselines(task.mean_baseline_loss(), task.persistence_loss(), task.windowing.std)


def persistence_curve(task: SeriesTask, rows: np.ndarray) -> np.ndarray:
    """(k,) the persistence prediction of some rows in the column's units: the value of
    the row before (NaN for row 0, which has none)."""
    rows = np.asarray(rows, dtype=np.int64)
    out = np.full(rows.size, np.nan)
    has = rows > 0
    out[has] = task.values[rows[has] - 1]
    return out
