"""How a series becomes training examples: windows of T values, each predicting the next,
split in time order, normalised with the training part's statistics only.

>>> w = windowing(np.arange(30.0), window=5)
>>> (w.n_windows, w.n_train, w.n_val, w.mean)
(25, 20, 5, 12.0)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explorer.tasks.datastore import DataError

MIN_WINDOWS = 10  # windows beyond the window itself: 8 to train, 2 to validate
MIN_VALUES = 2 + MIN_WINDOWS  # the shortest series any window (T >= 2) can use
TRAIN_FRACTION = 0.8


@dataclass(frozen=True)
class Windowing:
    """How a series becomes training examples, and the normalisation applied."""

    window: int  # T: values per input window
    n_values: int
    n_windows: int  # n_values - window: window i predicts value i + window
    n_train: int  # the first windows (chronological split)
    n_val: int
    mean: float  # of the values the training windows touch (inputs and targets)
    std: float  # population standard deviation of the same

    @property
    def split(self) -> int:
        """Index of the first value only validation predicts."""
        return self.window + self.n_train

    def normalise(self, values: np.ndarray) -> np.ndarray:
        return (np.asarray(values, dtype=np.float64) - self.mean) / self.std

    def denormalise(self, z: np.ndarray) -> np.ndarray:
        return np.asarray(z, dtype=np.float64) * self.std + self.mean


def windowing(values: np.ndarray, window: int, column: str = "value") -> Windowing:
    """Windows of `window` values, each predicting the next; the first 80% train, the
    rest validate. Mean and std come from the training part only, so validation stays
    unseen (a mean over the whole series would leak its future level into training)."""
    n_values = int(values.size)
    minimum = window + MIN_WINDOWS
    if n_values < minimum:
        raise DataError(
            "too_short_for_window",
            column=column,
            n=n_values,
            window=window,
            minimum=minimum,
            max_window=max(2, n_values - MIN_WINDOWS),
        )
    n_windows = n_values - window
    n_train = round(n_windows * TRAIN_FRACTION)
    seen = np.asarray(values[: window + n_train], dtype=np.float64)
    std = float(seen.std())
    if std == 0.0:
        raise DataError("constant", column=column, value=float(seen[0]))
    return Windowing(
        window, n_values, n_windows, n_train, n_windows - n_train, float(seen.mean()), std
    )
