"""Pure functions for the series, digits, chars and truncated-BPTT views: history or
analysis results -> plotly Figure, thinned like explorer.figures (whose helpers they use
and whose figures some of them relabel rather than redraw).

>>> from explorer.engine.history import History, StepRecord
>>> h = History([StepRecord(1, 2.3, 1.0, 1.0, False, 0.01, 0.25)], [1], [2.2], val_accuracies=[0.3])
>>> fig = accuracy_figure(h, baseline=0.1)
>>> [trace.name for trace in fig.data], fig.data[1].y.tolist()
(['train (batch)', 'validation'], [0.3])
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from explorer.engine.history import History
from explorer.figures.style import (
    COLORS,
    PALETTE,
    baseline_line,
    empty,
    floored,
    log_axis_labels,
    style,
    thin,
    vline,
    vrect,
)
from explorer.figures.training import loss_figure, train_val_figure
from explorer.i18n import text

if TYPE_CHECKING:
    from explorer.engine.pca import PCAResult
    from explorer.tasks.predictions import Predictions

MAX_TICK_LABELS = 80  # character labels on a time axis beyond this would overlap
LOSS_UNITS = ("mse", "ce", "bits")  # loss.title.<unit> in explorer.i18n
PERSISTENCE_COLOR = "#2ca02c"  # the series' persistence baseline, dotted


# -- loss and accuracy -----------------------------------------------------------------------
def task_loss_figure(
    history: History,
    unit: str | None,
    log_y: bool = True,
    baseline: float | None = None,
    baseline_name: str | None = None,
    lang: str = "en",
) -> go.Figure:
    """The usual loss chart, titled with the loss a task uses (unit, one of LOSS_UNITS;
    None keeps the usual title): MSE in normalised units for a series, cross-entropy in
    nats for the digits, bits per character for the chars task (its loss is CE / ln 2)."""
    fig = loss_figure(history, log_y, baseline, baseline_name, lang=lang)
    if unit in LOSS_UNITS and history.steps:
        fig.update_layout(title_text=text(f"loss.title.{unit}", lang))
        if unit == "bits":
            fig.update_yaxes(title_text=text("loss.axis.bits", lang))
    return fig


def accuracy_figure(history: History, baseline: float | None = None, lang: str = "en") -> go.Figure:
    """Accuracy of each training batch and on the validation set, the majority class's
    share dashed."""
    title = text("accuracy.title", lang)
    if not history.has_accuracy:
        return empty(title, text("fig.empty", lang))
    idx = thin(len(history.steps))
    fig = train_val_figure(
        [history.steps[i].step for i in idx],
        [history.steps[i].accuracy for i in idx],
        history.val_steps,
        history.val_accuracies,
        (text("accuracy.train", lang), text("accuracy.val", lang)),
    )
    if baseline is not None and np.isfinite(baseline):
        label = text("accuracy.baseline", lang, value=baseline)
        baseline_line(fig, baseline, label, "bottom right")
    style(fig, title, text("fig.training_step", lang), text("accuracy.axis", lang))
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%")
    return fig


# -- time axes labelled with characters or rows ------------------------------------------------
def label_time_axis(
    fig: go.Figure, labels: list[str] | None = None, title: str | None = None
) -> go.Figure:
    """Put a task's own names on a gradient-flow chart's timestep axis: the probe string's
    characters (when there are few enough to read) and an axis title."""
    if labels is not None and 0 < len(labels) <= MAX_TICK_LABELS:
        fig.update_xaxes(
            tickmode="array", tickvals=list(range(len(labels))), ticktext=labels, tickangle=0
        )
    if title is not None:
        fig.update_xaxes(title_text=title)
    return fig


# -- truncated vs full BPTT -------------------------------------------------------------------
def tbptt_cuts(T: int, k: int) -> list[int]:
    """The timesteps whose incoming state truncated BPTT detaches: k, 2k, ... < T (models.py
    cuts the graph before step t whenever t % k == 0).

    >>> tbptt_cuts(20, 5), tbptt_cuts(7, 10)
    ([5, 10, 15], [])
    """
    return list(range(k, T, k)) if k > 0 else []


def tbptt_figure(
    history: History,
    k: int,
    layer: int = -1,
    labels: list[str] | None = None,
    lang: str = "en",
) -> go.Figure:
    """The latest probe's ||dL/dh_t|| under truncation beside full BPTT's on the same batch
    and weights, with every cut marked. Exact zeros (no path back across a cut) are drawn
    at the bottom edge of the chart so the log axis keeps the rest readable."""
    probes = [p for p in history.probes if p.dh_full is not None]
    if not probes:
        title = text("tbptt.title", lang, k=k, step="–")
        return empty(title, text("tbptt.no_probe", lang))
    probe = probes[-1]
    truncated, full = np.asarray(probe.dh[layer]), np.asarray(probe.dh_full[layer])
    T = truncated.size
    positive = np.concatenate([truncated[truncated > 0], full[full > 0]])
    bottom = float(positive.min()) / 10 if positive.size else 1e-30
    t = np.arange(T)
    fig = go.Figure()
    fig.add_scatter(
        x=t,
        y=floored(np.where(full > 0, full, bottom)),
        name=text("tbptt.full", lang),
        mode="lines",
        line={"color": "#999", "width": 3},
    )
    fig.add_scatter(
        x=t,
        y=floored(np.where(truncated > 0, truncated, bottom)),
        name=text("tbptt.truncated", lang, k=k),
        mode="lines+markers",
        line={"color": COLORS["train"], "width": 2.5},
        marker={"size": 5},
    )
    cuts = tbptt_cuts(T, k)
    for cut in cuts:
        vline(fig, cut - 0.5, {"dash": "dash", "color": COLORS["free"], "width": 1})
    if cuts:
        last = cuts[-1]
        note = (
            text("tbptt.cut_k_back", lang, k=k)
            if T - last == k
            else text("tbptt.cut", lang, t=last)
        )
        fig.add_annotation(
            x=last - 0.5, y=1.0, yref="paper", text=note, showarrow=False, xanchor="right"
        )
    title = text("tbptt.title", lang, k=k, step=probe.step)
    style(fig, title, text("fig.timestep", lang), text("fig.norm_log", lang))
    fig.update_yaxes(type="log", exponentformat="power")
    return label_time_axis(fig, labels)


# -- hidden states by class -------------------------------------------------------------------
def pca_class_figure(
    pca: PCAResult | None, classes: np.ndarray | None, dims: int = 2, lang: str = "en"
) -> go.Figure:
    """Each probe sequence's hidden-state path in PCA space, coloured by its true class,
    its last state (what the classifier reads) a large dot; one legend entry per class."""
    title = text("digits.pca_title", lang)
    if pca is None or pca.coords.size == 0 or classes is None:
        return empty(title, text("fig.empty", lang))
    dims = min(dims, pca.coords.shape[-1])
    fig = go.Figure()
    shown: set[int] = set()
    for p, label in enumerate(np.asarray(classes).tolist()):
        xyz = pca.coords[p]
        color = PALETTE[label % len(PALETTE)]
        # faint paths, bold last states: the classes part where the classifier reads
        sizes = [3] * (len(xyz) - 1) + [12]
        common = {
            "name": text("digits.class", lang, label=label),
            "legendgroup": str(label),
            "showlegend": label not in shown,
            "mode": "lines+markers",
            "line": {"color": _faint(color), "width": 1},
            "marker": {"color": color, "size": sizes, "line": {"color": "#333", "width": 0.5}},
            "text": [f"t={i}" for i in range(len(xyz))],
        }
        shown.add(label)
        if dims == 3:
            fig.add_scatter3d(x=xyz[:, 0], y=xyz[:, 1], z=xyz[:, 2], **common)
        elif dims == 2:
            fig.add_scatter(x=xyz[:, 0], y=xyz[:, 1], **common)
        else:
            fig.add_scatter(x=np.arange(len(xyz)), y=xyz[:, 0], **common)
    explained = ", ".join(f"PC{i + 1} {r:.0%}" for i, r in enumerate(pca.explained[:dims]))
    full = text("fig.pca_full", lang, title=title, step=pca.step, explained=explained)
    if dims == 3:
        style(fig, full, "", "", height=520)
        fig.update_layout(scene={"xaxis_title": "PC1", "yaxis_title": "PC2", "zaxis_title": "PC3"})
        return fig
    style(fig, full, "PC1", "PC2", height=540)
    # ten classes: the legend goes under the chart, clear of the long title
    fig.update_layout(
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": -0.14, "yanchor": "top"},
        margin={"b": 100},
    )
    return fig


def _faint(hex_color: str, alpha: float = 0.35) -> str:
    """#1f77b4 -> rgba(31,119,180,0.35).

    >>> _faint("#ff0000", 0.5)
    'rgba(255,0,0,0.5)'
    """
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


# -- the series' predictions ------------------------------------------------------------------
def series_loss_figure(
    history: History,
    log_y: bool,
    baselines: tuple[tuple[float, str], tuple[float, str]],
    lang: str = "en",
) -> go.Figure:
    """The series' loss chart with both baselines dashed, ((value, name) of the stronger,
    then of the weaker): the stronger is the one the model must beat."""
    (strong, strong_name), (weak, weak_name) = baselines
    fig = task_loss_figure(history, "mse", False, strong, strong_name, lang)
    if history.steps and np.isfinite(weak):
        label = text("fig.baseline", lang, name=weak_name, value=f"{weak:.3g}")
        baseline_line(fig, weak, label, "top left")
    if log_y and history.steps:
        log_axis_labels(fig)
    return fig


def series_time_axis(rows: np.ndarray, dates: np.ndarray | None) -> np.ndarray:
    """What the x axis shows for some rows: their dates as ISO text where the data has a
    date column (explorer.tasks.tables.date_strings), else the row numbers."""
    if dates is None:
        return np.asarray(rows)
    from explorer.tasks.tables import date_strings  # pandas: only a series with dates

    return date_strings(dates)


def series_prediction_figure(
    pred: Predictions | None,
    column: str,
    lang: str = "en",
    dates: np.ndarray | None = None,
    persistence: np.ndarray | None = None,
    mean: float | None = None,
) -> go.Figure:
    """Truth, one-step and free-running predictions around the train/validation split, in
    the column's own units; the training part shaded. With the series' dates (one per
    row of pred.t) the x axis is time; persistence (the value before, per row) and the
    training mean show the two baselines the model is judged against."""
    title = text("series.pred_title", lang, column=column)
    if pred is None:
        return empty(title, text("fig.empty", lang))
    x = series_time_axis(pred.t, dates)
    fig = go.Figure()
    traces = [
        ("truth", pred.truth, COLORS["truth"], 3, "solid"),
        ("one_step", pred.one_step, COLORS["one_step"], 2, "solid"),
        ("free", pred.free_running, COLORS["free"], 2, "dot"),
    ]
    if persistence is not None:
        traces.insert(1, ("persistence", persistence, PERSISTENCE_COLOR, 1.5, "dot"))
    for key, y, color, width, dash in traces:
        fig.add_scatter(
            x=x,
            y=y,
            name=text(f"series.{key}", lang),
            mode="lines",
            line={"color": color, "width": width, "dash": dash},
        )
    if mean is not None and np.isfinite(mean):
        label = text("series.mean", lang, value=mean)
        baseline_line(fig, mean, label, "bottom left")
    if 0 < pred.warmup < len(pred.t):
        end = x[pred.warmup] if dates is not None else pred.t[pred.warmup] - 0.5
        vrect(fig, x[0], end, text("series.train_part", lang))
    if dates is None:
        return style(fig, title, text("series.pred_axis_x", lang), column)
    fig.update_xaxes(type="date")  # ISO text is time, not categories
    return style(fig, title, text("series.pred_axis_date", lang), column)
