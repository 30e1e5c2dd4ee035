"""Pure functions: a run's history (or an analysis result) -> a plotly Figure.

They copy nothing they do not draw: long histories are thinned to a few hundred points
per trace and heatmaps to a few hundred rows, so one live poll stays in tens of
milliseconds and tens of kilobytes (GUIDE §6).
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from explorer.engine.analysis import PCAResult, Predictions
from explorer.engine.history import History
from explorer.i18n import text

MAX_POINTS = 600  # per line trace
MAX_ROWS = 240  # per heatmap
FLOOR = 1e-30  # log plots: float32 gradients underflow to exactly 0 far back in time
HEATMAP_FLOOR = -20.0  # log10: colours saturate here, so underflow does not flatten the rest
COLORS = {
    "train": "#1f77b4",
    "val": "#ff7f0e",
    "truth": "#444444",
    "one_step": "#1f77b4",
    "free": "#d62728",
    "before": "#9467bd",
    "after": "#2ca02c",
}
PALETTE = [
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
]

# Every figure of the app is drawn in plotly_white. As the default template it is set on
# each new figure without validation; named in update_layout it was validated and deep
# copied each time (~8 ms a figure: two thirds of a busy server's time, in the load bench).
pio.templates.default = "plotly_white"


def thin(n: int, max_points: int = MAX_POINTS) -> np.ndarray:
    """Indices of at most max_points of n items, evenly spread, always keeping the last.

    >>> thin(10, 4).tolist()
    [0, 3, 6, 9]
    """
    if n <= max_points:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, max_points).round().astype(int))


def floored(values: np.ndarray) -> np.ndarray:
    """Values for a log axis: zeros (underflow) drawn at FLOOR, non-finite left as gaps."""
    v = np.asarray(values, dtype=float)
    return np.where(np.isfinite(v), np.maximum(v, FLOOR), np.nan)


def style(
    fig: go.Figure, title: str, x: str, y: str, height: int = 380, font_size: int = 14
) -> go.Figure:
    """The look every chart shares. The whole-part settings replace what was there (plotly
    merges nested updates key by key, 3-4x slower: a live page redraws several charts
    4 times a second), so call it before any figure-specific layout."""
    fig.layout.update(
        {
            "title": {"text": title, "x": 0.0, "xanchor": "left"},
            "height": height,
            "font": {"size": font_size},
            "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
            "legend": {
                "orientation": "h",
                "yanchor": "bottom",
                "y": 1.0,
                "xanchor": "right",
                "x": 1,
            },
            "uirevision": "keep",  # keep the user's zoom while live data streams in
        },
        overwrite=True,
    )
    fig.layout.xaxis.title = {"text": x}  # (assigning .title.text costs 10x: callbacks)
    fig.layout.yaxis.title = {"text": y}
    return fig


# Round numbers an axis may end on: a range snapped to them moves only when the data
# passes the next one, not at every redraw of a live chart.
_LADDER = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def _rungs(value: float) -> list[float]:
    """The ladder's values in value's decade (value > 0)."""
    power = 10.0 ** math.floor(math.log10(value))
    if power * 10 <= value:  # log10 rounds near a power of ten
        power *= 10
    elif power > value:
        power /= 10
    return [m * power for m in _LADDER]


def _tidy(rung: float, keep) -> float:
    """A rung with float noise removed (3 x 0.1 is 0.30000000000000004), if that keeps it
    on the right side of the value."""
    tidy = float(f"{rung:.12g}")
    return tidy if keep(tidy) else rung


def snap_up(value: float) -> float:
    """The smallest m x 10^k (m on the ladder) at or above value; -snap_down(-value) below
    zero."""
    if value <= 0:
        return -snap_down(-value) if value < 0 else 0.0
    rung = min(r for r in _rungs(value) if r >= value)
    return _tidy(rung, lambda v: v >= value)


def snap_down(value: float) -> float:
    """The largest m x 10^k (m on the ladder) at or below value; -snap_up(-value) below
    zero."""
    if value <= 0:
        return -snap_up(-value) if value < 0 else 0.0
    rung = max(r for r in _rungs(value) if r <= value)
    return _tidy(rung, lambda v: v <= value)


def steady_range(lo: float, hi: float, log: bool = False) -> tuple[float, float]:
    """An axis range around [lo, hi] that a live chart keeps for many redraws: whole decades
    on a log axis (plotly wants log10 units there), ladder values on a linear one, from 0
    when the data starts near it."""
    if log:  # a little headroom, as plotly's own autorange leaves
        return float(math.floor(math.log10(lo / 1.05))), float(math.ceil(math.log10(hi * 1.05)))
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    pad = 0.02 * (hi - lo)  # plotly's own autorange leaves a margin too
    top = snap_up(hi + pad)
    bottom = 0.0 if 0 <= lo <= 0.25 * hi else snap_down(lo - pad)
    return bottom, top


def _axis_values(fig: go.Figure, axis: str, letter: str) -> np.ndarray:
    """Every finite number the figure draws on one axis: its traces' data and the lines
    placed at data coordinates (a baseline, a threshold)."""
    ref = axis.replace("axis", "")  # "xaxis2" -> "x2"
    parts = []
    for trace in fig.data:
        if trace.type not in ("scatter", "scattergl", "bar") or getattr(
            trace, f"{letter}axis", letter
        ) not in (ref, None):
            continue
        values = getattr(trace, letter, None)
        if values is not None:
            parts.append(np.asarray(values, dtype=float).ravel())
    for shape in fig.layout.shapes:
        if getattr(shape, f"{letter}ref") == ref:
            parts.append(
                np.array([getattr(shape, f"{letter}0"), getattr(shape, f"{letter}1")], dtype=float)
            )
    if not parts:
        return np.array([])
    values = np.concatenate(parts)
    return values[np.isfinite(values)]


def steady_axes(fig: go.Figure, x_cap: float | None = None) -> go.Figure:
    """Give every numeric cartesian axis without a range of its own a steady one (see
    steady_range): plotly's autorange follows each redraw's extremes, so a live chart's
    axes jumped four times a second. x_cap: where a training-step axis may end at most
    (the run's last step), so a finished run fills its chart."""
    for axis in [k for k in fig.layout if k.startswith(("xaxis", "yaxis"))] or ["xaxis", "yaxis"]:
        layout_axis = fig.layout[axis]
        if layout_axis.range is not None or layout_axis.type in (
            "category",
            "date",
            "multicategory",
        ):
            continue
        if layout_axis.visible is False:
            continue
        values = _axis_values(fig, axis, axis[0])
        log = layout_axis.type == "log"
        if log:
            values = values[values > 0]
        if len(values) == 0:
            continue
        lo, hi = float(values.min()), float(values.max())
        bottom, top = steady_range(lo, hi, log)
        if x_cap is not None and axis.startswith("xaxis") and not log and hi <= x_cap < top:
            top = x_cap
        layout_axis.range = (bottom, top)
    return fig


def empty(title: str, note: str | None = None, height: int = 380) -> go.Figure:
    note = text("fig.empty") if note is None else note
    fig = go.Figure()
    fig.add_annotation(
        text=note,
        showarrow=False,
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        font={"size": 15, "color": "#888"},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return style(fig, title, "", "", height)


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


def baseline_line(fig: go.Figure, y: float, label: str, position: str) -> None:
    hline(fig, y, {"dash": "dash", "color": "#888"}, label, position)


# Plotly's add_hline/add_vline/add_vrect walk every subplot's axes (~8 ms a call, a tenth
# of a live redraw); these place the same shape and label in a fraction of that.
_HLINE_LABEL = {  # annotation position -> (x in the axis domain, xanchor, yanchor)
    "top right": (1, "right", "bottom"),
    "top left": (0, "left", "bottom"),
    "bottom right": (1, "right", "top"),
    "bottom left": (0, "left", "top"),
}
_VLINE_LABEL = {  # annotation position -> (xanchor, y in the axis domain, yanchor)
    "top left": ("right", 1, "top"),
    "top right": ("left", 1, "top"),
    "bottom left": ("right", 0, "bottom"),
    "bottom right": ("left", 0, "bottom"),
}


def hline(
    fig: go.Figure, y: float, line: dict, label: str | None = None, position: str = "top right"
) -> None:
    """A horizontal line across the plot at y, as fig.add_hline draws it."""
    fig.add_shape(type="line", xref="x domain", x0=0, x1=1, yref="y", y0=y, y1=y, line=line)
    if label is not None:
        x, xanchor, yanchor = _HLINE_LABEL[position]
        fig.add_annotation(
            text=label,
            xref="x domain",
            x=x,
            yref="y",
            y=y,
            showarrow=False,
            xanchor=xanchor,
            yanchor=yanchor,
        )


def vline(
    fig: go.Figure, x: float, line: dict, label: str | None = None, position: str = "top left"
) -> None:
    """A vertical line through the plot at x, as fig.add_vline draws it."""
    fig.add_shape(type="line", xref="x", x0=x, x1=x, yref="y domain", y0=0, y1=1, line=line)
    if label is not None:
        xanchor, y, yanchor = _VLINE_LABEL[position]
        fig.add_annotation(
            text=label,
            xref="x",
            x=x,
            yref="y domain",
            y=y,
            showarrow=False,
            xanchor=xanchor,
            yanchor=yanchor,
        )


def vrect(fig: go.Figure, x0: float, x1: float, label: str, fill: str = "#bbb") -> None:
    """A faint band from x0 to x1, labelled inside its top left corner (fig.add_vrect)."""
    fig.add_shape(
        type="rect",
        xref="x",
        x0=x0,
        x1=x1,
        yref="y domain",
        y0=0,
        y1=1,
        fillcolor=fill,
        opacity=0.2,
        line_width=0,
        layer="below",
    )
    fig.add_annotation(
        text=label,
        xref="x",
        x=min(x0, x1),
        yref="y domain",
        y=1,
        showarrow=False,
        xanchor="left",
        yanchor="top",
    )


def log_axis_labels(fig: go.Figure) -> go.Figure:
    """Make the y axis logarithmic and move hline's labels to match: annotations on a
    log axis are placed by log10(y), so a line at 5 had its label (and the autorange) at
    1e5."""
    fig.update_yaxes(type="log")
    for note in fig.layout.annotations:
        if note.yref == "y" and note.y is not None and note.y > 0:
            note.y = math.log10(note.y)
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


# -- gradient flow -----------------------------------------------------------------------
def _grad_matrix(history: History, layer: int, kind: str):
    if kind == "dc":
        return history.dc_matrix(layer)
    return history.dh_matrix(layer)


def timestep_profile_figure(
    history: History, layer: int = -1, kind: str = "dh", lang: str = "en"
) -> go.Figure:
    """||dL/dh_t|| (or ||dL/dc_t||) against t for the latest probe, the first probe faint
    behind it, and the gradient horizon marked."""
    symbol = "h" if kind == "dh" else "c"
    title = text("fig.profile", lang, symbol=symbol)
    data = _grad_matrix(history, layer, kind)
    if data is None or len(data[0]) == 0:
        return empty(title, text("fig.empty", lang))
    steps, norms = data
    t = np.arange(norms.shape[1])
    fig = go.Figure()
    if len(steps) > 1:
        fig.add_scatter(
            x=t,
            y=floored(norms[0]),
            name=text("fig.step_n", lang, step=steps[0]),
            mode="lines",
            line={"color": "#bbb", "width": 2},
        )
    fig.add_scatter(
        x=t,
        y=floored(norms[-1]),
        name=text("fig.step_latest", lang, step=steps[-1]),
        mode="lines+markers",
        line={"color": COLORS["train"], "width": 3},
        marker={"size": 5},
    )
    horizon = history.probes[-1].horizon if kind == "dh" else None
    if horizon is not None:
        vline(
            fig,
            horizon,
            {"dash": "dash", "color": COLORS["free"]},
            text("fig.horizon", lang, t=horizon),
            # the label on the side with room, inside the plot (it was cut at t=0)
            "top right" if horizon < len(t) / 2 else "top left",
        )
    style(fig, title, text("fig.timestep_loss_right", lang), text("fig.norm_log", lang))
    fig.update_yaxes(type="log", exponentformat="power")
    fig.update_xaxes(range=[-0.5, len(t) - 0.5])  # the timesteps, whatever the labels
    return fig


def heatmap_figure(
    history: History,
    layer: int = -1,
    kind: str = "dh",
    zrange: tuple[float, float] | None = None,
    lang: str = "en",
) -> go.Figure:
    """log10 ||dL/dh_t|| over (training step, timestep): vanishing shows as a dark left
    edge, exploding as a bright one."""
    symbol = "h" if kind == "dh" else "c"
    title = text("fig.heatmap", lang, symbol=symbol)
    data = _grad_matrix(history, layer, kind)
    if data is None or len(data[0]) == 0:
        return empty(title, text("fig.empty", lang))
    steps, norms = data
    rows = thin(len(steps), MAX_ROWS)
    z = np.log10(floored(norms[rows]))
    if zrange is None and np.isfinite(z).any():  # exact zeros (underflow) would stretch it
        zrange = (max(float(np.nanmin(z)), HEATMAP_FLOOR), float(np.nanmax(z)))
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=np.arange(norms.shape[1]),
            y=steps[rows],
            colorscale="Viridis",
            zmin=zrange[0] if zrange else None,
            zmax=zrange[1] if zrange else None,
            colorbar={"title": {"text": "log10"}},
            hovertemplate="t=%{x}<br>step %{y}<br>log10 norm %{z:.2f}<extra></extra>",
        )
    )
    return style(fig, title, text("fig.timestep", lang), text("fig.training_step", lang))


