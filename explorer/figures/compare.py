"""Pure functions: several finished runs (explorer.runs.compare.Entry) -> one plotly Figure.

Runs are told apart by colour, the same colour for a run in every chart. The gradient-flow
heatmaps share one colour axis, so the same colour means the same gradient norm in every
panel; otherwise each panel would stretch its own range and a vanished gradient could look
as bright as a healthy one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explorer.figures.style import (
    PALETTE,
    baseline_line,
    empty,
    floored,
    log_axis_labels,
    style,
    thin,
)
from explorer.i18n import text
from explorer.runs.entries import Entry

GRID_COLUMNS = 3
PANEL_ROWS = 80  # probe steps per heatmap panel: 12 panels stay a few hundred kB
PANEL_COLUMNS = 100  # timesteps per panel (T can reach 500)


def color(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def loss_overlay_figure(
    entries: Sequence[Entry],
    log_y: bool = True,
    lang: str = "en",
    baseline: float | None = None,
) -> go.Figure:
    """Every run's validation loss (solid) over its training-batch loss (faint, same
    colour): the batch loss is noisy, the validation loss is the comparison. The trivial
    baseline (dashed), where the runs share one, is what "10x the baseline" is read off."""
    title = text("fig.cmp_loss", lang)
    if not any(e.history.steps for e in entries):
        return empty(title, text("fig.cmp_empty", lang))
    step, batch, val = (text(k, lang) for k in ("fig.step", "fig.batch_loss", "fig.val_loss"))
    fig = go.Figure()
    for i, e in enumerate(entries):
        h = e.history
        if h.steps:
            idx = thin(len(h.steps))
            fig.add_scatter(
                x=[h.steps[j].step for j in idx],
                y=[h.steps[j].loss for j in idx],
                name=f"{e.label} ({text('fig.train', lang)})",
                legendgroup=e.label,
                showlegend=False,
                mode="lines",
                opacity=0.3,
                line={"color": color(i), "width": 1},
                hovertemplate=f"{e.label}<br>{step} %{{x}}<br>{batch} %{{y:.4g}}<extra></extra>",
            )
        if h.val_steps:
            vi = thin(len(h.val_steps))
            fig.add_scatter(
                x=np.asarray(h.val_steps)[vi],
                y=np.asarray(h.val_losses)[vi],
                name=e.label,
                legendgroup=e.label,
                mode="lines",
                line={"color": color(i), "width": 2.5},
                hovertemplate=f"{e.label}<br>{step} %{{x}}<br>{val} %{{y:.4g}}<extra></extra>",
            )
    if baseline is not None and math.isfinite(baseline):
        label = text(
            "fig.baseline", lang, name=text("fig.baseline_mean", lang), value=f"{baseline:.3g}"
        )
        baseline_line(fig, baseline, label, "top right")
    style(fig, title, text("fig.training_step", lang), text("fig.loss_mse", lang), height=440)
    if log_y:
        log_axis_labels(fig)
    return fig


def _panel(entry: Entry) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(probe steps, timesteps, log10 norms) thinned for one panel; None without probes."""
    steps, norms = entry.history.dh_matrix()
    if len(steps) == 0:
        return None
    rows = thin(len(steps), PANEL_ROWS)
    cols = thin(norms.shape[1], PANEL_COLUMNS)
    z = np.log10(floored(norms[np.ix_(rows, cols)]))
    return steps[rows], cols, z


def shared_zrange(panels: Sequence[np.ndarray]) -> tuple[float, float] | None:
    """The one colour range for all panels: the smallest and largest finite log10 norm
    drawn anywhere.

    >>> shared_zrange([np.array([[-3.0, 1.0]]), np.array([[np.nan, -7.5]])])
    (-7.5, 1.0)
    """
    finite = [z[np.isfinite(z)] for z in panels]
    finite = [f for f in finite if f.size]
    if not finite:
        return None
    lo = min(float(f.min()) for f in finite)
    hi = max(float(f.max()) for f in finite)
    return (lo, hi) if hi > lo else (lo - 0.5, hi + 0.5)


def heatmap_grid_figure(
    entries: Sequence[Entry], columns: int = GRID_COLUMNS, lang: str = "en"
) -> go.Figure:
    """Small multiples of log10 ||dL/dh_t|| (top layer) over (training step, timestep),
    one panel per run, on one shared colour axis."""
    title = text("fig.cmp_heatmaps", lang)
    drawn = [(e, p) for e in entries if (p := _panel(e)) is not None]
    if not drawn:
        return empty(title, text("fig.cmp_empty", lang))
    step = text("fig.step", lang)
    zrange = shared_zrange([p[2] for _, p in drawn])
    columns = max(1, min(columns, len(drawn)))
    rows = math.ceil(len(drawn) / columns)
    fig = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=[e.label for e, _ in drawn],
        horizontal_spacing=0.06,
        vertical_spacing=0.25 / rows if rows > 1 else 0.1,
    )
    for n, (e, (steps, t, z)) in enumerate(drawn):
        fig.add_heatmap(
            z=z,
            x=t,
            y=steps,
            coloraxis="coloraxis",
            row=n // columns + 1,
            col=n % columns + 1,
            name=e.label,
            hovertemplate=f"{e.label}<br>t=%{{x}}<br>{step} %{{y}}<br>log10 %{{z:.2f}}"
            "<extra></extra>",
        )
    style(fig, title, "", "", height=120 + 240 * rows)
    fig.update_layout(
        coloraxis={
            "colorscale": "Viridis",
            "cmin": zrange[0] if zrange else None,
            "cmax": zrange[1] if zrange else None,
            "colorbar": {"title": {"text": "log10"}},
        }
    )
    fig.update_xaxes(title_text=text("fig.timestep", lang), row=rows)
    fig.update_yaxes(title_text=step, col=1)
    return fig


def reach_figure(entries: Sequence[Entry], lang: str = "en") -> go.Figure:
    """How far back each run's gradient reaches over training: T - 1 - horizon, where the
    horizon is the earliest t whose ||dL/dh_t|| is at least 1e-3 of the last step's.
    Steps back, not t, so runs of different sequence lengths compare."""
    title = text("fig.cmp_reach", lang)
    if not any(e.history.probes for e in entries):
        return empty(title, text("fig.cmp_empty", lang))
    fig = go.Figure()
    for i, e in enumerate(entries):
        probes = e.history.probes
        if not probes:
            continue
        idx = thin(len(probes))
        T = len(probes[0].dh[-1])
        reach = [np.nan if probes[j].horizon is None else T - 1 - probes[j].horizon for j in idx]
        fig.add_scatter(
            x=[probes[j].step for j in idx],
            y=reach,
            name=f"{e.label} (T={T})",
            mode="lines",
            line={"color": color(i), "width": 2},
        )
    return style(
        fig, title, text("fig.training_step", lang), text("fig.reach_axis", lang), height=380
    )
