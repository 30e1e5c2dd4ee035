"""Pure functions: a sweep's results table (explorer.runs.table.results_table: a row per
variant, a column per varied knob, final_val_loss) -> plotly Figures that stay readable
for hundreds of variants, where a line or a panel per run would not.

A knob whose values span more than a factor of 30 (a learning rate) is drawn on a log
scale: that is how such knobs are searched, and on a linear axis the small values pile up
at zero. A choice knob (cell) becomes a categorical axis. Variants without a final
validation loss (failed, cancelled before a step) are left out of the charts, not drawn
at zero.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from explorer.figures.style import empty, style
from explorer.i18n import text

LOG_SPAN = 30.0  # a positive knob whose max/min exceeds this is drawn on a log scale
LOSS = "final_val_loss"


def finished(table: pd.DataFrame) -> pd.DataFrame:
    """The rows with a finite final validation loss."""
    values = pd.to_numeric(table[LOSS], errors="coerce")
    return table[np.isfinite(values.to_numpy(dtype=float))]


def is_log(values: pd.Series) -> bool:
    """A numeric knob spread over more than LOG_SPAN, all positive."""
    if not pd.api.types.is_numeric_dtype(values):
        return False
    lo, hi = float(values.min()), float(values.max())
    return lo > 0 and hi / lo > LOG_SPAN


def _dimension(values: pd.Series, label: str) -> dict:
    """One parallel-coordinates axis: log10 for a log knob (ticks at decades, labelled
    with the values), category numbers for a choice knob."""
    if not pd.api.types.is_numeric_dtype(values):
        categories = sorted(values.astype(str).unique())
        codes = values.astype(str).map({c: i for i, c in enumerate(categories)})
        return {
            "label": label,
            "values": codes.to_numpy(dtype=float),
            "tickvals": list(range(len(categories))),
            "ticktext": categories,
        }
    if is_log(values):
        logs = np.log10(values.to_numpy(dtype=float))
        decades = list(range(math.floor(logs.min()), math.ceil(logs.max()) + 1))
        return {
            "label": label,
            "values": logs,
            "tickvals": decades,
            "ticktext": [f"{10.0**d:g}" for d in decades],
        }
    return {"label": label, "values": values.to_numpy(dtype=float)}


def parallel_figure(table: pd.DataFrame, knobs: list[str], lang: str = "en") -> go.Figure:
    """Every variant a line across the knobs' axes to its final validation loss (log10),
    coloured by that loss: the good region of the search shows as a bundle."""
    title = text("fig.sweep_parallel", lang)
    rows = finished(table)
    if rows.empty or not knobs:
        return empty(title, text("fig.cmp_empty", lang))
    loss = rows[LOSS].to_numpy(dtype=float)
    dims = [_dimension(rows[k], text(f"label.{k}", lang)) for k in knobs]
    floor = np.maximum(loss, 1e-12)  # a loss of exactly 0 has no logarithm
    dims.append({"label": f"log10 {text('fig.val_loss', lang)}", "values": np.log10(floor)})
    fig = go.Figure(
        go.Parcoords(
            line={
                "color": np.log10(floor),
                "colorscale": "Viridis",
                "reversescale": True,  # bright = low loss = good
                "showscale": True,
                "colorbar": {"title": {"text": "log10"}},
            },
            dimensions=dims,
        )
    )
    style(fig, title, "", "", height=420)
    fig.layout.margin = {"l": 60, "r": 40, "t": 90, "b": 40}
    return fig


def knob_scatter_figure(
    table: pd.DataFrame, x: str, colour: str | None, lang: str = "en"
) -> go.Figure:
    """Final validation loss (log) against one knob, coloured by another: whether a
    knob matters, and whether it matters differently for each value of the other."""
    title = text("fig.sweep_scatter", lang, knob=text(f"label.{x}", lang))
    rows = finished(table)
    if rows.empty:
        return empty(title, text("fig.cmp_empty", lang))
    fig = go.Figure()
    if colour is not None and not pd.api.types.is_numeric_dtype(rows[colour]):
        for value, group in rows.groupby(rows[colour].astype(str)):
            fig.add_scatter(
                x=group[x],
                y=group[LOSS],
                mode="markers",
                name=f"{colour}={value}",
                text=group["variant"],
                hovertemplate="%{text}<br>%{y:.4g}<extra></extra>",
            )
    else:
        marker: dict = {"size": 8}
        if colour is not None:
            values = rows[colour].to_numpy(dtype=float)
            marker |= {
                "color": np.log10(values) if is_log(rows[colour]) else values,
                "colorscale": "Viridis",
                "showscale": True,
                "colorbar": {"title": {"text": colour}},
            }
        fig.add_scatter(
            x=rows[x],
            y=rows[LOSS],
            mode="markers",
            marker=marker,
            showlegend=False,
            text=rows["variant"],
            hovertemplate="%{text}<br>%{y:.4g}<extra></extra>",
        )
    style(fig, title, text(f"label.{x}", lang), text("fig.val_loss", lang), height=420)
    fig.layout.yaxis.type = "log"
    if is_log(rows[x]):
        fig.layout.xaxis.type = "log"
    return fig


def best_entries(entries: list, table: pd.DataFrame, count: int = 10) -> list:
    """The `count` entries with the lowest final validation loss, best first (the
    table's rows are the entries', in order)."""
    loss = pd.to_numeric(table[LOSS], errors="coerce").to_numpy(dtype=float)
    order = [int(i) for i in np.argsort(np.where(np.isfinite(loss), loss, np.inf))]
    return [entries[i] for i in order[:count] if np.isfinite(loss[i])]
