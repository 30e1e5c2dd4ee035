"""A History back from a run folder's arrays: metrics.csv's columns, gradflow.npz and
hidden.npz, as numpy. No torch or pandas here: explorer.runs.bundle reads a folder it must
validate (an upload), explorer.runs.examples the recorded examples the pages open on, and
both rebuild the History with the same function, so either draws like a live run."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from explorer.engine.history import HiddenRecord, History, StepRecord
from explorer.engine.records import ProbeRecord, SpectrumRecord
from explorer.runs.readers import BundleError


def history_from(
    metrics: Mapping[str, np.ndarray],
    gradflow: Mapping[str, np.ndarray],
    hidden: Mapping[str, np.ndarray],
    layers: int,
    hidden_every: int = 1,
) -> History:
    """StepRecords from metrics.csv's columns (name -> (N,) array; val_loss NaN where not
    evaluated), validation from its val_loss column, ProbeRecords and SpectrumRecords from
    gradflow.npz, HiddenRecords from hidden.npz. Raises BundleError when the arrays
    disagree in length (a hand-edited or damaged folder)."""
    m = {name: np.asarray(values) for name, values in metrics.items()}
    n = len(m["step"])
    accuracy = m.get("accuracy", np.full(n, np.nan))
    steps = [
        StepRecord(int(s), float(loss), float(g), float(gc), bool(c), float(sec), _optional(a))
        for s, loss, g, gc, c, sec, a in zip(
            m["step"],
            m["loss"],
            m["grad_norm"],
            m["grad_norm_clipped"],
            m["clipped"],
            m["seconds"],
            accuracy,
            strict=True,
        )
    ]
    evaluated = ~np.isnan(m["val_loss"].astype(float))
    val_accuracy = m["val_accuracy"][evaluated] if "val_accuracy" in m else []
    history = History(
        steps=steps,
        val_steps=[int(s) for s in m["step"][evaluated]],
        val_losses=[float(v) for v in m["val_loss"][evaluated]],
        hidden_every=hidden_every,
        val_accuracies=[float(v) for v in val_accuracy if math.isfinite(v)],
    )
    try:
        history.probes = _probe_records(gradflow, layers)
        g = gradflow
        history.spectra = [
            SpectrumRecord(int(s), tuple(map(float, radius)), tuple(map(float, sigma)))
            for s, radius, sigma in zip(
                g["spectrum_steps"], g["spectral_radius"], g["sigma_max"], strict=True
            )
        ]
        history.hidden = [
            HiddenRecord(int(s), np.asarray(states))
            for s, states in zip(hidden["steps"], hidden["states"], strict=True)
        ]
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise BundleError(f"gradflow.npz or hidden.npz: inconsistent arrays ({exc})") from None
    return history


def _probe_records(g: Mapping[str, np.ndarray], layers: int) -> list[ProbeRecord]:
    # Older folders hold only the top layer, as "dh"/"dc".
    dh = [g.get(f"dh_l{k}", g["dh"] if k == layers - 1 else None) for k in range(layers)]
    dh = [d for d in dh if d is not None]
    dc_keys = [f"dc_l{k}" for k in range(layers)]
    dc = [g[k] for k in dc_keys] if all(k in g for k in dc_keys) else None
    full_keys = [f"dh_full_l{k}" for k in range(layers)]
    full = [g[k] for k in full_keys] if all(k in g for k in full_keys) else None
    names = [str(n) for n in g["param_names"]]
    records = []
    for i, step in enumerate(g["steps"]):
        records.append(
            ProbeRecord(
                step=int(step),
                dh=tuple(np.asarray(d[i], dtype=np.float64) for d in dh),
                dc=tuple(np.asarray(d[i], dtype=np.float64) for d in dc) if dc else None,
                param_norms={n: float(v) for n, v in zip(names, g["param_norms"][i], strict=True)},
                horizon=None if int(g["horizon"][i]) < 0 else int(g["horizon"][i]),
                dh_full=_full_row(full, i),
            )
        )
    return records


def _optional(value: Any) -> float | None:
    """A CSV cell that may be empty (NaN once read): None when it is."""
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def _full_row(full: list[np.ndarray] | None, i: int) -> tuple[np.ndarray, ...] | None:
    """Probe i's full-BPTT reference per layer; None where it was not measured (NaN)."""
    if full is None or not np.isfinite(full[0][i]).all():
        return None
    return tuple(np.asarray(d[i], dtype=np.float64) for d in full)
