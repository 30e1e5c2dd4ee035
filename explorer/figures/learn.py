"""The Learn page's chart: one-step Jacobian norms and their running product."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explorer.figures.style import (
    COLORS,
    empty,
    floored,
    style,
)
from explorer.i18n import text


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
