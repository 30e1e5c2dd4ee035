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

import importlib
from typing import TYPE_CHECKING

from explorer.config import RunConfig

if TYPE_CHECKING:
    from explorer.tasks.base import Task

# Each task's class and the module (in explorer.tasks) it lives in, loaded when a run of
# that task is made: training the sine task does not load the series task's table reader.
TASK_HOMES: dict[str, tuple[str, str]] = {
    "adding": ("synthetic", "AddingTask"),
    "sine_next": ("synthetic", "SineNextTask"),
    "sine_window": ("synthetic", "SineWindowTask"),
    "series": ("series", "SeriesTask"),
    "digits": ("digits", "DigitsTask"),
    "chars": ("chars", "CharsTask"),
}
# The tasks whose modules import pandas (a table reader, scikit-learn's datasets): a
# server imports it for them where no chart is being built (explorer/runs/pandas_lock.py).
# tests/test_startup.py checks this list both ways.
LOADS_PANDAS = frozenset({"series", "digits", "chars"})


def task_class(name: str) -> type[Task]:
    module, cls = TASK_HOMES[name]
    return getattr(importlib.import_module(f"explorer.tasks.{module}"), cls)


def make_task(config: RunConfig) -> Task:
    return task_class(config.task)(config)
