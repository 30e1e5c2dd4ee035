"""Training charts: the loss against its baseline, and the prediction against the truth."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from explorer.engine.history import History
from explorer.figures.style import (
    COLORS,
    baseline_line,
    empty,
    log_axis_labels,
    style,
    thin,
    vrect,
)
from explorer.i18n import text

if TYPE_CHECKING:
    from explorer.tasks.predictions import Predictions


# -- loss and predictions --------------------------------------------------------------
def loss_figure(
    history: History,
    log_y: bool = True,
    baseline: float | None = None,
    baseline_name: str | None = None,
    lang: str = "en",
) -> go.Figure:
    title = text("fig.loss", lang)
    if not history.steps:
        return empty(title, text("fig.empty", lang))
    baseline_name = baseline_name or text("fig.baseline_mean", lang)
    idx = thin(len(history.steps))
    steps = np.asarray([history.steps[i].step for i in idx])
    loss = np.asarray([history.steps[i].loss for i in idx])
    fig = train_val_figure(
        steps,
        loss,
        history.val_steps,
        history.val_losses,
        (text("fig.train_batch", lang), text("fig.validation", lang)),
    )
    if baseline is not None and np.isfinite(baseline):
        label = text("fig.baseline", lang, name=baseline_name, value=f"{baseline:.3g}")
        baseline_line(fig, baseline, label, "top right")
    style(fig, title, text("fig.training_step", lang), text("fig.loss_axis", lang))
    if log_y:
        log_axis_labels(fig)
    return fig


def train_val_figure(train_x, train_y, val_x, val_y, names: tuple[str, str]) -> go.Figure:
    """A training-batch curve (already thinned) and a validation curve (thinned here) in
    the colours every single-run chart uses: shared by the loss and accuracy charts."""
    fig = go.Figure()
    fig.add_scatter(
        x=train_x,
        y=train_y,
        name=names[0],
        mode="lines",
        line={"color": COLORS["train"], "width": 1.5},
    )
    if len(val_y):
        vi = thin(len(val_y))
        fig.add_scatter(
            x=np.asarray(val_x)[: len(val_y)][vi],
            y=np.asarray(val_y)[vi],
            name=names[1],
            mode="lines+markers",
            line={"color": COLORS["val"], "width": 2.5},
            marker={"size": 4},
        )
    return fig


def prediction_figure(pred: Predictions | None, lang: str = "en") -> go.Figure:
    title = text("fig.prediction", lang)
    if pred is None:
        return empty(title, text("fig.prediction_none", lang))
    fig = go.Figure()
    fig.add_scatter(
        x=pred.t,
        y=pred.truth,
        name=text("fig.truth", lang),
        mode="lines",
        line={"color": COLORS["truth"], "width": 3},
    )
    fig.add_scatter(
        x=pred.t,
        y=pred.one_step,
        name=text("fig.one_step", lang),
        mode="lines",
        line={"color": COLORS["one_step"], "width": 2},
    )
    fig.add_scatter(
        x=pred.t,
        y=pred.free_running,
        name=text("fig.free_running", lang),
        mode="lines",
        line={"color": COLORS["free"], "width": 2, "dash": "dot"},
    )
    if pred.warmup > 0:
        vrect(
            fig,
            pred.t[0],
            pred.t[min(pred.warmup, len(pred.t) - 1)],
            text("fig.warmup", lang),
        )
    return style(fig, title, "t", text("fig.value", lang))
