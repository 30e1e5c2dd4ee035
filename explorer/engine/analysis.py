"""What a run learned, read off the model and the history: PCA of the hidden states, the
sine model's one-step and free-running predictions, and a JSON-ready summary.

>>> circle = np.linspace(0, 2 * np.pi, 40, endpoint=False)
>>> states = np.zeros((1, 40, 8))  # (P, T, H): a circle in a 2D subspace of 8 units
>>> states[0, :, 3], states[0, :, 5] = np.cos(circle), np.sin(circle)
>>> result = hidden_pca(states, step=7)
>>> result.coords.shape, result.explained.round(3).tolist()
((1, 40, 3), [0.5, 0.5, 0.0])
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from explorer.engine.models import RecurrentModel
from explorer.engine.probes import step_jacobian_norms
from explorer.tasks import Task
from explorer.tasks.predictions import Predictions

if TYPE_CHECKING:
    from explorer.engine.training import Trainer

SINE_TASKS = frozenset({"sine_next", "sine_window"})


# -- PCA of hidden states ----------------------------------------------------------------
@dataclass(frozen=True)
class PCAResult:
    step: int  # training step of the snapshot
    coords: np.ndarray  # (P, T, k) projected hidden states, k = n components (<= 3)
    explained: np.ndarray  # (k,) explained variance ratio per component


def hidden_pca(states: np.ndarray, step: int = 0, n_components: int = 3) -> PCAResult:
    """Project every hidden state (all sequences, all timesteps) onto the top principal
    axes. The exact solver: the randomized one was 10x slower at our sizes (GUIDE §5).
    Degenerate input (no variance, one point) gives zero coordinates and zero ratios;
    non-finite states (a diverged IRNN) give NaN coordinates, which plots show as gaps."""
    P, T, H = states.shape
    k = max(1, min(n_components, H, P * T))
    points = np.asarray(states, dtype=np.float64).reshape(P * T, H)
    if not np.isfinite(points).all():
        return PCAResult(step, np.full((P, T, k), np.nan), np.zeros(k))
    if P * T < 2 or not np.any(points.var(axis=0) > 0):
        return PCAResult(step, np.zeros((P, T, k)), np.zeros(k))
    from sklearn.decomposition import PCA  # imported here: ~1 s off the app's first render

    pca = PCA(n_components=k, svd_solver="full")
    coords = pca.fit_transform(points)  # (P*T, k)
    explained = np.nan_to_num(pca.explained_variance_ratio_, nan=0.0)
    return PCAResult(step, coords.reshape(P, T, k), explained)


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
