"""Data for every task behind one interface (explorer.tasks.base.Task); all tensors are
time-major, (T, B, F).

Every batch is a pure function of (seed, step), so two runs with the same seed, or the
variants of a comparison, see the same batches in the same order, and resuming a run
continues its data stream exactly.

>>> task = make_task(RunConfig(task="adding", seq_len=10, batch=4))
>>> batch = task.train_batch(0)
>>> tuple(batch.x.shape), tuple(batch.y.shape)
((10, 4, 2), (4, 1))
>>> bool(torch.equal(batch.x, task.train_batch(0).x))
True
"""

from __future__ import annotations

import torch  # noqa: F401  (the doctest above uses it)

from explorer.config import RunConfig
from explorer.tasks.base import (
    PROBE_SIZE,
    VAL_SIZE,
    Batch,
    ClassificationTask,
    Head,
    Kind,
    Task,
)
from explorer.tasks.chars import CharsTask
from explorer.tasks.digits import DigitsTask
from explorer.tasks.series import SeriesTask
from explorer.tasks.synthetic import SINE_DT, AddingTask, SineNextTask, SineWindowTask

TASK_CLASSES: dict[str, type[Task]] = {
    "adding": AddingTask,
    "sine_next": SineNextTask,
    "sine_window": SineWindowTask,
    "series": SeriesTask,
    "digits": DigitsTask,
    "chars": CharsTask,
}

__all__ = [
    "PROBE_SIZE",
    "SINE_DT",
    "TASK_CLASSES",
    "VAL_SIZE",
    "AddingTask",
    "Batch",
    "CharsTask",
    "ClassificationTask",
    "DigitsTask",
    "Head",
    "Kind",
    "SeriesTask",
    "SineNextTask",
    "SineWindowTask",
    "Task",
    "make_task",
]


def make_task(config: RunConfig) -> Task:
    return TASK_CLASSES[config.task](config)
