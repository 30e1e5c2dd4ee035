"""A watched run in a notebook: the app's own figures by name, and a summary table.

The figures are the app's functions (explorer.figures) called on the probe's History,
so a chart in a notebook is the chart the app draws for the same numbers.

>>> from explorer.engine.history import History
>>> figure(History(), "bogus")
Traceback (most recent call last):
...
ValueError: unknown figure 'bogus'; known: clipping, heatmap, loss, params, profile, spectrum
"""

from __future__ import annotations

import math
import statistics
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from explorer.engine.history import History
from explorer.engine.probes import gradient_horizon
from explorer.figures.gradients import (
    clipping_figure,
    heatmap_figure,
    param_norms_figure,
    spectrum_figure,
    timestep_profile_figure,
)
from explorer.figures.training import loss_figure

FIGURES = ("clipping", "heatmap", "loss", "params", "profile", "spectrum")


def figure(
    history: History,
    name: str,
    layer: int = -1,
    kind: str = "dh",
    threshold: float | None = None,
    lang: str = "en",
) -> go.Figure:
    """One of FIGURES. layer and kind ("dh", or "dc" for an LSTM's cells) pick the profile
    and heatmap's data; threshold draws a clip_grad_norm_ threshold on "clipping" (without
    it, the median clipped norm of the clipped steps stands for it)."""
    if name not in FIGURES:
        raise ValueError(f"unknown figure {name!r}; known: {', '.join(FIGURES)}")
    if kind not in ("dh", "dc"):
        raise ValueError(f"unknown kind {kind!r}; known: dh, dc (LSTM)")
    if name == "profile":
        return timestep_profile_figure(history, layer, kind, lang)
    if name == "heatmap":
        return heatmap_figure(history, layer, kind, lang=lang)
    if name == "params":
        return param_norms_figure(history, lang)
    if name == "spectrum":
        return spectrum_figure(history, lang)
    if name == "loss":
        return loss_figure(history, log_y=True, lang=lang)
    mode, threshold = _clipping(history, threshold)
    return clipping_figure(history, mode, threshold, lang)


def _clipping(history: History, threshold: float | None) -> tuple[str, float]:
    """(mode, threshold) for clipping_figure: the caller's threshold, or one read off the
    steps that were clipped (clip_grad_norm_ leaves their norm at the threshold)."""
    if threshold is not None:
        return "norm", float(threshold)
    clipped = [r.grad_norm_clipped for r in history.steps if r.clipped]
    if clipped:
        return "norm", statistics.median(clipped)
    return "off", 0.0


def summary(history: History) -> pd.DataFrame:
    """One row per layer (0 = the layer nearest the input), from the latest probe: the
    first and last timestep's ||dL/dh_t||, their ratio (how much of the gradient reaches
    the start), that layer's horizon, the same for ||dL/dc_t|| (LSTM), and the latest
    spectral radius and sigma_max of the layer's recurrent block."""
    if not history.probes:
        return pd.DataFrame(columns=["layer", "probes"])
    last, rows = history.probes[-1], []
    spectra = history.spectra[-1] if history.spectra else None
    for layer, dh in enumerate(last.dh):
        row: dict[str, Any] = {
            "layer": layer,
            "probes": len(history.probes),
            "first_step": history.probes[0].step,
            "last_step": last.step,
            "T": int(np.isfinite(dh).sum()),
            **_profile("dh", dh),
        }
        if last.dc is not None:
            row.update(_profile("dc", last.dc[layer]))
        row["spectral_radius"] = spectra.spectral_radius[layer] if spectra else math.nan
        row["sigma_max"] = spectra.sigma_max[layer] if spectra else math.nan
        rows.append(row)
    return pd.DataFrame(rows)


def _profile(kind: str, norms: np.ndarray) -> dict[str, float | int | None]:
    """||d_0||, ||d_{T-1}||, their ratio and the horizon of one (T,) profile."""
    norms = norms[np.isfinite(norms)]  # a padded profile's tail
    first, last = float(norms[0]), float(norms[-1])
    return {
        f"{kind}_first": first,
        f"{kind}_last": last,
        f"{kind}_ratio": first / last if last > 0 else math.nan,
        f"{kind}_horizon": gradient_horizon(norms),
    }


def summary_json(history: History) -> dict[str, Any]:
    """summary.json's headline numbers: the run's size and the summary table's rows."""
    steps = history.steps
    return {
        "source": "watch",
        "steps": len(steps),
        "probes": len(history.probes),
        "final_loss": steps[-1].loss if steps else None,
        "final_val_loss": history.final_val_loss(),
        "final_grad_norm": steps[-1].grad_norm if steps else None,
        "clipped_fraction": history.clipped_fraction(),
        "layers": summary(history).to_dict(orient="records"),
    }