def param_norms_figure(history: History, lang: str = "en") -> go.Figure:
    title = text("fig.params", lang)
    if not history.probes:
        return empty(title, text("fig.empty", lang))
    idx = thin(len(history.probes))
    steps = [history.probes[i].step for i in idx]
    fig = go.Figure()
    for n, name in enumerate(history.probes[0].param_norms):
        values = [history.probes[i].param_norms[name] for i in idx]
        fig.add_scatter(
            x=steps,
            y=floored(values),
            name=short_name(name),
            mode="lines",
            line={"color": PALETTE[n % len(PALETTE)]},
        )
    style(fig, title, text("fig.training_step", lang), text("fig.params_axis", lang))
    fig.update_yaxes(type="log", exponentformat="power")
    return fig


def short_name(name: str) -> str:
    """core.weight_hh_l0 -> W_hh l0, head.bias -> b_y: legends that fit beside a chart.

    >>> short_name("core.weight_hh_l1"), short_name("head.weight")
    ('W_hh l1', 'W_hy')
    """
    if name.startswith("head."):
        return "W_hy" if name.endswith("weight") else "b_y"
    kind, _, layer = name.removeprefix("core.").rpartition("_")
    symbol = {"weight_ih": "W_ih", "weight_hh": "W_hh", "bias_ih": "b_ih", "bias_hh": "b_hh"}
    return f"{symbol.get(kind, kind)} {layer}"


