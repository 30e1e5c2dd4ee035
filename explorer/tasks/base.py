"""The Task interface every task plugs into, and the pieces tasks share.

A task says what its inputs and targets are (time-major: x is (T, B, F)), where the
head reads (the last step or every step), how a prediction is scored (loss, and for a
classifier its accuracy), what a model that has learnt nothing scores (the baseline),
and what its probes look at. Every training batch is a pure function of (seed, step).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass, fields
from typing import Any, Literal

import numpy as np
import torch
import torch.nn.functional as F

from explorer.config import RunConfig
from explorer.tasks.facts import TASK_FACTS, Kind
from explorer.tasks.predictions import Predictions

Head = Literal["last", "every"]

# Streams keep the train, validation and probe draws independent of each other.
_TRAIN, _VAL = 0, 1
VAL_SIZE = 256  # evaluated every val_every steps: kept small so it stays cheap
PROBE_SIZE = 8
LN2 = math.log(2.0)


@dataclass(frozen=True)
class Batch:
    x: torch.Tensor  # (T, B, F) inputs
    # Regression: (B, O) for a last-step head, (T, B, O) for an every-step head.
    # Classification: (B,) class ids; language: (T, B) next-character ids.
    y: torch.Tensor


def _rng(seed: int, stream: int, step: int) -> np.random.Generator:
    return np.random.default_rng([seed, stream, step])


def _tensor(a: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32))


def sample_indices(seed: int, step: int, n: int, batch: int) -> np.ndarray | None:
    """Which of n training examples step `step` uses: a pure function of (seed, step);
    None when the batch holds them all (full batch, fixed order)."""
    if batch >= n:
        return None
    return _rng(seed, _TRAIN, step).permutation(n)[:batch]


class Task(ABC):
    """Base: a name, input/output sizes, a head placement, and three kinds of batch."""

    name: str = ""
    kind: Kind = "regression"
    input_size: int = 1
    output_size: int = 1
    head: Head = "last"
    baseline_name: str = "predict the mean"
    # Compare's default target: this fraction of baseline_loss() (a tenth: "learned
    # something"; a series' baseline is persistence, which is the bar itself)
    target_fraction: float = 0.1
    # What the pages call things (kind, loss_unit, baseline_key, baseline_help_key,
    # timestep_axis_key, draws_curve): class attributes taken from explorer.tasks.facts,
    # the table a page reads when it labels a run without building its task.
    loss_unit: str | None = None
    baseline_key: str | None = None
    baseline_help_key: str | None = None
    timestep_axis_key: str | None = None
    draws_curve: bool = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if (facts := TASK_FACTS.get(cls.name)) is not None:
            for f in fields(facts):
                setattr(cls, f.name, getattr(facts, f.name))

    def __init__(self, config: RunConfig) -> None:
        self.config = config
        self.seed = config.seed
        self.seq_len = config.seq_len
        self._val: Batch | None = None

    @abstractmethod
    def train_batch(self, step: int) -> Batch:
        """The training batch of one step: a pure function of (seed, step)."""

    @abstractmethod
    def _make_val(self) -> Batch:
        """The fixed validation set, drawn once."""

    def val_batch(self) -> Batch:
        if self._val is None:
            self._val = self._make_val()
        return self._val

    def probe_batch(self) -> Batch:
        """A few fixed validation sequences whose hidden states the probes record."""
        val = self.val_batch()
        n = min(PROBE_SIZE, val.x.shape[1])
        y = val.y[:, :n] if self.head == "every" else val.y[:n]
        return Batch(val.x[:, :n], y)

    def gradient_probe_batch(self) -> Batch | None:
        """None: dL/dh_t is measured on the training batch of a probed step (free: the step
        itself yields it). A task with a fixed probe string returns that instead, so the
        gradient profile reads along the same characters all through training."""
        return None

    def loss(self, pred: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Mean squared error over every target element."""
        return F.mse_loss(pred, y)

    def accuracy(self, pred: torch.Tensor, y: torch.Tensor) -> float | None:
        """The fraction classified correctly; None for a task that does not classify."""
        return None

    def predictions(self, model) -> Predictions | None:
        """The curve a page draws against the truth (sine tasks, a series); None for
        tasks that predict none. model: callable as model(x, state) -> (y, state)."""
        return None

    def summary(self, history) -> dict[str, Any]:
        """What the task adds to a run's headline numbers (summary.json, the command
        line): its name and kind, and whatever it measures beyond the loss."""
        return {"task": self.name, "kind": self.kind}

    def dates_at(self, rows: np.ndarray) -> np.ndarray | None:
        """The dates of some rows of the data, for a task whose data has them (a series
        from a CSV with a date column); None otherwise."""
        return None

    def baseline_loss(self) -> float:
        """Validation MSE of the trivial predictor that outputs the training mean."""
        y = self.val_batch().y
        return float(((y - self.target_mean()) ** 2).mean())

    def baseline_accuracy(self) -> float | None:
        """The accuracy of always answering the most frequent class; None if no classes."""
        return None

    def target_mean(self) -> float:
        return float(self.train_batch(0).y.mean())

    # -- what the pages label -------------------------------------------------------------
    def timestep_labels(self) -> list[str] | None:
        """Tick labels for the timestep axis of gradient-flow charts (None: numbers)."""
        return None

    def probe_text(self) -> str | None:
        """The text the gradient is measured on, for a task with a fixed probe string."""
        return None

    def probe_classes(self) -> np.ndarray | None:
        """(P,) the class of each probe sequence, for colouring hidden states (None: no
        classes)."""
        return None


class ClassificationTask(Task):
    """Logits (B, C) at the last step against class ids (B,), scored by cross-entropy
    (nats). The trivial baseline always answers the training set's class frequencies:
    its cross-entropy is that of the frequencies, its accuracy the majority class's."""

    train_labels: np.ndarray  # (N_train,) set by the subclass
    val_labels: np.ndarray  # (N_val,)

    def loss(self, pred: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy(pred, y)

    def accuracy(self, pred: torch.Tensor, y: torch.Tensor) -> float:
        return (pred.argmax(dim=-1) == y).double().mean().item()

    def class_frequencies(self) -> np.ndarray:
        counts = np.bincount(self.train_labels, minlength=self.output_size)
        return counts / counts.sum()

    def baseline_loss(self) -> float:
        p = self.class_frequencies()
        with np.errstate(divide="ignore"):
            return float(-np.log(p[self.val_labels]).mean())

    def summary(self, history) -> dict[str, Any]:
        accuracies = [a for a in history.val_accuracies if math.isfinite(a)]
        return {
            **super().summary(history),
            "final_val_accuracy": finite_or_none(accuracies[-1]) if accuracies else None,
            "best_val_accuracy": max(accuracies) if accuracies else None,
            "baseline_accuracy": finite_or_none(self.baseline_accuracy()),
        }

    def baseline_accuracy(self) -> float:
        return float(np.mean(self.val_labels == int(np.argmax(self.class_frequencies()))))

    def target_mean(self) -> float:
        return math.nan  # no mean of a class id means anything


def finite_or_none(value: float) -> float | None:
    """A number for JSON: NaN and infinities become None (null)."""
    return float(value) if math.isfinite(value) else None
