"""Gradient-flow charts: ||dL/dh_t|| over timesteps and over training, per-parameter
norms, clipping, and the recurrent weights' spectrum."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explorer.engine.history import History
from explorer.figures.style import (
    COLORS,
    HEATMAP_FLOOR,
    MAX_ROWS,
    PALETTE,
    empty,
    floored,
    hline,
    log_axis_labels,
    style,
    thin,
    vline,
)
from explorer.i18n import text


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
        # a run the app did not train (explorer.watch): what was seen, threshold unknown
        "seen": text("fig.clip_seen", lang, fraction=f"{fraction:.0%}"),
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