def clipping_figure(history: History, mode: str, threshold: float, lang: str = "en") -> go.Figure:
    title = text("fig.clipping", lang)
    if not history.steps:
        return empty(title, text("fig.empty", lang))
    idx = thin(len(history.steps))
    steps = [history.steps[i].step for i in idx]
    fig = go.Figure()
    fig.add_scatter(
        x=steps,
        y=floored([history.steps[i].grad_norm for i in idx]),
        name=text("fig.before_clip", lang),
        mode="lines",
        line={"color": COLORS["before"], "width": 1.5},
    )
    fig.add_scatter(
        x=steps,
        y=floored([history.steps[i].grad_norm_clipped for i in idx]),
        name=text("fig.after_clip", lang),
        mode="lines",
        line={"color": COLORS["after"], "width": 1.5},
    )
    if mode == "norm":
        hline(
            fig,
            threshold,
            {"dash": "dash", "color": "#d62728"},
            text("fig.threshold", lang, value=f"{threshold:g}"),
        )
    fraction = history.clipped_fraction()
    note = {
        "off": text("fig.clip_off", lang),
        "norm": text("fig.clip_norm", lang, fraction=f"{fraction:.0%}"),
        "value": text("fig.clip_value", lang, value=f"{threshold:g}", fraction=f"{fraction:.0%}"),
    }[mode]
    style(fig, f"{title} — {note}", text("fig.training_step", lang), "‖g‖ (log)")
    fig.update_yaxes(exponentformat="power")
    return log_axis_labels(fig)


