"""Pure functions: a run's history (or an analysis result) -> a plotly Figure, by chart
type (training, gradients, hidden, learn; compare and tasks for several runs and for
the tasks' own views), in one style (style.py).

They copy nothing they do not draw: long histories are thinned to a few hundred points
per trace and heatmaps to a few hundred rows, so one live poll stays in tens of
milliseconds and tens of kilobytes (GUIDE section 6).
"""

from __future__ import annotations

from explorer.figures.gradients import (
    clipping_figure,
    heatmap_figure,
    param_norms_figure,
    short_name,
    spectrum_figure,
    timestep_profile_figure,
)
from explorer.figures.hidden import pca_figure
from explorer.figures.learn import jacobian_figure
from explorer.figures.style import (
    COLORS,
    FLOOR,
    HEATMAP_FLOOR,
    MAX_POINTS,
    MAX_ROWS,
    PALETTE,
    baseline_line,
    empty,
    floored,
    hline,
    log_axis_labels,
    snap_down,
    snap_up,
    steady_axes,
    steady_range,
    style,
    thin,
    vline,
    vrect,
)
from explorer.figures.training import loss_figure, prediction_figure, train_val_figure

__all__ = [
    "COLORS",
    "FLOOR",
    "HEATMAP_FLOOR",
    "MAX_POINTS",
    "MAX_ROWS",
    "PALETTE",
    "baseline_line",
    "clipping_figure",
    "empty",
    "floored",
    "heatmap_figure",
    "hline",
    "jacobian_figure",
    "log_axis_labels",
    "loss_figure",
    "param_norms_figure",
    "pca_figure",
    "prediction_figure",
    "short_name",
    "snap_down",
    "snap_up",
    "spectrum_figure",
    "steady_axes",
    "steady_range",
    "style",
    "thin",
    "timestep_profile_figure",
    "train_val_figure",
    "vline",
    "vrect",
]
