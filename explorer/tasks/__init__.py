"""Data for every task behind one interface (explorer.tasks.base.Task); all tensors are
time-major, (T, B, F).

Every batch is a pure function of (seed, step), so two runs with the same seed, or the
variants of a comparison, see the same batches in the same order, and resuming a run
continues its data stream exactly.

The names below load on first use (PEP 562): the tasks need torch, and a page that only
reads a user's table or draws a recorded run (explorer.tasks.datasource, .tables) must not
pay for it. make_task is explained in explorer.tasks.registry.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
    from explorer.tasks.registry import LOADS_PANDAS, TASK_HOMES, make_task, task_class
    from explorer.tasks.series import SeriesTask
    from explorer.tasks.synthetic import SINE_DT, AddingTask, SineNextTask, SineWindowTask

_HOMES = {
    **dict.fromkeys(
        ("PROBE_SIZE", "VAL_SIZE", "Batch", "ClassificationTask", "Head", "Kind", "Task"), "base"
    ),
    "CharsTask": "chars",
    "DigitsTask": "digits",
    "SeriesTask": "series",
    **dict.fromkeys(("SINE_DT", "AddingTask", "SineNextTask", "SineWindowTask"), "synthetic"),
    **dict.fromkeys(("LOADS_PANDAS", "TASK_HOMES", "make_task", "task_class"), "registry"),
}

__all__ = [  # spelled out for linters; _HOMES says where each lives
    "LOADS_PANDAS",
    "PROBE_SIZE",
    "SINE_DT",
    "TASK_HOMES",
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
    "task_class",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"explorer.tasks.{_HOMES[name]}"), name)
    globals()[name] = value  # once loaded, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])