def spectrum_figure(history: History, lang: str = "en") -> go.Figure:
    title = text("fig.spectrum", lang)
    if not history.spectra:
        return empty(title, text("fig.empty", lang))
    steps = [s.step for s in history.spectra]
    fig = go.Figure()
    layers = len(history.spectra[0].spectral_radius)
    for layer in range(layers):
        color = PALETTE[layer % len(PALETTE)]
        fig.add_scatter(
            x=steps,
            y=[s.spectral_radius[layer] for s in history.spectra],
            name=text("fig.rho_layer", lang, layer=layer),
            mode="lines",
            line={"color": color},
        )
        fig.add_scatter(
            x=steps,
            y=[s.sigma_max[layer] for s in history.spectra],
            name=text("fig.sigma_layer", lang, layer=layer),
            mode="lines",
            line={"color": color, "dash": "dot"},
        )
    hline(fig, 1.0, {"dash": "dash", "color": "#888"}, text("fig.edge", lang), "bottom right")
    return style(fig, title, text("fig.training_step", lang), text("fig.value", lang))


# -- hidden states and Jacobians ------------------------------------------------------------
def pca_figure(pca: PCAResult | None, dims: int = 2, lang: str = "en") -> go.Figure:
    title = text("fig.pca", lang)
    if pca is None or pca.coords.size == 0:
        return empty(title, text("fig.empty", lang))
    k = pca.coords.shape[-1]
    dims = min(dims, k)
    P, T = pca.coords.shape[:2]
    t = np.arange(T)
    fig = go.Figure()
    for p in range(P):
        xyz = pca.coords[p]
        common = {
            "name": text("fig.sequence", lang, n=p),
            "showlegend": False,
            "line": {"color": "rgba(120,120,120,0.5)", "width": 2},
            "marker": {
                "color": t,
                "colorscale": "Plasma",
                "size": 5,
                "colorbar": {"title": {"text": "t"}} if p == 0 else None,
                "showscale": p == 0,
            },
            "mode": "lines+markers",
            "text": [f"t={i}" for i in t],
        }
        if dims == 3:
            fig.add_scatter3d(x=xyz[:, 0], y=xyz[:, 1], z=xyz[:, 2], **common)
        elif dims == 2:
            fig.add_scatter(x=xyz[:, 0], y=xyz[:, 1], **common)
        else:
            fig.add_scatter(x=t, y=xyz[:, 0], **common)
    ev = ", ".join(f"PC{i + 1} {r:.0%}" for i, r in enumerate(pca.explained[:dims]))
    full = text("fig.pca_full", lang, title=title, step=pca.step, explained=ev)
    if dims == 3:
        style(fig, full, "", "", height=520)
        fig.update_layout(scene={"xaxis_title": "PC1", "yaxis_title": "PC2", "zaxis_title": "PC3"})
        return fig
    if dims == 2:
        return style(fig, full, "PC1", "PC2", height=480)
    return style(fig, full, text("fig.timestep", lang), "PC1", height=480)


