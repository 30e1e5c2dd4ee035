"""Every task by name: make_task builds the one a RunConfig names.

>>> import torch
>>> task = make_task(RunConfig(task="adding", seq_len=10, batch=4))
>>> batch = task.train_batch(0)
>>> tuple(batch.x.shape), tuple(batch.y.shape)
((10, 4, 2), (4, 1))
>>> bool(torch.equal(batch.x, task.train_batch(0).x))
True
"""

from __future__ import annotations

from explorer.config import RunConfig
from explorer.tasks.base import Task
from explorer.tasks.chars import CharsTask
from explorer.tasks.digits import DigitsTask
from explorer.tasks.series import SeriesTask
from explorer.tasks.synthetic import AddingTask, SineNextTask, SineWindowTask

TASK_CLASSES: dict[str, type[Task]] = {
    "adding": AddingTask,
    "sine_next": SineNextTask,
    "sine_window": SineWindowTask,
    "series": SeriesTask,
    "digits": DigitsTask,
    "chars": CharsTask,
}


def make_task(config: RunConfig) -> Task:
    return TASK_CLASSES[config.task](config)
