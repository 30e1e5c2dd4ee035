"""Runs that did not train here, opened in the single-run pages: a compared variant or a
saved run folder, as a finished LiveRun whose controls do nothing."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import torch

from explorer.config import RunConfig
from explorer.engine.analysis import predictions as task_predictions
from explorer.engine.history import History
from explorer.engine.models import build_model
from explorer.runs.states import FINISHED, Reason, RunState, Snapshot
from explorer.tasks import make_task
from explorer.tasks.predictions import Predictions

if TYPE_CHECKING:
    from explorer.runs.live import LiveRun


def finished(
    cls: type[LiveRun],
    config: RunConfig,
    history: History,
    model_state: dict[str, torch.Tensor] | None,
    predictions: Predictions | None,
    message: str,
    state: str = RunState.COMPLETED,
    baseline_loss: float | None = None,
    saved_to: Path | None = None,
) -> LiveRun:
    """A run in its final state, without a thread: a compared or saved run opened in
    the single-run pages. Its controls do nothing (it is finished); save() copies
    saved_to."""
    if state not in FINISHED:
        raise ValueError(f"a finished run's state is one of {FINISHED}, not {state!r}")
    run = cls(config)
    if baseline_loss is None:
        baseline_loss = make_task(config).baseline_loss()
    state = RunState(state)
    run._state, run._message, run._saved_to = state, message, saved_to
    run._reason = Reason(state.value)
    run._snapshot = Snapshot(
        config,
        state,
        message,
        history.last_step,
        history,
        predictions,
        model_state,
        baseline_loss,
        saved_to,
        reason=run._reason,
    )
    return run


def from_folder(cls: type[LiveRun], folder: Path) -> LiveRun:
    """A saved run folder (validated by explorer.runs.bundle) as a finished run."""
    from explorer.runs.bundle import history_of, load_run

    loaded = load_run(folder)
    task = make_task(loaded.config)
    model = build_model(loaded.config, task)
    model.load_state_dict(loaded.state_dict)
    with torch.no_grad():
        predictions = task_predictions(model, task)
    status = str(loaded.summary.get("status", RunState.COMPLETED))
    return finished(
        cls,
        loaded.config,
        history_of(loaded),
        {k: v.detach().clone() for k, v in model.state_dict().items()},
        predictions,
        str(loaded.summary.get("message", "")) or f"Opened {Path(folder).name}.",
        state=status if status in FINISHED else RunState.STOPPED,
        baseline_loss=task.baseline_loss(),
        saved_to=Path(folder),
    )


def copy_run(saved_to: Path | None, folder: Path) -> Path:
    """A finished run's folder copied to `folder`: its files are all it has left."""
    from explorer.runs.bundle import KNOWN_FILES

    if saved_to is None:
        raise RuntimeError("nothing to save: the run has not started")
    folder.mkdir(parents=True, exist_ok=True)
    for name in KNOWN_FILES:
        if (saved_to / name).is_file():
            shutil.copyfile(saved_to / name, folder / name)
    return folder
