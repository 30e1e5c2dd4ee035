"""The hidden states' trajectories in their first principal components."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from explorer.figures.style import (
    empty,
    style,
)
from explorer.i18n import text

if TYPE_CHECKING:
    from explorer.engine.pca import PCAResult


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
