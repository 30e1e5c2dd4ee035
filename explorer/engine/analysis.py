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
import pandas as pd
import torch

from explorer.engine.models import RecurrentModel
from explorer.engine.probes import step_jacobian_norms
from explorer.tasks import SINE_DT, Task

if TYPE_CHECKING:
    from explorer.engine.training import Trainer

SINE_TASKS = frozenset({"sine_next", "sine_window"})
SINE_NEXT_PHASE = 0.3  # the fixed phase of the sine_next demonstration segment


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


# -- predictions of the sine models ------------------------------------------------------
@dataclass(frozen=True)
class Predictions:
    t: np.ndarray  # (N,) time axis (the sine's t)
    truth: np.ndarray  # (N,) the clean signal
    one_step: np.ndarray  # (N,) one-step-ahead prediction from true inputs; NaN where undefined
    free_running: np.ndarray  # (N,) fed its own outputs after the warm-up; NaN during it
    warmup: int  # number of true inputs used before free-running

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "t": self.t,
                "truth": self.truth,
                "one_step": self.one_step,
                "free_running": self.free_running,
            }
        )


def predictions(model: RecurrentModel, task: Task) -> Predictions | None:
    """The predictions a page draws against the truth: the sine tasks' and the user's
    series (in its own units); None for tasks that predict no curve."""
    if task.name == "series":
        from explorer.tasks.analysis import series_predictions  # it imports this module

        return series_predictions(model, task)  # type: ignore[arg-type]
    return sine_predictions(model, task)


def sine_predictions(model: RecurrentModel, task: Task) -> Predictions | None:
    """The sine model's predictions next to the truth; None for tasks that are not a sine.
    One-step predictions show the fit; free-running generation shows whether the model
    learned the dynamics or only to copy its input."""
    if task.name == "sine_window":
        return _window_predictions(model, task)
    if task.name == "sine_next":
        return _next_predictions(model, task)
    return None


def _column(values: np.ndarray) -> torch.Tensor:
    """(N,) values -> (N, 1, 1): one time-major sequence of one feature."""
    return torch.as_tensor(np.asarray(values, dtype=np.float32)).reshape(-1, 1, 1)


@torch.no_grad()
def _window_predictions(model: RecurrentModel, task: Task) -> Predictions:
    t, noisy, w = task.t, task.noisy, task.seq_len  # type: ignore[attr-defined]
    n = t.size
    windows = np.stack([noisy[i - w : i] for i in range(w, n)], axis=1)  # (w, n - w)
    pred, _ = model(torch.as_tensor(windows[:, :, None], dtype=torch.float32))  # (n - w, 1)
    one_step = np.full(n, np.nan)
    one_step[w:] = pred[:, 0].double().numpy()

    buffer = list(noisy[:w])  # seeded with true (noisy) values, then its own outputs
    for _ in range(w, n):
        y, _ = model(_column(buffer[-w:]))
        buffer.append(float(y[0, 0]))
    free = np.asarray(buffer, dtype=np.float64)
    free[:w] = np.nan
    return Predictions(t, task.clean.copy(), one_step, free, w)  # type: ignore[attr-defined]


@torch.no_grad()
def _next_predictions(model: RecurrentModel, task: Task) -> Predictions:
    n = 2 * task.seq_len + 1  # twice the training length: does it keep going?
    t = SINE_NEXT_PHASE + np.arange(n) * SINE_DT
    truth = np.sin(t)
    out, _ = model(_column(truth[:-1]))  # (n - 1, 1, 1): prediction of point k + 1
    one_step = np.full(n, np.nan)
    one_step[1:] = out[:, 0, 0].double().numpy()

    warmup = max(1, task.seq_len // 5)
    free = np.full(n, np.nan)
    y, state = model(_column(truth[:warmup]))
    free[warmup] = float(y[-1, 0, 0])
    for k in range(warmup, n - 1):
        y, state = model(_column(free[k : k + 1]), state)
        free[k + 1] = float(y[-1, 0, 0])
    return Predictions(t, truth, one_step, free, warmup)


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
        "status": trainer.status,
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
        **_task_summary(trainer),
    }


def _task_summary(trainer: Trainer) -> dict[str, Any]:
    """What a task adds to the headline numbers: a classifier's accuracies, a language
    model's unit (its loss is in bits per character), a series' normalisation."""
    task, history, name = trainer.task, trainer.history, trainer.config.task
    kind = getattr(task, "kind", "regression")
    out: dict[str, Any] = {"task": name, "kind": kind}
    if kind == "classification":
        accuracies = [a for a in history.val_accuracies if math.isfinite(a)]
        out["final_val_accuracy"] = _number(accuracies[-1]) if accuracies else None
        out["best_val_accuracy"] = max(accuracies) if accuracies else None
        out["baseline_accuracy"] = _number(task.baseline_accuracy())
    if kind == "language":
        out["loss_unit"] = "bits per character"
    if name in ("series", "chars"):
        from explorer.tasks.datasource import data_name

        out["data_name"] = data_name(trainer.config)
    if name == "series":
        w = task.windowing  # type: ignore[attr-defined]
        out["column"] = task.column  # type: ignore[attr-defined]
        out["normalisation"] = {"mean": w.mean, "std": w.std}
        out["windows"] = {"window": w.window, "train": w.n_train, "validation": w.n_val}
        # both baselines: baseline_loss above is the stronger of the two
        out["baseline_mean_loss"] = _number(task.mean_baseline_loss())  # type: ignore[attr-defined]
        out["baseline_persistence_loss"] = _number(task.persistence_loss())  # type: ignore[attr-defined]
    return out
