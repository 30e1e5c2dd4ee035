"""Predictions computed from a model: one step ahead from true inputs, free-running from
its own outputs, and a window model's sliding predictions (explorer.tasks.predictions says
what they are)."""

from __future__ import annotations

import numpy as np
import torch

from explorer.tasks.predictions import Predictions


def column(values: np.ndarray) -> torch.Tensor:
    """(N,) values -> (N, 1, 1): one time-major sequence of one feature."""
    return torch.as_tensor(np.asarray(values, dtype=np.float32)).reshape(-1, 1, 1)


@torch.no_grad()
def window_predictions(model, t: np.ndarray, noisy: np.ndarray, clean: np.ndarray, w: int):
    """Each window of w noisy values predicts the next; free-running from the first w."""
    n = t.size
    windows = np.stack([noisy[i - w : i] for i in range(w, n)], axis=1)  # (w, n - w)
    pred, _ = model(torch.as_tensor(windows[:, :, None], dtype=torch.float32))  # (n - w, 1)
    one_step = np.full(n, np.nan)
    one_step[w:] = pred[:, 0].double().numpy()

    buffer = list(noisy[:w])  # seeded with true (noisy) values, then its own outputs
    for _ in range(w, n):
        y, _ = model(column(buffer[-w:]))
        buffer.append(float(y[0, 0]))
    free = np.asarray(buffer, dtype=np.float64)
    free[:w] = np.nan
    return Predictions(t, clean.copy(), one_step, free, w)


@torch.no_grad()
def next_step_predictions(model, t: np.ndarray, warmup: int) -> Predictions:
    """A stateful next-step model over sin(t): one step ahead, and free-running after
    `warmup` true points with its state carried."""
    n = t.size
    truth = np.sin(t)
    out, _ = model(column(truth[:-1]))  # (n - 1, 1, 1): prediction of point k + 1
    one_step = np.full(n, np.nan)
    one_step[1:] = out[:, 0, 0].double().numpy()

    free = np.full(n, np.nan)
    y, state = model(column(truth[:warmup]))
    free[warmup] = float(y[-1, 0, 0])
    for k in range(warmup, n - 1):
        y, state = model(column(free[k : k + 1]), state)
        free[k + 1] = float(y[-1, 0, 0])
    return Predictions(t, truth, one_step, free, warmup)
