"""The synthetic tasks: the adding problem and the two sine tasks of the seed tutorials."""

from __future__ import annotations

import math

import numpy as np
import torch

from explorer.config import RunConfig
from explorer.tasks.base import _TRAIN, _VAL, VAL_SIZE, Batch, Task, _rng, _tensor
from explorer.tasks.predict import next_step_predictions, window_predictions
from explorer.tasks.predictions import Predictions

SINE_DT = 10 / 49  # the tutorial's np.linspace(start, start + 10, 50)
SINE_NEXT_PHASE = 0.3  # the fixed phase of the sine_next demonstration segment


class AddingTask(Task):
    """Hochreiter & Schmidhuber's adding problem: channel 0 holds U[0,1] values, channel 1
    marks one position in each half; the target is the sum of the two marked values.
    Predicting the mean (1) scores MSE Var(U1 + U2) = 1/6."""

    name = "adding"
    input_size = 2

    def _draw(self, rng: np.random.Generator, n: int) -> Batch:
        T = self.seq_len
        values = rng.random((T, n))
        first = rng.integers(0, T // 2, size=n)
        second = rng.integers(T // 2, T, size=n)
        marks = np.zeros((T, n))
        cols = np.arange(n)
        marks[first, cols] = 1.0
        marks[second, cols] = 1.0
        target = values[first, cols] + values[second, cols]
        return Batch(_tensor(np.stack([values, marks], axis=-1)), _tensor(target[:, None]))

    def train_batch(self, step: int) -> Batch:
        return self._draw(_rng(self.seed, _TRAIN, step), self.config.batch)

    def _make_val(self) -> Batch:
        return self._draw(_rng(self.seed, _VAL, 0), VAL_SIZE)

    def target_mean(self) -> float:
        return 1.0


class SineNextTask(Task):
    """The tutorial's stateful sine model: segments of seq_len + 1 points of sin(phase + k dt)
    with a random phase; the input is each point, the target the next one, at every step.
    The trained model later generates the wave from its own outputs."""

    name = "sine_next"
    head = "every"
    baseline_name = "predict 0 (the mean of a sine)"

    def _draw(self, rng: np.random.Generator, n: int) -> Batch:
        phase = rng.uniform(0.0, 2 * math.pi, size=n)
        k = np.arange(self.seq_len + 1)[:, None]
        wave = np.sin(phase[None, :] + k * SINE_DT)  # (T + 1, n)
        return Batch(_tensor(wave[:-1, :, None]), _tensor(wave[1:, :, None]))

    def train_batch(self, step: int) -> Batch:
        return self._draw(_rng(self.seed, _TRAIN, step), self.config.batch)

    def _make_val(self) -> Batch:
        return self._draw(_rng(self.seed, _VAL, 0), VAL_SIZE)

    def target_mean(self) -> float:
        return 0.0

    def predictions(self, model) -> Predictions:
        """Twice the training length from a fixed phase: does the wave keep going?"""
        t = SINE_NEXT_PHASE + np.arange(2 * self.seq_len + 1) * SINE_DT
        return next_step_predictions(model, t, warmup=max(1, self.seq_len // 5))


class SineWindowTask(Task):
    """The seed tutorial's regression: sin t for t in [0, 20) step 0.1 plus Gaussian noise
    (sd 0.1); each window of seq_len values predicts the next value. The first 80% of the
    windows train, the last 20% validate (a chronological split: no future leaks in).
    The noise puts a floor of 0.01 under the validation MSE."""

    name = "sine_window"
    NOISE_SD = 0.1
    TRAIN_FRACTION = 0.8

    def __init__(self, config: RunConfig) -> None:
        super().__init__(config)
        self.t = np.arange(0.0, 20.0, 0.1)  # (200,)
        self.clean = np.sin(self.t)
        self.noisy = self.clean + _rng(self.seed, _VAL, 1).normal(0.0, self.NOISE_SD, self.t.size)
        w = self.seq_len
        n = self.t.size - w
        windows = np.stack([self.noisy[i : i + w] for i in range(n)], axis=1)  # (w, n)
        self._x = _tensor(windows[:, :, None])
        self._y = _tensor(self.noisy[w:, None])
        self.n_train = round(n * self.TRAIN_FRACTION)

    def train_batch(self, step: int) -> Batch:
        n, b = self.n_train, self.config.batch
        if b >= n:  # full batch, fixed order
            return Batch(self._x[:, :n], self._y[:n])
        idx = torch.from_numpy(_rng(self.seed, _TRAIN, step).permutation(n)[:b])
        return Batch(self._x[:, idx], self._y[idx])

    def _make_val(self) -> Batch:
        return Batch(self._x[:, self.n_train :], self._y[self.n_train :])

    def target_mean(self) -> float:
        return float(self._y[: self.n_train].mean())

    def predictions(self, model) -> Predictions:
        return window_predictions(model, self.t, self.noisy, self.clean, self.seq_len)
