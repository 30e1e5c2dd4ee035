"""scikit-learn's bundled handwritten digits (1,797 images of 8x8 pixels, installed with
it, nothing downloaded) read one row per timestep: 8 steps of 8 features, the tutorials'
MNIST-by-rows idea at a size that trains in seconds. The class comes from the last
step's hidden state."""

from __future__ import annotations

import functools

import numpy as np
import torch

from explorer.config import DIGITS_ROWS, RunConfig
from explorer.i18n import text
from explorer.tasks.base import Batch, ClassificationTask, _tensor, sample_indices

VAL_FRACTION = 0.2
SPLIT_SEED = 0  # the split is fixed (not the run's seed): validation compares across seeds
PROBES_PER_CLASS = 3


@functools.cache
def load() -> tuple[np.ndarray, np.ndarray]:
    """(images (N, 8, 8) scaled to [0, 1] from 0..16, labels (N,)), read-only."""
    from sklearn.datasets import load_digits  # imported here: scikit-learn takes ~1 s

    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)
    labels = digits.target.astype(np.int64)
    images.flags.writeable = labels.flags.writeable = False
    return images, labels


@functools.cache
def split() -> tuple[np.ndarray, np.ndarray]:
    """(train indices, validation indices), stratified by class, sorted, deterministic."""
    from sklearn.model_selection import train_test_split

    _, labels = load()
    train, val = train_test_split(
        np.arange(labels.size), test_size=VAL_FRACTION, stratify=labels, random_state=SPLIT_SEED
    )
    train, val = np.sort(train), np.sort(val)
    train.flags.writeable = val.flags.writeable = False
    return train, val


def as_sequences(images: np.ndarray) -> torch.Tensor:
    """(B, rows, cols) images -> (rows, B, cols): one row per timestep."""
    return _tensor(np.transpose(images, (1, 0, 2)))


class DigitsTask(ClassificationTask):
    name = "digits"
    input_size = DIGITS_ROWS
    output_size = 10
    baseline_name = text("baseline.digits")

    def __init__(self, config: RunConfig) -> None:
        super().__init__(config)
        images, labels = load()
        self.train_index, self.val_index = split()
        self.train_labels = labels[self.train_index]
        self.val_labels = labels[self.val_index]
        self._train_x = as_sequences(images[self.train_index])  # (8, N_train, 8)
        self._train_y = torch.from_numpy(self.train_labels.copy())

    def train_batch(self, step: int) -> Batch:
        idx = sample_indices(self.seed, step, len(self.train_index), self.config.batch)
        if idx is None:
            return Batch(self._train_x, self._train_y)
        index = torch.from_numpy(idx)
        return Batch(self._train_x[:, index], self._train_y[index])

    def _make_val(self) -> Batch:
        images, _ = load()
        return Batch(as_sequences(images[self.val_index]), torch.from_numpy(self.val_labels.copy()))

    def _probe_positions(self) -> np.ndarray:
        """The first PROBES_PER_CLASS validation digits of each class, class by class."""
        return np.concatenate(
            [np.flatnonzero(self.val_labels == c)[:PROBES_PER_CLASS] for c in range(10)]
        )

    def probe_batch(self) -> Batch:
        val, pos = self.val_batch(), torch.from_numpy(self._probe_positions())
        return Batch(val.x[:, pos], val.y[pos])

    def probe_classes(self) -> np.ndarray:
        return self.val_labels[self._probe_positions()]
