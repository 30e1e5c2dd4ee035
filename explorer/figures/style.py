"""The look every chart shares, and the helpers that keep a live chart cheap and steady:
thinning, log floors, round-number axes, lines and bands placed without plotly's slow
paths."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

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