def jacobian_figure(
    norms: np.ndarray, dh_ratio: np.ndarray | None = None, lang: str = "en"
) -> go.Figure:
    """Each step's ‖∂h_t/∂h_{t-1}‖ and their running product back from the last step:
    the bound on how much gradient survives the trip from T back to t."""
    title = text("fig.jacobian", lang)
    if norms is None or len(norms) == 0:
        return empty(title, text("fig.empty", lang))
    t = np.arange(1, len(norms) + 1)
    product = np.cumprod(norms[::-1])[::-1]  # prod_{k=t}^{T-1} ||J_k||
    fig = go.Figure()
    fig.add_bar(x=t, y=norms, name="‖∂h_t/∂h_{t−1}‖₂", marker={"color": COLORS["train"]})
    fig.add_scatter(
        x=t - 1,
        y=floored(product),
        name=text("fig.product", lang),
        mode="lines",
        line={"color": COLORS["free"], "width": 3},
        yaxis="y2",
    )
    if dh_ratio is not None:
        fig.add_scatter(
            x=np.arange(len(dh_ratio)),
            y=floored(dh_ratio),
            name=text("fig.measured", lang),
            mode="lines",
            line={"color": COLORS["after"], "width": 2, "dash": "dot"},
            yaxis="y2",
        )
    style(fig, title, text("fig.timestep", lang), "‖J_t‖")
    fig.update_layout(
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "type": "log",
            "exponentformat": "power",
            "title": text("fig.product_axis", lang),
            "tickmode": "auto",
            "showgrid": False,
        },
        margin={"r": 70},
    )
    return fig
