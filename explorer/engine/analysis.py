"""What a run learned, read off the model and the history: the
sine model's one-step and free-running predictions, and a JSON-ready summary.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from explorer.engine.models import RecurrentModel
from explorer.engine.pca import PCAResult, hidden_pca  # noqa: F401  (importable from here)
from explorer.engine.probes import step_jacobian_norms
from explorer.tasks import Task
from explorer.tasks.predictions import Predictions

if TYPE_CHECKING:
    from explorer.engine.training import Trainer

SINE_TASKS = frozenset({"sine_next", "sine_window"})


# -- predictions -----------------------------------------------------------------------
def predictions(model: RecurrentModel, task: Task) -> Predictions | None:
    """The curve a page draws against the truth, as the task defines it (the sine tasks,
    a series in its own units); None for tasks that predict none."""
    return task.predictions(model)


def sine_predictions(model: RecurrentModel, task: Task) -> Predictions | None:
    """The sine tasks' predictions; None for any other task."""
    return task.predictions(model) if task.name in SINE_TASKS else None


# -- Jacobians and summary ---------------------------------------------------------------
def step_jacobians(model: RecurrentModel, task: Task) -> np.ndarray:
    """(T - 1,) spectral norms of dh_t/dh_{t-1} along the first probe sequence."""
    return step_jacobian_norms(model, task.probe_batch().x)


def _number(value: Any) -> float | None:
    """A JSON-safe float: numpy scalars become floats, NaN and infinities None."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def run_summary(trainer: Trainer) -> dict[str, Any]:
    """The headline numbers of a run, JSON-serialisable (for summary.json and the CLI).
    The horizon is the earliest timestep whose top-layer ||dL/dh_t|| is at least 1e-3 of
    the last step's: a smaller number means the loss reaches further back."""
    history = trainer.history
    seconds = sum(r.seconds for r in history.steps)
    probes = history.probes
    val_losses = [v for v in history.val_losses if math.isfinite(v)]
    return {
        "status": str(trainer.status),  # a plain str (RunState.__str__) for JSON and pandas
        "message": trainer.message,
        "steps_done": int(trainer.step),
        "final_loss": _number(history.steps[-1].loss) if history.steps else None,
        "final_val_loss": _number(history.val_losses[-1]) if history.val_losses else None,
        "best_val_loss": min(val_losses) if val_losses else None,
        "baseline_loss": _number(trainer.task.baseline_loss()),
        "steps_per_second": _number(len(history.steps) / seconds) if seconds > 0 else None,
        "clipped_fraction": _number(history.clipped_fraction()),
        "horizon_first": probes[0].horizon if probes else None,
        "horizon_last": probes[-1].horizon if probes else None,
        "seq_len": int(trainer.config.seq_len),
        **trainer.task.summary(history),
    }
